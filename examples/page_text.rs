//! Prints what the editorial check reads from a generated brief: every line with its page,
//! position, size and role. `cargo run --example page_text -- out/<brief>.typ`
use briefgen::spec::Date;
use briefgen::typeset::{self, Setup, Shared};
use std::path::Path;

fn main() {
    let path = std::env::args().nth(1).expect("usage: page_text FILE.typ");
    let source = std::fs::read_to_string(&path).expect("read the .typ file");
    let shared = Shared::new(&briefgen::templates::Templates::new(Some(Path::new("templates"))).expect("templates")).expect("fonts");
    let setup = Setup { date: Date { year: 2026, month: 1, day: 1 }, inputs: &[], extra: &[] };
    let laid = match typeset::layout(&shared, "page-text.typ", source, &setup) {
        Ok(l) => l,
        Err(e) => panic!("{e:?}"),
    };
    let text = laid.text();
    for l in &text.lines {
        println!("p{} {:6.1}-{:6.1} {:4.1} {:?}{} {:?} {}", l.page, l.top, l.bottom, l.size, l.role, l.level, l.cell, l.text);
    }
    for e in text.extents.iter().filter(|e| e.0 == text.pages) {
        println!("extent p{} {:6.1}-{:6.1}", e.0, e.1, e.2);
    }
    for f in &text.footnotes {
        println!("footnote marker p{} note p{}: {}", f.0, f.1, f.2);
    }
}
