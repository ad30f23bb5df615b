//! Embeds the built-in templates folder in the binary, so a project needs no templates of
//! its own: a user's folder overrides these file by file (see `src/templates.rs`).

use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let root = Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("templates");
    // Cargo scans a directory given here recursively for changes.
    println!("cargo:rerun-if-changed=templates");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    let mut code = String::from("/// The built-in templates: (path inside the folder, contents).\npub static BUILTIN: &[(&str, &[u8])] = &[\n");
    for f in &files {
        let rel = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        // The path from the crate's own folder when it compiles, not this run's absolute
        // path: Cargo keeps one build-script output for every checkout built into a target
        // folder, and an absolute path read another checkout's templates (or none, once it
        // was removed).
        code.push_str(&format!("    ({rel:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/templates/\", {rel:?}))),\n"));
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("builtin.rs");
    std::fs::write(out, code).unwrap();
}
