//! Audiences are data: one folder per audience, `audiences/<id>/`, in the templates (the
//! user's folder over the built-in set), holding `audience.yaml` (names, page budget, body
//! size, default title, what to keep first) and the audience's `brief.typ.j2` and
//! `brief.docx.j2`. The code knows only the keys below.

use crate::diagnostic::{self, Diagnostic};
use crate::templates::Templates;
use serde::{Deserialize, Serialize};

/// What a `keep` rule takes from the brief's content, in the brief's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Take {
    /// The selected themes (an option or section each).
    Themes,
    /// The headline figures, best first.
    Headline,
    /// All figures, in report order.
    Figures,
    Quotes,
    Services,
    /// Figure series drawn as charts.
    Charts,
    /// Passages: key messages, context, timeline, enablers, findings, lessons.
    Passages,
    /// Conclusion themes.
    Conclusions,
    /// The references list, as one unit.
    References,
}

/// One rule of an audience's ranking: take these units next, if not taken already.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub take: Take,
    /// At most this many (after the filters).
    pub limit: Option<usize>,
    /// `country`: only the first of each country.
    pub per: Option<Per>,
    /// Passages of this kind only (`key-message`, `finding`, `lesson`, ...).
    pub kind: Option<String>,
    /// Only units tagged with one of these theme ids.
    #[serde(default)]
    pub themes: Vec<String>,
    /// Only passages with one of these editorial tags (`risk`).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Passages of this kind first (stable otherwise).
    pub prefer: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Per {
    Country,
}

/// `audience.yaml` as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    name: String,
    label: String,
    pages: usize,
    #[serde(default = "ten")]
    body_size: u32,
    title: String,
    subtitle: Option<String>,
    #[serde(default)]
    keep: Vec<Rule>,
}

fn ten() -> u32 {
    10
}

/// One audience, as templates see it (`audience.*`) and the build uses it.
#[derive(Debug, Clone, Serialize)]
pub struct Audience {
    pub id: String,
    pub name: String,
    pub label: String,
    /// The most pages a brief for this audience may have.
    pub pages: usize,
    pub body_size: u32,
    /// Minijinja source of the default title and subtitle.
    #[serde(skip)]
    pub title: String,
    #[serde(skip)]
    pub subtitle: Option<String>,
    #[serde(skip)]
    pub keep: Vec<Rule>,
}

/// The file that defines an audience.
pub fn file(id: &str) -> String {
    format!("audiences/{id}/audience.yaml")
}

/// Every audience of the templates, sorted by id.
#[derive(Debug, Clone, Default)]
pub struct Audiences {
    pub all: Vec<Audience>,
}

impl Audiences {
    /// Reads every `audiences/<id>/audience.yaml`, collecting every problem.
    pub fn load(templates: &Templates) -> Result<Audiences, Vec<Diagnostic>> {
        let mut all = Vec::new();
        let mut errors = Vec::new();
        let ids: Vec<String> = templates
            .names_under("audiences")
            .iter()
            .filter_map(|n| n.strip_prefix("audiences/")?.split_once('/').map(|(id, _)| id.to_string()))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for id in ids {
            let name = file(&id);
            let found = match templates.read(&name) {
                Ok(Some(f)) => f,
                Ok(None) => {
                    errors.push(
                        Diagnostic::new(format!("the audience folder `audiences/{id}/` has no `audience.yaml`"))
                            .in_file(&templates.shown(&format!("audiences/{id}")))
                            .hint(format!("add one (`briefgen templates eject audiences/minister/audience.yaml` gives an example to copy), or remove the folder")),
                    );
                    continue;
                }
                Err(why) => {
                    errors.push(Diagnostic::new(format!("template {why}")));
                    continue;
                }
            };
            let text = String::from_utf8_lossy(&found.bytes).into_owned();
            match serde_yaml::from_str::<Raw>(&text) {
                Ok(raw) => {
                    if raw.pages == 0 {
                        errors.push(Diagnostic::new("`pages` is 0").in_file(&found.shown).locate(&text, None, "pages", "0").hint("give the page budget, e.g. `pages: 2`"));
                        continue;
                    }
                    if !(6..=24).contains(&raw.body_size) {
                        errors.push(
                            Diagnostic::new(format!("`body_size` is {} points", raw.body_size))
                                .in_file(&found.shown)
                                .locate(&text, None, "body_size", &raw.body_size.to_string())
                                .hint("give a body text size from 6 to 24 points, e.g. `body_size: 10`"),
                        );
                        continue;
                    }
                    all.push(Audience { id, name: raw.name, label: raw.label, pages: raw.pages, body_size: raw.body_size, title: raw.title, subtitle: raw.subtitle, keep: raw.keep });
                }
                Err(e) => errors.push(diagnostic::from_yaml(&found.shown, &text, &e)),
            }
        }
        if all.is_empty() && errors.is_empty() {
            errors.push(Diagnostic::new("no audiences found").hint("each audience is a folder `audiences/<id>/` with `audience.yaml` in the templates"));
        }
        if errors.is_empty() { Ok(Audiences { all }) } else { Err(errors) }
    }

    pub fn get(&self, id: &str) -> Option<&Audience> {
        self.all.iter().find(|a| a.id == id)
    }

    pub fn ids(&self) -> Vec<&str> {
        self.all.iter().map(|a| a.id.as_str()).collect()
    }
}
