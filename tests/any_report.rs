//! Any report, any nation, any audience, with no Rust change between them: a new audience
//! folder, a 13th theme, a user template folder of one file, a project file with another
//! target and a profile, the second report and a synthetic dataset, `templates eject`.

mod common;
use common::*;
use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs briefgen in `dir` (a project folder of its own).
fn run_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(dir).output().expect("run briefgen")
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

const AUDIENCES: [&str; 4] = ["minister", "funder", "community", "media"];

/// A project around `data` with one spec per audience (all places, all themes).
fn project(data: &Path, extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(&dir.path().join("briefgen.yaml"), &format!("data: {}\n{extra}", data.display()));
    for a in AUDIENCES {
        write(&dir.path().join(format!("briefs/{a}.yaml")), &format!("audience: {a}\ncountries: all\nthemes: all\ndate: 2026-11-24\n"));
    }
    dir
}

#[test]
fn the_second_report_builds_for_every_audience_and_names_only_itself() {
    let src = Path::new(ROOT).join("examples/peer-work-globally");
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&src, dir.path());
    let _ = std::fs::remove_dir_all(dir.path().join("out"));
    ok(&run_in(dir.path(), &["validate"]));
    let o = run_in(dir.path(), &["build", "--strict", "--emit-source"]);
    ok(&o);
    for a in AUDIENCES {
        let typ = read(&dir.path().join(format!("out/{a}.typ")));
        let text = pdf_text(&dir.path().join(format!("out/{a}.pdf")));
        assert!(text.contains("Peer work globally"), "{a}: the report is not named");
        assert!(!typ.contains("Without Borders") && !text.contains("Without Borders"), "{a}: names the other report");
        assert!(!typ.contains("interviews"), "{a}: claims interviews the report does not have");
    }
    // Scotland only where the dataset says it: with every "Scotland" of the data renamed,
    // no brief says Scotland.
    for f in ["countries/united-kingdom.yaml", "insights.yaml", "report.yaml"] {
        let path = dir.path().join("data").join(f);
        std::fs::write(&path, read(&path).replace("Scotland", "Caledonia")).unwrap();
    }
    ok(&run_in(dir.path(), &["build", "--strict", "--emit-source", "--force"]));
    for a in AUDIENCES {
        let text = pdf_text(&dir.path().join(format!("out/{a}.pdf")));
        assert!(!text.contains("Scotland") && !read(&dir.path().join(format!("out/{a}.typ"))).contains("Scotland"), "{a}: says Scotland where the data does not");
    }
}

#[test]
fn a_synthetic_dataset_without_optional_files_builds_for_every_audience() {
    let data = Path::new(ROOT).join("tests/fixtures/synthetic/data");
    let p = project(&data, "");
    ok(&run_in(p.path(), &["validate"]));
    ok(&run_in(p.path(), &["build", "--emit-source"]));
    for a in AUDIENCES {
        let typ = read(&p.path().join(format!("out/{a}.typ")));
        assert!(typ.contains("Rivers and Bridges"), "{a}");
        for word in ["Scotland", "peer support", "Peer Support", "interviews", "countries"] {
            assert!(!typ.contains(word), "{a}: prints {word:?}, which the dataset never says");
        }
    }
}

#[test]
fn another_target_nation_comes_from_the_project_file() {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(ROOT).join("tests/fixtures/synthetic/data"), data.path());
    write(
        &data.path().join("options.yaml"),
        "target: Scotland\noptions:\n  inspection: \"Inspect every footbridge on a fixed cycle.\"\n  volunteers: \"Train volunteers to report damage early.\"\n",
    );
    let p = project(data.path(), "target: Northern Ireland\norganisation: Example Trust\n");
    ok(&run_in(p.path(), &["build", "--emit-source"]));
    let minister = read(&p.path().join("out/minister.typ"));
    assert!(minister.contains("Northern Ireland"), "{minister}");
    assert!(minister.contains("Inspect every footbridge"), "the option is printed");
    assert!(minister.contains("Example Trust"), "the organisation is inherited");
    for a in AUDIENCES {
        assert!(!read(&p.path().join(format!("out/{a}.typ"))).contains("Scotland"), "{a} says Scotland");
    }
    // A spec's own key wins over the project's.
    write(&p.path().join("briefs/minister.yaml"), "audience: minister\ncountries: all\nthemes: all\ndate: 2026-11-24\ntarget: Wales\n");
    ok(&run_in(p.path(), &["build", "--emit-source", "briefs/minister.yaml"]));
    assert!(read(&p.path().join("out/minister.typ")).contains("for Wales"));
}

#[test]
fn a_new_audience_is_a_folder() {
    let data = Path::new(ROOT).join("tests/fixtures/synthetic/data");
    let p = project(&data, "templates: my-templates\n");
    let t = p.path().join("my-templates/audiences/journalists");
    write(
        &t.join("audience.yaml"),
        "name: Journalists\nlabel: For journalists\npages: 3\nbody_size: 11\ntitle: \"{{ report.title }} for the newsdesk\"\nkeep:\n  - { take: headline, limit: 2 }\n  - { take: quotes }\n",
    );
    write(
        &t.join("brief.typ.j2"),
        "{% extends \"base.typ.j2\" %}\n{% import \"_macros.typ.j2\" as m %}\n{% block summary %}Newsdesk notes on {{ meta.countries_label }}.{% endblock %}\n{% block body %}\n{% for f in headline[:2] %}\n- {{ m.u(\"figure:\" ~ f.id) }}{{ f.phrase }}{{ m.cite(f.cite) }}\n{% endfor %}\n{% endblock %}\n",
    );
    write(&t.join("brief.docx.j2"), "{% extends \"base.docx.j2\" %}\n{% block summary %}Newsdesk notes on {{ meta.countries_label }}.{% endblock %}\n");
    write(&p.path().join("briefs/news.yaml"), "audience: journalists\ncountries: all\nthemes: all\ndate: 2026-11-24\n");
    let listed = run_in(p.path(), &["list", "audiences"]);
    ok(&listed);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("journalists  Journalists (3 pages)"));
    ok(&run_in(p.path(), &["build", "--emit-source", "briefs/news.yaml"]));
    let typ = read(&p.path().join("out/news.typ"));
    assert!(typ.contains("Newsdesk notes on North Region and South Region") && typ.contains("for the newsdesk") && typ.contains("size: 11pt"), "{typ}");
    // A typo in a spec's audience names the folders there are.
    write(&p.path().join("briefs/typo.yaml"), "audience: journalist\ncountries: all\nthemes: all\n");
    let o = run_in(p.path(), &["validate", "briefs/typo.yaml"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("typo.yaml:1:11") && stderr(&o).contains("did you mean `journalists`"), "{}", stderr(&o));
}

#[test]
fn a_thirteenth_theme_with_its_option_builds_in_every_audience() {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(ROOT).join("data"), data.path());
    let insights = read(&data.path().join("insights.yaml"))
        + "- id: digital-peer-support\n  number: 13\n  title: \"Digital channels extend peer support\"\n  name: \"Digital peer support\"\n  summary: \"A test theme: peer support offered by telephone and online.\"\n  page: 9\n";
    write(&data.path().join("insights.yaml"), &insights);
    let options = read(&data.path().join("options.yaml")) + "  digital-peer-support: \"Offer peer support by telephone and online as well as in person.\"\n";
    write(&data.path().join("options.yaml"), &options);
    // A key message of the Wales chapter is tagged with it, so the minister's option has evidence.
    let text = read(&data.path().join("countries/wales.yaml"));
    let (head, tail) = text.split_once("key_messages:").unwrap();
    let wales = format!("{head}key_messages:{}", tail.replacen("  themes:\n", "  themes:\n  - digital-peer-support\n", 1));
    write(&data.path().join("countries/wales.yaml"), &wales);
    let p = project(data.path(), "");
    for a in AUDIENCES {
        write(&p.path().join(format!("briefs/{a}.yaml")), &format!("audience: {a}\ncountries: [wales]\nthemes: [digital-peer-support]\ndate: 2026-11-24\n"));
    }
    ok(&run_in(p.path(), &["validate"]));
    ok(&run_in(p.path(), &["build", "--emit-source"]));
    assert!(read(&p.path().join("out/minister.typ")).contains("Offer peer support by telephone"));
    // Without its option, `validate` names the theme and the fix.
    write(&data.path().join("options.yaml"), &options.replace("  digital-peer-support: \"Offer peer support by telephone and online as well as in person.\"\n", ""));
    let o = run_in(p.path(), &["validate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no option for the theme `digital-peer-support`"), "{}", stderr(&o));
}

#[test]
fn one_user_template_replaces_one_block_and_the_rest_falls_back() {
    let data = Path::new(ROOT).join("tests/fixtures/synthetic/data");
    let plain = project(&data, "");
    ok(&run_in(plain.path(), &["build", "--emit-source"]));
    let mine = project(&data, "templates: look\n");
    write(
        &mine.path().join("look/audiences/funder/brief.typ.j2"),
        "{% extends \"builtin/audiences/funder/brief.typ.j2\" %}\n{% block summary %}*In short.* Our own summary of {{ meta.countries_label }}.{% endblock %}\n",
    );
    ok(&run_in(mine.path(), &["build", "--emit-source"]));
    let funder = read(&mine.path().join("out/funder.typ"));
    assert!(funder.contains("*In short.* Our own summary of North Region and South Region."), "{funder}");
    // Everything outside the summary panel is as the built-in template makes it.
    let outside = |s: &str| {
        let (head, rest) = s.split_once("#panel[").unwrap();
        format!("{head}{}", &rest[rest.find("\n\n\n= ").unwrap()..])
    };
    assert_eq!(outside(&funder), outside(&read(&plain.path().join("out/funder.typ"))), "only the summary block changed");
    for a in ["minister", "community", "media"] {
        assert_eq!(read(&mine.path().join(format!("out/{a}.typ"))), read(&plain.path().join(format!("out/{a}.typ"))), "{a} changed");
    }
}

#[test]
fn eject_copies_a_built_in_file_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let to = dir.path().join("t");
    ok(&run(&["templates", "eject", "audiences/media", "--to", path_str(&to)]));
    assert_eq!(read(&to.join("audiences/media/audience.yaml")), read(&Path::new(ROOT).join("templates/audiences/media/audience.yaml")));
    let again = run(&["templates", "eject", "audiences/media/audience.yaml", "--to", path_str(&to)]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("exists already"), "{}", stderr(&again));
    let typo = run(&["templates", "eject", "audiences/medai", "--to", path_str(&to)]);
    assert!(stderr(&typo).contains("no built-in template"), "{}", stderr(&typo));
}

#[test]
fn a_profile_overrides_the_project_and_a_wrong_one_is_named() {
    let data = Path::new(ROOT).join("tests/fixtures/synthetic/data");
    let p = project(&data, "brand: { colour: \"#2e4a2e\" }\nprofiles:\n  handout:\n    brand: { colour: \"#000000\" }\n    style: { tint: none }\n");
    ok(&run_in(p.path(), &["build", "briefs/media.yaml"]));
    let screen = std::fs::read(p.path().join("out/media.pdf")).unwrap();
    ok(&run_in(p.path(), &["build", "--profile", "handout", "briefs/media.yaml"]));
    let print = std::fs::read(p.path().join("out/media.pdf")).unwrap();
    assert_ne!(screen, print, "the profile changed nothing");
    let o = run_in(p.path(), &["build", "--profile", "handot"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no profile `handot`") && stderr(&o).contains("did you mean `handout`"), "{}", stderr(&o));
    // A bad value in the project file points at the project file's line.
    write(&p.path().join("briefgen.yaml"), &format!("data: {}\npaper: a5\n", data.display()));
    let o = run_in(p.path(), &["build"]);
    assert!(stderr(&o).contains("briefgen.yaml:2:"), "{}", stderr(&o));
}

#[test]
fn a_template_that_prints_the_glossary_only_through_a_macro_gets_it() {
    // The build renders a candidate once and renders it again with its glossary only when
    // the template looked the glossary up: a look-up inside an imported macro counts.
    let p = project(&Path::new(ROOT).join("data"), "templates: look\n");
    write(&p.path().join("look/_words.typ.j2"), "{% macro words() %}{% for t in glossary %}Glossed: {{ t.term }}. {% endfor %}{% endmacro %}\n");
    write(
        &p.path().join("look/audiences/funder/brief.typ.j2"),
        "{% extends \"builtin/audiences/funder/brief.typ.j2\" %}\n{% import \"_words.typ.j2\" as w %}\n{% block summary %}{{ super() }} {{ w.words() }}{% endblock %}\n",
    );
    ok(&run_in(p.path(), &["build", "--emit-source", "briefs/funder.yaml", "briefs/minister.yaml"]));
    let funder = read(&p.path().join("out/funder.typ"));
    assert!(funder.contains("Glossed: "), "{funder}");
    // The built-in templates of these two print no glossary.
    assert!(!read(&p.path().join("out/minister.typ")).contains("Glossed: "));
}
