//! Maps a line of generated Typst back to the template line that produced it, so a Typst
//! error names `templates/<audience>.typ.j2:<line>` and not only the generated file.
//!
//! Minijinja keeps no output-to-template map, so we match: a template line's literal
//! text (everything outside `{{ }}`, `{% %}`, `{# #}`) must appear, in order, in the
//! generated line. The line with the most literal text that matches wins.

use crate::diagnostic::Diagnostic;
use crate::templates::Templates;
use std::path::PathBuf;

/// The literal pieces of a template line, tags removed.
fn literals(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    loop {
        let next = ["{{", "{%", "{#"].iter().filter_map(|t| rest.find(t).map(|i| (i, *t))).min();
        match next {
            Some((i, open)) => {
                out.push(rest[..i].to_string());
                let close = match open {
                    "{{" => "}}",
                    "{%" => "%}",
                    _ => "#}",
                };
                match rest[i..].find(close) {
                    Some(j) => rest = &rest[i + j + close.len()..],
                    None => break,
                }
            }
            None => {
                out.push(rest.to_string());
                break;
            }
        }
    }
    out.into_iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect()
}

/// True if every piece occurs in `generated`, in order.
fn matches_in_order(pieces: &[String], generated: &str) -> bool {
    let mut from = 0;
    for p in pieces {
        match generated[from..].find(p.as_str()) {
            Some(i) => from += i + p.len(),
            None => return false,
        }
    }
    true
}

/// The template line (file, 1-based line, text) that most likely produced `generated`,
/// searching `templates` (name, shown path, text of each `.typ.j2` file).
pub fn origin(generated: &str, templates: &[(PathBuf, String)]) -> Option<(PathBuf, usize, String)> {
    let generated = generated.trim();
    if generated.is_empty() {
        return None;
    }
    let mut best: Option<(usize, PathBuf, usize, String)> = None;
    for (path, text) in templates {
        for (i, line) in text.lines().enumerate() {
            let pieces = literals(line);
            let weight: usize = pieces.iter().map(String::len).sum();
            if weight < 2 || !matches_in_order(&pieces, generated) {
                continue;
            }
            if best.as_ref().is_none_or(|(w, ..)| weight > *w) {
                best = Some((weight, path.clone(), i + 1, line.to_string()));
            }
        }
    }
    best.map(|(_, p, l, t)| (p, l, t))
}

/// The Typst templates an audience's brief is made from: its own first (it wins ties),
/// then the shared ones at the top of the templates; other audiences' are left out.
pub fn typst_templates(templates: &Templates, audience: &str) -> Vec<(PathBuf, String)> {
    let own = format!("audiences/{audience}/");
    let mut names: Vec<String> = templates.names_under("").into_iter().filter(|n| n.ends_with(".typ.j2") && (n.starts_with(&own) || !n.contains('/'))).collect();
    names.sort_by_key(|n| !n.starts_with(&own));
    names.into_iter().filter_map(|n| Some((templates.shown(&n), String::from_utf8(templates.read(&n).ok()??.bytes).ok()?))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_pieces() {
        assert_eq!(literals("  ([{{ f.number }}], [{% if x %}{{ y }}{% endif %}]),"), ["([", "], [", "]),"]);
        assert!(matches_in_order(&literals("= {{ t.name }} here"), "= Funding here"));
        assert!(!matches_in_order(&literals("#stats("), "#table("));
    }
}

/// A Typst error in the generated source, re-pointed at the template line that wrote it
/// (the generated line stays in the message for reference).
pub fn to_template(templates: &Templates, audience: &str, name: &str, source: &str, d: Diagnostic) -> Diagnostic {
    let (Some(file), Some(line)) = (&d.file, d.line) else { return d };
    if file.as_path() != std::path::Path::new(name) {
        return d;
    }
    let generated = source.lines().nth(line - 1).unwrap_or_default();
    let templates = typst_templates(templates, audience);
    match origin(generated, &templates) {
        Some((tpl, tline, ttext)) => {
            let col = ttext.find(|c: char| !c.is_whitespace()).map_or(1, |b| b + 1);
            let mut out = Diagnostic::new(format!("{} (generated line {line} of {name}: `{}`)", d.message, generated.trim().chars().take(80).collect::<String>()))
                .in_file(&tpl)
                .at(&ttext, 1, col, ttext.trim().chars().count().min(60));
            out.line = Some(tline);
            out.hint = d.hint.or_else(|| Some("`briefgen build --emit-source` writes the generated Typst beside the outputs".into()));
            out
        }
        None => d,
    }
}
