//! The page-budget search keeps the highest-ranked units: what it leaves out is always the
//! tail of the audience's ranking, and one unit more would not fit (more pages than the
//! budget, or a page a reader would have to correct).

mod common;
use briefgen::produce::{self as build, Context, Options};
use briefgen::editorial::{self, Expect};
use briefgen::spec::Spec;
use briefgen::typeset::{self, Setup};
use briefgen::{budget, select};
use std::path::Path;

#[test]
fn the_search_keeps_the_longest_prefix_of_the_ranking_that_fits() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let ctx = Context::new(&root.join("data"), &briefgen::templates::Templates::new(Some(&root.join("templates"))).unwrap()).unwrap_or_else(|e| panic!("{e:?}"));
    let dir = tempfile::tempdir().unwrap();
    let opts = Options { out: dir.path().to_path_buf(), emit_source: false, strict: false };
    let mut cut_somewhere = false;
    for (audience, countries) in [("minister", "all"), ("funder", "all"), ("community", "all"), ("funder", "[wales, ireland]")] {
        let path = dir.path().join(format!("{audience}.yaml"));
        std::fs::write(&path, format!("date: 2026-11-24\naudience: {audience}\ncountries: {countries}\nthemes: all\n")).unwrap();
        let project = briefgen::project::Project::plain();
        let spec = Spec::load(&path, ctx.env(&project)).unwrap_or_else(|e| panic!("{e:?}"));
        let built = build::render_spec(&ctx, &spec, &opts).unwrap_or_else(|e| panic!("{e:?}"));
        let aud = ctx.audiences.get(&spec.audience).unwrap();
        let full = ctx.renderer.brief(&spec, &ctx.data, aud).unwrap();
        let ranking = budget::ranking(&full, aud);
        let keep = ranking.len() - built.dropped.len();
        assert_eq!(built.dropped, ranking[keep..].to_vec(), "{audience} {countries}: what was left out is not the ranking's tail");
        if keep == ranking.len() {
            continue;
        }
        cut_somewhere = true;
        // One unit more, laid out: over the budget, or with something to correct.
        let mut more = budget::retain(&full, &ranking, keep + 1);
        more.glossary = select::glossary_for(&briefgen::render::escape::typst_prose(&ctx.renderer.typst(&more).unwrap()), &ctx.data.glossary);
        let source = ctx.renderer.typst(&more).unwrap();
        let inputs = [("ink", spec.brand.colour.as_str()), ("accent", spec.brand.accent.as_str())];
        let laid = typeset::layout(&ctx.typst, "more.typ", source, &Setup { date: spec.date, inputs: &inputs, extra: &[] }).unwrap_or_else(|e| panic!("{e:?}"));
        let places = more.countries.iter().map(|c| vec![c.name.clone(), c.short_name.clone()]).collect();
        let expect = Expect { places, terms: &ctx.data.glossary.terms, acronyms: &ctx.data.glossary.acronyms, vocabulary: &ctx.vocabulary, passages: &ctx.passages };
        let findings = editorial::check(&laid.text(), &expect);
        assert!(
            laid.pages() > aud.pages || !findings.is_empty(),
            "{audience} {countries}: {} units fit in {} pages without findings, but only {keep} were kept",
            keep + 1,
            laid.pages()
        );
    }
    assert!(cut_somewhere, "no selection was large enough to need cutting");
}

#[test]
fn a_long_list_of_what_was_left_out_is_counted_not_spelled_out() {
    let units: Vec<budget::Unit> = (0..20).map(|i| budget::Unit::Item(format!("p{i}"))).chain([budget::Unit::References]).collect();
    let text = budget::describe(&units);
    assert!(text.starts_with("20 passages (p0, p1,") && text.contains("p11, and 8 more)") && !text.contains("p12"), "{text}");
    assert!(text.ends_with("; the references list"), "{text}");
    assert_eq!(budget::describe(&units[..2]), "2 passages (p0, p1)");
}
