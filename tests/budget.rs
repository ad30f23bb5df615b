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

/// The context of the project's own data and templates.
fn context() -> Context {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    Context::new(&root.join("data"), &briefgen::templates::Templates::new(Some(&root.join("templates"))).unwrap()).unwrap_or_else(|e| panic!("{e:?}"))
}

/// Builds (in memory) the brief of `audience` on `countries` (`all`, or a YAML list), all themes.
fn build_one(ctx: &Context, dir: &Path, audience: &str, countries: &str) -> (Spec, build::Built) {
    let path = dir.join(format!("{audience}-{}.yaml", countries.trim_matches(['[', ']']).replace(", ", "-")));
    std::fs::write(&path, format!("date: 2026-11-24\naudience: {audience}\ncountries: {countries}\nthemes: all\n")).unwrap();
    build_spec(ctx, dir, &path)
}

/// Builds (in memory) the brief of the spec at `path`.
fn build_spec(ctx: &Context, dir: &Path, path: &Path) -> (Spec, build::Built) {
    let spec = Spec::load(path, ctx.env(&briefgen::project::Project::plain())).unwrap_or_else(|e| panic!("{e:?}"));
    let opts = Options { out: dir.to_path_buf(), emit_source: false, strict: false };
    let built = build::render_spec(ctx, &spec, &opts, None).unwrap_or_else(|e| panic!("{e:?}"));
    (spec, built)
}

#[test]
fn the_search_keeps_the_longest_prefix_of_the_ranking_that_fits() {
    let ctx = context();
    let dir = tempfile::tempdir().unwrap();
    let mut cut_somewhere = false;
    // Every audience on all countries and on each country alone (the search stops early
    // where it measures that the next unit cannot fit: this is what proves it right).
    let mut selections: Vec<(&str, String)> = vec![("funder", "[wales, ireland]".to_string())];
    for audience in ["minister", "funder", "community"] {
        selections.push((audience, "all".to_string()));
        for c in ctx.data.country_ids() {
            selections.push((audience, format!("[{c}]")));
        }
    }
    for (audience, countries) in &selections {
        let (spec, built) = build_one(&ctx, dir.path(), audience, countries);
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
        let expect = Expect { places, terms: &ctx.data.glossary.terms, acronyms: &ctx.data.glossary.acronyms, vocabulary: &ctx.vocabulary, passages: &|| ctx.passages() };
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

#[test]
fn a_page_break_for_a_place_inside_a_table_goes_before_the_table_and_its_heading() {
    let source = "= Intro\nText.\n= Figures\n#table(\n  columns: 2,\n  [#metadata(\"u:figure:a\")1], [One#footnote[Note.]],\n)\n- #metadata(\"u:item:b\")Item\n".to_string();
    let by_unit = budget::fit::with_breaks(source.clone(), &[budget::fit::Break::Unit("figure:a".into())]);
    assert!(by_unit.contains("Text.\n#pagebreak(weak: true)\n#metadata(\"u:moved\")\n= Figures\n#table("), "{by_unit}");
    // The same for a break asked for at the footnote's own line (5, 0-based).
    assert_eq!(budget::fit::with_breaks(source.clone(), &[budget::fit::Break::Line(5)]), by_unit);
    // A list item takes the break itself.
    let item = budget::fit::with_breaks(source, &[budget::fit::Break::Unit("item:b".into())]);
    assert!(item.contains(")\n#pagebreak(weak: true)\n#metadata(\"u:moved\")\n- #metadata(\"u:item:b\")"), "{item}");
}

#[test]
fn a_candidate_laid_out_as_an_edit_of_the_last_gives_the_same_pdf_as_a_fresh_layout() {
    let shared = typeset::Shared::new(&briefgen::templates::Templates::new(None).expect("built-in templates")).expect("fonts");
    let setup = Setup { date: briefgen::spec::Date { year: 2026, month: 11, day: 24 }, inputs: &[], extra: &[] };
    // As candidates differ: parts kept or left out anywhere, and the notes at the end
    // numbered by the parts kept (so one candidate differs from the last in many places).
    let doc = |parts: &[usize]| {
        let body: String = parts.iter().enumerate().map(|(n, i)| format!("= Part {i}\nA paragraph about part {i}, long enough to wrap over a line or two of the page.#super[{}]\n\n", n + 1)).collect();
        let notes: Vec<String> = parts.iter().map(|i| format!("[Note {i}.]")).collect();
        format!("#import \"brief.typ\": *\n#show: brief.with(title: \"t\")\n{body}#notes([_R_], ({}, ))\n", notes.join(", "))
    };
    let drafts = typeset::Drafts::default();
    let all: Vec<usize> = (0..40).collect();
    let without = |gone: &[usize]| all.iter().copied().filter(|i| !gone.contains(i)).collect::<Vec<_>>();
    for parts in [all.clone(), without(&[5, 20]), without(&[20]), (0..12).collect(), without(&[3, 4, 30, 39]), all.clone()] {
        let edited = drafts.layout(&shared, "t.typ", &doc(&parts), &setup).unwrap_or_else(|e| panic!("{e:?}"));
        let fresh = typeset::layout(&shared, "t.typ", doc(&parts), &setup).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(edited.pages(), fresh.pages(), "{} parts", parts.len());
        let pdf = |l: &typeset::Laid| l.pdf(setup.date, "t", briefgen::spec::PdfStandard::Ua1).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(pdf(&edited) == pdf(&fresh), "{} parts: the PDFs differ", parts.len());
    }
}

proptest::proptest! {
    /// A draft edited run by run (`edit_to`) holds the new text and parses as it would
    /// fresh, whatever lines were changed, added or removed.
    #[test]
    fn a_draft_edited_line_by_line_is_the_new_source(
        old in proptest::collection::vec(proptest::sample::select(vec!["= Head\n", "Text *bold*\n", "#f(1, [a\n", "])\n", "- item\n", "\n", "\"str\n"]), 0..30),
        edits in proptest::collection::vec((0usize..30, 0usize..3, proptest::sample::select(vec!["", "x\n", "#g[\n", "]\n", "= Other\n"])), 0..6),
    ) {
        let mut lines: Vec<String> = old.iter().map(|s| s.to_string()).collect();
        let before = lines.concat();
        for (at, cut, with) in edits {
            let at = at.min(lines.len());
            let cut = cut.min(lines.len() - at);
            lines.splice(at..at + cut, (!with.is_empty()).then(|| with.to_string()));
        }
        let after = lines.concat();
        let mut draft = typst::syntax::Source::detached(before);
        typeset::edit_to(&mut draft, &after);
        proptest::prop_assert_eq!(draft.text(), after.as_str());
        proptest::prop_assert!(draft.root().spanless_eq(typst::syntax::Source::detached(after.clone()).root()));
    }
}

#[test]
fn a_references_list_that_fits_is_sized_in_the_first_layout_not_a_second() {
    // The funder's England brief keeps its whole selection, and its references list takes
    // most of the room the other units leave on the last page: no layout without the list
    // can tell whether it fits, so the first candidate carries it.
    let dir = tempfile::tempdir().unwrap();
    let (_, built) = build_one(&context(), dir.path(), "funder", "[england]");
    assert!(built.dropped.is_empty(), "left out: {:?}", built.dropped);
    assert_eq!(built.layouts, 1, "{} layouts, {} pages laid out", built.layouts, built.pages_laid);
}

#[test]
fn a_first_candidate_the_size_of_the_budget_is_often_the_answer() {
    // The all-countries funder brief keeps 33 of its 167 units. Sized at 92% of the budget,
    // the first candidate kept 31 and the search grew it one unit a layout (three layouts);
    // sized at the whole budget, it is the answer, and the next unit is known not to fit.
    let dir = tempfile::tempdir().unwrap();
    let (_, built) = build_one(&context(), dir.path(), "funder", "all");
    assert_eq!(built.dropped.len(), 167 - 33, "left out: {:?}", built.dropped);
    assert_eq!(built.layouts, 1, "{} layouts, {} pages laid out", built.layouts, built.pages_laid);
}

#[test]
fn a_unit_measured_alone_that_needs_more_than_the_room_left_takes_no_layout() {
    // Minister England and Wales from a new folder: 9 units fit on two pages, and the next
    // is the role-clarity option. Set between the option before it and the quote's heading,
    // it needs 105.5 pt; 93.7 are left down to the foot of the last page: a probe rules it
    // out, and no second layout is made.
    let dir = tempfile::tempdir().unwrap();
    let (_, built) = build_one(&context(), dir.path(), "minister", "[england, wales]");
    assert!(built.dropped.contains(&budget::Unit::Theme("role-clarity".into())), "left out: {:?}", built.dropped);
    assert_eq!((built.layouts, built.probes, built.pages_laid), (1, 1, 2), "{} layouts, {} probes, {} pages laid out", built.layouts, built.probes, built.pages_laid);
}

/// The all-countries minister brief's ranking and the sources of its first `k` units.
fn minister_all<'a>(ctx: &'a Context, dir: &Path) -> (Spec, Vec<budget::Unit>, impl Fn(usize) -> String + 'a) {
    let (spec, _) = build_one(ctx, dir, "minister", "all");
    let aud = ctx.audiences.get(&spec.audience).unwrap();
    let full = ctx.renderer.brief(&spec, &ctx.data, aud).unwrap();
    let ranking = budget::ranking(&full, aud);
    let units = ranking.clone();
    (spec, units, move |k| ctx.renderer.typst(&budget::retain(&full, &ranking, k)).unwrap())
}

/// Lays `source` out as the build does for `spec`: its markers and page height.
fn lay(ctx: &Context, spec: &Spec, source: String) -> Option<(Vec<(String, f64)>, f64)> {
    let inputs = [("ink", spec.brand.colour.as_str()), ("accent", spec.brand.accent.as_str())];
    let laid = typeset::layout(&ctx.typst, "probe.typ", source, &Setup { date: spec.date, inputs: &inputs, extra: &[] }).ok()?;
    Some((laid.markers(), laid.page_height()))
}

#[test]
fn a_probe_needs_what_the_unit_adds_to_the_brief() {
    // The all-countries minister brief's first 8 units fit on two pages; the 9th, the
    // funding option, goes between the 8th option and the quote's heading. Its probe sets
    // it between those two, and them alone, and needs what the brief grows by: 176.5 pt,
    // where 179.4 are left, so it is laid out and kept (9 of 18 units; 2 layouts, 1 probe).
    // Set after a block of its own, with the notes after it and the old notes after
    // those, it measured 179.7 pt (the gaps above an option and above the notes differ by
    // what precedes them) and was ruled out, although it fits.
    let ctx = context();
    let dir = tempfile::tempdir().unwrap();
    let (spec, ranking, source) = minister_all(&ctx, dir.path());
    let (without, with) = (source(8), source(9));
    let need = budget::probe::need(&without, &with, &ranking[8].key(), &|s| lay(&ctx, &spec, s)).expect("the option stands alone");
    let end = |s: String| lay(&ctx, &spec, s).unwrap().0.into_iter().find(|(k, _)| k == "end").unwrap().1;
    let grew = end(with) - end(without);
    assert!((need - grew).abs() < 0.05, "the probe needs {need:.2} pt; the brief grew by {grew:.2}");
    let (_, built) = build_one(&ctx, dir.path(), "minister", "all");
    assert_eq!(built.dropped.len(), 9, "left out: {:?}", built.dropped);
    assert_eq!((built.layouts, built.probes), (2, 1), "{} layouts, {} probes", built.layouts, built.probes);
}

#[test]
fn a_probe_sets_the_unit_between_the_blocks_around_it() {
    // A quote after a paragraph of text and before a heading: the probe lays out the
    // paragraph, the quote, the heading and the notes with it, then on the next page the
    // paragraph, the heading and the notes without it.
    let head = "#import \"brief.typ\": *\n#show: brief.with(title: \"t\")\n= Words\nThese are things people said.\n";
    let with = format!("{head}#metadata(\"u:quote:q\")\n#quote(block: true)[Q#super[2]]\n= Next\n#metadata(\"u:notes\")\n#notes([R], ([A], [B]))\n");
    let without = format!("{head}= Next\n#metadata(\"u:notes\")\n#notes([R], ([A],))\n");
    let seen = std::cell::RefCell::new(String::new());
    let need = budget::probe::need(&without, &with, "quote:q", &|s| {
        *seen.borrow_mut() = s;
        None
    });
    assert_eq!(need, None);
    let probe = seen.borrow();
    let (first, second) = probe.split_once("#colbreak()").expect("two pages");
    let quote = "These are things people said.\n#metadata(\"u:quote:q\")\n#quote(block: true)[Q#super[2]]\n= Next\n";
    assert!(first.contains(quote) && first.contains("#notes([R], ([A], [B]))"), "{first}");
    assert!(second.contains("These are things people said.\n= Next\n") && second.contains("#notes([R], ([A],))"), "{second}");
    assert!(first.starts_with("#import \"brief.typ\": *\n#show: brief.with(title: \"t\")\n"), "the set-up first: {first}");
}

#[test]
fn the_room_left_is_counted_down_to_the_foot_of_the_text_area() {
    // The template marks the foot of the last page's text area (a float of no height). A
    // short brief reaches it on no page: minister Wales and Ireland ends both its pages
    // early, and the lowest line it sets lies well above the foot, which is where the
    // room left was counted down to before (and so undercounted).
    let ctx = context();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("briefs/minister-wales-ireland-funding.yaml");
    let spec = Spec::load(&path, ctx.env(&briefgen::project::Project::plain())).unwrap();
    let aud = ctx.audiences.get(&spec.audience).unwrap();
    let full = ctx.renderer.brief(&spec, &ctx.data, aud).unwrap();
    let source = ctx.renderer.typst(&full).unwrap();
    let inputs = [("ink", spec.brand.colour.as_str()), ("accent", spec.brand.accent.as_str())];
    let laid = typeset::layout(&ctx.typst, "minister.typ", source, &Setup { date: spec.date, inputs: &inputs, extra: &[] }).unwrap_or_else(|e| panic!("{e:?}"));
    let page = laid.page_height();
    let at = |k: &str| laid.markers().into_iter().find(|(m, _)| m == k).map(|(_, y)| y).unwrap_or_else(|| panic!("no `{k}` marker"));
    let (end, foot) = (at("end"), at("foot"));
    assert_eq!((end / page).floor(), (foot / page).floor(), "the foot is on the last page");
    let lowest = editorial::foot(&laid.text());
    let foot_y = foot - (foot / page).floor() * page;
    assert!(foot_y > lowest + 20.0, "foot at {foot_y:.1} pt, lowest line at {lowest:.1}");
}

#[test]
fn a_first_unit_of_its_kind_that_stands_alone_is_ruled_out_by_a_probe_not_a_layout() {
    // The all-countries community brief keeps 14 of its 76 units; the next is its first
    // passage, a kind no layout of the 14 can size. It was laid out with them (5 pages),
    // then without (4): two layouts. It stands alone in the source, so the 14 are laid out
    // first and the passage alone, which needs more than the 21 pt left: one layout. That
    // takes the room left counted right: a glossary's terms beside their descriptions and
    // quotes' attributions beside their last lines are not columns (counted as such, they
    // put the most room the passage could find at 189 pt, where 21 were left).
    let dir = tempfile::tempdir().unwrap();
    let (_, built) = build_one(&context(), dir.path(), "community", "all");
    assert_eq!(built.dropped.len(), 76 - 14, "left out: {:?}", built.dropped);
    assert_eq!((built.layouts, built.probes, built.pages_laid), (1, 1, 4), "{} layouts, {} probes, {} pages laid out", built.layouts, built.probes, built.pages_laid);
}

#[test]
fn a_unit_is_measured_alone_only_where_it_stands_whole_at_the_top_level() {
    use briefgen::budget::probe::segment;
    let source = "#import \"brief.typ\": *\n#show: brief.with(title: \"t\")\n#set text(size: 9pt)\n= Options\n#metadata(\"u:theme:a\")\n#option(1, [A])[Body]\n#metadata(\"u:theme:b\")\n#option(2, [B])[Body]\nA sentence after it.\n\n- #metadata(\"u:item:c\")*Lead.* Text.#super[2]\n#stats(([#metadata(\"u:figure:d\")5], [x], [y]),)\n#let late = 1\n";
    let (preamble, unit) = segment(source, "theme:a").expect("an option on its own");
    assert_eq!(unit, "#metadata(\"u:theme:a\")\n#option(1, [A])[Body]");
    // The set-up before it, and no content: not the heading.
    assert_eq!(preamble, "#import \"brief.typ\": *\n#show: brief.with(title: \"t\")\n#set text(size: 9pt)\n");
    // Text runs on after the call: its paragraph would be measured with it.
    assert_eq!(segment(source, "theme:b"), None);
    assert_eq!(segment(source, "item:c").map(|(_, u)| u).as_deref(), Some("- #metadata(\"u:item:c\")*Lead.* Text.#super[2]"));
    // Inside a call, its height depends on the rest of the call.
    assert_eq!(segment(source, "figure:d"), None);
    assert_eq!(segment(source, "theme:missing"), None);
}

#[test]
fn the_workforce_example_is_found_in_two_layouts() {
    // Its first candidate (40 units, sized at 98% of the budget) runs onto a fifth page, and
    // one unit less fits: two layouts. It took five once, four when a candidate's identical
    // source reused its layout, three when each step was sized by the candidate's source
    // (the search then grew a fitting candidate by figures the template does not show).
    let dir = tempfile::tempdir().unwrap();
    let (_, built) = build_spec(&context(), dir.path(), &Path::new(env!("CARGO_MANIFEST_DIR")).join("briefs/funder-all-workforce.yaml"));
    assert_eq!((built.layouts, built.pages_laid), (2, 9), "{} layouts, {} pages laid out", built.layouts, built.pages_laid);
}

#[test]
fn a_rebuild_starts_where_the_last_build_ended_and_chooses_the_same() {
    // The all-countries minister brief takes two layouts from its estimate (see above).
    // Started where that search ended, its first layout is the answer; started far off
    // (nothing, or more units than the selection has), the search costs more layouts and
    // still chooses the same: a start is never a verdict.
    let ctx = context();
    let dir = tempfile::tempdir().unwrap();
    let (spec, cold) = build_one(&ctx, dir.path(), "minister", "all");
    assert!(!cold.started_from_last_build && cold.layouts == 2, "{} layouts", cold.layouts);
    let opts = Options { out: dir.path().to_path_buf(), emit_source: false, strict: false };
    let bytes = |b: &build::Built| b.outputs.iter().map(|o| (o.path.clone(), o.bytes.clone())).collect::<Vec<_>>();
    let from = |units: usize| Some(budget::fit::Start { units, ranked: cold.searched.ranked });
    for (start, most) in [(cold.searched.units, 1), (0, 9), (1000, 9)] {
        let warm = build::render_spec(&ctx, &spec, &opts, from(start)).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(warm.started_from_last_build && warm.layouts <= most, "from {start}: {} layouts", warm.layouts);
        assert_eq!(warm.searched, cold.searched, "from {start}");
        assert!(bytes(&warm) == bytes(&cold), "from {start}: other bytes");
    }
    let warm = build::render_spec(&ctx, &spec, &opts, from(cold.searched.units)).unwrap();
    assert_eq!((warm.layouts, warm.pages_laid), (1, 2));
    // A start from a ranking far longer (another dataset's) is not used.
    let other = build::render_spec(&ctx, &spec, &opts, Some(budget::fit::Start { units: 40, ranked: 10 * cold.searched.ranked })).unwrap();
    assert!(!other.started_from_last_build && bytes(&other) == bytes(&cold));
}
