//! CI-grade builds: unchanged specs are skipped, changed inputs rebuild exactly the briefs
//! that read them, parallel builds give the same bytes as single ones, `--json` reports,
//! and `watch` rebuilds on a change.

mod common;
use briefgen::data::Dataset;
use briefgen::editorial::Vocabulary;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A scratch project: copies of data/, templates/ and two specs (Wales only, NZ only).
struct Project {
    dir: tempfile::TempDir,
}

impl Project {
    fn new() -> Project {
        let dir = tempfile::tempdir().unwrap();
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        copy_dir(&root.join("data"), &dir.path().join("data"));
        copy_dir(&root.join("templates"), &dir.path().join("templates"));
        std::fs::create_dir(dir.path().join("briefs")).unwrap();
        std::fs::write(dir.path().join("briefs/wales.yaml"), "date: 2026-11-22\naudience: minister\ncountries: [wales]\nthemes: [funding]\n").unwrap();
        std::fs::write(dir.path().join("briefs/nz.yaml"), "date: 2026-11-22\naudience: community\ncountries: [new-zealand]\nthemes: [cultural-lever]\n").unwrap();
        Project { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    fn build(&self, extra: &[&str]) -> Vec<(String, String)> {
        let (data, templates, out) = (self.path("data"), self.path("templates"), self.path("out"));
        let mut args = vec!["build", "--json", "--data", path_str(&data), "--templates", path_str(&templates), "--out", path_str(&out)];
        let specs = [self.path("briefs/wales.yaml"), self.path("briefs/nz.yaml")];
        args.extend(specs.iter().map(|p| path_str(p)));
        args.extend_from_slice(extra);
        let o = run(&args);
        ok(&o);
        let records: serde_json::Value = serde_json::from_slice(&o.stdout).expect("--json prints JSON");
        let v: Vec<(String, String)> = records
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let spec = Path::new(r["spec"].as_str().unwrap()).file_stem().unwrap().to_string_lossy().into_owned();
                (spec, r["status"].as_str().unwrap().to_string())
            })
            .collect();
        // Records come in the order the specs were given, whatever order they finished in.
        assert_eq!(v.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(), ["wales", "nz"], "record order");
        v
    }

    fn append(&self, rel: &str, text: &str) {
        let p = self.path(rel);
        let mut s = std::fs::read_to_string(&p).unwrap();
        s.push_str(text);
        std::fs::write(p, s).unwrap();
    }
}

fn statuses(nz: &str, wales: &str) -> Vec<(String, String)> {
    vec![("wales".into(), wales.into()), ("nz".into(), nz.into())]
}

#[test]
fn unchanged_inputs_are_skipped_and_changed_ones_rebuilt() {
    let p = Project::new();
    assert_eq!(p.build(&[]), statuses("built", "built"));
    assert_eq!(p.build(&[]), statuses("skipped", "skipped"), "nothing changed");
    // Data: only the brief that reads the Welsh chapter.
    p.append("data/countries/wales.yaml", "\n# an edit\n");
    assert_eq!(p.build(&[]), statuses("skipped", "built"), "Welsh data changed");
    // A template: every brief.
    p.append("templates/brief.typ", "\n// an edit\n");
    assert_eq!(p.build(&[]), statuses("built", "built"), "template changed");
    // A spec: only itself.
    p.append("briefs/nz.yaml", "subtitle: \"Edited\"\n");
    assert_eq!(p.build(&[]), statuses("built", "skipped"), "NZ spec changed");
    // A deleted output, and --force.
    std::fs::remove_file(p.path("out/wales.docx")).unwrap();
    assert_eq!(p.build(&[]), statuses("skipped", "built"), "an output went missing");
    assert_eq!(p.build(&["--force"]), statuses("built", "built"), "--force");
    // The date a spec gives, and whether the Typst source is written.
    std::fs::write(p.path("briefs/wales.yaml"), std::fs::read_to_string(p.path("briefs/wales.yaml")).unwrap().replace("2026-11-22", "2026-11-23")).unwrap();
    assert_eq!(p.build(&[]), statuses("skipped", "built"), "Welsh date changed");
    assert_eq!(p.build(&["--emit-source"]), statuses("built", "built"), "--emit-source asked for");
    assert_eq!(p.build(&["--emit-source"]), statuses("skipped", "skipped"), "--emit-source again");
    // A logo the spec names: its bytes.
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("briefs/assets/example-logo.png"), p.path("briefs/logo.png")).unwrap();
    p.append("briefs/wales.yaml", "brand:\n  logo: logo.png\n");
    assert_eq!(p.build(&["--emit-source"]), statuses("skipped", "built"), "logo added");
    let mut logo = std::fs::read(p.path("briefs/logo.png")).unwrap();
    logo.extend_from_slice(b"\0\0\0\0IEND");
    std::fs::write(p.path("briefs/logo.png"), logo).unwrap();
    assert_eq!(p.build(&["--emit-source"]), statuses("skipped", "built"), "logo bytes changed");
}

#[test]
fn the_dataset_kept_between_runs_gives_the_same_briefs_and_follows_every_edit() {
    let p = Project::new();
    let kept = p.path("out").join(briefgen::produce::cache::FILE_NAME);
    p.build(&[]);
    assert!(kept.is_file(), "a build that parsed the YAML keeps the dataset");
    let first: Vec<Vec<u8>> = ["wales.pdf", "wales.docx", "nz.pdf", "nz.docx"].iter().map(|f| std::fs::read(p.path("out").join(f)).unwrap()).collect();
    let same = |why: &str| {
        p.build(&["--force"]);
        for (f, bytes) in ["wales.pdf", "wales.docx", "nz.pdf", "nz.docx"].iter().zip(&first) {
            assert!(std::fs::read(p.path("out").join(f)).unwrap() == *bytes, "{f} differs {why}");
        }
    };
    same("when built from the kept dataset");
    // It is what the next build reads: a name changed in it (and only there) is printed.
    let bytes = std::fs::read(&kept).unwrap();
    let split = bytes.iter().position(|&b| b == b'\n').unwrap();
    let line: Vec<String> = std::str::from_utf8(&bytes[..split]).unwrap().split(' ').map(str::to_owned).collect();
    let (key, stamp) = (&line[0], Some(line[1].as_str()).filter(|s| *s != "-"));
    let body = &bytes[split + 1..];
    let (data, vocabulary): (Dataset, Vocabulary) = postcard::from_bytes(body).unwrap();
    let edited = |edit: &dyn Fn(&mut Dataset)| {
        let mut data = postcard::from_bytes::<(Dataset, Vocabulary)>(body).unwrap().0;
        edit(&mut data);
        briefgen::produce::cache::seal(key, stamp, &postcard::to_extend(&(&data, &vocabulary), Vec::new()).unwrap())
    };
    let walez = |d: &mut Dataset| d.countries.iter_mut().find(|c| c.id == "wales").unwrap().name = "Walez".into();
    assert_eq!(data.countries.iter().find(|c| c.id == "wales").unwrap().name, "Wales");
    std::fs::write(&kept, edited(&walez)).unwrap();
    p.build(&["--force"]);
    assert!(contains(&pdf_text(&p.path("out/wales.pdf")), "Walez"), "the kept dataset was not read");
    // A file the dataset is not read from (the report's PDF kept beside it) changes nothing.
    std::fs::write(p.path("data/report.pdf"), b"%PDF-1.7 not part of the dataset").unwrap();
    p.build(&["--force"]);
    assert!(contains(&pdf_text(&p.path("out/wales.pdf")), "Walez"), "a file the dataset does not read made it parse again");
    std::fs::write(&kept, &bytes).unwrap();
    same("from the kept dataset restored");
    // One changed without its checksum ("Walez" made "Walex" in place, still a dataset that
    // decodes) is not used: the YAML is parsed again.
    let mut by_hand = edited(&walez);
    let at = by_hand.windows(5).rposition(|w| w == b"Walez").unwrap();
    by_hand[at + 4] = b'x';
    std::fs::write(&kept, &by_hand).unwrap();
    same("when the kept dataset was changed by hand");
    // A damaged file is not used (the key line stays, what follows it is cut short).
    let text = std::fs::read(&kept).unwrap();
    std::fs::write(&kept, &text[..text.len() / 2]).unwrap();
    same("after the kept dataset was damaged");
    // An edit that keeps the file's size and modification time is still seen: the key is
    // the files' content, not their dates.
    let chapter = p.path("data/countries/wales.yaml");
    let mtime = std::fs::metadata(&chapter).unwrap().modified().unwrap();
    let text = std::fs::read_to_string(&chapter).unwrap();
    assert!(text.contains("name: \"Wales\""));
    std::fs::write(&chapter, text.replacen("name: \"Wales\"", "name: \"Cymru\"", 1)).unwrap();
    std::fs::File::options().write(true).open(&chapter).unwrap().set_modified(mtime).unwrap();
    p.build(&["--force"]);
    assert!(contains(&pdf_text(&p.path("out/wales.pdf")), "Cymru"), "the edited chapter was not read");
}

#[test]
fn data_files_that_stamp_as_they_did_vouch_for_the_kept_dataset_and_a_touched_one_does_not() {
    let p = Project::new();
    let kept = p.path("out").join(briefgen::produce::cache::FILE_NAME);
    let first_line = || {
        let bytes = std::fs::read(&kept).unwrap();
        let split = bytes.iter().position(|&b| b == b'\n').unwrap();
        let line: Vec<String> = std::str::from_utf8(&bytes[..split]).unwrap().split(' ').map(str::to_owned).collect();
        (line[0].clone(), line[1].clone(), bytes[split + 1..].to_vec())
    };
    // Files changed within the last two seconds stamp nothing: their content is hashed.
    assert_eq!(briefgen::produce::cache::stamp(&p.path("data")), None, "files just written are not vouched for by their stamp");
    p.build(&[]);
    std::thread::sleep(std::time::Duration::from_millis(2100));
    assert!(briefgen::produce::cache::stamp(&p.path("data")).is_some(), "files two seconds old stamp");
    // Now they stamp, and the next run keeps the dataset under that stamp (same key, same body).
    let (key, _, body) = first_line();
    p.build(&["--force"]);
    let (key_now, stamp, body_now) = first_line();
    assert!(stamp != "-" && key_now == key && body_now == body, "the dataset is kept again under the files' stamp");
    // The stamp vouches for the key: a dataset kept under another key but that stamp is
    // read without the files being hashed ("Walez" is printed).
    let (mut data, vocabulary): (Dataset, Vocabulary) = postcard::from_bytes(&body).unwrap();
    data.countries.iter_mut().find(|c| c.id == "wales").unwrap().name = "Walez".into();
    std::fs::write(&kept, briefgen::produce::cache::seal("not-the-content-key", Some(&stamp), &postcard::to_extend(&(&data, &vocabulary), Vec::new()).unwrap())).unwrap();
    p.build(&["--force"]);
    assert!(contains(&pdf_text(&p.path("out/wales.pdf")), "Walez"), "the stamp did not vouch for the kept dataset");
    // A file written again, its size and modification time as they were, has a new change
    // time: the stamp no longer vouches, the content is hashed, the key differs, and the
    // YAML is parsed again.
    let chapter = p.path("data/countries/wales.yaml");
    let mtime = std::fs::metadata(&chapter).unwrap().modified().unwrap();
    std::fs::write(&chapter, std::fs::read(&chapter).unwrap()).unwrap();
    std::fs::File::options().write(true).open(&chapter).unwrap().set_modified(mtime).unwrap();
    p.build(&["--force"]);
    assert!(!contains(&pdf_text(&p.path("out/wales.pdf")), "Walez"), "a touched file's stamp still vouched for the kept dataset");
    assert_eq!(first_line().0, key, "parsed again, the dataset is kept under its content's key");
}

#[test]
fn the_built_in_fonts_kept_between_runs_are_loaded_when_used_and_give_the_same_briefs() {
    let p = Project::new();
    // "⨁" is in none of the templates' fonts, only in Typst's built-in New Computer Modern Math.
    let spec = p.path("briefs/sum.yaml");
    std::fs::write(&spec, "date: 2026-11-22\naudience: minister\ncountries: [wales]\nthemes: [funding]\ntitle: \"Funding ⨁ leadership\"\n").unwrap();
    let (data, templates, out) = (p.path("data"), p.path("templates"), p.path("out"));
    let build = || run(&["build", "--force", "--data", path_str(&data), "--templates", path_str(&templates), "--out", path_str(&out), path_str(&spec)]);
    let kept = p.path("out/.briefgen-fonts.json");
    ok(&build());
    assert!(kept.is_file(), "a build keeps the built-in fonts' faces");
    let first = std::fs::read(p.path("out/sum.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&first).contains("NewCMMath"), "the built-in font the title needs is embedded");
    ok(&build());
    assert!(std::fs::read(p.path("out/sum.pdf")).unwrap() == first, "the PDF differs when built from the kept faces");
    // The kept faces are what the next build's font book holds: with every face's coverage
    // emptied, no font can show the title's character.
    let text = std::fs::read_to_string(&kept).unwrap();
    let (line, json) = text.split_once('\n').unwrap();
    let key = line.split(' ').next().unwrap();
    let mut faces: serde_json::Value = serde_json::from_str(json).unwrap();
    assert!(faces.as_array().unwrap().len() >= 17, "every face of the 17 built-in fonts");
    for face in faces.as_array_mut().unwrap() {
        face["info"]["coverage"] = serde_json::json!([]);
    }
    std::fs::write(&kept, briefgen::produce::cache::seal(key, None, faces.to_string().as_bytes())).unwrap();
    let o = build();
    assert!(!o.status.success() && stderr(&o).contains("none of the fonts can print"), "the kept faces were not read: {}", stderr(&o));
    // A damaged file is not used: the faces are learnt again, with the same PDF.
    std::fs::write(&kept, &text[..text.len() / 2]).unwrap();
    ok(&build());
    assert!(std::fs::read(p.path("out/sum.pdf")).unwrap() == first, "the PDF differs after the kept faces were damaged");
    assert!(std::fs::read_to_string(&kept).unwrap() == text, "the faces learnt again are kept again");
}

#[test]
fn a_new_briefgen_rebuilds_everything() {
    // A copy of the binary with another modification time stands for a rebuilt briefgen.
    let p = Project::new();
    let bin = p.path("briefgen");
    std::fs::copy(BIN, &bin).unwrap();
    let build = || {
        let (data, templates, out) = (p.path("data"), p.path("templates"), p.path("out"));
        let o = Command::new(&bin)
            .args(["build", "--json", "--data", path_str(&data), "--templates", path_str(&templates), "--out", path_str(&out), path_str(&p.path("briefs/wales.yaml"))])
            .output()
            .unwrap();
        ok(&o);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v[0]["status"].as_str().unwrap().to_string()
    };
    assert_eq!(build(), "built");
    assert_eq!(build(), "skipped");
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
    std::fs::File::options().write(true).open(&bin).unwrap().set_modified(later).unwrap();
    assert_eq!(build(), "built", "a changed binary must rebuild");
}

#[test]
fn a_rebuild_starts_its_search_where_the_last_build_of_the_spec_ended() {
    let p = Project::new();
    let (data, templates, out) = (p.path("data"), p.path("templates"), p.path("out"));
    let spec = p.path("briefs/wales.yaml");
    let build = || {
        let o = run(&["build", "--force", "--json", "--data", path_str(&data), "--templates", path_str(&templates), "--out", path_str(&out), path_str(&spec)]);
        ok(&o);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (v[0]["started_from_last_build"].as_bool().unwrap(), v[0]["outputs"].clone())
    };
    let (first, bytes) = build();
    assert!(!first, "a new output folder has no last build");
    assert_eq!(build(), (true, bytes.clone()), "the rebuild starts from the manifest and gives the same bytes");
    // Another audience fits other units to another budget: its search starts afresh.
    std::fs::write(&spec, "date: 2026-11-22\naudience: funder\ncountries: [wales]\nthemes: [funding]\n").unwrap();
    assert!(!build().0, "a start from another audience's search");
    assert!(build().0);
}

#[test]
fn json_manifest_describes_every_output() {
    let p = Project::new();
    let (data, templates, out) = (p.path("data"), p.path("templates"), p.path("out"));
    let spec = p.path("briefs/wales.yaml");
    let o = run(&["build", "--json", "--data", path_str(&data), "--templates", path_str(&templates), "--out", path_str(&out), path_str(&spec)]);
    ok(&o);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &v[0];
    assert_eq!(r["status"], "built");
    assert!(r["pages"].as_u64().unwrap() >= 1 && r["milliseconds"].is_u64());
    // The search's cost: at least one layout, and at least the brief's own pages laid out.
    assert!(r["layouts"].as_u64().unwrap() >= 1 && r["pages_laid"].as_u64().unwrap() >= r["pages"].as_u64().unwrap(), "{r}");
    for o in r["outputs"].as_array().unwrap() {
        let path = Path::new(o["path"].as_str().unwrap());
        let bytes = std::fs::read(path).unwrap();
        assert_eq!(o["bytes"].as_u64().unwrap(), bytes.len() as u64);
        let digest: String = sha2::Digest::finalize(<sha2::Sha256 as sha2::Digest>::new_with_prefix(&bytes)).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(o["sha256"].as_str().unwrap(), digest, "{} hash", path.display());
    }
}

#[test]
fn parallel_builds_in_one_process_match_single_builds() {
    let dir = tempfile::tempdir().unwrap();
    let specs: Vec<PathBuf> = ["minister-wales-ireland-funding", "community-new-zealand", "funder-wales-ireland-letter"]
        .iter()
        .map(|s| Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("briefs/{s}.yaml")))
        .collect();
    // Two copies of each spec under other names, all built in one process on 3 threads.
    let mut args = vec!["build".to_string(), "--jobs".into(), "3".into(), "--out".into(), path_str(&dir.path().join("together")).to_string()];
    for s in &specs {
        for copy in ["a", "b"] {
            let to = dir.path().join(format!("{copy}-{}", s.file_name().unwrap().to_string_lossy()));
            let text = std::fs::read_to_string(s).unwrap().replace("assets/", &format!("{}/assets/", s.parent().unwrap().display()));
            std::fs::write(&to, text).unwrap();
            args.push(path_str(&to).to_string());
        }
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&run(&args));
    for s in &specs {
        let stem = s.file_stem().unwrap().to_string_lossy();
        let alone = dir.path().join(format!("alone-{stem}"));
        let a_spec = dir.path().join(format!("a-{stem}.yaml"));
        ok(&run(&["build", "--jobs", "1", path_str(&a_spec), "--out", path_str(&alone)]));
        for ext in ["pdf", "docx"] {
            let single = std::fs::read(alone.join(format!("a-{stem}.{ext}"))).unwrap();
            let parallel = std::fs::read(dir.path().join(format!("together/a-{stem}.{ext}"))).unwrap();
            assert!(single == parallel, "{stem}.{ext}: parallel build differs from a single build");
            if ext == "docx" {
                let twin = std::fs::read(dir.path().join(format!("together/b-{stem}.{ext}"))).unwrap();
                assert!(twin == parallel, "{stem}.docx: two identical specs in one process differ");
            }
        }
    }
}

#[test]
fn watch_rebuilds_after_a_change() {
    let p = Project::new();
    let (data, templates, out) = (p.path("data"), p.path("templates"), p.path("out"));
    let spec = p.path("briefs/wales.yaml");
    let mut child = Command::new(BIN)
        .args(["watch", "--data", path_str(&data), "--templates", path_str(&templates), "--out", path_str(&out), path_str(&spec)])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Lines arrive through a channel, so a watch that hangs fails the test after a minute
    // instead of blocking the suite.
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let mut wait_for = |what: &str| -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(what) => return line,
                Ok(_) => {}
                Err(_) => {
                    let _ = child.kill();
                    panic!("watch printed no {what:?} within 60 s");
                }
            }
        }
    };
    wait_for("watching");
    p.append("briefs/wales.yaml", "subtitle: \"Changed while watching\"\n");
    let line = wait_for("rebuilt after the change");
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(line.contains("1 built"), "{line}");
    assert!(pdf_text(&out.join("wales.pdf")).contains("Changed while watching"));
}
