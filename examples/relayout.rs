//! How much a layout costs, and a re-layout after an edit at the start, middle and end of
//! a generated brief (a paragraph inserted before a section heading): what the page-budget
//! search pays for each candidate after the first. `cargo run --release --example relayout
//! -- out/<brief>.typ` (from `briefgen build --emit-source`), in the project folder.
use briefgen::spec::Date;
use briefgen::typeset::{Drafts, Setup, Shared};
use std::path::Path;
fn main() {
    let path = std::env::args().nth(1).expect("usage: relayout FILE.typ");
    let source = std::fs::read_to_string(&path).expect("read the .typ file");
    let shared = Shared::new(&briefgen::templates::Templates::new(Some(Path::new("templates"))).expect("templates")).expect("fonts");
    let setup = Setup { date: Date { year: 2026, month: 1, day: 1 }, inputs: &[], extra: &[] };
    let drafts = Drafts::default();
    let at: Vec<usize> = source.match_indices("\n= ").map(|(i, _)| i + 1).collect();
    let t = std::time::Instant::now();
    let l = drafts.layout(&shared, "x.typ", &source, &setup).unwrap_or_else(|e| panic!("{e:?}"));
    eprintln!("first {:.1} ms, {} pages", t.elapsed().as_secs_f64() * 1e3, l.pages());
    for (label, i) in [("start", at[0]), ("mid", at[at.len() / 2]), ("last", *at.last().unwrap())] {
        let mut s2 = source.clone();
        s2.insert_str(i, "Extra words here, a whole new paragraph of text to see what moves.\n\n");
        let t = std::time::Instant::now();
        drafts.layout(&shared, "x.typ", &s2, &setup).unwrap_or_else(|e| panic!("{e:?}"));
        let a = t.elapsed().as_secs_f64() * 1e3;
        let t = std::time::Instant::now();
        drafts.layout(&shared, "x.typ", &source, &setup).unwrap_or_else(|e| panic!("{e:?}"));
        eprintln!("{label}: edit {a:.1} ms, back {:.1} ms", t.elapsed().as_secs_f64() * 1e3);
    }
}
