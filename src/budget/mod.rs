//! Page budgets: each audience has a page limit. When a selection is too large, the build
//! keeps the most important parts of the brief and drops the rest in a stable order.
//!
//! A brief is cut into droppable units (an insight, a figure, a quote, a service, ...).
//! Each audience ranks them; the build keeps the longest prefix of that ranking that fits
//! (see `fit`). The title, the summary and the citations of whatever stays are not
//! units, so they are never dropped.

pub mod fit;

use crate::select::Brief;
use crate::spec::Audience;
use std::collections::HashSet;
use std::fmt;

/// The most pages a brief for this audience may have.
pub fn pages(audience: Audience) -> usize {
    match audience {
        Audience::Minister => 2,
        Audience::Funder | Audience::Community => 4,
    }
}

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

/// Appends units without repeats, keeping the first (highest) rank.
struct Ranking {
    units: Vec<Unit>,
    seen: HashSet<Unit>,
}

impl Ranking {
    fn add(&mut self, units: impl IntoIterator<Item = Unit>) {
        for u in units {
            if self.seen.insert(u.clone()) {
                self.units.push(u);
            }
        }
    }
}

fn tagged(themes: &[String], any: &[&str]) -> bool {
    themes.iter().any(|t| any.contains(&t.as_str()))
}

/// The units a template shows, most important first. Units a template never shows are
/// left out: they cost no space.
pub fn ranking(brief: &Brief, audience: Audience) -> Vec<Unit> {
    let mut r = Ranking { units: Vec::new(), seen: HashSet::new() };
    let themes = || brief.themes.iter().map(|t| Unit::Theme(t.id.clone()));
    let headline = |n: usize| brief.headline.iter().take(n).map(|f| Unit::Figure(f.id.clone())).collect::<Vec<_>>();
    let first_per_country = |ids: Vec<(String, String)>| {
        let mut seen = HashSet::new();
        ids.into_iter().filter(|(country, _)| seen.insert(country.clone())).map(|(_, id)| id).collect::<Vec<_>>()
    };
    let key_messages_on = |tags: &[&str]| {
        brief.items.iter().filter(|i| i.kind == "key-message" && tagged(&i.themes, tags)).map(|i| Unit::Item(i.id.clone())).collect::<Vec<_>>()
    };
    let passages_on = |tags: &[&str]| brief.items.iter().filter(|i| tagged(&i.themes, tags)).map(|i| Unit::Item(i.id.clone())).collect::<Vec<_>>();
    match audience {
        // Options for Scotland first, then the figures and one voice that make them real.
        Audience::Minister => {
            r.add(themes().take(3));
            r.add(headline(3));
            r.add(brief.quotes.iter().take(1).map(|q| Unit::Quote(q.id.clone())));
            r.add(themes());
            r.add(headline(5));
        }
        // The money story, then the numbers and what services achieved, then the risks.
        Audience::Funder => {
            // Every country's money story first: its first funding passage (a key message
            // where it has one), so no selected country is missing from the funding section.
            let mut funding: Vec<&crate::select::TaggedItem> = brief.items.iter().filter(|i| tagged(&i.themes, &["funding"])).collect();
            funding.sort_by_key(|i| i.kind != "key-message");
            r.add(first_per_country(funding.iter().map(|i| (i.country.clone(), i.id.clone())).collect()).into_iter().map(Unit::Item));
            r.add(key_messages_on(&["funding"]));
            r.add(brief.series.iter().map(|s| Unit::Series(s.id.clone())));
            r.add(headline(8));
            let risks = |key_only: bool| {
                brief.items.iter().filter(|i| i.tags.iter().any(|t| t == "risk") && (!key_only || i.kind == "key-message")).map(|i| Unit::Item(i.id.clone())).collect::<Vec<_>>()
            };
            r.add(risks(true));
            let services: Vec<(String, String)> = brief.services.iter().map(|s| (s.country.clone(), s.id.clone())).collect();
            r.add(first_per_country(services.clone()).into_iter().map(Unit::Service));
            r.add(headline(usize::MAX));
            r.add(passages_on(&["funding"]));
            r.add(services.into_iter().map(|(_, id)| Unit::Service(id)));
            r.add(risks(false));
            r.add(brief.figures.iter().map(|f| Unit::Figure(f.id.clone())));
            r.add([Unit::References]);
        }
        // A real service and a real voice from every country, then how lived experience
        // shaped change.
        Audience::Community => {
            let services: Vec<(String, String)> = brief.services.iter().map(|s| (s.country.clone(), s.id.clone())).collect();
            let quotes: Vec<(String, String)> = brief.quotes.iter().map(|q| (q.country.clone(), q.id.clone())).collect();
            r.add(first_per_country(services.clone()).into_iter().map(Unit::Service));
            r.add(first_per_country(quotes.clone()).into_iter().map(Unit::Quote));
            r.add(key_messages_on(&["named-leaders", "cultural-lever"]));
            r.add(services.into_iter().map(|(_, id)| Unit::Service(id)));
            r.add(quotes.into_iter().map(|(_, id)| Unit::Quote(id)));
            r.add([Unit::References]);
        }
    }
    r.units
}

/// The brief with only the first `keep` units of `ranking` (plus everything that is not a
/// unit for this audience, which its template does not show).
pub fn retain(brief: &Brief, ranking: &[Unit], keep: usize) -> Brief {
    let dropped: HashSet<&Unit> = ranking[keep.min(ranking.len())..].iter().collect();
    let kept = |u: Unit| !dropped.contains(&u);
    let mut b = brief.clone();
    b.themes.retain(|t| kept(Unit::Theme(t.id.clone())));
    b.items.retain(|i| kept(Unit::Item(i.id.clone())));
    b.figures.retain(|f| kept(Unit::Figure(f.id.clone())));
    b.headline.retain(|f| kept(Unit::Figure(f.id.clone())));
    b.quotes.retain(|q| kept(Unit::Quote(q.id.clone())));
    b.services.retain(|s| kept(Unit::Service(s.id.clone())));
    b.series.retain(|s| kept(Unit::Series(s.id.clone())));
    b.conclusion.retain(|c| kept(Unit::Conclusion(c.id.clone())));
    if !kept(Unit::References) {
        b.references.clear();
    }
    let theme_ids: Vec<String> = b.themes.iter().map(|t| t.id.clone()).collect();
    for row in &mut b.matrix {
        row.cells.retain(|c| theme_ids.contains(&c.theme));
    }
    b
}

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
            n => format!("{n} {kind}s ({})", ids.join(", ")),
        })
        .collect::<Vec<_>>()
        .join("; ")
}
