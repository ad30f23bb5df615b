//! Property test: arbitrary text rich in Typst's and our DOCX markup's special characters,
//! put into every kind of field (spec title, service name, quote, reference URL), comes out
//! literally in the PDF's text and the DOCX's text. Built in-process through the library.

mod common;
use briefgen::produce::{self as build, Context, Options};
use briefgen::spec::Spec;
use common::*;
use proptest::prelude::*;
use std::path::Path;
use std::sync::OnceLock;

fn context() -> &'static Context {
    static CTX: OnceLock<Context> = OnceLock::new();
    CTX.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        Context::new(&root.join("data"), &briefgen::templates::Templates::new(Some(&root.join("templates"))).unwrap()).unwrap_or_else(|e| panic!("{e:?}"))
    })
}

/// Strings from pieces that mean something to Typst or to our DOCX markup, line starts
/// that would open headings, lists and comments, and letters beyond ASCII.
fn hostile() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec![
            "\\", "#", "$", "*", "_", "`", "<", ">", "@", "[", "]", "~", "/", "=", "-", "+", ".", "'", "\"", ":", "^", "|", "&", ";",
            "{", "}", "(", ")", "%", "!", "?", ",",
            "= ", "- ", "+ ", "1. ", "// ", "/* ", "*/", "```", "$x^2$", "#read(\"/etc/passwd\")", "<label>", "@ref", "\\u{41}",
            "https://example.org/a_b*c", "&amp;", "<w:t>", "]]>", "@h1 ", "^[", "...", "--", "---", "-?", "'s",
        ])
        .prop_map(str::to_string),
        "[a-zA-Z0-9]{1,6}",
        prop::sample::select(vec!["Māori", "whānau", "Åse", "café", "Ωμέγα", "Добро", "naïve", "Zoë"]).prop_map(str::to_string),
        Just(" ".to_string()),
    ];
    // Words of one or two pieces: a single unbroken run longer than a line would overflow
    // the title's margin (Typst breaks lines only at break opportunities), a layout limit
    // rather than an escaping one; see the README's limits.
    let word = prop::collection::vec(piece, 1..3).prop_map(|v| v.concat()).prop_filter("fits a line", |w| w.chars().count() <= 24);
    prop::collection::vec(word, 1..6).prop_map(|v| v.join(" ")).prop_filter("some visible text", |s| s.chars().any(|c| !c.is_whitespace()))
}

fn check(text: &str, needle: &str, what: &str) -> Result<(), TestCaseError> {
    prop_assert!(contains(text, needle), "{what} lacks {needle:?}");
    Ok(())
}

proptest! {
    // PROPTEST_CASES=1000 for a longer run.
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn hostile_text_survives_in_every_field(title in hostile(), name in hostile(), quote in hostile(), url in hostile(), section in hostile()) {
        let mut ctx_data = context().data.clone();
        let wales = ctx_data.countries.iter_mut().find(|c| c.id == "wales").unwrap();
        let all: Vec<String> = ctx_data_theme_ids();
        wales.services[0].name = name.clone().into();
        wales.services[0].themes = all.clone().into();
        wales.quotes[0].text = quote.clone().into();
        wales.quotes[0].themes = all.clone().into();
        wales.references[0].url = Some(url.clone().into());
        // Section titles reach the notes (numbered in the PDF, Word footnotes in the DOCX).
        for s in wales.sections.values_mut() {
            s.title = section.clone();
        }
        let spec_text = format!("title: {}\ndate: 2026-11-22\naudience: community\ncountries: [wales]\nthemes: all\n", briefgen_yaml_string(&title));
        let spec = Spec::parse(Path::new("prop.yaml"), &spec_text, briefgen::spec::Env { data: &ctx_data, audiences: &context().audiences, inherited: &Default::default() }).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
        let ctx = Context::from_parts(ctx_data, briefgen::render::Renderer::new(context().renderer.templates()).unwrap(), context().typst.clone(), context().audiences.clone());
        let built = build::render_spec(&ctx, &spec, &Options { out: "out".into(), emit_source: false, strict: false }, None).map_err(|e| TestCaseError::fail(format!("build failed: {e:?}")))?;
        let dir = tempfile::tempdir().unwrap();
        let mut pdf_path = None;
        let mut docx_path = None;
        for o in &built.outputs {
            let p = dir.path().join(o.path.file_name().unwrap());
            std::fs::write(&p, &o.bytes).unwrap();
            if p.extension().unwrap() == "pdf" { pdf_path = Some(p) } else { docx_path = Some(p) }
        }
        let pdf = pdf_text(&pdf_path.unwrap());
        let docx = docx_text(&docx_path.unwrap());
        for (what, text) in [("PDF", &pdf), ("DOCX", &docx)] {
            check(text, &title, &format!("{what} title"))?;
            check(text, &name, &format!("{what} service name"))?;
            check(text, &quote, &format!("{what} quote"))?;
            check(text, &section, &format!("{what} note"))?;
            if !built.dropped.contains(&briefgen::budget::Unit::References) {
                check(text, &url, &format!("{what} reference URL"))?;
            }
        }
    }
}

fn ctx_data_theme_ids() -> Vec<String> {
    context().data.theme_ids().into_iter().map(str::to_string).collect()
}

/// A YAML double-quoted scalar.
fn briefgen_yaml_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The text a markup tree stands for, or None if it holds anything but text: text as
/// written, escapes undone, spaces as spaces.
fn markup_text(node: &typst::syntax::SyntaxNode) -> Option<String> {
    use typst::syntax::{ast, SyntaxKind};
    match node.kind() {
        SyntaxKind::Markup => node.children().map(markup_text).collect(),
        SyntaxKind::Text | SyntaxKind::Space => Some(node.leaf_text().to_string()),
        SyntaxKind::Escape => node.cast::<ast::Escape>().map(|e| e.get().to_string()),
        _ => None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, failure_persistence: None, ..ProptestConfig::default() })]

    /// Cheap and exhaustive: whatever the text, the escaped form parses as nothing but
    /// text in Typst markup and reads back as the input there, in a Typst string literal
    /// and through the DOCX block markup.
    #[test]
    fn escaped_text_is_only_text(s in prop_oneof![any::<String>(), hostile()]) {
        use briefgen::render::{blocks, escape};
        let expected: String = s.chars().map(|c| if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') { ' ' } else { c }).collect();
        // Markup: the escaped text parses as nothing but text, and that text is the input.
        let escaped = escape::typst_markup(&s);
        let read = markup_text(&typst::syntax::parse(&escaped));
        prop_assert_eq!(read.as_deref(), Some(expected.as_str()), "markup {:?}", escaped);
        // A string literal: it parses as one, and Typst reads back the input.
        let lit = escape::typst_string(&s);
        let code = typst::syntax::parse_code(&lit);
        prop_assert!(code.errors_and_warnings().0.is_empty(), "bad string literal {lit:?}");
        let value = code.children().find_map(|c| c.cast::<typst::syntax::ast::Str>()).map(|v| v.get().to_string());
        prop_assert_eq!(value.as_deref(), Some(expected.as_str()), "literal {:?}", lit);
        let spans = blocks::inline(&escape::docx_markup(&s)).map_err(TestCaseError::fail)?;
        prop_assert_eq!(blocks::plain(&spans), expected);
    }
}
