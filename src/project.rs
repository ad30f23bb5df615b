//! The project file, `briefgen.yaml`, found from the working folder upwards (as Cargo finds
//! `Cargo.toml`): where the data, templates and specs are, and what every spec inherits
//! (organisation, brand, paper, formats, the target, template style settings), with named
//! profiles (`--profile handout`) layered on top. A key in a spec wins over its profile,
//! which wins over the project. Values are checked here, against the file they are in.

use crate::diagnostic::{self, Diagnostic};
use serde::Deserialize;
use serde_yaml::Mapping;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = "briefgen.yaml";

/// The keys a spec can inherit, as written in the project file or a profile (and in a
/// spec, which reads the same keys).
#[derive(Debug, Default, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct Inherited {
    pub organisation: Option<String>,
    /// The nation or body the briefs advise; over `options.yaml`'s `target`.
    pub target: Option<String>,
    pub paper: Option<crate::spec::Paper>,
    pub formats: Option<Vec<crate::spec::Format>>,
    #[serde(rename = "pdf-standard")]
    pub pdf_standard: Option<crate::spec::PdfStandard>,
    pub brand: Option<crate::spec::RawBrand>,
    /// Free settings for templates (`style.urls`, `style.links`): the code reads none.
    pub style: Option<Mapping>,
}

impl Inherited {
    /// `over` on top of `self`; `brand` and `style` merge key by key.
    pub fn under(&self, over: &Inherited) -> Inherited {
        let brand = match (&self.brand, &over.brand) {
            (Some(b), Some(o)) => Some(crate::spec::RawBrand { colour: o.colour.clone().or(b.colour.clone()), accent: o.accent.clone().or(b.accent.clone()), logo: o.logo.clone().or(b.logo.clone()) }),
            (b, o) => o.clone().or(b.clone()),
        };
        let style = match (&self.style, &over.style) {
            (Some(b), Some(o)) => {
                let mut m = b.clone();
                for (k, v) in o {
                    m.insert(k.clone(), v.clone());
                }
                Some(m)
            }
            (b, o) => o.clone().or(b.clone()),
        };
        Inherited {
            organisation: over.organisation.clone().or(self.organisation.clone()),
            target: over.target.clone().or(self.target.clone()),
            paper: over.paper.or(self.paper),
            formats: over.formats.clone().or(self.formats.clone()),
            pdf_standard: over.pdf_standard.or(self.pdf_standard),
            brand,
            style,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    data: Option<PathBuf>,
    templates: Option<PathBuf>,
    briefs: Option<PathBuf>,
    out: Option<PathBuf>,
    // The keys of `Inherited`, spelt out: serde's `flatten` would lose error positions.
    organisation: Option<String>,
    target: Option<String>,
    paper: Option<crate::spec::Paper>,
    formats: Option<Vec<crate::spec::Format>>,
    #[serde(rename = "pdf-standard")]
    pdf_standard: Option<crate::spec::PdfStandard>,
    brand: Option<crate::spec::RawBrand>,
    style: Option<Mapping>,
    #[serde(default)]
    profiles: BTreeMap<String, Inherited>,
}

/// The project: its folders and what specs inherit.
#[derive(Debug, Clone)]
pub struct Project {
    /// The project file, if there is one.
    pub file: Option<PathBuf>,
    /// The project file's text (part of every brief's build key).
    pub text: String,
    pub data: PathBuf,
    /// None: the built-in templates alone.
    pub templates: Option<PathBuf>,
    pub briefs: PathBuf,
    pub out: PathBuf,
    pub profile: Option<String>,
    /// What specs inherit, profile over project, a logo path made absolute.
    pub inherited: Inherited,
}

/// The first `briefgen.yaml` in `from` or a folder above it.
pub fn find(from: &Path) -> Option<PathBuf> {
    from.ancestors().map(|d| d.join(FILE_NAME)).find(|f| f.is_file())
}

impl Project {
    /// The project around the working folder; without a project file, the folders
    /// `data`, `briefs` and (if present) `templates` of the working folder.
    pub fn discover(profile: Option<&str>) -> Result<Project, Vec<Diagnostic>> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        match find(&cwd) {
            Some(file) => Project::load(&file, profile),
            None => {
                if let Some(p) = profile {
                    return Err(vec![Diagnostic::new(format!("--profile {p}: there is no {FILE_NAME} here or in a folder above"))
                        .hint(format!("profiles are defined in {FILE_NAME} under `profiles:`; see README, \"Make it yours\""))]);
                }
                Ok(Project::plain())
            }
        }
    }

    /// No project file: `data`, `briefs`, `out` and (if present) `templates` of the working
    /// folder, nothing inherited.
    pub fn plain() -> Project {
        let templates = Path::new("templates");
        Project {
            file: None,
            text: String::new(),
            data: "data".into(),
            templates: templates.is_dir().then(|| templates.to_path_buf()),
            briefs: "briefs".into(),
            out: "out".into(),
            profile: None,
            inherited: Inherited::default(),
        }
    }

    pub fn load(file: &Path, profile: Option<&str>) -> Result<Project, Vec<Diagnostic>> {
        let text = diagnostic::read_text(file, "").map_err(|e| vec![e])?;
        let raw: Raw = if crate::data::is_blank_yaml(&text) {
            serde_yaml::from_str("{}").expect("empty mapping")
        } else {
            serde_yaml::from_str(&text).map_err(|e| vec![diagnostic::from_yaml(file, &text, &e)])?
        };
        let dir = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let abs = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
        let at = |p: &Option<PathBuf>, default: &str| abs.join(p.clone().unwrap_or_else(|| default.into()));
        let mut errors = Vec::new();
        let templates = match &raw.templates {
            Some(t) => {
                let t = abs.join(t);
                if !t.is_dir() {
                    errors.push(
                        Diagnostic::new(format!("templates folder `{}` not found", t.display()))
                            .in_file(file)
                            .locate(&text, None, "templates", &raw.templates.as_ref().unwrap().to_string_lossy())
                            .hint("create the folder, or leave `templates:` out to use the built-in templates"),
                    );
                }
                Some(t)
            }
            None => Some(abs.join("templates")).filter(|t| t.is_dir()),
        };
        // Brand values are checked in the file that holds them; a logo is found from it.
        let mut check = |d: &Inherited| -> Inherited {
            let mut d = d.clone();
            if let Some(brand) = &mut d.brand {
                crate::spec::check_brand(brand.clone(), file, &text, &mut errors);
                brand.logo = brand.logo.as_ref().map(|l| abs.join(l).to_string_lossy().into_owned());
            }
            d
        };
        let own = Inherited {
            organisation: raw.organisation.clone(),
            target: raw.target.clone(),
            paper: raw.paper,
            formats: raw.formats.clone(),
            pdf_standard: raw.pdf_standard,
            brand: raw.brand.clone(),
            style: raw.style.clone(),
        };
        let mut inherited = check(&own);
        if let Some(name) = profile {
            match raw.profiles.get(name) {
                Some(p) => inherited = inherited.under(&check(p)),
                None => {
                    let names: Vec<&str> = raw.profiles.keys().map(String::as_str).collect();
                    errors.push(
                        Diagnostic::new(format!("there is no profile `{name}` in {}", file.display()))
                            .in_file(file)
                            .hint(if names.is_empty() { "define it under `profiles:`".to_string() } else { diagnostic::suggest(name, names.iter().copied()) }),
                    );
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Project {
            file: Some(file.to_path_buf()),
            text,
            data: at(&raw.data, "data"),
            templates,
            briefs: at(&raw.briefs, "briefs"),
            out: at(&raw.out, "out"),
            profile: profile.map(String::from),
            inherited,
        })
    }

    /// The key of what a spec inherits, for the build manifest.
    pub fn fingerprint(&self) -> String {
        format!("{}\n{:?}", self.text, self.profile)
    }
}

