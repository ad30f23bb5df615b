//! A corpus of bad inputs, one file per case. Each file lists, in `# expect:` comments,
//! fragments the user must see; every case must exit with code 1 and write nothing.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn cases(dir: &str) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bad").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    assert!(!v.is_empty());
    v
}

fn expectations(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let v: Vec<String> = text.lines().filter_map(|l| l.strip_prefix("# expect: ")).map(str::to_string).collect();
    assert!(!v.is_empty(), "{} has no `# expect:` line", path.display());
    v
}

fn check(case: &Path, o: &std::process::Output) -> Vec<String> {
    let err = stderr(o);
    let mut failures = Vec::new();
    if o.status.code() != Some(1) {
        failures.push(format!("{}: exit code {:?}, expected 1", case.display(), o.status.code()));
    }
    for e in expectations(case) {
        if !err.contains(&e) {
            failures.push(format!("{}: message lacks {e:?}; it was:\n{err}", case.display()));
        }
    }
    if err.contains("panicked") || err.contains("RUST_BACKTRACE") {
        failures.push(format!("{}: panic:\n{err}", case.display()));
    }
    failures
}

#[test]
fn bad_specs_are_reported_with_place_and_fix() {
    let mut failures = Vec::new();
    for case in cases("specs") {
        let out = tempfile::tempdir().unwrap();
        let o = run(&["build", path_str(&case), "--out", path_str(out.path())]);
        failures.extend(check(&case, &o));
        let written: Vec<_> = std::fs::read_dir(out.path()).unwrap().collect();
        if !written.is_empty() {
            failures.push(format!("{}: a failed spec wrote {} files", case.display(), written.len()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn bad_data_is_reported_with_place_and_fix() {
    let mut failures = Vec::new();
    for case in cases("data") {
        let data = data_copy("wales", |_| {});
        std::fs::copy(&case, data.path().join("countries/testland.yaml")).unwrap();
        let o = run(&["validate", &fixture("specs/minister-wales.yaml"), "--data", path_str(data.path())]);
        failures.extend(check(&case, &o));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn several_problems_are_all_reported() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.yaml");
    let b = dir.path().join("b.yaml");
    std::fs::write(&a, "audience: minister\ncountries: [walse, irland]\nthemes: all\n").unwrap();
    std::fs::write(&b, "audience: funder\ncountries: all\nthemes: [fundng]\n").unwrap();
    let o = run(&["validate", path_str(&a), path_str(&b)]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    for frag in ["a.yaml:2:13", "`walse`", "a.yaml:2:20", "`irland`", "b.yaml:3:10", "`fundng`", "3 problems found"] {
        assert!(e.contains(frag), "missing {frag:?} in:\n{e}");
    }
}
