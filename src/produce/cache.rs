//! The checked dataset and its editorial vocabulary, kept in the output folder between
//! runs. Reading the YAML is most of what a build costs before its first brief: 6 ms on
//! the report and 60 ms on a dataset twenty times its size, where this file takes 0.9 and
//! 8.5 ms with the vocabulary (learning that again would take 2 and 21 ms more).
//!
//! The key is briefgen's identity and the content of every file the dataset is read from
//! (`data::input_files`, not a PDF of the report kept beside them), so any edit parses the
//! YAML again; only a dataset that passed its checks is kept, so every diagnostic still
//! comes from the YAML itself. What is kept carries a checksum of itself: a file changed by
//! hand or damaged is parsed afresh rather than trusted. (It used to be checked again
//! instead: 1.5 ms a run at 20 x the report, where the checksum takes a tenth of that; a
//! briefgen with other rules is already another key.)
//!
//! Hashing the files' content on every run took 2 to 3 ms of a core at 20 x the report, so
//! the key is kept with a stamp of the files as the file system describes them (`stamp`:
//! size, modification and change times, inode, device), and a run whose files stamp the
//! same takes the kept key without reading them, as git trusts its index. Any write to a
//! file moves its change time, which no tool sets back; a file changed in the last two
//! seconds stamps nothing (a write within one tick of the clock could leave both times
//! as they were), and its content is hashed.
//!
//! Beside it, what the font book needs to know of Typst's built-in fonts
//! (`typeset::world::EmbeddedFace`), which only a new briefgen changes: learning it parses
//! 17 fonts, 2.7 ms a process, and with it kept a built-in font is parsed only if a brief
//! uses one.

use super::manifest::{self, KeyBuilder};
use crate::data::model::{self, KeptBytes};
use crate::data::Dataset;
use crate::editorial::Vocabulary;
use crate::typeset::world::EmbeddedFace;
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

/// How long a file must have stood unchanged for its stamp to vouch for its content.
const SETTLED_NANOS: i128 = 2_000_000_000;

/// The data files as the file system describes them now, if every one has stood
/// unchanged for two seconds (and the system says when a file last changed at all).
pub fn stamp(data_dir: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos() as i128;
        let mut k = KeyBuilder::new();
        k.part("tool", &manifest::tool_identity());
        for path in crate::data::input_files(data_dir) {
            let name = path.to_string_lossy();
            let Ok(m) = std::fs::metadata(&path) else {
                k.part(&name, "missing");
                continue;
            };
            let at = |s: i64, ns: i64| i128::from(s) * 1_000_000_000 + i128::from(ns);
            let (modified, changed) = (at(m.mtime(), m.mtime_nsec()), at(m.ctime(), m.ctime_nsec()));
            if now - modified.max(changed) < SETTLED_NANOS {
                return None;
            }
            k.part(&name, &format!("{} {modified} {changed} {} {}", m.len(), m.ino(), m.dev()));
        }
        Some(k.finish())
    }
    #[cfg(not(unix))]
    {
        let _ = data_dir;
        None
    }
}

/// The kept dataset's file in `out`, mapped, its first line read: enough to tell whether
/// the data files' stamp vouches for it before anything is decoded.
pub struct Opened {
    key: String,
    stamp: String,
    bytes: std::sync::Arc<KeptBytes>,
    body: usize,
}

pub fn open_kept(out: &Path) -> Option<Opened> {
    let file = std::fs::File::open(out.join(FILE_NAME)).ok()?;
    // Mapped, not read: its strings are decoded as places in the mapping
    // (`model::Shared`), so the file is never copied (at 20 x the report, 2.9 MB copied
    // into fresh memory, then 2.8 MB of strings copied out of it).
    // SAFETY: the kept file is only ever replaced by a rename (`save`), never written in
    // place, so the mapped bytes do not change while they are read. (A person truncating it
    // meanwhile would crash the run, as with any mapped file; what they write into it is
    // caught by the checksum or the UTF-8 check.)
    let map = unsafe { memmap2::MmapOptions::new().populate().map(&file) }.ok()?;
    let bytes = KeptBytes::new(map);
    let (key, stamp, _, body) = sealed(bytes.bytes())?;
    let (key, stamp) = (key.to_owned(), stamp.to_owned());
    Some(Opened { key, stamp, bytes, body })
}

impl Opened {
    /// Whether the data files, stamped `stamp` now, are those the dataset was kept from.
    pub fn stamped(&self, stamp: Option<&str>) -> bool {
        stamp.is_some_and(|s| s == self.stamp)
    }

    /// The kept dataset, decoded, if its checksum holds.
    pub fn decode(self) -> Option<Read> {
        let kept = model::decode_kept(&self.bytes, |bytes| checked(bytes).and_then(|body| postcard::from_bytes(body).ok()))?;
        Some(Read { opened: self, kept })
    }

    /// The kept key, where the stamp vouched for it (`stamped`).
    pub fn key(&self) -> &str {
        &self.key
    }
}

pub struct Read {
    opened: Opened,
    kept: Kept,
}

/// A kept dataset read, with the file to keep in its place: the same dataset under the
/// files' stamp now, where it was kept under another (the files touched, or changed too
/// recently to vouch for), so that the next run need not hash them.
pub type Taken = (Dataset, Vocabulary, Option<Vec<u8>>);

impl Read {
    /// The dataset, if it was kept under `key`, as read from `data_dir` stamped `stamp`.
    pub fn under(self, key: &str, stamp: Option<&str>, data_dir: &Path) -> Option<Taken> {
        let Read { opened, kept } = self;
        (opened.key == key).then(|| {
            let mut data = kept.data;
            data.dir = data_dir.to_path_buf();
            let restamped = stamp.filter(|s| *s != opened.stamp).map(|s| seal_body(key, s, &opened.bytes.bytes()[opened.body..]));
            (data, kept.vocabulary, restamped)
        })
    }
}

/// What `save` writes. Made apart from the writing so that it can be made while the
/// briefs build, and written only if the run built something (a file kept on the side
/// meanwhile would be left behind by an interrupted build).
pub fn encode(key: &str, stamp: Option<&str>, data: &Dataset, vocabulary: &Vocabulary) -> Option<Vec<u8>> {
    let body = postcard::to_extend(&Keeping { data, vocabulary }, Vec::new()).ok()?;
    Some(seal(key, stamp, &body))
}

pub fn save(out: &Path, bytes: &[u8]) -> std::io::Result<()> {
    super::write_atomic(&out.join(FILE_NAME), bytes)
}

/// The built-in fonts' faces kept in `out` by this build of briefgen, if any.
pub fn load_fonts(out: &Path) -> Option<Vec<EmbeddedFace>> {
    let bytes = std::fs::read(out.join(FONTS_FILE_NAME)).ok()?;
    (sealed(&bytes)?.0 == fonts_key()).then_some(())?;
    serde_json::from_slice(checked(&bytes)?).ok()
}

/// What `save_fonts` writes, made while the briefs build (as `encode`).
pub fn encode_fonts(faces: &[EmbeddedFace]) -> Option<Vec<u8>> {
    Some(seal(&fonts_key(), None, &serde_json::to_vec(&faces).ok()?))
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

/// Both files are the key, a space, the stamp it was kept under (`-` for none), a space,
/// the checksum (CRC-32) of what follows the line, a newline, then the value: a stale file
/// is known by its first line, a damaged one by its checksum, without parsing the rest.
/// The dataset is in postcard, serde's compact binary form: at 20 x the report, 8.5 ms to
/// read against 13.4 for the same in JSON (0.9 against 1.5 on the report). The fonts' 16
/// KB stay JSON, where the difference is nothing.
pub fn seal(key: &str, stamp: Option<&str>, body: &[u8]) -> Vec<u8> {
    seal_body(key, stamp.unwrap_or("-"), body)
}

fn seal_body(key: &str, stamp: &str, body: &[u8]) -> Vec<u8> {
    let mut bytes = format!("{key} {stamp} {:08x}\n", crc32fast::hash(body)).into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

/// The key, the stamp and the checksum on a sealed file's first line, and where its body
/// starts.
fn sealed(bytes: &[u8]) -> Option<(&str, &str, u32, usize)> {
    let line = bytes.iter().position(|&b| b == b'\n')?;
    let mut parts = std::str::from_utf8(&bytes[..line]).ok()?.split(' ');
    let (key, stamp, sum) = (parts.next()?, parts.next()?, parts.next()?);
    parts.next().is_none().then_some((key, stamp, u32::from_str_radix(sum, 16).ok()?, line + 1))
}

/// The body of a sealed file, if its checksum holds.
fn checked(bytes: &[u8]) -> Option<&[u8]> {
    let (_, _, sum, at) = sealed(bytes)?;
    let body = &bytes[at..];
    (crc32fast::hash(body) == sum).then_some(body)
}
