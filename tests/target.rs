//! The nation the briefs advise and the options for it are data (`data/options.yaml`):
//! another target needs no template or code change, and every theme needs an option.

mod common;
use common::*;
use std::path::Path;

fn data_with_options(options: &str) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"), data.path());
    std::fs::write(data.path().join("options.yaml"), options).unwrap();
    data
}

fn all_options(target: &str) -> String {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/options.yaml")).unwrap();
    text.replace("target: Scotland", &format!("target: {target}"))
}

#[test]
fn another_target_nation_never_says_scotland() {
    let data = data_with_options(&all_options("Northern Ireland"));
    let dir = tempfile::tempdir().unwrap();
    let spec = dir.path().join("ni.yaml");
    std::fs::write(&spec, "date: 2026-11-24\naudience: minister\ncountries: [wales, ireland]\nthemes: all\n").unwrap();
    let out = dir.path().join("out");
    ok(&run(&["build", path_str(&spec), "--data", path_str(data.path()), "--out", path_str(&out)]));
    for text in [pdf_text(&out.join("ni.pdf")), docx_text(&out.join("ni.docx"))] {
        assert!(text.contains("Northern Ireland"), "the target is not named");
        // The report's own subtitle names Scotland; nothing else may.
        let without_subtitle = text.replace("Shape Scotland’s Next Steps", "").replace("Shape Scotland's Next Steps", "");
        assert!(!without_subtitle.contains("Scotland"), "a brief for Northern Ireland says Scotland");
    }
}

#[test]
fn every_theme_needs_an_option_and_only_themes_have_one() {
    let text = all_options("Scotland");
    let missing = text.lines().filter(|l| !l.trim_start().starts_with("funding:")).collect::<Vec<_>>().join("\n");
    let data = data_with_options(&format!("{missing}\n  fundng: \"A typo.\"\n"));
    let o = run(&["validate", "--data", path_str(data.path())]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("no option for the theme `funding`") && e.contains("options.yaml"), "{e}");
    assert!(e.contains("an option for the unknown theme `fundng`") && e.contains("did you mean `funding`?"), "{e}");
}

#[test]
fn a_dataset_without_conclusion_second_source_or_options_still_builds() {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("data"), data.path());
    for f in ["conclusion.yaml", "global.yaml", "options.yaml"] {
        std::fs::remove_file(data.path().join(f)).unwrap();
    }
    ok(&run(&["validate", "--data", path_str(data.path())]));
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    for audience in ["minister", "funder", "community"] {
        let spec = dir.path().join(format!("{audience}.yaml"));
        std::fs::write(&spec, format!("date: 2026-11-24\naudience: {audience}\ncountries: [wales]\nthemes: all\n")).unwrap();
        ok(&run(&["build", "--strict", path_str(&spec), "--data", path_str(data.path()), "--out", path_str(&out)]));
    }
    // Without options the minister brief advises no one and says nothing about options.
    let minister = pdf_text(&out.join("minister.pdf"));
    assert!(!minister.contains("Scotland") || minister.contains("Shape Scotland"), "a brief with no target names one");
    assert!(!minister.contains("option"), "options without an options file:\n{minister}");
}
