//! Lays out Typst sources one after another as edits of the same document, as the
//! page-budget search lays out its candidates, and times each; then checks that the last
//! gives the same PDF as a fresh layout. `cargo run --release --example edits -- a.typ b.typ
//! c.typ` in the project folder (sources from a search, e.g. `--emit-source` of briefs
//! differing in one unit).
use briefgen::spec::{Date, PdfStandard};
use briefgen::typeset::{self, Drafts, Setup, Shared};
use std::path::Path;
fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    let shared = Shared::new(&briefgen::templates::Templates::new(Some(Path::new("templates"))).expect("templates")).expect("fonts");
    let setup = Setup { date: Date { year: 2026, month: 1, day: 1 }, inputs: &[], extra: &[] };
    let drafts = Drafts::default();
    let mut last = None;
    for f in &files {
        let source = std::fs::read_to_string(f).expect("read the .typ file");
        let t = std::time::Instant::now();
        let laid = drafts.layout(&shared, "x.typ", &source, &setup).unwrap_or_else(|e| panic!("{e:?}"));
        eprintln!("{f}: {:.1} ms, {} pages", t.elapsed().as_secs_f64() * 1e3, laid.pages());
        last = Some((laid, source));
    }
    let Some((edited, source)) = last else { return eprintln!("usage: edits A.typ B.typ ...") };
    let fresh = typeset::layout(&shared, "x.typ", source, &setup).unwrap_or_else(|e| panic!("{e:?}"));
    let pdf = |l: &typeset::Laid| l.pdf(setup.date, "x", PdfStandard::Ua1).unwrap_or_else(|e| panic!("{e:?}"));
    eprintln!("the last as an edit gives the same PDF as laid out fresh: {}", if pdf(&edited) == pdf(&fresh) { "yes" } else { "NO" });
}
