//! Writing a spec's outputs: the output folder checked once, then every file of a spec
//! written as one unit (temporary names, then renames), so a failure never leaves a new
//! file beside an old one.

use super::Built;
use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename, so
/// readers see the old file or the new one, never half of one. No fsync: that guards
/// against power loss, not against a failed build, and costs ~40 ms a file here.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = temporary(path, "tmp");
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes every output of a built spec as one unit: all of them to temporary files first,
/// and only when every one is written are they renamed into place, the previous files
/// kept aside until the last rename has worked. A failure (a full disk, a folder where a
/// file should go) leaves the previous files, never a new one beside an old one.
pub fn commit(built: &Built) -> Result<(), Vec<Diagnostic>> {
    use std::io::Write;
    let fail = |path: &Path, e: std::io::Error| {
        vec![Diagnostic::new(format!("cannot write `{}`: {e}", path.display()))
            .hint("check that the output folder exists, is writable and has room, or pass --out DIR")]
    };
    let remove = |paths: &mut dyn Iterator<Item = &PathBuf>| {
        for p in paths {
            let _ = std::fs::remove_file(p);
        }
    };
    // Write every new file beside its target.
    let mut fresh: Vec<(PathBuf, &Path)> = Vec::new();
    for o in &built.outputs {
        let tmp = temporary(&o.path, "tmp");
        let result = if o.path.is_dir() {
            Err(std::io::Error::other("a folder of that name is in the way"))
        } else {
            std::fs::File::create(&tmp).and_then(|mut f| f.write_all(&o.bytes))
        };
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            remove(&mut fresh.iter().map(|(t, _)| t));
            return Err(fail(&o.path, e));
        }
        fresh.push((tmp, &o.path));
    }
    // Keep the previous files aside (a second link costs no copy), then swap in the new.
    let mut kept: Vec<(PathBuf, &Path)> = Vec::new();
    for (_, path) in &fresh {
        if path.is_file() {
            let old = temporary(path, "old");
            let _ = std::fs::remove_file(&old);
            if std::fs::hard_link(path, &old).is_ok() {
                kept.push((old, path));
            }
        }
    }
    for (i, (tmp, path)) in fresh.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            // Put back what was replaced; remove what is new.
            for (_, done) in &fresh[..i] {
                match kept.iter().find(|(_, p)| p == done) {
                    Some((old, _)) => {
                        let _ = std::fs::rename(old, done);
                    }
                    None => {
                        let _ = std::fs::remove_file(done);
                    }
                }
            }
            remove(&mut fresh[i..].iter().map(|(t, _)| t));
            remove(&mut kept.iter().map(|(o, _)| o));
            return Err(fail(path, e));
        }
    }
    remove(&mut kept.iter().map(|(o, _)| o));
    Ok(())
}

/// A hidden name beside `path`, unique to this process and thread, ending in `.{kind}`.
fn temporary(path: &Path, kind: &str) -> PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    dir.join(format!(".{name}.{}.{:?}.{kind}", std::process::id(), std::thread::current().id()).replace(['(', ')'], ""))
}

/// Prepares the output folder and checks it is writable. The folder itself is created
/// if missing, but not a missing parent: `--out reprots/2026/out` is more likely a typo
/// than a wish for three new folders.
pub fn prepare_out(out: &Path) -> Result<(), Diagnostic> {
    let hint = "pass --out DIR with a folder you can write to (its parent must exist)";
    if !out.is_dir() {
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(Diagnostic::new(format!("the output folder's parent `{}` does not exist", parent.display())).hint(hint));
        }
        std::fs::create_dir(out)
            .map_err(|e| Diagnostic::new(format!("cannot create the output folder `{}`: {e}", out.display())).hint(hint))?;
    }
    let probe = out.join(format!(".briefgen-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| Diagnostic::new(format!("the output folder `{}` is not writable: {e}", out.display())).hint(hint))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}
