//! Writes a copy of a dataset with every chapter list repeated N times (ids made unique),
//! for measuring how the build scales with the selection: `make bench` uses it at 20.
//! `cargo run --release --example scale_data -- data OUT 20`

use std::path::Path;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create the copy");
    for entry in std::fs::read_dir(from).expect("read the dataset") {
        let path = entry.expect("list the dataset").path();
        let dest = to.join(path.file_name().expect("a file name"));
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).expect("copy a file");
        }
    }
}

/// Shuffles the words of every string of twelve words or more, with a generator seeded
/// by the copy and the string (deterministic).
fn shuffle_texts(v: &mut serde_yaml::Value, seed: u64) {
    match v {
        serde_yaml::Value::String(s) if s.split_whitespace().count() >= 12 => {
            let mut words: Vec<&str> = s.split_whitespace().collect();
            let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ s.len() as u64;
            for i in (1..words.len()).rev() {
                state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
                words.swap(i, (state >> 33) as usize % (i + 1));
            }
            *s = words.join(" ");
        }
        serde_yaml::Value::Sequence(items) => items.iter_mut().for_each(|i| shuffle_texts(i, seed)),
        serde_yaml::Value::Mapping(m) => {
            for (k, val) in m.iter_mut() {
                if !matches!(k.as_str(), Some("url" | "id")) {
                    shuffle_texts(val, seed);
                }
            }
        }
        _ => {}
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [from, to, times] = args.as_slice() else {
        eprintln!("usage: scale_data DATA OUT TIMES");
        std::process::exit(2);
    };
    let times: usize = times.parse().expect("TIMES is a number");
    copy_dir(Path::new(from), Path::new(to));
    for entry in std::fs::read_dir(Path::new(to).join("countries")).expect("a countries folder") {
        let path = entry.expect("list the chapters").path();
        let mut v: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(&path).expect("read a chapter")).expect("a chapter parses");
        let map = v.as_mapping_mut().expect("a chapter is a mapping");
        for key in ["key_messages", "context", "findings", "lessons", "services", "figures", "quotes", "references", "timeline"] {
            let Some(list) = map.get_mut(key).and_then(|l| l.as_sequence_mut()) else { continue };
            let original = list.clone();
            for copy in 1..times {
                for item in &original {
                    let mut item = item.clone();
                    // Ids, series and services stay unique per copy, so the dataset validates.
                    for field in ["id", "series", "service"] {
                        if let Some(s) = item.get(field).and_then(|s| s.as_str()).map(str::to_string) {
                            item[field] = format!("{s}-copy{copy}").into();
                        }
                    }
                    // A bigger report says different things, not the same passage twenty
                    // times: a copy's running text has its words shuffled (same words, same
                    // length), so a brief that shows two copies does not print one run twice.
                    shuffle_texts(&mut item, copy as u64);
                    list.push(item);
                }
            }
        }
        std::fs::write(&path, serde_yaml::to_string(&v).expect("serialise")).expect("write a chapter");
    }
}
