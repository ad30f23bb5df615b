//! Fuzzes spec parsing and both escapes. Spec parsing must never panic, only report;
//! escaped text must parse as plain Typst text (no code, markup or math) and as plain
//! DOCX-markup text that reads back as the input.
#![no_main]

use briefgen::data::Dataset;
use briefgen::render::{blocks, escape};
use libfuzzer_sys::fuzz_target;
use std::path::Path;
use std::sync::OnceLock;
use typst::syntax::{SyntaxKind, SyntaxNode};

fn data() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| Dataset::load_checked(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../data")).expect("dataset"))
}

fn only_text(node: &SyntaxNode) -> bool {
    match node.kind() {
        SyntaxKind::Markup => node.children().all(only_text),
        SyntaxKind::Text | SyntaxKind::Escape | SyntaxKind::Space => true,
        _ => false,
    }
}

fuzz_target!(|input: &[u8]| {
    let Ok(text) = std::str::from_utf8(input) else { return };
    let _ = briefgen::spec::Spec::parse(Path::new("fuzz.yaml"), text, data());

    let escaped = escape::typst_markup(text);
    let tree = typst::syntax::parse(&escaped);
    assert!(only_text(&tree), "escaped text is not plain Typst text: {escaped:?}");

    let docx = escape::docx_markup(text);
    let spans = blocks::inline(&docx).expect("escaped text is valid inline markup");
    let expected: String = text.chars().map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}') { ' ' } else { c }).collect();
    assert_eq!(blocks::plain(&spans), expected);
});
