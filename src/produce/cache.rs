//! The checked dataset and its editorial vocabulary, kept in the output folder between
//! runs. Reading the YAML is most of what a build costs before its first brief: 6 ms on
//! the report and 60 ms on a dataset twenty times its size, where this file takes 0.9 and
//! 8.5 ms with the vocabulary (learning that again would take 2 and 21 ms more).
//!
//! The key is briefgen's identity and the content of every file the dataset is read from
//! (`data::input_files`, not a PDF of the report kept beside them), hashed on every run
//! (not trusted from sizes and times as the manifest does), so any edit parses the YAML
//! again; only a dataset that passed its checks is kept, so every diagnostic still comes
//! from the YAML itself. What is kept carries a checksum of itself: a file changed by hand
//! or damaged is parsed afresh rather than trusted. (It used to be checked again instead:
//! 1.5 ms a run at 20 x the report, where the checksum takes a tenth of that; a briefgen
//! with other rules is already another key.)
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

/// The dataset kept in `out`, with the key it was kept under, if there is one (a missing,
/// unreadable, older-format or damaged file is simply not used). It is read before the
/// key of the data as it is now is known, so that the two are made at once, on two
/// threads; `Read::under` then uses it only if the keys agree.
pub fn read_kept(out: &Path) -> Option<Read> {
    let (key, kept) = read(&out.join(FILE_NAME), Form::Postcard)?;
    Some(Read { key, kept })
}

pub struct Read {
    key: String,
    kept: Kept,
}

impl Read {
    /// The dataset, if it was kept under `key`, as read from `data_dir`.
    pub fn under(self, key: &str, data_dir: &Path) -> Option<(Dataset, Vocabulary)> {
        let Read { key: kept_under, kept } = self;
        (kept_under == key).then(|| {
            let mut data = kept.data;
            data.dir = data_dir.to_path_buf();
            (data, kept.vocabulary)
        })
    }
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
    read(&out.join(FONTS_FILE_NAME), Form::Json).filter(|(key, _)| *key == fonts_key()).map(|(_, faces)| faces)
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

/// Both files are the key, a space, the checksum (CRC-32) of what follows the line, a
/// newline, then the value: a stale file is known by its first line, a damaged one by its
/// checksum, without parsing the rest. The dataset is in postcard, serde's compact binary
/// form: at 20 x the report, 8.5 ms to read against 13.4 for the same in JSON (0.9 against
/// 1.5 on the report). The fonts' 16 KB stay JSON, where the difference is nothing.
#[derive(Clone, Copy)]
enum Form {
    Postcard,
    Json,
}

fn encode_keyed(key: &str, value: &impl Serialize, form: Form) -> Option<Vec<u8>> {
    let body = match form {
        Form::Postcard => postcard::to_extend(value, Vec::new()).ok()?,
        Form::Json => serde_json::to_vec(value).ok()?,
    };
    Some(seal(key, &body))
}

/// The file that keeps `body` under `key`.
pub fn seal(key: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{key} {:08x}\n", crc32fast::hash(body)).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn read<T: DeserializeOwned>(path: &Path, form: Form) -> Option<(String, T)> {
    let bytes = std::fs::read(path).ok()?;
    let line = bytes.iter().position(|&b| b == b'\n')?;
    let (key, sum) = std::str::from_utf8(&bytes[..line]).ok()?.rsplit_once(' ')?;
    let body = &bytes[line + 1..];
    if u32::from_str_radix(sum, 16).ok()? != crc32fast::hash(body) {
        return None;
    }
    let value = match form {
        Form::Postcard => postcard::from_bytes(body).ok()?,
        Form::Json => serde_json::from_slice(body).ok()?,
    };
    Some((key.to_owned(), value))
}
