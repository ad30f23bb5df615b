//! The audience briefs as readers get them: page budgets hold for the largest selection,
//! only selected countries' material appears, figures and quotes carry citations, the
//! DOCX says what the PDF says, and the generated Typst is pinned by snapshots.

mod common;
use briefgen::data::Dataset;
use common::*;
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::Command;

fn dataset() -> Dataset {
    Dataset::load_checked(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data")).unwrap_or_else(|_| panic!("dataset"))
}

fn pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo (poppler-utils)");
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("page count")
}

fn write_spec(dir: &Path, name: &str, body: &str) -> String {
    let p = dir.join(format!("{name}.yaml"));
    std::fs::write(&p, format!("date: 2026-11-22\n{body}")).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn everything_selected_still_fits_each_audience_budget_on_both_papers() {
    let dir = tempfile::tempdir().unwrap();
    for (audience, budget) in [("minister", 2), ("funder", 4), ("community", 4)] {
        for paper in ["a4", "us-letter"] {
            let name = format!("{audience}-{paper}");
            let spec = write_spec(dir.path(), &name, &format!("audience: {audience}\ncountries: all\nthemes: all\npaper: {paper}\n"));
            let o = run(&["build", &spec, "--out", path_str(dir.path())]);
            ok(&o);
            let n = pages(&dir.path().join(format!("{name}.pdf")));
            assert!(n <= budget && n >= budget - 1, "{name}: {n} pages for a budget of {budget}");
            assert!(stderr(&o).contains("left out to fit"), "{name}: the build must say what it dropped:\n{}", stderr(&o));
        }
    }
}

#[test]
fn a_one_country_brief_names_no_other_countrys_services() {
    let data = dataset();
    let dir = tempfile::tempdir().unwrap();
    for audience in ["minister", "funder", "community"] {
        for country in ["wales", "new-zealand"] {
            let name = format!("{audience}-{country}");
            let spec = write_spec(dir.path(), &name, &format!("audience: {audience}\ncountries: [{country}]\nthemes: all\n"));
            ok(&run(&["build", &spec, "--out", path_str(dir.path())]));
            let pdf = pdf_text(&dir.path().join(format!("{name}.pdf")));
            let docx = docx_text(&dir.path().join(format!("{name}.docx")));
            for other in data.countries.iter().filter(|c| c.id != country) {
                for s in &other.services {
                    for (what, text) in [("PDF", &pdf), ("DOCX", &docx)] {
                        assert!(!contains(text, &s.name), "{name} {what} names {}'s service {:?}", other.id, s.name);
                    }
                }
                for q in &other.quotes {
                    for (what, text) in [("PDF", &pdf), ("DOCX", &docx)] {
                        assert!(!contains(text, &q.text), "{name} {what} quotes {}", other.id);
                    }
                }
            }
        }
    }
}

#[test]
fn no_passage_is_printed_twice_in_a_brief() {
    // A passage tagged with two themes a template shows in two sections (funding and its
    // risks, say) must be said once.
    let dir = tempfile::tempdir().unwrap();
    for audience in ["minister", "funder", "community"] {
        let spec = write_spec(dir.path(), audience, &format!("audience: {audience}\ncountries: [wales, ireland]\nthemes: all\n"));
        ok(&run(&["build", &spec, "--out", path_str(dir.path()), "--emit-source"]));
        let typ = std::fs::read_to_string(dir.path().join(format!("{audience}.typ"))).unwrap();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for marker in typ.split("#metadata(\"u:item:").skip(1) {
            *seen.entry(marker.split('"').next().unwrap()).or_default() += 1;
        }
        // The minister brief prints options per theme, not passages.
        assert!(audience == "minister" || !seen.is_empty(), "{audience}: no passages found; has the unit marker changed?");
        let twice: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
        assert!(twice.is_empty(), "{audience} prints these passages more than once: {twice:?}");
    }
}

#[test]
fn key_figures_never_state_one_fact_twice() {
    // The report states some figures twice in different words ("eight recovery colleges
    // and education services" in Ireland's context, "eight centres across Ireland" under
    // its services): a strip of key figures shows such a fact once, and a tile does not
    // name its unit twice ("8 centres" / "recovery education centres across Ireland").
    let data = dataset();
    let dir = tempfile::tempdir().unwrap();
    for c in data.country_ids() {
        let spec = write_spec(dir.path(), &c, &format!("audience: minister\ncountries: [{c}]\nthemes: all\n"));
        ok(&run(&["build", &spec, "--out", path_str(dir.path()), "--emit-source"]));
        let typ = std::fs::read_to_string(dir.path().join(format!("{c}.typ"))).unwrap();
        let tiles: Vec<(&str, &str, &str)> = typ
            .split("#metadata(\"u:figure:")
            .skip(1)
            .map(|t| {
                let cells: Vec<&str> = t.split_once("\")").unwrap().1.splitn(3, "], [").collect();
                (cells[0], cells[1], cells[2].split("#super[").next().unwrap())
            })
            .collect();
        assert!(!tiles.is_empty(), "{c}: no key figures; has the unit marker changed?");
        let mut numbers: Vec<&str> = tiles.iter().map(|t| t.0).collect();
        numbers.sort();
        numbers.dedup();
        assert_eq!(numbers.len(), tiles.len(), "{c}: one number in two tiles: {tiles:?}");
        for (number, unit, detail) in &tiles {
            let head = unit.split_whitespace().last().unwrap_or_default().trim_end_matches('s').to_lowercase();
            let named = detail.to_lowercase().split(|ch: char| !ch.is_alphanumeric()).any(|w| !head.is_empty() && w.trim_end_matches('s') == head);
            assert!(!named, "{c}: the tile {number} {unit} names its unit again in: {detail}");
        }
        // The funder's table of figures: one number twice only for two things ("65
        // recommendations" and "65 days of hearings"), not one fact in other words
        // (England's target of 5,000 peer support workers, with its year and without).
        let spec = write_spec(dir.path(), &format!("funder-{c}"), &format!("audience: funder\ncountries: [{c}]\nthemes: all\n"));
        ok(&run(&["build", &spec, "--out", path_str(dir.path()), "--emit-source"]));
        let typ = std::fs::read_to_string(dir.path().join(format!("funder-{c}.typ"))).unwrap();
        let words = |s: &str| -> HashSet<String> { s.to_lowercase().split(|ch: char| !ch.is_alphanumeric()).filter(|w| w.len() >= 5).map(|w| w.trim_end_matches('s').to_string()).collect() };
        let rows: Vec<(&str, HashSet<String>)> = typ
            .split("#metadata(\"u:figure:")
            .skip(1)
            .filter_map(|t| {
                let (number, rest) = t.split_once("\")").unwrap().1.split_once("], [")?;
                Some((number, words(rest.split("#super[").next().unwrap())))
            })
            .collect();
        for (i, a) in rows.iter().enumerate() {
            for b in &rows[i + 1..] {
                assert!(a.0 != b.0 || a.1.intersection(&b.1).count() < 3, "{c}: the funder brief gives {} twice in much the same words: {:?} / {:?}", a.0, a.1, b.1);
            }
        }
    }
}

#[test]
fn a_row_of_the_countries_compared_never_repeats_a_key_message() {
    // Wales's key message on funding is also tagged with vulnerability: the table shows it
    // once and points to it from the other cell.
    let dir = tempfile::tempdir().unwrap();
    let spec = write_spec(dir.path(), "compare", "audience: funder\ncountries: [wales, ireland]\nthemes: [workforce-infrastructure, funding, role-clarity, vulnerability]\n");
    ok(&run(&["build", &spec, "--out", path_str(dir.path()), "--emit-source"]));
    let typ = std::fs::read_to_string(dir.path().join("compare.typ")).unwrap();
    let table = typ.split(" compared\n").nth(1).and_then(|t| t.split("#table(").nth(1)).expect("a comparison table");
    let rows: Vec<&str> = table.lines().filter(|l| l.trim_start().starts_with("[*")).collect();
    assert_eq!(rows.len(), 2, "{table}");
    for row in &rows {
        let leads: Vec<&str> = row.split("], [").map(|c| c.split("#super[").next().unwrap()).filter(|c| !c.is_empty() && !c.starts_with('_')).collect();
        let mut unique = leads.clone();
        unique.dedup();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), leads.len(), "a key message twice in: {row}");
    }
    assert!(rows[1].contains("_As under Funding source and structure_"), "{}", rows[1]);
}

/// The notes a generated source lists after its content (`#notes(source, ([a], [b], ))`).
fn notes_of(typ: &str) -> Vec<String> {
    let line = typ.lines().find(|l| l.starts_with("#notes(")).expect("a notes list");
    let items = line.split_once(", ([").expect("the notes").1;
    items.trim_end_matches("], ))").split("], [").map(str::to_string).collect()
}

/// The note numbers cited (`#super[n]`), in source order.
fn note_numbers(text: &str) -> Vec<usize> {
    text.split("#super[").skip(1).filter_map(|t| t.split(']').next()?.parse().ok()).collect()
}

#[test]
fn figures_and_quotes_carry_citations() {
    // Every figure (a unit marker `u:figure:`, or a service's figure bullet) and every quote
    // the generated Typst prints sits on one line with its note.
    let dir = tempfile::tempdir().unwrap();
    for audience in ["minister", "funder", "community"] {
        let spec = write_spec(dir.path(), audience, &format!("audience: {audience}\ncountries: [wales, ireland, denmark]\nthemes: all\n"));
        ok(&run(&["build", &spec, "--out", path_str(dir.path()), "--emit-source"]));
        let typ = std::fs::read_to_string(dir.path().join(format!("{audience}.typ"))).unwrap();
        let printed: Vec<&str> = typ.lines().filter(|l| l.contains("#metadata(\"u:figure:") || l.starts_with("- *") || l.starts_with("#quote(")).collect();
        let notes = notes_of(&typ);
        for line in &printed {
            let cited = note_numbers(line);
            assert!(!cited.is_empty() && cited.iter().all(|n| (1..=notes.len()).contains(n)), "{audience}: uncited line:\n{line}");
        }
        // Numbered in the order first cited, each note cited, none listed twice, each
        // naming pages of the report (which the list names once).
        let mut first: Vec<usize> = Vec::new();
        for n in note_numbers(&typ) {
            if !first.contains(&n) {
                first.push(n);
            }
        }
        assert_eq!(first, (1..=notes.len()).collect::<Vec<_>>(), "{audience}");
        let mut unique = notes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), notes.len(), "{audience}: a note listed twice: {notes:?}");
        assert!(notes.iter().all(|n| n.contains("p\\. ") || n.contains("pp\\. ")), "{audience}: {notes:?}");
        assert!(!typ.contains("#footnote["), "{audience}: a Typst footnote");
        let quotes = printed.iter().filter(|l| l.starts_with("#quote(")).count();
        let figures = printed.len() - quotes;
        // The report's introduction is quoted in the community brief besides the voices.
        assert!(audience == "funder" || quotes >= 1, "{audience}: no quote printed");
        // The funder's table leaves out the figures its passages already give (this
        // selection's DKK 600 million), so it prints fewer than the minister's strip.
        assert!(audience == "community" || figures >= 2, "{audience}: only {figures} figures printed");
    }
}

/// The headings of a DOCX (paragraphs in a Heading style), in order.
fn docx_headings(path: &Path) -> Vec<String> {
    let doc = docx_part(path, "word/document.xml");
    doc.split("</w:p>")
        .map(|chunk| {
            let start = [chunk.rfind("<w:p>"), chunk.rfind("<w:p ")].into_iter().flatten().max().unwrap_or(0);
            &chunk[start..]
        })
        .filter(|p| p.contains("<w:pStyle w:val=\"Heading"))
        .map(|p| xml_text(p).split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

/// The headings of the generated Typst (lines starting with `=`, and the minister's
/// numbered options `#option(n, [title])`), escapes undone.
fn typst_headings(typ: &str) -> Vec<String> {
    typ.lines()
        .filter_map(|l| {
            l.strip_prefix('=').map(|h| h.trim_start_matches('=').trim().to_string()).or_else(|| {
                let rest = l.strip_prefix("#option(")?;
                let (n, title) = rest.split_once(", [")?;
                Some(format!("{n}. {}", title.strip_suffix("])[")?))
            })
        })
        .map(|h| {
            let mut out = String::new();
            let mut chars = h.chars();
            while let Some(c) = chars.next() {
                out.push(if c == '\\' { chars.next().unwrap_or(c) } else { c });
            }
            out
        })
        .collect()
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().any(char::is_alphabetic)).map(str::to_lowercase).collect()
}

#[test]
fn docx_carries_the_pdfs_words() {
    let out = tempfile::tempdir().unwrap();
    ok(&run(&["build", "--out", path_str(out.path()), "--emit-source"]));
    let mut n = 0;
    for entry in std::fs::read_dir(out.path()).unwrap() {
        let pdf = entry.unwrap().path();
        if pdf.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        n += 1;
        // Section by section: the same headings in the same order (a lost section shows).
        let typ = std::fs::read_to_string(pdf.with_extension("typ")).unwrap();
        let expected: Vec<String> = typst_headings(&typ).iter().map(|h| h.replace('\'', "’")).collect();
        let got: Vec<String> = docx_headings(&pdf.with_extension("docx")).iter().map(|h| h.replace('\'', "’")).collect();
        assert_eq!(got, expected, "{}: the DOCX's headings differ from the PDF's", pdf.display());
        // And the words: running headers, footers and note numbers aside, the PDF's.
        let pdf_words = words(&pdf_text(&pdf));
        let mut docx_words: HashMap<String, usize> = HashMap::new();
        for w in words(&docx_text(&pdf.with_extension("docx"))) {
            *docx_words.entry(w).or_default() += 1;
        }
        let found = pdf_words.iter().filter(|w| docx_words.get_mut(*w).is_some_and(|n| *n > 0 && { *n -= 1; true })).count();
        let share = found as f64 / pdf_words.len() as f64;
        assert!(share >= 0.85, "{}: only {:.0}% of the PDF's {} words are in the DOCX", pdf.display(), share * 100.0, pdf_words.len());
    }
    assert!(n >= 3);
}

#[test]
fn a_place_cited_again_in_the_docx_is_the_first_footnote_by_number() {
    // The letter cites the same chapters again and again: each place has one footnote, and
    // a later citation shows that footnote's number in a NOTEREF field (as the PDF gives all
    // that cite the same place one number), pointing to a bookmark on the first reference.
    let out = tempfile::tempdir().unwrap();
    ok(&run(&["build", "briefs/funder-wales-ireland-letter.yaml", "--out", path_str(out.path())]));
    let docx = out.path().join("funder-wales-ireland-letter.docx");
    let notes = docx_part(&docx, "word/footnotes.xml");
    let texts: Vec<&str> = notes.split("<w:t xml:space=\"preserve\"> ").skip(1).map(|t| t.split("</w:t>").next().unwrap()).collect();
    assert!(texts.len() >= 3, "{notes}");
    let distinct: HashSet<&str> = texts.iter().copied().collect();
    assert_eq!(distinct.len(), texts.len(), "a place has two footnotes: {texts:?}");
    let doc = docx_part(&docx, "word/document.xml");
    let again: Vec<&str> = doc.split(" NOTEREF ").skip(1).collect();
    assert!(again.len() >= 3, "the letter cites places again: {} NOTEREF fields", again.len());
    for field in again {
        let name = field.split(' ').next().unwrap();
        let n = name.strip_prefix("_Note").unwrap_or_else(|| panic!("a NOTEREF to `{name}`"));
        assert!(field.starts_with(&format!("{name} \\f \\h ")), "formatted as a footnote mark: {}", &field[..40]);
        // Its shown result is the note's number, until Word updates it.
        let shown = field.split("fldCharType=\"separate\"").nth(1).unwrap().split("<w:t xml:space=\"preserve\">").nth(1).unwrap();
        assert!(shown.starts_with(&format!("{n}</w:t>")), "NOTEREF {name} shows {}", &shown[..20]);
        // The bookmark it names wraps footnote n's reference.
        let start = format!("w:name=\"{name}\" />");
        let marked = doc.split(&start).nth(1).unwrap_or_else(|| panic!("no bookmark {name}"));
        let marked = marked.split("<w:bookmarkEnd").next().unwrap();
        assert!(marked.contains(&format!("<w:footnoteReference w:id=\"{n}\" />")), "bookmark {name} wraps {marked}");
        assert!(n.parse::<usize>().unwrap() <= texts.len());
    }
}

#[test]
fn docx_has_word_structures() {
    let out = tempfile::tempdir().unwrap();
    ok(&run(&["build", "briefs/funder-wales-ireland-letter.yaml", "--out", path_str(out.path())]));
    let docx = out.path().join("funder-wales-ireland-letter.docx");
    let doc = docx_part(&docx, "word/document.xml");
    assert!(doc.contains(r#"<w:pStyle w:val="Heading1" />"#) && doc.contains(r#"<w:pStyle w:val="Heading2" />"#));
    assert!(doc.contains("<w:numPr>"), "bullet lists use Word numbering");
    assert!(doc.contains("<w:tbl>"), "the comparison table is a Word table");
    // A table's heading row is marked as such (Word repeats it on each page the table runs
    // onto; screen readers announce it); the key figures' tiles have none.
    let mut marked = 0;
    for table in doc.split("<w:tbl>").skip(1) {
        let table = table.split("</w:tbl>").next().unwrap();
        let rows: Vec<&str> = table.split("<w:tr>").skip(1).collect();
        assert!(rows[1..].iter().all(|r| !r.contains("<w:tblHeader />")), "only a first row is a heading row");
        let heading = rows[0].contains(r#"w:fill="DCE3EC""#);
        assert_eq!(rows[0].contains("<w:tblHeader />"), heading, "a tinted first row is marked as the table's heading row, and only that");
        marked += usize::from(heading);
    }
    assert!(marked >= 1, "the comparison table has a heading row");
    assert!(doc.contains("<w:footnoteReference"), "citations are Word footnotes");
    assert!(doc.contains(r#"descr="Logo of Example Community Foundation""#), "the logo has alt text");
    assert!(doc.contains(r#"<w:pgSz w:w="12240" w:h="15840""#), "US Letter page size");
    let notes = docx_part(&docx, "word/footnotes.xml");
    assert!(notes.contains("<w:footnoteRef/>") && notes.contains("Peer Support Without Borders, Wales"));
    let core = docx_part(&docx, "docProps/core.xml");
    assert!(core.contains("<dc:title>Sustaining peer roles in Wales and Ireland</dc:title>"));
    assert!(core.contains("<dc:creator>Example Community Foundation</dc:creator>") && core.contains("<dc:language>en-GB</dc:language>"));
    // The funder chart as a PNG picture with a text equivalent.
    let out2 = tempfile::tempdir().unwrap();
    ok(&run(&["build", "briefs/funder-all-workforce.yaml", "--out", path_str(out2.path())]));
    let doc = docx_part(&out2.path().join("funder-all-workforce.docx"), "word/document.xml");
    assert!(doc.contains(r#"descr="Bar chart of peer workers, Copenhagen region"#), "chart alt text");
    // The picture itself: a PNG any decoder reads, two pixels per point of the text width,
    // with the bars drawn (not a blank page).
    let file = std::fs::File::open(out2.path().join("funder-all-workforce.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let name = zip.file_names().find(|n| n.starts_with("word/media/") && n.ends_with(".png")).expect("a PNG picture").to_string();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut zip.by_name(&name).unwrap(), &mut bytes).unwrap();
    let chart = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).expect("the chart decodes").to_rgb8();
    assert!(chart.width() >= 800 && chart.height() >= 100, "{}x{}", chart.width(), chart.height());
    let inked = chart.pixels().filter(|p| p.0.iter().any(|c| *c < 200)).count();
    assert!(inked * 50 > (chart.width() * chart.height()) as usize, "only {inked} pixels drawn");
}

/// What the PDF shows around the text reaches the DOCX: the running footer with page
/// numbers, the summary panel, key figures as a table, boxed quotes, numbered figure
/// captions, headings kept with what follows, typographic quotes in template text (and
/// dataset text as typed, as in the PDF), and a default paragraph style.
#[test]
fn docx_carries_the_pdfs_furniture() {
    let out = tempfile::tempdir().unwrap();
    let specs = ["minister-wales-ireland-funding", "funder-all-workforce", "community-new-zealand"];
    let mut args = vec!["build".to_string(), "--out".into(), path_str(out.path()).into()];
    args.extend(specs.iter().map(|s| format!("briefs/{s}.yaml")));
    ok(&run(&args.iter().map(String::as_str).collect::<Vec<_>>()));
    let part = |stem: &str, name: &str| docx_part(&out.path().join(format!("{stem}.docx")), name);

    let footer = part("minister-wales-ireland-funding", "word/footer1.xml");
    assert!(footer.contains("Ministers and their offices · 22 November 2026"), "footer note: {footer}");
    assert!(footer.contains("Page ") && footer.contains("<w:instrText>PAGE</w:instrText>") && footer.contains("<w:instrText>NUMPAGES</w:instrText>"));
    let styles = part("minister-wales-ireland-funding", "word/styles.xml");
    assert_eq!(styles.matches(r#"w:styleId="Normal""#).count(), 1, "one Normal style");
    assert!(styles.contains(r#"<w:style w:type="paragraph" w:default="1" w:styleId="Normal">"#), "Normal is the default style");
    assert!(styles.contains(r#"w:name w:val="caption""#) && styles.contains(r#"w:name w:val="footer""#));

    let minister = part("minister-wales-ireland-funding", "word/document.xml");
    assert!(minister.contains(r#"<w:pStyle w:val="Panel" />"#), "summary panel");
    assert!(minister.matches(r#"<w:pStyle w:val="KeyFigure" />"#).count() >= 2, "key figures as a table row");
    assert!(minister.contains(r#"<w:pStyle w:val="Quote" /><w:keepNext /><w:keepLines />"#), "quote kept with its attribution");
    assert!(minister.contains(r#"<w:pStyle w:val="Heading2" /><w:keepNext /><w:keepLines />"#), "headings kept with what follows");
    let paras: Vec<&str> = minister.split("</w:p>").collect();
    let insights: Vec<usize> = (1..paras.len()).filter(|i| paras[*i].contains("From the report")).collect();
    assert!(!insights.is_empty(), "no option names its insight");
    for i in insights {
        assert!(paras[i - 1].contains("<w:keepNext />"), "an option's last paragraph leaves its insight line: {}", xml_text(paras[i - 1]));
    }

    let funder = part("funder-all-workforce", "word/document.xml");
    let charts = funder.matches("descr=\"Bar chart").count();
    assert!(charts >= 1 && funder.matches("SEQ Figure").count() == charts, "one numbered caption per chart");
    let text = docx_text(&out.path().join("funder-all-workforce.docx"));
    assert!(contains(&text, "Figure 1 : Peer workers, Copenhagen region"), "caption text: figure number and unit");
    assert!(funder.contains(r#"<w:pStyle w:val="Small" /><w:keepNext />"#), "a service's place line stays with its points");

    let community = docx_text(&out.path().join("community-new-zealand.docx"));
    assert!(community.contains("In people’s own words") && community.contains("the report’s introduction"), "template apostrophes are typographic");
    assert!(community.contains("Aotearoa New Zealand's first"), "dataset text keeps its straight apostrophe, as the PDF does");
}

#[test]
fn pdf_declares_its_standards() {
    let out = tempfile::tempdir().unwrap();
    ok(&run(&["build", "briefs/funder-wales-ireland-letter.yaml", "briefs/minister-wales-ireland-funding.yaml", "--out", path_str(out.path())]));
    let a = std::fs::read(out.path().join("funder-wales-ireland-letter.pdf")).unwrap();
    let ua = std::fs::read(out.path().join("minister-wales-ireland-funding.pdf")).unwrap();
    let has = |pdf: &[u8], s: &str| pdf.windows(s.len()).any(|w| w == s.as_bytes());
    assert!(has(&a, "<pdfaid:part>2</pdfaid:part>") && has(&a, "<pdfaid:conformance>B</pdfaid:conformance>"), "PDF/A-2b");
    assert!(has(&a, "<pdfuaid:part>1</pdfuaid:part>") && has(&ua, "<pdfuaid:part>1</pdfuaid:part>"), "PDF/UA-1");
    assert!(!has(&ua, "<pdfaid:part>"), "PDF/A only when asked for");
}

#[test]
fn generated_typst_matches_snapshots() {
    let out = tempfile::tempdir().unwrap();
    for audience in ["minister", "funder", "community"] {
        let spec = fixture(&format!("specs/snap-{audience}.yaml"));
        ok(&run(&["build", &spec, "--out", path_str(out.path()), "--emit-source"]));
        let typ = std::fs::read_to_string(out.path().join(format!("snap-{audience}.typ"))).unwrap();
        insta::assert_snapshot!(format!("{audience}_typst"), typ);
    }
}

#[test]
fn a_glossary_split_across_pages_reads_in_order() {
    // The community brief's glossary runs onto the next page in these three briefs. Set side
    // by side in two halves, it read "Band 7, NHS" at the foot of one page and went on with
    // "co-produced" on the next; one column reads in order wherever it breaks.
    let data = dataset();
    let terms: Vec<&str> = data.glossary.terms.iter().chain(&data.glossary.acronyms).map(|t| t.term.as_str()).collect();
    let dir = tempfile::tempdir().unwrap();
    let mut split = 0;
    for country in ["wales", "ireland", "victoria"] {
        let name = format!("community-{country}");
        let spec = write_spec(dir.path(), &name, &format!("audience: community\ncountries: [{country}]\nthemes: all\n"));
        ok(&run(&["build", &spec, "--out", path_str(dir.path())]));
        let text = pdf_text(&dir.path().join(format!("{name}.pdf")));
        let from = text.find("Words used in this brief").unwrap_or_else(|| panic!("{name} prints no glossary"));
        let to = text[from..].find("Where this comes from").map_or(text.len(), |i| from + i);
        let section = &text[from..to];
        split += usize::from(section.contains('\u{c}'));
        let shown: Vec<String> = section
            .lines()
            .filter_map(|l| l.split_once(':').map(|(t, _)| t.trim()))
            .filter(|t| terms.contains(t))
            .map(str::to_lowercase)
            .collect();
        assert!(shown.len() >= 5, "{name}: {shown:?}");
        let mut sorted = shown.clone();
        sorted.sort();
        assert_eq!(shown, sorted, "{name}: the glossary reads out of order");
    }
    assert!(split >= 2, "only {split} of the three glossaries run onto a second page: the test no longer tests a split");
}
