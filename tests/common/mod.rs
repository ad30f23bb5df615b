//! Helpers for the integration tests: run the real binary, read PDFs back with
//! pdftotext and DOCX parts with a zip reader.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const BIN: &str = env!("CARGO_BIN_EXE_briefgen");

/// Runs briefgen from the project folder.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("run briefgen")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts success, showing briefgen's own messages if not.
pub fn ok(o: &Output) {
    assert!(o.status.success(), "briefgen failed ({:?}):\n{}", o.status.code(), stderr(o));
}

pub fn fixture(rel: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(rel).to_string_lossy().into_owned()
}

/// The PDF's text as pdftotext extracts it (poppler-utils; `.ci/run` installs it).
pub fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        // -raw: content-stream order, and no joining of a line-final hyphen with the next line.
        .args(["-raw", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext not found: install poppler-utils (see .ci/run)");
    assert!(out.status.success(), "pdftotext failed on {}", path.display());
    String::from_utf8(out.stdout).expect("utf-8 text")
}

/// One part of a DOCX package, e.g. `word/document.xml`.
pub fn docx_part(path: &Path, part: &str) -> String {
    let file = std::fs::File::open(path).expect("open docx");
    let mut zip = zip::ZipArchive::new(file).expect("docx is a zip");
    let mut entry = zip.by_name(part).unwrap_or_else(|_| panic!("{part} missing in {}", path.display()));
    let mut s = String::new();
    std::io::Read::read_to_string(&mut entry, &mut s).expect("utf-8 xml");
    s
}

/// The text of every `<w:t>` in a part, entities decoded.
pub fn xml_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:t") {
        rest = &rest[start..];
        let Some(open_end) = rest.find('>') else { break };
        let tag = &rest[..open_end];
        if !(tag == "<w:t" || tag.starts_with("<w:t ")) || tag.ends_with('/') {
            rest = &rest[open_end..];
            continue;
        }
        let body = &rest[open_end + 1..];
        let Some(close) = body.find("</w:t>") else { break };
        out.push_str(&decode(&body[..close]));
        out.push(' ');
        rest = &body[close..];
    }
    out
}

fn decode(s: &str) -> String {
    s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&#39;", "'").replace("&amp;", "&")
}

/// Body and footnote text of a DOCX.
pub fn docx_text(path: &Path) -> String {
    format!("{} {}", xml_text(&docx_part(path, "word/document.xml")), xml_text(&docx_part(path, "word/footnotes.xml")))
}

/// Text with all whitespace removed: line wrapping must not decide a test.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

pub fn contains(hay: &str, needle: &str) -> bool {
    squash(hay).contains(&squash(needle))
}

/// A copy of the real dataset in a temporary folder, with `edit` applied to one
/// country file (parsed as YAML).
pub fn data_copy(country: &str, edit: impl FnOnce(&mut serde_yaml::Value)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    copy_dir(&src, dir.path());
    let file = dir.path().join("countries").join(format!("{country}.yaml"));
    let mut value: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    edit(&mut value);
    std::fs::write(&file, serde_yaml::to_string(&value).unwrap()).unwrap();
    dir
}

pub fn copy_dir(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst).unwrap();
    for entry in std::fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to: PathBuf = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &to);
        } else {
            std::fs::copy(entry.path(), to).unwrap();
        }
    }
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The page count pdfinfo reads from a PDF (poppler-utils); a PDF it cannot read fails.
pub fn pdf_pages(pdf: &Path) -> usize {
    let out = Command::new("pdfinfo").arg(pdf).output().expect("pdfinfo (poppler-utils)");
    assert!(out.status.success(), "pdfinfo failed on {}", pdf.display());
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines().find_map(|l| l.strip_prefix("Pages:")).and_then(|n| n.trim().parse().ok()).expect("a page count")
}
