//! End-to-end: the real binary builds real briefs; we read the PDF back with pdftotext
//! and the DOCX with a zip reader, and check selection, escaping and determinism.

mod common;
use common::*;
use std::path::Path;

/// Service names and quote words that belong to one country only.
const WALES_ONLY: &[&str] = &["Cardiff and Vale Recovery College", "SWADS"];
const IRELAND_ONLY: &[&str] = &["Kyrie Farm", "Galway Community Café", "Áras Folláin"];

fn build(spec: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", spec, "--out", path_str(out)];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn community_brief_for_wales_holds_wales_and_not_ireland() {
    let out = tempfile::tempdir().unwrap();
    ok(&build(&fixture("specs/community-wales.yaml"), out.path(), &[]));
    let pdf = pdf_text(&out.path().join("community-wales.pdf"));
    let docx = docx_text(&out.path().join("community-wales.docx"));
    for text in [&pdf, &docx] {
        assert!(contains(text, "Peer support in Wales: services and voices"), "title missing");
        assert!(contains(text, "Services you can learn from"), "heading missing");
        for name in WALES_ONLY {
            assert!(contains(text, name), "selected country's service `{name}` missing");
        }
        for name in IRELAND_ONLY {
            assert!(!contains(text, name), "unselected country's `{name}` present");
        }
    }
    let styles = docx_part(&out.path().join("community-wales.docx"), "word/styles.xml");
    assert!(styles.contains(r#"<w:name w:val="heading 1" />"#) && styles.contains(r#"<w:outlineLvl w:val="0" />"#));
}

#[test]
fn themes_filter_tagged_items() {
    let out = tempfile::tempdir().unwrap();
    ok(&build(&fixture("specs/minister-wales.yaml"), out.path(), &["--emit-source"]));
    let typ = std::fs::read_to_string(out.path().join("minister-wales.typ")).unwrap();
    // Tagged `funding` in data/insights.yaml; the Welsh-language college is tagged otherwise.
    assert!(typ.contains("Funding source and structure"));
    assert!(!typ.contains("Cultural and linguistic relevance matters"));
    assert!(out.path().join("minister-wales.pdf").exists() && out.path().join("minister-wales.docx").exists());
}

const HOSTILE_NAME: &str = r#"#read("/etc/passwd") $x$ *a* _b_ <l> @r [x] \ end"#;
const HOSTILE_QUOTE: &str = "= heading? - list? 1. enum? // comment /* block */ ~ ` ' \" : . + @h1 ^[note] |x| &amp; <w:t>";

#[test]
fn hostile_text_prints_literally_in_pdf_and_docx() {
    let data = data_copy("wales", |v| {
        v["services"][0]["name"] = HOSTILE_NAME.into();
        v["quotes"][0]["text"] = HOSTILE_QUOTE.into();
        v["services"][0]["points"][0] = "*bold?* _italic?_ $math$ #strong[x] <label> @ref".into();
    });
    let out = tempfile::tempdir().unwrap();
    let o = run(&["build", &fixture("specs/hostile.yaml"), "--out", path_str(out.path()), "--data", path_str(data.path())]);
    ok(&o);
    let pdf = pdf_text(&out.path().join("hostile.pdf"));
    let docx = docx_text(&out.path().join("hostile.docx"));
    for (what, text) in [("PDF", &pdf), ("DOCX", &docx)] {
        for needle in [
            HOSTILE_NAME,
            HOSTILE_QUOTE,
            "*bold?* _italic?_ $math$ #strong[x] <label> @ref",
            r#"#read("/etc/passwd") $x$ *a* _b_ <l> @r [x] \ = head"#,
            "// not a comment /* nor this */ - not a list 1. not a number",
            r#"A & B <Org> "quoted" 'single' @handle ^[note] |pipe|"#,
        ] {
            assert!(contains(text, needle), "{what} lacks the literal text {needle:?}");
        }
    }
    assert!(!pdf.contains("root:x:0"), "the template read /etc/passwd");
}

#[test]
fn same_spec_twice_gives_identical_bytes() {
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let spec = fixture("specs/minister-wales.yaml");
    ok(&build(&spec, a.path(), &[]));
    ok(&build(&spec, b.path(), &[]));
    for ext in ["pdf", "docx"] {
        let x = std::fs::read(a.path().join(format!("minister-wales.{ext}"))).unwrap();
        let y = std::fs::read(b.path().join(format!("minister-wales.{ext}"))).unwrap();
        assert!(x == y, "{ext} differs between two builds");
    }
}

#[test]
fn every_example_builds_both_formats() {
    let out = tempfile::tempdir().unwrap();
    ok(&run(&["build", "--out", path_str(out.path())]));
    let mut n = 0;
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("briefs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "yaml") {
            continue;
        }
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        // Each is a document its readers open: a PDF with pages, a DOCX with the title.
        let pdf = out.path().join(format!("{stem}.pdf"));
        assert!(pdf_pages(&pdf) >= 1, "{} has no page", pdf.display());
        let docx = out.path().join(format!("{stem}.docx"));
        let title = docx_part(&docx, "docProps/core.xml");
        assert!(title.contains("<dc:title>") && docx_text(&docx).split_whitespace().count() > 200, "{} is not a brief", docx.display());
        n += 1;
    }
    assert!(n >= 3, "expected an example per audience");
}

#[test]
fn list_and_validate_and_usage_errors() {
    let o = run(&["list", "countries"]);
    ok(&o);
    let s = String::from_utf8_lossy(&o.stdout);
    for id in ["canada", "denmark", "england", "new-zealand", "ireland", "victoria", "wales"] {
        assert!(s.lines().any(|l| l.starts_with(id)), "list countries lacks {id}");
    }
    ok(&run(&["validate"]));
    assert_eq!(run(&["build", "--no-such-flag"]).status.code(), Some(2));
    assert_eq!(run(&["list", "planets"]).status.code(), Some(2));
}

#[test]
fn a_bad_spec_names_file_line_and_fix() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("bad.yaml");
    std::fs::write(&spec, "audience: ministr\ncountries: [wales]\nthemes: all\n").unwrap();
    let o = run(&["validate", path_str(&spec)]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.contains("bad.yaml:1:"), "{e}");
    assert!(e.contains("did you mean `minister`?"), "{e}");
    std::fs::write(&spec, "audience: minister\ncountries: [wales, irland]\nthemes: all\n").unwrap();
    let e = stderr(&run(&["validate", path_str(&spec)]));
    assert!(e.contains("bad.yaml:2:20") && e.contains("did you mean `ireland`?"), "{e}");
}

#[test]
fn one_format_alone_writes_only_that_format() {
    let dir = tempfile::tempdir().unwrap();
    for (format, present, absent) in [("pdf", "pdf", "docx"), ("docx", "docx", "pdf")] {
        let spec = dir.path().join(format!("only-{format}.yaml"));
        std::fs::write(&spec, format!("date: 2026-11-24\naudience: minister\ncountries: [wales]\nthemes: [funding]\nformats: [{format}]\n")).unwrap();
        let out = dir.path().join(format!("out-{format}"));
        ok(&run(&["build", path_str(&spec), "--out", path_str(&out)]));
        assert!(out.join(format!("only-{format}.{present}")).exists(), "{format}: no .{present}");
        assert!(!out.join(format!("only-{format}.{absent}")).exists(), "{format}: a .{absent} was written");
    }
}

#[test]
fn an_undated_spec_takes_source_date_epoch_else_today() {
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("undated.yaml");
    std::fs::write(&spec, "audience: minister\ncountries: [wales]\nthemes: [funding]\nformats: [docx]\n").unwrap();
    let date_in = |epoch: Option<&str>| {
        let out = dir.path().join("out");
        let mut cmd = std::process::Command::new(BIN);
        cmd.args(["build", "--force", path_str(&spec), "--out", path_str(&out)]).current_dir(env!("CARGO_MANIFEST_DIR")).env_remove("SOURCE_DATE_EPOCH");
        if let Some(e) = epoch {
            cmd.env("SOURCE_DATE_EPOCH", e);
        }
        ok(&cmd.output().unwrap());
        docx_part(&out.join("undated.docx"), "docProps/core.xml")
    };
    assert!(date_in(Some("1795305600")).contains("2026-11-22"), "SOURCE_DATE_EPOCH=1795305600 is 22 November 2026");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let today = briefgen::spec::Date::from_unix(now).iso();
    assert!(date_in(None).contains(&today), "without either, today ({today})");
}

#[test]
fn json_carries_structured_errors_and_dropped_units() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "audience: minister\ncountries: [atlantis]\nthemes: all\n").unwrap();
    let big = dir.path().join("big.yaml");
    std::fs::write(&big, "date: 2026-11-24\naudience: minister\ncountries: all\nthemes: all\n").unwrap();
    let o = run(&["build", "--json", path_str(&bad), path_str(&big), "--out", path_str(&dir.path().join("out"))]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let e = &v[0]["errors"][0];
    assert_eq!((e["severity"].as_str(), e["line"].as_u64(), e["column"].as_u64()), (Some("error"), Some(2), Some(13)), "{e}");
    assert!(e["message"].as_str().unwrap().contains("atlantis") && e["hint"].as_str().unwrap().contains("wales"));
    let dropped = v[1]["dropped"].as_array().unwrap();
    assert!(!dropped.is_empty() && dropped.iter().all(|d| d["kind"].is_string() && (d["id"].is_string() || d["kind"] == "references list")), "{dropped:?}");
}
