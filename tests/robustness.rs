//! Hostile templates, failing builds, concurrent builds and a dataset twenty times the
//! real one: the sandbox holds, errors point at templates, nothing is half-written.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

const SPEC: &str = "briefs/minister-wales-ireland-funding.yaml";

/// The minister template as a user's templates folder holding that one file (everything
/// else falls back to the built-in set), with `line` at the end of its body block.
const MINISTER: &str = "audiences/minister/brief.typ.j2";

fn templates_with(line: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("templates").join(MINISTER)).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    let after = lines.iter().position(|l| l.starts_with("{% block back %}")).expect("a `back` block");
    lines.insert(after - 1, line);
    let t = dir.path().join(MINISTER);
    std::fs::create_dir_all(t.parent().unwrap()).unwrap();
    std::fs::write(t, lines.join("\n") + "\n").unwrap();
    dir
}

/// The line number `templates_with` put its line at.
fn added_line(t: &tempfile::TempDir) -> usize {
    let text = std::fs::read_to_string(t.path().join(MINISTER)).unwrap();
    text.lines().position(|l| l.starts_with("{% block back %}")).unwrap() - 1
}

fn build_with(templates: &Path, out: &Path) -> std::process::Output {
    run(&["build", SPEC, "--templates", path_str(templates), "--out", path_str(out)])
}

#[test]
fn templates_cannot_reach_outside_their_folder() {
    let cases = [
        (r#"#read("/etc/passwd")"#, "file not found (searched at"),
        (r#"#image("../../x.png")"#, "would escape the project root"),
        (r#"#read("../data/report.yaml")"#, "would escape the project root"),
        (r#"#import "@preview/cetz:0.3.0": *"#, "package not found"),
        (r#"#read("link.txt")"#, "outside the templates folder"),
    ];
    for (call, expected) in cases {
        let t = templates_with(call);
        std::os::unix::fs::symlink("/etc/hostname", t.path().join("link.txt")).unwrap();
        let out = tempfile::tempdir().unwrap();
        let o = build_with(t.path(), out.path());
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{call} did not fail:\n{e}");
        assert!(e.contains(expected), "{call}: expected {expected:?} in:\n{e}");
        assert!(e.contains("minister/brief.typ.j2:"), "{call}: error not mapped to the template line:\n{e}");
        assert!(!e.contains("root:x:0"), "{call}: file contents leaked");
        assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0, "{call}: outputs written");
    }
}

#[test]
fn template_errors_name_the_template_line() {
    let out = tempfile::tempdir().unwrap();
    // A Minijinja error: strict undefined behaviour.
    let t = templates_with("{{ report.no_such_field }}");
    let o = build_with(t.path(), out.path());
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    let last = added_line(&t);
    assert!(e.contains(&format!("minister/brief.typ.j2:{last}:")) && e.contains("undefined"), "{e}");
    // A Minijinja syntax error.
    let t = templates_with("{% if %}");
    let o = build_with(t.path(), out.path());
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("minister/brief.typ.j2:") && e.contains("syntax error"), "{e}");
    // A Typst error in generated source, mapped back to the template line.
    let t = templates_with("#no-such-function[x]");
    let o = build_with(t.path(), out.path());
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains(&format!("minister/brief.typ.j2:{last}:")) && e.contains("unknown variable: no-such-function"), "{e}");
    assert!(e.contains("generated line"), "{e}");
}

#[test]
fn a_failed_build_leaves_earlier_outputs_alone() {
    let out = tempfile::tempdir().unwrap();
    ok(&run(&["build", SPEC, "--out", path_str(out.path())]));
    let files: Vec<PathBuf> = ["pdf", "docx"].iter().map(|e| out.path().join(format!("minister-wales-ireland-funding.{e}"))).collect();
    let before: Vec<(Vec<u8>, std::time::SystemTime)> =
        files.iter().map(|f| (std::fs::read(f).unwrap(), std::fs::metadata(f).unwrap().modified().unwrap())).collect();
    let t = templates_with("#no-such-function[x]");
    let o = build_with(t.path(), out.path());
    assert_eq!(o.status.code(), Some(1));
    for (f, (bytes, mtime)) in files.iter().zip(before) {
        assert_eq!(std::fs::read(f).unwrap(), bytes, "{} changed", f.display());
        assert_eq!(std::fs::metadata(f).unwrap().modified().unwrap(), mtime);
    }
    let stray: Vec<_> = std::fs::read_dir(out.path()).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().ends_with(".tmp")).collect();
    assert!(stray.is_empty(), "temporary files left behind");
}

#[test]
fn one_failing_spec_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "audience: minister\ncountries: [atlantis]\nthemes: all\n").unwrap();
    let out = dir.path().join("out");
    let o = run(&["build", path_str(&bad), SPEC, "--out", path_str(&out)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown country id `atlantis`"));
    assert!(out.join("minister-wales-ireland-funding.pdf").exists(), "the good spec was not built");
    assert!(!out.join("bad.pdf").exists());
}

#[test]
fn unusable_output_folders_are_reported() {
    let o = run(&["build", SPEC, "--out", "/proc/briefgen-cannot-write-here"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot create the output folder"), "{}", stderr(&o));
    let gone = tempfile::tempdir().unwrap();
    let missing = gone.path().join("no-such-parent/x");
    let o = run(&["build", SPEC, "--out", path_str(&missing.join("out"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains(&format!("parent `{}` does not exist", missing.display())), "{}", stderr(&o));
    // A folder that is a file.
    let f = tempfile::NamedTempFile::new().unwrap();
    let o = run(&["build", SPEC, "--out", path_str(f.path())]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("output folder"), "{}", stderr(&o));
}

#[test]
fn concurrent_builds_into_one_folder_do_not_corrupt_files() {
    let out = tempfile::tempdir().unwrap();
    let reference = tempfile::tempdir().unwrap();
    ok(&run(&["build", SPEC, "--out", path_str(reference.path())]));
    let spawn = || {
        Command::new(BIN)
            .args(["build", SPEC, "briefs/community-new-zealand.yaml", "--out", path_str(out.path())])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let children: Vec<_> = (0..4).map(|_| spawn()).collect();
    for c in children {
        let o = c.wait_with_output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    for ext in ["pdf", "docx"] {
        let name = format!("minister-wales-ireland-funding.{ext}");
        assert_eq!(std::fs::read(out.path().join(&name)).unwrap(), std::fs::read(reference.path().join(&name)).unwrap(), "{name} differs");
    }
    let names: Vec<String> = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp") && !n.starts_with(".briefgen-write-test")), "{names:?}");
    // The manifest is replaced atomically too: whichever process wrote last, it parses.
    let manifest = std::fs::read(out.path().join(".briefgen-manifest.json")).unwrap();
    assert!(serde_json::from_slice::<serde_json::Value>(&manifest).is_ok());
}

#[test]
fn a_dataset_twenty_times_larger_still_builds_within_budget() {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"), data.path());
    for entry in std::fs::read_dir(data.path().join("countries")).unwrap() {
        let path = entry.unwrap().path();
        let mut v: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let map = v.as_mapping_mut().unwrap();
        for key in ["key_messages", "context", "findings", "lessons", "services", "figures", "quotes", "references", "timeline"] {
            let Some(list) = map.get_mut(key).and_then(|l| l.as_sequence_mut()) else { continue };
            let original = list.clone();
            for copy in 1..20 {
                for item in &original {
                    let mut item = item.clone();
                    let id = item["id"].as_str().unwrap().to_string();
                    item["id"] = format!("{id}-copy{copy}").into();
                    // Series points stay unique per series: copies join their own series.
                    if let Some(s) = item.get("series").and_then(|s| s.as_str()).map(str::to_string) {
                        item["series"] = format!("{s}-copy{copy}").into();
                    }
                    if item.get("service").is_some_and(|s| !s.is_null()) {
                        let s = item["service"].as_str().unwrap().to_string();
                        item["service"] = format!("{s}-copy{copy}").into();
                    }
                    list.push(item);
                }
            }
        }
        std::fs::write(&path, serde_yaml::to_string(&v).unwrap()).unwrap();
    }
    let out = tempfile::tempdir().unwrap();
    let spec_dir = tempfile::tempdir().unwrap();
    for audience in ["minister", "funder", "community"] {
        let spec = spec_dir.path().join(format!("{audience}.yaml"));
        std::fs::write(&spec, format!("date: 2026-11-22\naudience: {audience}\ncountries: all\nthemes: all\n")).unwrap();
        ok(&run(&["build", path_str(&spec), "--out", path_str(out.path()), "--data", path_str(data.path())]));
        let budget = [("minister", 2), ("funder", 4), ("community", 4)].into_iter().find(|(a, _)| *a == audience).unwrap().1;
        let pages = pdf_pages(&out.path().join(format!("{audience}.pdf")));
        assert!((1..=budget).contains(&pages), "{audience}: {pages} pages for a budget of {budget}");
    }
}

#[test]
fn typst_warnings_are_shown_and_strict_fails_on_them() {
    // A font no layer has: Typst warns (and falls back); the warning is shown.
    let t = templates_with(r#"#text(font: "No Such Font")[x]"#);
    let out = tempfile::tempdir().unwrap();
    let o = build_with(t.path(), out.path());
    ok(&o);
    assert!(stderr(&o).contains("warning: unknown font family: no such font [typst]"), "{}", stderr(&o));
    let strict = run(&["build", SPEC, "--templates", path_str(t.path()), "--out", path_str(&out.path().join("strict")), "--strict"]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
}

#[test]
fn validate_renders_through_the_templates() {
    let t = templates_with("{{ report.no_such_field }}");
    let last = added_line(&t);
    let o = run(&["validate", SPEC, "--templates", path_str(t.path())]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("minister/brief.typ.j2:{last}:")) && stderr(&o).contains("undefined"), "{}", stderr(&o));
    ok(&run(&["validate", SPEC]));
}
