//! Where templates, fonts and assets come from: a user's folder over the built-in set,
//! file by file (as mdBook's `theme/` and Zola's `templates/` shadow their defaults).
//! A name with the prefix `builtin/` always means the built-in file, so a user's template
//! can `{% extends "builtin/audiences/funder/brief.typ.j2" %}` and replace single blocks.
//! `briefgen templates eject NAME` copies a built-in file out to edit.

use crate::diagnostic::Diagnostic;
use std::path::{Component, Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/builtin.rs"));

/// The prefix naming a built-in file explicitly.
pub const BUILTIN_PREFIX: &str = "builtin/";

/// How a built-in file is named in messages (it has no path on disk).
pub const BUILTIN_DISPLAY: &str = "<built-in>";

#[derive(Debug, Clone)]
pub struct Templates {
    /// The user's folder as given (for messages) and resolved (for confinement).
    user: Option<(PathBuf, PathBuf)>,
}

/// A file read through the layers.
pub struct Found {
    pub bytes: Vec<u8>,
    /// Where it came from, for messages: the user's file, or `<built-in>/<name>`.
    pub shown: PathBuf,
}

fn builtin(name: &str) -> Option<&'static [u8]> {
    BUILTIN.iter().find(|(n, _)| *n == name).map(|(_, b)| *b)
}

impl Templates {
    /// The built-in set under `user` (None: the built-in set alone).
    pub fn new(user: Option<&Path>) -> Result<Templates, Diagnostic> {
        let user = match user {
            None => None,
            Some(dir) if dir.is_dir() => Some((dir.to_path_buf(), dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()))),
            Some(dir) => {
                return Err(Diagnostic::new(format!("templates folder `{}` not found", dir.display()))
                    .hint("create it, fix `templates:` in briefgen.yaml or --templates, or leave both out to use the built-in templates"));
            }
        };
        Ok(Templates { user })
    }

    /// The user's folder, if any.
    pub fn user_dir(&self) -> Option<&Path> {
        self.user.as_ref().map(|(shown, _)| shown.as_path())
    }

    /// Reads `name` (a relative path with `/`): the user's file if there is one, else the
    /// built-in one; Ok(None) if neither exists. A user file leading outside the user's
    /// folder (`..`, a symbolic link) is refused.
    pub fn read(&self, name: &str) -> Result<Option<Found>, String> {
        if let Some(rest) = name.strip_prefix(BUILTIN_PREFIX) {
            return Ok(builtin(rest).map(|b| Found { bytes: b.to_vec(), shown: Path::new(BUILTIN_DISPLAY).join(rest) }));
        }
        let rel = Path::new(name);
        if name.is_empty() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            return Err(format!("`{name}` is not a plain path inside the templates folder"));
        }
        if let Some((shown, root)) = &self.user {
            match root.join(rel).canonicalize() {
                Ok(real) if !real.starts_with(root) => {
                    return Err(format!("`{name}` leads outside the templates folder (through a symbolic link); copy the file into the folder instead"));
                }
                Ok(real) if real.is_dir() => return Err(format!("`{name}` is a folder, not a file")),
                Ok(real) => {
                    return std::fs::read(&real).map(|bytes| Some(Found { bytes, shown: shown.join(rel) })).map_err(|e| format!("`{name}` cannot be read: {e}"));
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("`{name}` cannot be read: {e}")),
            }
        }
        Ok(builtin(name).map(|b| Found { bytes: b.to_vec(), shown: Path::new(BUILTIN_DISPLAY).join(name) }))
    }

    /// The path a message names for `name`: the user's file if it exists, else the built-in.
    pub fn shown(&self, name: &str) -> PathBuf {
        if let Some(rest) = name.strip_prefix(BUILTIN_PREFIX) {
            return Path::new(BUILTIN_DISPLAY).join(rest);
        }
        match &self.user {
            Some((shown, _)) if shown.join(name).is_file() => shown.join(name),
            _ => Path::new(BUILTIN_DISPLAY).join(name),
        }
    }

    /// The names of files under `folder` (`fonts`, `audiences`; "" for all), in both
    /// layers, sorted.
    pub fn names_under(&self, folder: &str) -> Vec<String> {
        let folder = folder.trim_end_matches('/');
        let prefix = if folder.is_empty() { String::new() } else { format!("{folder}/") };
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| *n).filter(|n| n.starts_with(&prefix)).map(String::from).collect();
        if let Some((shown, _)) = &self.user {
            for path in crate::produce::manifest::files_under(&shown.join(folder)) {
                if let Ok(rel) = path.strip_prefix(shown) {
                    names.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }

    /// The user's files, for the build manifest and `watch` (the built-in set is part of
    /// the binary, which the manifest keys on already).
    pub fn user_files(&self) -> Vec<PathBuf> {
        self.user.as_ref().map(|(shown, _)| crate::produce::manifest::files_under(shown)).unwrap_or_default()
    }

    /// Every built-in file name (for `templates list`).
    pub fn builtin_names() -> impl Iterator<Item = &'static str> + Clone {
        BUILTIN.iter().map(|(n, _)| *n)
    }

    /// Copies the built-in `name` (a file, or every file under a folder) into `dir`,
    /// refusing to overwrite. Returns the files written.
    pub fn eject(name: &str, dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
        let name = name.trim_end_matches('/');
        let prefix = format!("{name}/");
        let chosen: Vec<&(&str, &[u8])> = BUILTIN.iter().filter(|(n, _)| *n == name || n.starts_with(&prefix)).collect();
        if chosen.is_empty() {
            let hint = crate::diagnostic::suggest(name, Templates::builtin_names());
            return Err(Diagnostic::new(format!("there is no built-in template `{name}`")).hint(format!("{hint}; `briefgen templates list` names them all")));
        }
        let mut written = Vec::new();
        for (n, bytes) in chosen {
            let to = dir.join(n);
            if to.exists() {
                return Err(Diagnostic::new(format!("`{}` exists already; not overwritten", to.display())).hint("move it aside first, or edit it where it is"));
            }
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| Diagnostic::new(format!("cannot create `{}`: {e}", parent.display())))?;
            }
            crate::produce::write_atomic(&to, bytes).map_err(|e| Diagnostic::new(format!("cannot write `{}`: {e}", to.display())))?;
            written.push(to);
        }
        Ok(written)
    }
}
