//! The dataset holds the whole report: counts checked against the report's own lists,
//! every theme supported from at least three countries, and `validate` clean.

use briefgen::data::Dataset;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

fn data() -> Dataset {
    match Dataset::load_checked(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")) {
        Ok(d) => d,
        Err(errors) => panic!("dataset does not load:\n{}", errors.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n")),
    }
}

#[test]
fn counts_match_the_report() {
    let d = data();
    // Country order in the issue: Canada, Denmark, England, NZ, Ireland, Victoria, Wales.
    let order = ["canada", "denmark", "england", "new-zealand", "ireland", "victoria", "wales"];
    let count = |f: &dyn Fn(&briefgen::data::model::Country) -> usize| -> Vec<usize> {
        order.iter().map(|id| f(d.country(id).unwrap_or_else(|| panic!("no chapter {id}")))).collect()
    };
    assert_eq!(d.countries.len(), 7);
    assert_eq!(count(&|c| c.key_messages.len()), [7, 6, 8, 7, 6, 6, 7], "key messages");
    assert_eq!(count(&|c| c.services.len()), [5, 4, 6, 5, 6, 6, 5], "example services");
    assert_eq!(count(&|c| c.references.len()), [11, 7, 13, 16, 13, 12, 6], "references");
    assert_eq!(count(&|c| c.references.len()).iter().sum::<usize>(), 78);
    assert_eq!(d.insights.insights.len(), 12);
    assert_eq!(d.conclusion.as_ref().map(|c| c.themes.len()), Some(11));
    let ids: Vec<&str> = d.insights.insights.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "strategic-anchoring", "named-leaders", "workforce-infrastructure", "cultural-lever", "funding", "role-clarity",
            "culturally-resonant", "international-exchange", "small-systems", "vulnerability", "tokenism", "political-will"
        ]
    );
}

#[test]
fn every_theme_is_supported_from_three_countries() {
    let d = data();
    let mut support: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for c in &d.countries {
        let mut tags: Vec<&[String]> = Vec::new();
        tags.extend(c.key_messages.iter().map(|i| &i.themes[..]));
        tags.extend(c.context.iter().chain(&c.findings).chain(&c.lessons).chain(&c.intro).map(|i| &i.themes[..]));
        tags.extend(c.enablers.iter().flat_map(|g| &g.items).map(|i| &i.themes[..]));
        tags.extend(c.services.iter().map(|s| &s.themes[..]));
        tags.extend(c.figures.iter().map(|f| &f.themes[..]));
        tags.extend(c.quotes.iter().map(|q| &q.themes[..]));
        tags.extend(c.timeline.iter().map(|t| &t.themes[..]));
        for t in tags.into_iter().flatten() {
            support.entry(t).or_default().insert(&c.id);
        }
    }
    for theme in d.theme_ids() {
        let n = support.get(theme).map_or(0, BTreeSet::len);
        assert!(n >= 3, "theme `{theme}` is supported by items from only {n} countries");
    }
}

#[test]
fn key_figures_are_recorded_as_structured_records() {
    let d = data();
    let figure = |country: &str, value: f64, unit_has: &str| {
        d.country(country).unwrap().figures.iter().any(|f| f.value == value && f.unit.contains(unit_has))
    };
    assert!(figure("england", 71.0, "%"), "TEWV 71% retention");
    assert!(figure("england", 5000.0, "peer support workers"), "NHS Long Term Plan target");
    assert!(figure("canada", 78.0, "%"), "TCCS calls without police");
    assert!(figure("victoria", 70.0, "roles") && figure("victoria", 5.0, "roles"), "Alfred 5 -> 70+");
    let copenhagen: Vec<f64> = d.country("denmark").unwrap().figures.iter()
        .filter(|f| f.series.as_deref() == Some("denmark-copenhagen-peer-workers"))
        .map(|f| f.value)
        .collect();
    assert_eq!(copenhagen, [6.0, 25.0, 80.0, 90.0], "Copenhagen series in order");
}

#[test]
fn text_keeps_macrons_and_glosses() {
    let d = data();
    let nz = d.country("new-zealand").unwrap();
    let all: String = nz.key_messages.iter().map(|k| k.text.as_str()).collect::<Vec<_>>().join(" ");
    assert!(all.contains("Māori") && all.contains("Tuakana-Teina [older sibling-younger sibling]"));
    assert!(d.glossary.terms.iter().any(|t| t.term == "whānau" && t.gloss == "family"));
}
