//! The checked dataset and its editorial vocabulary, kept in the output folder between
//! runs. Reading the YAML is most of what a build costs before its first brief: 6 ms on
//! the report and 60 ms on a dataset twenty times its size, where this file takes 0.9 and
//! 8.5 ms with the vocabulary (learning that again would take 2 and 21 ms more).
//!
//! The key is briefgen's identity and the content of every file the dataset is read from
//! (`data::input_files`, not a PDF of the report kept beside them), hashed on every run
//! (not trusted from sizes and times as the manifest does), so any edit parses the YAML
//! again; only a dataset that passed its checks is kept, so every diagnostic still comes
//! from the YAML itself, and it is checked again when read.
//!
//! Beside it, what the font book needs to know of Typst's built-in fonts
//! (`typeset::world::EmbeddedFace`), which only a new briefgen changes: learning it parses
//! 17 fonts, 2.7 ms a process, and with it kept a built-in font is parsed only if a brief
//! uses one.

use super::manifest::{self, KeyBuilder};
use crate::data::Dataset;
use crate::editorial::Vocabulary;
use crate::typeset::world::EmbeddedFace;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const FILE_NAME: &str = ".briefgen-data.bin";
pub const FONTS_FILE_NAME: &str = ".briefgen-fonts.json";

#[derive(Deserialize)]
struct Kept {
    data: Dataset,
    vocabulary: Vocabulary,
}

#[derive(Serialize)]
struct Keeping<'a> {
    data: &'a Dataset,
    vocabulary: &'a Vocabulary,
}

/// What the kept dataset must have been read from.
pub fn key(data_dir: &Path) -> String {
    let mut k = KeyBuilder::new();
    k.part("tool", &manifest::tool_identity());
    for path in crate::data::input_files(data_dir) {
        let name = path.strip_prefix(data_dir).unwrap_or(&path).to_string_lossy().into_owned();
        k.part(&name, &manifest::content_hash(&path));
    }
    k.finish()
}

/// The dataset kept in `out` under `key`, if there is one (a missing, stale, unreadable,
/// older-format or failing file is simply not used).
pub fn load(out: &Path, key: &str, data_dir: &Path) -> Option<(Dataset, Vocabulary)> {
    let kept: Kept = read(&out.join(FILE_NAME), key, Form::Postcard)?;
    let mut data = kept.data;
    data.dir = data_dir.to_path_buf();
    // Checked again (0.2 ms on the report): a file changed by hand, or by a briefgen with
    // other rules, is parsed afresh rather than trusted.
    data.check().is_empty().then_some((data, kept.vocabulary))
}

/// What `save` writes. Made apart from the writing so that it can be made while the
/// briefs build, and written only if the run built something (a file kept on the side
/// meanwhile would be left behind by an interrupted build).
pub fn encode(key: &str, data: &Dataset, vocabulary: &Vocabulary) -> Option<Vec<u8>> {
    encode_keyed(key, &Keeping { data, vocabulary }, Form::Postcard)
}

pub fn save(out: &Path, bytes: &[u8]) -> std::io::Result<()> {
    super::write_atomic(&out.join(FILE_NAME), bytes)
}

/// The built-in fonts' faces kept in `out` by this build of briefgen, if any.
pub fn load_fonts(out: &Path) -> Option<Vec<EmbeddedFace>> {
    read(&out.join(FONTS_FILE_NAME), &fonts_key(), Form::Json)
}

/// What `save_fonts` writes, made while the briefs build (as `encode`).
pub fn encode_fonts(faces: &[EmbeddedFace]) -> Option<Vec<u8>> {
    encode_keyed(&fonts_key(), &faces, Form::Json)
}

pub fn save_fonts(out: &Path, bytes: &[u8]) -> std::io::Result<()> {
    super::write_atomic(&out.join(FONTS_FILE_NAME), bytes)
}

/// The built-in fonts are part of the binary: its identity is the key.
fn fonts_key() -> String {
    let mut k = KeyBuilder::new();
    k.part("tool", &manifest::tool_identity());
    k.finish()
}

/// Both files are the key, a newline, then the value: a stale file is known by its first
/// line, without parsing the rest. The dataset is in postcard, serde's compact binary form:
/// at 20 x the report, 8.5 ms to read against 13.4 for the same in JSON (0.9 against 1.5
/// on the report). The fonts' 16 KB stay JSON, where the difference is nothing.
#[derive(Clone, Copy)]
enum Form {
    Postcard,
    Json,
}

fn encode_keyed(key: &str, value: &impl Serialize, form: Form) -> Option<Vec<u8>> {
    let bytes = format!("{key}\n").into_bytes();
    match form {
        Form::Postcard => postcard::to_extend(value, bytes).ok(),
        Form::Json => {
            let mut bytes = bytes;
            serde_json::to_writer(&mut bytes, value).ok()?;
            Some(bytes)
        }
    }
}

fn read<T: DeserializeOwned>(path: &Path, key: &str, form: Form) -> Option<T> {
    let bytes = std::fs::read(path).ok()?;
    let rest = bytes.strip_prefix(key.as_bytes())?.strip_prefix(b"\n")?;
    match form {
        Form::Postcard => postcard::from_bytes(rest).ok(),
        Form::Json => serde_json::from_slice(rest).ok(),
    }
}
