//! Hostile input, second round: each case a reviewer found, kept fixed. Every file a build
//! reads stays inside its folder, sizes and dates have limits checked before any work,
//! a spec's outputs are one unit, and every message names the input that is wrong.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn spec(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, body).unwrap();
    p
}

const MINISTER: &str = "date: 2026-11-24\naudience: minister\ncountries: [wales]\nthemes: [funding]\n";

fn build(args: &[&str]) -> Output {
    run(&[&["build"], args].concat())
}

fn no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked") && o.status.code() != Some(101), "panic:\n{e}");
}

/// A PNG with the given header fields and body (not necessarily a valid image).
fn png(width: u32, height: u32, depth: u8, colour: u8, idat: &[u8]) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut crc_data = kind.to_vec();
        crc_data.extend(data);
        out.extend(&crc_data);
        out.extend(crc32(&crc_data).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend(height.to_be_bytes());
    ihdr.extend([depth, colour, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(&mut out, b"IDAT", idat);
    chunk(&mut out, b"IEND", &[]);
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in data {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

// 1. A template symlinked to a file outside the folder is refused by the Minijinja loader
//    too (Typst's reads already were), and nothing of the file is printed.
#[test]
fn a_template_cannot_include_a_file_outside_its_folder() {
    let t = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("/etc/passwd", t.path().join("leak.j2")).unwrap();
    let m = t.path().join("audiences/minister/brief.typ.j2");
    std::fs::create_dir_all(m.parent().unwrap()).unwrap();
    let text = std::fs::read_to_string(Path::new(ROOT).join("templates/audiences/minister/brief.typ.j2")).unwrap().replace("{% block body %}\n", "{% block body %}\n{% include \"leak.j2\" %}\n");
    std::fs::write(&m, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = build(&["briefs/minister-wales-ireland-funding.yaml", "--templates", path_str(t.path()), "--out", path_str(out.path())]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert!(e.contains("leak.j2") && e.contains("outside the templates folder"), "{e}");
    assert!(e.contains("minister/brief.typ.j2:"), "the including line is named:\n{e}");
    assert!(!e.contains("root:"), "file contents leaked:\n{e}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
}

// 2. A decompression bomb: a small file declaring a huge image is refused from its header,
//    in validate as in build, before any decoding.
#[test]
fn a_logo_too_large_to_decode_is_refused_up_front() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("bomb.png"), png(30000, 30000, 16, 0, &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])).unwrap();
    let s = spec(d.path(), "bomb.yaml", &format!("{MINISTER}brand:\n  logo: bomb.png\n"));
    for cmd in ["validate", "build"] {
        let out = d.path().join("out");
        let o = if cmd == "build" { build(&[path_str(&s), "--out", path_str(&out)]) } else { run(&["validate", path_str(&s)]) };
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {e}");
        assert!(e.contains("bomb.png") && e.contains("30000×30000") && e.contains("bomb.yaml:6:"), "{cmd}: {e}");
    }
}

// 3. Two specs with one file name in two folders would overwrite each other's outputs.
#[test]
fn two_specs_that_would_write_the_same_files_are_an_error() {
    let d = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir(d.path().join(sub)).unwrap();
        spec(&d.path().join(sub), "same.yaml", MINISTER);
    }
    let (a, b) = (d.path().join("a/same.yaml"), d.path().join("b/same.yaml"));
    let out = d.path().join("out");
    for o in [build(&[path_str(&a), path_str(&b), "--out", path_str(&out)]), run(&["validate", path_str(&a), path_str(&b)])] {
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{e}");
        assert!(e.contains("a/same.yaml") && e.contains("b/same.yaml") && e.contains("same.pdf"), "{e}");
    }
    assert!(!out.join("same.pdf").exists());
}

// 4. Outputs are one unit: when one of a spec's files cannot be written, none of the new
//    ones replaces an old one. (A folder where the PDF should go makes that write fail.)
#[test]
fn a_failed_write_leaves_the_old_pair_not_a_mixed_one() {
    let d = tempfile::tempdir().unwrap();
    let s = spec(d.path(), "pair.yaml", MINISTER);
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("pair.docx"), b"old docx").unwrap();
    std::fs::create_dir(out.join("pair.pdf")).unwrap();
    std::fs::write(out.join("pair.pdf").join("keep"), b"x").unwrap();
    let o = build(&[path_str(&s), "--out", path_str(&out)]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(std::fs::read(out.join("pair.docx")).unwrap(), b"old docx", "the DOCX was replaced although the PDF failed");
    let leftovers: Vec<_> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

// 5. A symlink to `/` inside the templates folder: the manifest's walk does not follow it.
#[test]
fn a_symlink_loop_in_the_templates_folder_does_not_hang_the_build() {
    let t = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(ROOT).join("templates"), t.path());
    std::os::unix::fs::symlink("/", t.path().join("root")).unwrap();
    std::os::unix::fs::symlink(".", t.path().join("self")).unwrap();
    let out = tempfile::tempdir().unwrap();
    let mut child = Command::new(BIN)
        .args(["build", "briefs/minister-wales-ireland-funding.yaml", "--templates", path_str(t.path()), "--out", path_str(out.path())])
        .current_dir(ROOT)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed().as_secs() > 60 {
            let _ = child.kill();
            panic!("the build still runs after 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert!(status.success());
}

// 6. A very long title is refused at its line, quickly, without laying out pages.
#[test]
fn a_huge_title_is_refused_at_its_line() {
    let d = tempfile::tempdir().unwrap();
    let s = spec(d.path(), "long.yaml", &format!("{MINISTER}title: \"{}\"\n", "word ".repeat(200_000)));
    let start = std::time::Instant::now();
    let o = build(&[path_str(&s), "--out", path_str(&d.path().join("out"))]);
    let e = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{}", &e[..e.len().min(2000)]);
    assert!(e.contains("long.yaml:5:") && e.contains("at most 300"), "{}", &e[..e.len().min(2000)]);
    assert!(e.len() < 4000, "the message echoes the whole title ({} bytes)", e.len());
    assert!(start.elapsed().as_secs() < 20);
}

// 7. Dates out of range, from the spec or SOURCE_DATE_EPOCH: an error, never a panic.
#[test]
fn dates_out_of_range_are_errors() {
    let d = tempfile::tempdir().unwrap();
    let undated = spec(d.path(), "undated.yaml", "audience: minister\ncountries: [wales]\nthemes: [funding]\n");
    for epoch in ["253402300800", "-99999999999"] {
        let o = Command::new(BIN)
            .args(["build", path_str(&undated), "--out", path_str(&d.path().join("out"))])
            .current_dir(ROOT)
            .env("SOURCE_DATE_EPOCH", epoch)
            .output()
            .unwrap();
        no_panic(&o);
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{e}");
        assert!(e.contains("SOURCE_DATE_EPOCH") && e.contains("outside the years"), "{e}");
        assert!(!e.contains(".j2"), "blamed on a template:\n{e}");
    }
    let far = spec(d.path(), "far.yaml", "date: 99999-01-01\naudience: minister\ncountries: [wales]\nthemes: [funding]\n");
    for o in [run(&["validate", path_str(&far)]), build(&[path_str(&far), "--out", path_str(&d.path().join("out"))])] {
        no_panic(&o);
        assert!(stderr(&o).contains("far.yaml:1:") && stderr(&o).contains("1900 to 9999"), "{}", stderr(&o));
    }
}

// 8. A byte-order mark at the start of a spec or data file is accepted.
#[test]
fn a_byte_order_mark_is_accepted() {
    let d = tempfile::tempdir().unwrap();
    let s = spec(d.path(), "bom.yaml", &format!("\u{feff}{MINISTER}"));
    ok(&run(&["validate", path_str(&s)]));
    let data = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(ROOT).join("data"), data.path());
    let wales = data.path().join("countries/wales.yaml");
    let text = std::fs::read_to_string(&wales).unwrap();
    std::fs::write(&wales, format!("\u{feff}{text}")).unwrap();
    ok(&run(&["validate", path_str(&s), "--data", path_str(data.path())]));
}

// 9. A character no font has: validate and build agree, naming the spec line and the character.
#[test]
fn an_emoji_in_a_title_is_refused_by_validate_and_build_alike() {
    let d = tempfile::tempdir().unwrap();
    let s = spec(d.path(), "emoji.yaml", &format!("{MINISTER}title: \"Peer support 🙂\"\n"));
    for o in [run(&["validate", path_str(&s)]), build(&[path_str(&s), "--out", path_str(&d.path().join("out"))])] {
        let e = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{e}");
        assert!(e.contains("emoji.yaml:5:") && e.contains("U+1F642"), "{e}");
        assert!(!e.contains(".typ"), "blamed on generated Typst:\n{e}");
    }
}

// 10. A corrupt logo is blamed on the logo and the spec line, in validate already.
#[test]
fn a_corrupt_logo_is_blamed_on_the_logo() {
    let d = tempfile::tempdir().unwrap();
    let good = std::fs::read(Path::new(ROOT).join("briefs/assets/example-logo.png")).unwrap();
    let cases: [(&str, Vec<u8>); 2] = [("truncated.png", good[..good.len() / 2].to_vec()), ("bad-deflate.png", png(16, 16, 8, 2, b"not a deflate stream"))];
    for (name, bytes) in cases {
        std::fs::write(d.path().join(name), bytes).unwrap();
        let s = spec(d.path(), "logo.yaml", &format!("{MINISTER}brand:\n  logo: {name}\n"));
        for o in [run(&["validate", path_str(&s)]), build(&[path_str(&s), "--out", path_str(&d.path().join("out"))])] {
            let e = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{name}: {e}");
            assert!(e.contains(name) && e.contains("logo.yaml:6:") && !e.contains("_macros"), "{name}: {e}");
        }
    }
}

// 11. A spec that is not UTF-8: the byte's line and column.
#[test]
fn a_spec_that_is_not_utf8_is_reported_at_the_byte() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("latin1.yaml");
    std::fs::write(&p, b"audience: minister\ncountries: [wales]\nthemes: all\ntitle: \"Caf\xe9\"\n").unwrap();
    let e = stderr(&run(&["validate", path_str(&p)]));
    assert!(e.contains("latin1.yaml:4:12") && e.contains("not UTF-8") && e.contains("0xE9"), "{e}");
}

// 12. A NUL byte is reported where it is, and never printed raw.
#[test]
fn a_nul_byte_is_reported_at_its_place_and_not_echoed() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("nul.yaml");
    std::fs::write(&p, b"audience: minister\ncountries: [wales]\nthemes: all\nformats: [pdf]\ntitle: \"a\x00b\"\n").unwrap();
    let o = run(&["validate", path_str(&p)]);
    let e = stderr(&o);
    assert!(e.contains("nul.yaml:5:10") && e.contains("U+0000"), "{e}");
    assert!(!o.stderr.contains(&0u8), "a raw NUL reached the terminal");
}

// 12b. The other invisible controls, DEL and the C1 range (U+0085 is two bytes in UTF-8),
// are found as the NUL is; a pound sign, whose first byte is the C1 range's, is text.
#[test]
fn del_and_c1_controls_are_reported_and_a_pound_sign_is_not() {
    let d = tempfile::tempdir().unwrap();
    for (name, title, at, shown) in [("del.yaml", "a\u{7f}b", "del.yaml:4:10", "U+007F"), ("nel.yaml", "£5 a\u{85}b", "nel.yaml:4:13", "U+0085")] {
        let p = d.path().join(name);
        std::fs::write(&p, format!("audience: minister\ncountries: [wales]\nthemes: all\ntitle: \"{title}\"\n")).unwrap();
        let e = stderr(&run(&["validate", path_str(&p)]));
        assert!(e.contains(at) && e.contains(shown) && e.contains("control character"), "{name}: {e}");
    }
    let p = d.path().join("pound.yaml");
    std::fs::write(&p, "audience: minister\ncountries: [wales]\nthemes: all\ntitle: \"£5 for each\"\n").unwrap();
    let e = stderr(&run(&["validate", path_str(&p)]));
    assert!(!e.contains("control character"), "{e}");
}

// 13. An empty countries folder is named as such, once.
#[test]
fn an_empty_countries_folder_is_named() {
    let data = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(ROOT).join("data"), data.path());
    for e in std::fs::read_dir(data.path().join("countries")).unwrap() {
        std::fs::remove_file(e.unwrap().path()).unwrap();
    }
    let e = stderr(&run(&["validate", "--data", path_str(data.path())]));
    assert!(e.contains("holds no chapter files"), "{e}");
    assert!(e.lines().filter(|l| l.starts_with("error")).count() <= 3, "{e}");
}

// 14. The duplicate key's own line; no internal type names; a colour YAML read as a comment;
//     a broken chapter does not hide the other files' problems.
#[test]
fn messages_name_the_input_that_is_wrong() {
    let d = tempfile::tempdir().unwrap();
    let dup = spec(d.path(), "dup.yaml", "audience: minister\ncountries: [wales]\nthemes: all\naudience: funder\n");
    assert!(stderr(&run(&["validate", path_str(&dup)])).contains("dup.yaml:4:1: duplicate field `audience`"));
    let list = spec(d.path(), "list.yaml", "- audience: minister\n");
    let e = stderr(&run(&["validate", path_str(&list)]));
    assert!(!e.contains("RawSpec") && e.contains("list.yaml:1:1"), "{e}");
    let colour = spec(d.path(), "colour.yaml", &format!("{MINISTER}brand:\n  colour: #ffffff\n"));
    let e = stderr(&run(&["validate", path_str(&colour)]));
    assert!(e.contains("colour.yaml:6:11") && e.contains("read as a comment"), "{e}");
    // One chapter that does not parse, another with an unknown theme tag.
    let data = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(ROOT).join("data"), data.path());
    std::fs::write(data.path().join("countries/wales.yaml"), "id: [unclosed\n").unwrap();
    let ireland = data.path().join("countries/ireland.yaml");
    let text = std::fs::read_to_string(&ireland).unwrap().replacen("themes: [strategic-anchoring]", "themes: [no-such-theme]", 1);
    std::fs::write(&ireland, text).unwrap();
    let e = stderr(&run(&["validate", "--data", path_str(data.path())]));
    assert!(e.contains("wales.yaml") && e.contains("no-such-theme"), "{e}");
}

// 15. Combining characters: the DOCX keeps them exactly; the PDF's text layer repeats them.
//     That is Typst's ToUnicode mapping (upstream issue typst/typst#8767, open): this test
//     documents it and fails once Typst is fixed, so the note can go.
#[test]
fn combining_characters_are_exact_in_the_docx_and_documented_in_the_pdf() {
    let d = tempfile::tempdir().unwrap();
    let title = "Cafe\u{301}\u{301}\u{301} brief";
    let s = spec(d.path(), "accents.yaml", &format!("{MINISTER}title: \"{title}\"\n"));
    let out = d.path().join("out");
    ok(&build(&[path_str(&s), "--out", path_str(&out)]));
    assert!(docx_text(&out.join("accents.docx")).contains(title));
    let pdf = pdf_text(&out.join("accents.pdf"));
    assert!(!pdf.contains(title), "Typst now maps combining marks right: drop the note in README, Limits");
}
