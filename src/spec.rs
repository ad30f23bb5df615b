//! Brief specifications (`briefs/*.yaml`): parse with serde, then check ids against the
//! dataset, pointing at the offending line.

use crate::audience::Audiences;
use crate::data::Dataset;
use crate::project::Inherited;
use crate::diagnostic::{self, Diagnostic};
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Paper {
    #[default]
    A4,
    UsLetter,
}

impl Paper {
    /// The name Typst uses for the paper size.
    pub fn typst_name(self) -> &'static str {
        match self {
            Paper::A4 => "a4",
            Paper::UsLetter => "us-letter",
        }
    }

    /// Width and height in twentieths of a point (Word's unit).
    pub fn twips(self) -> (u32, u32) {
        match self {
            Paper::A4 => (11906, 16838),
            Paper::UsLetter => (12240, 15840),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Pdf,
    Docx,
}

/// The optional `brand:` block as written (in a spec, the project file or a profile).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBrand {
    pub colour: Option<String>,
    pub accent: Option<String>,
    pub logo: Option<String>,
}

/// Colours and logo of the organisation issuing the brief. The defaults are sober and
/// survive greyscale printing; brand colours are checked to stay dark enough to.
#[derive(Debug, Clone, Serialize)]
pub struct Brand {
    /// Headings and rules, `#rrggbb`.
    pub colour: String,
    /// Markers, bars and quote rules, `#rrggbb`.
    pub accent: String,
    /// A PNG logo, read from a path relative to the spec file.
    #[serde(skip)]
    pub logo: Option<Vec<u8>>,
}

impl Default for Brand {
    fn default() -> Self {
        Brand { colour: "#1b365d".into(), accent: "#2f6f8f".into(), logo: None }
    }
}

/// Relative luminance (WCAG) of `#rrggbb`, or None if it is not that form.
fn luminance(hex: &str) -> Option<f64> {
    let h = hex.strip_prefix('#').filter(|h| h.len() == 6 && h.chars().all(|c| c.is_ascii_hexdigit()))?;
    let channel = |i: usize| {
        let c = f64::from(u8::from_str_radix(&h[i..i + 2], 16).ok()?) / 255.0;
        Some(if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

/// Width and height of a PNG, from its header; None if it is not a PNG.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    if bytes.len() < 24 || !bytes.starts_with(b"\x89PNG\r\n\x1a\n") || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(bytes[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(bytes[20..24].try_into().ok()?);
    (w > 0 && h > 0).then_some((w, h))
}

/// The longest side a logo may have in pixels: it is printed 1.4 cm tall.
pub const LOGO_SIDE: u32 = 2048;

/// Decodes a PNG logo with limits read from its header first, so a small file that
/// inflates to gigabytes (or a corrupt one) is refused here, not inside Typst or Word.
fn check_logo(bytes: &[u8]) -> Result<(), String> {
    let (w, h) = png_size(bytes).ok_or("is not a PNG file")?;
    if w > LOGO_SIDE || h > LOGO_SIDE {
        return Err(format!("is {w}×{h} pixels; a logo may be at most {LOGO_SIDE}×{LOGO_SIDE}"));
    }
    let mut reader = image::ImageReader::with_format(std::io::Cursor::new(bytes), image::ImageFormat::Png);
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(LOGO_SIDE);
    limits.max_image_height = Some(LOGO_SIDE);
    limits.max_alloc = Some(64 << 20);
    reader.limits(limits);
    reader.decode().map(|_| ()).map_err(|e| format!("cannot be read as a PNG image: {e}"))
}

pub(crate) fn check_brand(raw: RawBrand, path: &Path, text: &str, errors: &mut Vec<Diagnostic>) -> Brand {
    let mut brand = Brand::default();
    // `colour: #1b365d` without quotes is a YAML comment: the colour would vanish unseen.
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        for key in ["colour", "accent"] {
            if let Some(rest) = t.strip_prefix(&format!("{key}:"))
                && rest.trim_start().starts_with('#')
            {
                let col = line.len() - rest.trim_start().len() + 1;
                errors.push(
                    Diagnostic::new(format!("the brand {key} is read as a comment, not a colour"))
                        .in_file(path)
                        .at(text, i + 1, col, rest.trim().chars().count())
                        .hint(format!("put it in quotes: `{key}: \"{}\"`", rest.trim())),
                );
            }
        }
    }
    for (key, value, limit, slot) in [("colour", raw.colour, 0.2, &mut brand.colour), ("accent", raw.accent, 0.45, &mut brand.accent)] {
        let Some(value) = value else { continue };
        match luminance(&value) {
            None => errors.push(
                Diagnostic::new(format!("brand {key} `{value}` is not a colour"))
                    .in_file(path)
                    .locate(text, None, key, &value)
                    .hint(format!("write it as \"#rrggbb\" in quotes, e.g. `{key}: \"#1b365d\"`")),
            ),
            Some(l) if l > limit => errors.push(
                Diagnostic::new(format!("brand {key} `{value}` is too light: it would print as pale grey on handouts"))
                    .in_file(path)
                    .locate(text, None, key, &value)
                    .hint(format!("choose a darker colour (relative luminance at most {limit:.2}; this one is {l:.2})")),
            ),
            Some(_) => *slot = value.to_lowercase(),
        }
    }
    if let Some(logo) = raw.logo {
        let file = logo_path(path, &logo);
        match std::fs::read(&file) {
            Ok(bytes) if png_size(&bytes).is_some() && bytes.len() <= 2 << 20 => match check_logo(&bytes) {
                Ok(()) => brand.logo = Some(bytes),
                Err(why) => errors.push(
                    Diagnostic::new(format!("brand logo `{}` {why}", file.display()))
                        .in_file(path)
                        .locate(text, None, "logo", &logo)
                        .hint(format!("export the logo again as PNG, at most {LOGO_SIDE} pixels on its longer side")),
                ),
            },
            Ok(_) => errors.push(
                Diagnostic::new(format!("brand logo `{}` is not a PNG file of at most 2 MB", file.display()))
                    .in_file(path)
                    .locate(text, None, "logo", &logo)
                    .hint("export the logo as PNG (it goes into both the PDF and the Word file)"),
            ),
            Err(e) => errors.push(
                Diagnostic::new(format!("cannot read brand logo `{}`: {e}", file.display()))
                    .in_file(path)
                    .locate(text, None, "logo", &logo)
                    .hint("the logo path is relative to the spec file"),
            ),
        }
    }
    brand
}

/// The PDF standard a brief conforms to. PDF/UA-1 always; `a-2b` adds PDF/A-2b.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
pub enum PdfStandard {
    #[default]
    #[serde(rename = "ua-1")]
    Ua1,
    #[serde(rename = "a-2b")]
    A2b,
}

/// `all`, or a list of ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Selection {
    All,
    Only(Vec<String>),
}

impl Selection {
    pub fn includes(&self, id: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(ids) => ids.iter().any(|i| i == id),
        }
    }

    /// True if any of `ids` is selected (items carry several theme tags).
    pub fn any(&self, ids: &[String]) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(sel) => ids.iter().any(|i| sel.contains(i)),
        }
    }
}

struct SelectionVisitor(&'static str);

impl<'de> Visitor<'de> for SelectionVisitor {
    type Value = Selection;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a list of {} ids or `all`", self.0)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Selection, E> {
        if v == "all" {
            Ok(Selection::All)
        } else {
            Err(E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Selection, A::Error> {
        let mut ids = Vec::new();
        while let Some(id) = seq.next_element::<String>()? {
            ids.push(id);
        }
        Ok(Selection::Only(ids))
    }
}

fn countries<'de, D: Deserializer<'de>>(d: D) -> Result<Selection, D::Error> {
    d.deserialize_any(SelectionVisitor("country"))
}

fn themes<'de, D: Deserializer<'de>>(d: D) -> Result<Selection, D::Error> {
    d.deserialize_any(SelectionVisitor("theme"))
}

fn both_formats() -> Vec<Format> {
    vec![Format::Pdf, Format::Docx]
}

/// The spec file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    title: Option<String>,
    subtitle: Option<String>,
    organisation: Option<String>,
    date: Option<String>,
    audience: String,
    #[serde(deserialize_with = "countries")]
    countries: Selection,
    #[serde(deserialize_with = "themes")]
    themes: Selection,
    target: Option<String>,
    formats: Option<Vec<Format>>,
    paper: Option<Paper>,
    #[serde(rename = "pdf-standard")]
    pdf_standard: Option<PdfStandard>,
    brand: Option<RawBrand>,
    style: Option<serde_yaml::Mapping>,
}

impl RawSpec {
    /// The spec's inheritable keys over the project's and its profile's.
    fn inherit(&mut self, from: &Inherited) {
        let own = Inherited {
            organisation: self.organisation.take(),
            target: self.target.take(),
            paper: self.paper,
            formats: self.formats.take(),
            pdf_standard: self.pdf_standard,
            brand: self.brand.take(),
            style: self.style.take(),
        };
        let m = from.under(&own);
        self.organisation = m.organisation;
        self.target = m.target;
        self.paper = m.paper;
        self.formats = m.formats;
        self.pdf_standard = m.pdf_standard;
        self.brand = m.brand;
        self.style = m.style;
    }
}

/// What a spec is checked against: the dataset, the audiences, what it inherits.
#[derive(Clone, Copy)]
pub struct Env<'a> {
    pub data: &'a Dataset,
    pub audiences: &'a Audiences,
    pub inherited: &'a Inherited,
}

/// Where a spec's logo is: relative to the spec file.
fn logo_path(spec: &Path, logo: &str) -> PathBuf {
    spec.parent().unwrap_or(Path::new(".")).join(logo)
}

/// What a spec's outputs depend on, read without the dataset (so a no-op rebuild loads
/// none): the spec's text, its date (the spec's, else `SOURCE_DATE_EPOCH`, else today),
/// its logo and the country chapters it selects. The build manifest keys on it and
/// `watch` watches its files; `Spec::load` applies the same rules.
pub struct Inputs {
    pub text: String,
    pub date: Option<Date>,
    pub logo: Option<PathBuf>,
    /// None for `countries: all`.
    pub countries: Option<Vec<String>>,
}

impl Inputs {
    /// None if the spec cannot be read or parsed (the build then reports why).
    pub fn read(path: &Path, inherited: &Inherited) -> Option<Inputs> {
        let text = diagnostic::read_text(path, "").ok()?;
        let mut raw: RawSpec = serde_yaml::from_str(&text).ok()?;
        raw.inherit(inherited);
        let date = match &raw.date {
            Some(d) => Date::parse(d),
            None => Date::default_today().ok(),
        };
        let logo = raw.brand.and_then(|b| b.logo).map(|l| logo_path(path, &l));
        let countries = match raw.countries {
            Selection::All => None,
            Selection::Only(ids) => Some(ids),
        };
        Some(Inputs { text, date, logo, countries })
    }

    /// The files read to build the spec: the dataset's shared files, the selected chapters
    /// (all for `all`), the logo, every template.
    pub fn files(&self, spec: &Path, data: &Path, templates: &crate::templates::Templates) -> Vec<PathBuf> {
        let mut files = vec![spec.to_path_buf()];
        files.extend(self.logo.iter().cloned());
        match &self.countries {
            Some(ids) => {
                files.extend(crate::data::FILES.iter().map(|f| data.join(f)));
                files.extend(ids.iter().map(|id| data.join("countries").join(format!("{id}.yaml"))));
            }
            None => files.extend(crate::data::input_files(data)),
        }
        files.extend(templates.user_files());
        files
    }
}

/// A calendar date (the brief's date).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

/// The longest title, subtitle or organisation name a cover can hold.
pub const MAX_TEXT: usize = 300;

/// The years a brief may be dated in: what a PDF's dates and Typst's calendar hold.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=9999;

impl Date {
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.trim().splitn(3, '-');
        let year: i32 = parts.next()?.parse().ok().filter(|y| YEARS.contains(y))?;
        let month: u8 = parts.next()?.parse().ok()?;
        let day: u8 = parts.next()?.parse().ok()?;
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = [31, if leap { 29 } else { 28 }, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
        (1..=12).contains(&month)
            .then(|| days[usize::from(month - 1)])
            .filter(|max| (1..=*max).contains(&day))
            .map(|_| Date { year, month, day })
    }

    /// The date of a Unix timestamp, in UTC.
    pub fn from_unix(secs: i64) -> Date {
        // Howard Hinnant's civil_from_days.
        let z = secs.div_euclid(86_400) + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// `SOURCE_DATE_EPOCH` if set (reproducible builds), else today.
    pub fn default_today() -> Result<Date, Diagnostic> {
        match std::env::var("SOURCE_DATE_EPOCH") {
            Ok(v) => {
                let bad = |why: &str| {
                    Diagnostic::new(format!("SOURCE_DATE_EPOCH is `{v}`, {why}"))
                        .hint("set it to a Unix timestamp, e.g. SOURCE_DATE_EPOCH=$(date +%s), or unset it")
                };
                let secs = v.trim().parse::<i64>().map_err(|_| bad("not a number of seconds"))?;
                // 1900-01-01 to 9999-12-31, the years a brief may carry.
                if !(-2_208_988_800..=253_402_300_799).contains(&secs) {
                    return Err(bad(&format!("outside the years {} to {}", YEARS.start(), YEARS.end())));
                }
                Ok(Date::from_unix(secs))
            }
            Err(_) => {
                let now = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs() as i64);
                Ok(Date::from_unix(now))
            }
        }
    }

    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// "22 November 2026".
    pub fn long(self) -> String {
        const MONTHS: [&str; 12] = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
        format!("{} {} {}", self.day, MONTHS[usize::from(self.month - 1)], self.year)
    }
}

/// A checked brief specification.
#[derive(Debug, Clone, Serialize)]
pub struct Spec {
    pub path: PathBuf,
    /// The file stem: names the outputs.
    pub stem: String,
    /// The spec's own title; without one, the audience's `title.j2` writes it from the selection.
    pub title: Option<String>,
    pub subtitle: Option<String>,
    pub organisation: Option<String>,
    pub date: Date,
    /// The audience id (`audiences/<id>/` in the templates).
    pub audience: String,
    pub countries: Selection,
    /// The nation or body the briefs advise, when the spec or project names it.
    pub target: Option<String>,
    /// Settings for templates (`style.*`), from the project, profile and spec.
    pub style: serde_yaml::Mapping,
    pub themes: Selection,
    pub formats: Vec<Format>,
    pub paper: Paper,
    pub pdf_standard: PdfStandard,
    pub brand: Brand,
}

impl Spec {
    pub fn wants(&self, format: Format) -> bool {
        self.formats.contains(&format)
    }

    /// Reads and checks a spec against the dataset, reporting every problem found.
    pub fn load(path: &Path, env: Env) -> Result<Spec, Vec<Diagnostic>> {
        let text = diagnostic::read_text(path, "check the path; specs live in briefs/*.yaml").map_err(|e| vec![e])?;
        Spec::parse(path, &text, env)
    }

    pub fn parse(path: &Path, text: &str, env: Env) -> Result<Spec, Vec<Diagnostic>> {
        let data = env.data;
        if crate::data::is_blank_yaml(text) {
            return Err(vec![Diagnostic::new("the brief spec is empty").in_file(path).hint(
                "a spec needs at least `audience:`, `countries:` and `themes:`, e.g.\n    audience: minister\n    countries: [wales]\n    themes: all",
            )]);
        }
        let mut raw: RawSpec = serde_yaml::from_str(text).map_err(|e| vec![diagnostic::from_yaml(path, text, &e)])?;
        raw.inherit(env.inherited);
        let mut errors = Vec::new();
        if env.audiences.get(&raw.audience).is_none() {
            errors.push(
                Diagnostic::new(format!("unknown audience `{}`", raw.audience))
                    .in_file(path)
                    .locate(text, None, "audience", &raw.audience)
                    .hint(format!("{}; an audience is a folder `audiences/<id>/` of the templates (`briefgen list audiences`)", diagnostic::suggest(&raw.audience, env.audiences.ids()))),
            );
        }
        let mut check = |key: &str, sel: &Selection, valid: Vec<&str>, what: &str| {
            if let Selection::Only(ids) = sel {
                if ids.is_empty() {
                    errors.push(
                        Diagnostic::new(format!("`{key}` is an empty list"))
                            .in_file(path)
                            .locate(text, None, key, "[]")
                            .hint(format!("name at least one {what} id, or write `{key}: all`")),
                    );
                }
                for id in ids {
                    if !valid.contains(&id.as_str()) {
                        errors.push(
                            Diagnostic::new(format!("unknown {what} id `{id}`"))
                                .in_file(path)
                                .locate(text, None, key, id)
                                .hint(diagnostic::suggest(id, valid.iter().copied())),
                        );
                    }
                }
            }
        };
        check("countries", &raw.countries, data.country_ids(), "country");
        check("themes", &raw.themes, data.theme_ids(), "theme");
        let formats = raw.formats.take().unwrap_or_else(both_formats);
        if formats.is_empty() {
            errors.push(
                Diagnostic::new("`formats` is an empty list").in_file(path).locate(text, None, "formats", "[]").hint("write `formats: [pdf, docx]`, or leave the line out for both"),
            );
        }
        let date = match &raw.date {
            Some(d) => Date::parse(d).ok_or_else(|| {
                Diagnostic::new(format!("`{d}` is not a date"))
                    .in_file(path)
                    .locate(text, None, "date", d)
                    .hint(format!("write the date as YYYY-MM-DD with a year from {} to {}, e.g. `date: 2026-11-22`", YEARS.start(), YEARS.end()))
            }),
            None => Date::default_today(),
        };
        let date = match date {
            Ok(d) => Some(d),
            Err(e) => {
                errors.push(e);
                None
            }
        };
        for (key, value) in [("title", &raw.title), ("subtitle", &raw.subtitle), ("organisation", &raw.organisation)] {
            if let Some(v) = value
                && v.chars().count() > MAX_TEXT
            {
                let line = text.lines().position(|l| l.trim_start().starts_with(&format!("{key}:"))).map_or(1, |i| i + 1);
                errors.push(
                    Diagnostic::new(format!("`{key}` is {} characters long; a brief allows at most {MAX_TEXT}", v.chars().count()))
                        .in_file(path)
                        .at(text, line, 1, key.len())
                        .hint(format!("shorten the {key}: it is printed on the cover as one or two lines")),
                );
            }
        }
        let brand = check_brand(raw.brand.unwrap_or_default(), path, text, &mut errors);
        let Some(date) = date.filter(|_| errors.is_empty()) else {
            return Err(errors);
        };
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().to_string();
        Ok(Spec {
            path: path.to_path_buf(),
            stem,
            title: raw.title,
            subtitle: raw.subtitle,
            organisation: raw.organisation,
            date,
            audience: raw.audience,
            countries: raw.countries,
            target: raw.target,
            style: raw.style.unwrap_or_default(),
            themes: raw.themes,
            formats,
            paper: raw.paper.unwrap_or_default(),
            pdf_standard: raw.pdf_standard.unwrap_or_default(),
            brand,
        })
    }
}

/// The specs to build: the given paths, or every `briefs/*.yaml`.
pub fn spec_paths(given: &[PathBuf], dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Diagnostic::new(format!("cannot list `{}`: {e}", dir.display())).hint("run briefgen from the project folder, set `briefs:` in briefgen.yaml, or name the spec files"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(Diagnostic::new(format!("no brief specs found in `{}`", dir.display())).hint("add a `briefs/<name>.yaml` (see README) or name the spec files"));
    }
    Ok(paths)
}

/// Two specs that would write the same output names (same file name, different folders).
pub fn same_outputs(paths: &[PathBuf]) -> Vec<Diagnostic> {
    let mut seen: HashMap<String, &PathBuf> = HashMap::new();
    let mut errors = Vec::new();
    for p in paths {
        let stem = p.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        match seen.get(&stem) {
            Some(first) if *first != p => errors.push(
                Diagnostic::new(format!("`{}` and `{}` would both write `{stem}.pdf` and `{stem}.docx`", first.display(), p.display()))
                    .in_file(p)
                    .hint("rename one of the two spec files: a spec's file name names its outputs"),
            ),
            Some(_) => {}
            None => {
                seen.insert(stem, p);
            }
        }
    }
    errors
}

/// Loads every spec, collecting every problem.
pub fn load_specs(paths: &[PathBuf], env: Env) -> (Vec<Spec>, Vec<Diagnostic>) {
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match Spec::load(p, env) {
            Ok(s) => specs.push(s),
            Err(mut e) => errors.append(&mut e),
        }
    }
    (specs, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2026-11-22"), Some(Date { year: 2026, month: 11, day: 22 }));
        assert_eq!(Date::parse("2026-02-30"), None);
        assert_eq!(Date::parse("2024-02-29").map(Date::long).as_deref(), Some("29 February 2024"));
        assert_eq!(Date::from_unix(0).iso(), "1970-01-01");
        assert_eq!(Date::from_unix(1_795_305_600).iso(), "2026-11-22");
    }
}
