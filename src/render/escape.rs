//! Escaping for the two template outputs. Dataset and spec strings are untrusted: after
//! escaping they can only ever be text, never Typst code or DOCX block markup.

/// Typst markup: every ASCII punctuation character gets a backslash (Typst treats `\x`
/// as the literal `x` for any non-space `x`), so `#`, `$`, `*`, `_`, `<`, `@`, `[`, `//`,
/// `= ` at a line start, `-`, `+`, `/`, `~`, `'`, `"`, URLs and the rest print as typed.
/// Line breaks become spaces so a value cannot start a heading or end a list item.
pub fn typst_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 4);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
            out.push(c);
        } else if c.is_control() || is_line_separator(c) {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// A Typst string literal (for code positions such as `set document(title: ...)`).
pub fn typst_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if c.is_control() || is_line_separator(c) => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A Typst number literal; non-finite values (which the dataset check rules out) become 0.
pub fn typst_number(v: f64) -> String {
    if !v.is_finite() {
        "0".to_string()
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// Characters with special meaning in our DOCX block markup (see `render::blocks`); straight
/// quotes, because unescaped ones become typographic (template text, as in Typst).
pub const DOCX_SPECIAL: &[char] = &['\\', '@', '*', '_', '^', '[', ']', '|', '\'', '"'];

/// DOCX block markup: backslash before every markup character; line breaks become
/// spaces, so a value can never start a block line or close a footnote. Quotes in a value
/// stay as typed, as the Typst escape keeps them in the PDF.
pub fn docx_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if DOCX_SPECIAL.contains(&c) {
            out.push('\\');
            out.push(c);
        } else if c.is_control() || is_line_separator(c) {
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

fn is_line_separator(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_escapes_every_special() {
        assert_eq!(typst_markup("#read(\"/etc\") $x$"), "\\#read\\(\\\"\\/etc\\\"\\) \\$x\\$");
        assert_eq!(typst_markup("a\n= b"), "a \\= b");
        assert_eq!(typst_markup("Māori whānau"), "Māori whānau");
        assert_eq!(typst_string("a\"b\\c\nd"), "\"a\\\"b\\\\c d\"");
        assert_eq!(docx_markup("@h1 *x* ^[y] a|b"), "\\@h1 \\*x\\* \\^\\[y\\] a\\|b");
    }
}
