//! The editorial check: a matrix of 60 briefs (every audience; each country alone, two
//! pairs and all seven; all themes and a three-theme set; both papers) builds with no
//! finding under `--strict`, and each check fires on a brief made to have its defect.

mod common;
use briefgen::data::model::Term;
use briefgen::editorial::{self, Expect, Finding, Vocabulary};
use briefgen::spec::Date;
use briefgen::typeset::{self, Setup, Shared};
use common::*;
use std::sync::Arc;

const COUNTRIES: [&str; 7] = ["canada", "denmark", "england", "new-zealand", "ireland", "victoria", "wales"];

#[test]
fn every_built_in_audience_over_twenty_selections_has_no_editorial_findings_under_strict() {
    // Every audience the templates define, so a new built-in audience is checked too.
    let listed = run(&["list", "audiences"]);
    ok(&listed);
    let audiences: Vec<String> = String::from_utf8_lossy(&listed.stdout).lines().filter_map(|l| l.split_whitespace().next().map(String::from)).collect();
    assert!(audiences.len() >= 4, "{audiences:?}");
    let dir = tempfile::tempdir().unwrap();
    let mut selections: Vec<String> = COUNTRIES.iter().map(|c| format!("[{c}]")).collect();
    selections.extend(["[wales, ireland]".to_string(), "[denmark, new-zealand]".to_string(), "all".to_string()]);
    let mut specs = Vec::new();
    for audience in &audiences {
        for (i, countries) in selections.iter().enumerate() {
            for (t, themes) in ["all", "[funding, vulnerability, named-leaders]"].iter().enumerate() {
                let paper = if (i + t) % 4 == 0 { "us-letter" } else { "a4" };
                let name = format!("{audience}-{i}-{t}");
                let p = dir.path().join(format!("{name}.yaml"));
                std::fs::write(&p, format!("date: 2026-11-24\naudience: {audience}\ncountries: {countries}\nthemes: {themes}\npaper: {paper}\n")).unwrap();
                specs.push(p.to_string_lossy().into_owned());
            }
        }
    }
    assert_eq!(specs.len(), 20 * audiences.len());
    let out = dir.path().join("out");
    let mut args = vec!["build", "--strict", "--json", "--out", path_str(&out)];
    args.extend(specs.iter().map(String::as_str));
    let o = run(&args);
    assert!(o.status.success(), "editorial findings or failures under --strict:\n{}", stderr(&o));
    let records: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--json prints records");
    let records = records.as_array().expect("a list");
    assert_eq!(records.len(), specs.len());
    for r in records {
        assert_eq!(r["status"], "built", "{r}");
        assert_eq!(r["warnings"].as_array().map(Vec::len), Some(0), "{r}");
    }
}

#[test]
fn strict_fails_a_brief_with_findings_and_writes_nothing() {
    // A title of its own that repeats a selected country back to back.
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("echo.yaml");
    std::fs::write(&spec, "title: \"Peer support in Cardiff and Vale, Cardiff and Vale\"\ndate: 2026-11-24\naudience: minister\ncountries: [wales]\nthemes: [funding]\n").unwrap();
    let out = dir.path().join("out");
    let warn = run(&["build", path_str(&spec), "--out", path_str(&out), "--json"]);
    ok(&warn);
    let records: serde_json::Value = serde_json::from_slice(&warn.stdout).unwrap();
    assert_eq!(records[0]["warnings"][0]["check"], "echo", "{records}");
    assert!(stderr(&warn).contains("warning: page 1:"), "{}", stderr(&warn));
    let strict_out = dir.path().join("strict");
    let strict = run(&["build", path_str(&spec), "--out", path_str(&strict_out), "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    assert!(stderr(&strict).contains("a phrase printed twice in a row [echo]"), "{}", stderr(&strict));
    assert!(!strict_out.join("echo.pdf").exists() && !strict_out.join("echo.docx").exists());
}

// Each check on a small Typst document made to have its defect, laid out for real.

fn shared() -> Arc<Shared> {
    Shared::new(&briefgen::templates::Templates::new(None).expect("built-in templates")).expect("fonts")
}

fn term(t: &str, gloss: &str) -> Term {
    Term { term: t.into(), gloss: gloss.into(), country: None, gloss_source: "ours".into() }
}

fn findings(body: &str, places: &[&str], terms: &[Term], vocabulary: &Vocabulary) -> Vec<Finding> {
    let source = format!("#import \"brief.typ\": *\n#show: brief.with(title: \"t\")\n{body}");
    let setup = Setup { date: Date { year: 2026, month: 11, day: 24 }, inputs: &[], extra: &[] };
    let laid = typeset::layout(&shared(), "test.typ", source, &setup).unwrap_or_else(|e| panic!("{e:?}"));
    let passages: Vec<String> = vec![];
    let expect = Expect { places: places.iter().map(|p| vec![p.to_string()]).collect(), terms, acronyms: &[], vocabulary, passages: &|| passages.as_slice() };
    editorial::check(&laid.text(), &expect)
}

fn kinds(f: &[Finding]) -> Vec<&'static str> {
    f.iter().map(|f| f.check).collect()
}

fn plain(body: &str) -> Vec<&'static str> {
    kinds(&findings(body, &["Wales"], &[], &Vocabulary::default()))
}

/// `n` sentences of body text that never repeat themselves.
fn fill(n: usize) -> String {
    (0..n).map(|i| format!("In year {i} peer roles in Wales grew by {} posts. ", i * 7 + 3)).collect()
}

#[test]
fn a_clean_page_has_no_findings() {
    assert_eq!(plain(&format!("= Heading\n{}", fill(12))), Vec::<&str>::new());
}

#[test]
fn repeat_fires_on_ten_words_printed_twice() {
    let run = "the first peer led recovery college in the country opened in Cardiff";
    assert!(plain(&format!("{run}.\n\nLater, {run} again.")).contains(&"repeat"));
}

#[test]
fn echo_fires_on_a_place_printed_twice_in_a_row() {
    assert!(plain("Victoria, Australia · Victoria, Australia").contains(&"echo"));
    assert!(plain("Copenhagen region, Copenhagen region, Denmark, 2022").contains(&"echo"));
}

#[test]
fn capitals_fire_on_a_lowered_abbreviation() {
    let vocab = Vocabulary::from_texts(["Roles in NHS trusts grew in Wales."], []);
    let f = findings("Peer support in Wales has been nhs driven.", &["Wales"], &[], &vocab);
    assert!(kinds(&f).contains(&"capitals"), "{f:?}");
    assert!(f.iter().any(|f| f.message.contains("`NHS`")), "{f:?}");
}

#[test]
fn placeholder_fires_on_a_dash_cell() {
    assert!(plain("#table(columns: 2, [Wales], [—])").contains(&"placeholder"));
}

#[test]
fn sparse_page_fires_on_a_nearly_empty_last_page() {
    assert!(plain(&format!("{}\n#pagebreak()\nWales.", fill(200))).contains(&"sparse-page"));
}

#[test]
fn blank_band_fires_on_a_gap_before_the_page_ends() {
    assert!(plain(&format!("{}\n#v(1fr)\n#pagebreak()\n{}", fill(60), fill(120))).contains(&"blank-band"));
}

#[test]
fn stranded_heading_fires_on_a_heading_at_the_page_foot() {
    let body = format!("{}\n#v(1fr)\n= Stranded\n#pagebreak()\n{}", fill(40), fill(120));
    assert!(plain(&body).contains(&"stranded-heading"));
}

#[test]
fn footnote_page_fires_on_a_note_pushed_to_the_next_page() {
    // A list item whose marker falls at the very foot of page 1 (found by trying fills):
    // inside a list Typst cannot move the line, so the long note goes to page 2.
    let note = "A long note. ".repeat(40);
    let item = "Wales item with enough words to wrap onto a second line of the list item here and more words to wrap again";
    let body = format!("{}\n\n- {item}#footnote[{note}]\n- next\n", fill(104));
    assert!(plain(&body).contains(&"footnote-page"));
}

#[test]
fn place_unnamed_fires_when_a_selected_place_is_missing() {
    let f = findings(&fill(5), &["Wales", "Ireland"], &[], &Vocabulary::default());
    assert_eq!(kinds(&f), vec!["place-unnamed"]);
    assert!(f[0].text.contains("Ireland"));
}

#[test]
fn glossary_fires_both_ways() {
    let terms = [term("co-production", "working as equals"), term("whānau", "family")];
    // `whānau` is explained but never used; `co-production` is used but not explained.
    let body = format!("{} Services grew through co-production.\n\n#set terms(separator: [: ])\n/ whānau: family\n", fill(5));
    let f = findings(&body, &["Wales"], &terms, &Vocabulary::default());
    assert!(kinds(&f).contains(&"glossary-unused"), "{f:?}");
    assert!(kinds(&f).contains(&"glossary-missing"), "{f:?}");
}

#[test]
fn overprint_fires_on_a_line_set_over_another() {
    let body = format!("{}\n\n#place(top + left, dy: 2pt)[Placed over the first line here]\nA paragraph whose first line lies under the placed one.\n", fill(3));
    assert!(plain(&body).contains(&"overprint"), "{:?}", plain(&body));
    // Side by side is not over each other.
    assert!(!plain(&format!("#columns(2)[{}]", fill(30))).contains(&"overprint"));
}
