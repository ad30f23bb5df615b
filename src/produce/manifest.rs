//! Incremental builds: a content-hash manifest in the output folder records, for each
//! spec, a key over everything its outputs depend on (spec, logo, the data files it reads,
//! every template, asset and font, the resolved date, the options and briefgen itself)
//! and the files it wrote. A spec whose key and outputs are unchanged is skipped.
//!
//! File hashes are reused while a file's size and modification time are unchanged (as
//! make and cargo trust mtimes), so a no-op rebuild only stats files.

use crate::budget::fit::Start;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

pub const FILE_NAME: &str = ".briefgen-manifest.json";

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    /// Per spec stem.
    #[serde(default)]
    pub specs: BTreeMap<String, Entry>,
    /// Content hashes of input files, reused while (len, mtime) match.
    #[serde(default)]
    pub files: BTreeMap<String, FileHash>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub key: String,
    pub outputs: Vec<OutputRecord>,
    pub pages: usize,
    /// Where the page-budget search ended, for the next build of the spec to start from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub searched: Option<Searched>,
}

/// Where the search ended, with the audience and page budget it fitted: a start for another
/// audience or budget would be no nearer than the estimate.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Searched {
    pub audience: String,
    pub pages: usize,
    #[serde(flatten)]
    pub start: Start,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutputRecord {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
    /// Modification time when written, to notice a file changed or replaced since.
    pub mtime_ns: u128,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileHash {
    pub len: u64,
    pub mtime_ns: u128,
    pub sha256: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A file's content hash, read now; "unreadable" if it cannot be read. Streamed through a
/// small buffer: a dataset's files, hashed on every run (`cache::key`), are megabytes at
/// 20 x the report, and reading each whole took as much fresh memory.
pub fn content_hash(path: &Path) -> String {
    let hash = || -> std::io::Result<String> {
        let mut h = Sha256::new();
        std::io::copy(&mut std::fs::File::open(path)?, &mut h)?;
        Ok(hex(&h.finalize()))
    };
    hash().unwrap_or_else(|_| "unreadable".into())
}

fn stat(path: &Path) -> Option<(u64, u128)> {
    let m = std::fs::metadata(path).ok()?;
    let mtime = m.modified().ok()?.duration_since(UNIX_EPOCH).ok()?.as_nanos();
    Some((m.len(), mtime))
}

impl Manifest {
    /// The manifest in `out`, or an empty one (missing, unreadable or from another version).
    pub fn load(out: &Path) -> Manifest {
        std::fs::read(out.join(FILE_NAME)).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    }

    pub fn save(&self, out: &Path) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        super::write_atomic(&out.join(FILE_NAME), &json)
    }

    /// A file's content hash, from the cache if its size and mtime are unchanged.
    /// Missing files hash as "missing" so that their appearance changes the key.
    pub fn file_hash(&mut self, path: &Path) -> String {
        let name = path.to_string_lossy().into_owned();
        let Some((len, mtime_ns)) = stat(path) else { return "missing".into() };
        if let Some(h) = self.files.get(&name).filter(|h| h.len == len && h.mtime_ns == mtime_ns) {
            return h.sha256.clone();
        }
        let sha256 = content_hash(path);
        self.files.insert(name, FileHash { len, mtime_ns, sha256: sha256.clone() });
        sha256
    }

    /// Where the last build of `stem` for `audience` on `pages` pages ended its search.
    pub fn searched(&self, stem: &str, audience: &str, pages: usize) -> Option<Start> {
        let s = self.specs.get(stem)?.searched.as_ref()?;
        (s.audience == audience && s.pages == pages).then_some(s.start)
    }

    /// True if `stem` was built with `key` and its outputs are still as written.
    pub fn up_to_date(&self, stem: &str, key: &str) -> bool {
        self.specs.get(stem).is_some_and(|e| {
            e.key == key && e.outputs.iter().all(|o| stat(&o.path).is_some_and(|(len, mtime)| len == o.bytes && mtime == o.mtime_ns))
        })
    }

    pub fn record(&mut self, stem: &str, key: String, outputs: &[(PathBuf, &[u8])], pages: usize, searched: Option<Searched>) {
        let outputs = outputs
            .iter()
            .map(|(path, bytes)| OutputRecord {
                path: path.clone(),
                bytes: bytes.len() as u64,
                sha256: sha256_hex(bytes),
                mtime_ns: stat(path).map_or(0, |(_, m)| m),
            })
            .collect();
        self.specs.insert(stem.to_string(), Entry { key, outputs, pages, searched });
    }
}

/// Every file under `dir`, sorted, for hashing a whole folder (templates, fonts).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    // A symbolic link is followed only to a file, never into a folder: a link to `/` or to
    // a parent would make the walk endless (and nothing outside the folder is an input).
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
            let p = e.path();
            let Ok(kind) = e.file_type() else { continue };
            if kind.is_dir() {
                stack.push(p);
            } else if kind.is_file() || kind.is_symlink() && p.is_file() {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// What identifies this build of briefgen: its version and its executable (size and
/// mtime), so a rebuilt binary with new behaviour rebuilds every brief.
pub fn tool_identity() -> String {
    let exe = std::env::current_exe().ok().and_then(|p| stat(&p)).map_or_else(String::new, |(l, m)| format!("{l}-{m}"));
    format!("briefgen {} {exe}", env!("CARGO_PKG_VERSION"))
}

/// Hashes labelled parts into one key.
pub struct KeyBuilder(Sha256);

impl KeyBuilder {
    pub fn new() -> Self {
        KeyBuilder(Sha256::new())
    }

    pub fn part(&mut self, label: &str, value: &str) -> &mut Self {
        self.0.update(label.as_bytes());
        self.0.update([0]);
        self.0.update(value.as_bytes());
        self.0.update([0]);
        self
    }

    pub fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

impl Default for KeyBuilder {
    fn default() -> Self {
        Self::new()
    }
}
