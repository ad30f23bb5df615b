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
                    list.push(item);
                }
            }
        }
        std::fs::write(&path, serde_yaml::to_string(&v).expect("serialise")).expect("write a chapter");
    }
}
