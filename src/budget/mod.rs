//! Page budgets: each audience has a page limit. When a selection is too large, the build
//! keeps the most important parts of the brief and drops the rest in a stable order.
//!
//! A brief is cut into droppable units (an insight, a figure, a quote, a service, ...).
//! Each audience ranks them; the build keeps the longest prefix of that ranking that fits
//! (see `fit`). The title, the summary and the citations of whatever stays are not
//! units, so they are never dropped.

pub mod fit;
pub mod probe;

use crate::select::Brief;
use crate::audience::{Audience, Per, Take};
use rustc_hash::FxHashSet as HashSet;
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Unit {
    Theme(String),
    Item(String),
    Figure(String),
    Quote(String),
    Service(String),
    Series(String),
    Conclusion(String),
    /// The whole references list.
    References,
}

/// The marker a template sets where the part of the brief with `key` starts (`m.u(key)`
/// in the templates: `#metadata("u:<key>")`), as it reads in the generated source.
pub fn marker(key: &str) -> String {
    format!("#metadata({})", crate::render::escape::typst_string(&format!("u:{key}")))
}

/// How every marker starts in the generated source (keys are plain ids: nothing escaped).
pub const MARKER_OPEN: &str = "#metadata(\"u:";

impl Unit {
    /// The key templates mark a unit's place with (`#metadata("u:<key>")`), so the build
    /// can measure how much room each unit takes.
    pub fn key(&self) -> String {
        match self {
            Unit::Theme(id) => format!("theme:{id}"),
            Unit::Item(id) => format!("item:{id}"),
            Unit::Figure(id) => format!("figure:{id}"),
            Unit::Quote(id) => format!("quote:{id}"),
            Unit::Service(id) => format!("service:{id}"),
            Unit::Series(id) => format!("series:{id}"),
            Unit::Conclusion(id) => format!("conclusion:{id}"),
            Unit::References => "references".to_string(),
        }
    }
}

impl Unit {
    /// The unit's kind as a reader names it, and its id (none for the references list).
    pub fn parts(&self) -> (&'static str, Option<&str>) {
        match self {
            Unit::Theme(id) => ("theme", Some(id)),
            Unit::Item(id) => ("passage", Some(id)),
            Unit::Figure(id) => ("figure", Some(id)),
            Unit::Quote(id) => ("quote", Some(id)),
            Unit::Service(id) => ("service", Some(id)),
            Unit::Series(id) => ("chart", Some(id)),
            Unit::Conclusion(id) => ("conclusion", Some(id)),
            Unit::References => ("references list", None),
        }
    }
}

/// In `--json`: `{"kind": "theme", "id": "funding"}`.
impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let (kind, id) = self.parts();
        let mut st = s.serialize_struct("Unit", 2)?;
        st.serialize_field("kind", kind)?;
        st.serialize_field("id", &id)?;
        st.end()
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unit::Theme(id) => write!(f, "theme {id}"),
            Unit::Item(id) => write!(f, "passage {id}"),
            Unit::Figure(id) => write!(f, "figure {id}"),
            Unit::Quote(id) => write!(f, "quote {id}"),
            Unit::Service(id) => write!(f, "service {id}"),
            Unit::Series(id) => write!(f, "chart {id}"),
            Unit::Conclusion(id) => write!(f, "conclusion {id}"),
            Unit::References => write!(f, "the references list"),
        }
    }
}

/// One candidate unit with what a rule can filter it on. Its `Unit` is made only if a rule
/// keeps it: on a large selection most candidates are not, and each would copy its id.
struct Candidate<'a> {
    unit: fn(String) -> Unit,
    id: &'a str,
    country: &'a str,
    kind: &'a str,
    themes: &'a [String],
    tags: &'a [String],
}

impl<'a> Candidate<'a> {
    /// What tells two candidates apart, as `Unit::parts` does.
    fn parts(&self) -> (&'static str, &'a str) {
        ((self.unit)(String::new()).parts().0, self.id)
    }
}

/// The units of one kind, in the brief's order.
fn candidates(brief: &Brief, take: Take) -> Vec<Candidate<'_>> {
    const NONE: &[String] = &[];
    let c = |unit, id, country, kind, themes, tags| Candidate { unit, id, country, kind, themes, tags };
    match take {
        Take::Themes => brief.themes.iter().map(|t| c(Unit::Theme, &t.id, "", "", NONE, NONE)).collect(),
        Take::Headline => brief.headline.iter().map(|f| c(Unit::Figure, &f.id, &f.country, "", &f.themes, NONE)).collect(),
        Take::Figures => brief.figures.iter().map(|f| c(Unit::Figure, &f.id, &f.country, "", &f.themes, NONE)).collect(),
        Take::Quotes => brief.quotes.iter().map(|q| c(Unit::Quote, &q.id, &q.country, "", &q.themes, NONE)).collect(),
        Take::Services => brief.services.iter().map(|s| c(Unit::Service, &s.id, &s.country, "", &s.themes, NONE)).collect(),
        Take::Charts => brief.series.iter().map(|s| c(Unit::Series, &s.id, "", "", NONE, NONE)).collect(),
        Take::Passages => brief.items.iter().map(|i| c(Unit::Item, &i.id, &i.country, i.kind, &i.themes, &i.tags)).collect(),
        Take::Conclusions => brief.conclusion.iter().map(|k| c(Unit::Conclusion, &k.id, "", "", NONE, NONE)).collect(),
        Take::References => vec![c(|_| Unit::References, "", "", "", NONE, NONE)],
    }
}

/// The units an audience's template shows, most important first, by its `keep` rules
/// (`audience.yaml`), each once, at its first (highest) rank. Units no rule takes are
/// never dropped by the budget search.
pub fn ranking(brief: &Brief, audience: &Audience) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut seen: HashSet<(&'static str, &str)> = HashSet::default();
    for rule in &audience.keep {
        let mut found: Vec<Candidate> = candidates(brief, rule.take)
            .into_iter()
            .filter(|c| rule.kind.as_ref().is_none_or(|k| k == c.kind))
            .filter(|c| rule.themes.is_empty() || c.themes.iter().any(|t| rule.themes.contains(t)))
            .filter(|c| rule.tags.is_empty() || c.tags.iter().any(|t| rule.tags.contains(t)))
            .collect();
        if let Some(kind) = &rule.prefer {
            found.sort_by_key(|c| c.kind != kind);
        }
        if rule.per == Some(Per::Country) {
            let mut seen = HashSet::default();
            found.retain(|c| seen.insert(c.country));
        }
        for c in found.into_iter().take(rule.limit.unwrap_or(usize::MAX)) {
            if seen.insert(c.parts()) {
                units.push((c.unit)(c.id.to_string()));
            }
        }
    }
    units
}

/// The brief with only the first `keep` units of `ranking` (plus everything that is not a
/// unit for this audience, which its template does not show).
pub fn retain(brief: &Brief, ranking: &[Unit], keep: usize) -> Brief {
    // By kind and id, borrowed: a large selection's lists are gone over for every candidate.
    let dropped: HashSet<(&str, Option<&str>)> = ranking[keep.min(ranking.len())..].iter().map(Unit::parts).collect();
    let kept = |kind: &'static str, id: &str| !dropped.contains(&(kind, Some(id)));
    let mut b = brief.clone();
    b.themes.retain(|t| kept("theme", &t.id));
    b.items.retain(|i| kept("passage", &i.id));
    b.figures.retain(|f| kept("figure", &f.id));
    b.headline.retain(|f| kept("figure", &f.id));
    b.quotes.retain(|q| kept("quote", &q.id));
    b.services.retain(|s| kept("service", &s.id));
    b.series.retain(|s| kept("chart", &s.id));
    b.conclusion.retain(|c| kept("conclusion", &c.id));
    if dropped.contains(&Unit::References.parts()) {
        b.references.clear();
    }
    let theme_ids: Vec<String> = b.themes.iter().map(|t| t.id.clone()).collect();
    for row in &mut b.matrix {
        row.cells.retain(|c| theme_ids.contains(&c.theme));
    }
    b
}

/// How many ids of one kind `describe` names before it only counts the rest.
const SHOWN: usize = 12;

/// Groups units by kind: "3 themes (political-will, tokenism, vulnerability); 2 figures
/// (...); the references list".
pub fn describe(dropped: &[Unit]) -> String {
    let mut groups: Vec<(&'static str, Vec<&str>)> = Vec::new();
    for u in dropped {
        let (kind, id) = u.parts();
        match groups.iter_mut().find(|(k, _)| *k == kind) {
            Some((_, ids)) => ids.extend(id),
            None => groups.push((kind, id.into_iter().collect())),
        }
    }
    groups
        .into_iter()
        .map(|(kind, ids)| match ids.len() {
            0 => format!("the {kind}"),
            1 => format!("1 {kind} ({})", ids[0]),
            // A long list says how long it is; `--json` carries every id.
            n if n > SHOWN => format!("{n} {kind}s ({}, and {} more)", ids[..SHOWN].join(", "), n - SHOWN),
            n => format!("{n} {kind}s ({})", ids.join(", ")),
        })
        .collect::<Vec<_>>()
        .join("; ")
}
