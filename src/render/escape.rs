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

/// The readable text of generated Typst source, roughly: footnotes and unit markers
/// dropped, escapes undone. For finding which words a brief prints, not for display.
pub fn typst_prose(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(c) = rest.chars().next() {
        // The document's settings (title, keywords) are not printed text.
        if rest.starts_with("#show:")
            && let Some(open) = rest.find('(')
        {
            rest = &rest[open..];
            rest = &rest[1..];
            let mut depth = 1;
            let mut chars = rest.char_indices();
            let mut end = rest.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        chars.next();
                    }
                    '"' => {
                        // Skip a string literal whole.
                        while let Some((_, d)) = chars.next() {
                            match d {
                                '\\' => {
                                    chars.next();
                                }
                                '"' => break,
                                _ => {}
                            }
                        }
                    }
                    '(' => depth += 1,
                    ')' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &rest[end..];
            continue;
        }
        if let Some(skip) = ["#footnote[", "#metadata("].iter().find_map(|p| rest.strip_prefix(p).map(|r| (p, r))) {
            let (open, close) = if skip.0.ends_with('[') { ('[', ']') } else { ('(', ')') };
            let mut depth = 1;
            let mut chars = skip.1.char_indices();
            let mut end = skip.1.len();
            while let Some((i, c)) = chars.next() {
                if c == '\\' {
                    chars.next();
                } else if c == open {
                    depth += 1;
                } else if c == close {
                    depth -= 1;
                    if depth == 0 {
                        end = i + 1;
                        break;
                    }
                }
            }
            rest = &skip.1[end..];
            continue;
        }
        if c == '\\' {
            rest = &rest[1..];
            if let Some(n) = rest.chars().next() {
                out.push(n);
                rest = &rest[n.len_utf8()..];
            }
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod prose_tests {
    use super::typst_prose;

    #[test]
    fn prose_leaves_out_settings_notes_and_markers() {
        let src = "#show: brief.with(title: \"A \\\"(quoted)\\\" title\", keywords: (\"Tokenism\",))\nText \\#1#footnote[_Note_ \\[x\\]]#metadata(\"u:item:a\") end.";
        assert_eq!(typst_prose(src), "\nText #1 end.");
    }
}
