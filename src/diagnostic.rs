//! Problems in input files, reported as `file:line:col`, with the offending line, a marker
//! and a hint a non-programmer can act on. Every stage reports through this one type.

use std::fmt;
use std::path::{Path, PathBuf};

/// Errors stop a brief; warnings (editorial findings, Typst warnings) are shown and the
/// brief is still written, unless `--strict` makes them errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: Option<PathBuf>,
    /// 1-based line and column (in characters).
    pub line: Option<usize>,
    pub col: Option<usize>,
    /// How many characters the marker underlines.
    pub len: usize,
    pub message: String,
    pub source_line: Option<String>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            file: None,
            line: None,
            col: None,
            len: 1,
            message: message.into(),
            source_line: None,
            hint: None,
        }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::new(message) }
    }

    pub fn in_file(mut self, file: &Path) -> Self {
        self.file = Some(file.to_path_buf());
        self
    }

    /// Points at `line`:`col` (1-based) of `text`, keeping the line for display.
    pub fn at(mut self, text: &str, line: usize, col: usize, len: usize) -> Self {
        self.line = Some(line);
        self.col = Some(col);
        self.len = len.max(1);
        // A line is shown up to a screen's width past the marker (a 50 MB title is not).
        let keep = col + len.max(1) + 120;
        self.source_line = text.lines().nth(line.saturating_sub(1)).map(|l| {
            let shown: String = l.chars().take(keep).collect();
            if l.chars().nth(keep).is_some() { format!("{}…", printable(&shown)) } else { printable(&shown) }
        });
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Points at the first place where `value` follows `key:` (after the line holding
    /// `anchor`, if given); leaves the position unset if the text does not show it.
    pub fn locate(self, text: &str, anchor: Option<&str>, key: &str, value: &str) -> Self {
        match find_value(text, anchor, key, value) {
            Some((line, col)) => self.at(text, line, col, value.chars().count()),
            None => self,
        }
    }
}

/// In `--json`: the same facts as the printed form, as fields.
impl serde::Serialize for Diagnostic {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Diagnostic", 6)?;
        st.serialize_field("severity", &self.severity)?;
        st.serialize_field("file", &self.file)?;
        st.serialize_field("line", &self.line)?;
        st.serialize_field("column", &self.col)?;
        st.serialize_field("message", &self.message)?;
        st.serialize_field("hint", &self.hint)?;
        st.end()
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.severity {
            Severity::Error => write!(f, "error: ")?,
            Severity::Warning => write!(f, "warning: ")?,
        }
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.col {
                    write!(f, ":{col}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", printable(&self.message))?;
        if let (Some(line), Some(src)) = (self.line, &self.source_line) {
            let num = line.to_string();
            let pad = " ".repeat(num.len());
            write!(f, "\n{pad} |\n{num} | {src}")?;
            if let Some(col) = self.col {
                let lead: String = src
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n{pad} | {lead}{}", "^".repeat(self.len))?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  = hint: {hint}")?;
        }
        Ok(())
    }
}

/// Finds `value` as a whole token after `key:` in YAML-ish text: first the line holding
/// `anchor` (if any), then the first `key:` at or after it, then `value` on that line or
/// the following lines of the same block.
pub fn find_value(text: &str, anchor: Option<&str>, key: &str, value: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let start = match anchor {
        Some(a) => lines.iter().position(|l| contains_token(l, a).is_some())?,
        None => 0,
    };
    let key_pat = format!("{key}:");
    let is_key_line = |l: &str| {
        let t = l.trim_start().trim_start_matches("- ");
        t.starts_with(&key_pat) || [" ", "{", ", "].iter().any(|p| l.contains(&format!("{p}{key_pat}")))
    };
    for key_line in (start..lines.len()).filter(|&i| is_key_line(lines[i])) {
        let after_key = lines[key_line].find(&key_pat).map_or(0, |p| p + key_pat.len());
        if value.is_empty() {
            let col = lines[key_line][..after_key].chars().count() + 2;
            return Some((key_line + 1, col));
        }
        let indent = indent_of(lines[key_line]);
        for (i, line) in lines.iter().enumerate().skip(key_line) {
            if i > key_line && !line.trim().is_empty() && indent_of(line) <= indent && !line.trim_start().starts_with('-') {
                break;
            }
            let from = if i == key_line { after_key } else { 0 };
            if let Some(byte) = contains_token(&line[from..], value) {
                let col = line[..from + byte].chars().count() + 1;
                return Some((i + 1, col));
            }
        }
        // An anchored search looks at the first matching key only: later ones belong to
        // other items.
        if anchor.is_some() {
            return None;
        }
    }
    None
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// Byte offset of `needle` in `hay` where it is not part of a longer id.
fn contains_token(hay: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    let is_id = |c: char| c.is_alphanumeric() || c == '-' || c == '_';
    let mut from = 0;
    while let Some(pos) = hay[from..].find(needle) {
        let at = from + pos;
        let before = hay[..at].chars().next_back();
        let after = hay[at + needle.len()..].chars().next();
        if !before.is_some_and(is_id) && !after.is_some_and(is_id) {
            return Some(at);
        }
        from = at + needle.len();
    }
    None
}

/// The candidate closest to `value` by edit distance, if it is close enough to be a typo.
pub fn closest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let value = value.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (edit_distance(&value, &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= (c.chars().count() / 3).max(2))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur.push((prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// "did you mean `x`? valid values: a, b, c" for a value that is not one of `valid`.
pub fn suggest<'a>(value: &str, valid: impl IntoIterator<Item = &'a str> + Clone) -> String {
    let list = valid.clone().into_iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ");
    match closest(value, valid) {
        Some(best) => format!("did you mean `{best}`? Valid values: {list}"),
        None => format!("valid values: {list}"),
    }
}

/// Turns a serde_yaml error into a diagnostic with position, the offending line and,
/// for unknown names, the closest valid one.
pub fn from_yaml(path: &Path, text: &str, err: &serde_yaml::Error) -> Diagnostic {
    let raw = err.to_string();
    // serde_yaml appends " at line L column C"; we show the position our own way.
    let message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    // Internal type names mean nothing to the user: "expected struct RawSpec".
    let message = match message.find("expected struct ") {
        Some(i) => format!("{}expected a mapping of `key: value` lines", &message[..i]),
        None => message,
    };
    let mut d = Diagnostic::new(message.clone()).in_file(path);
    // serde_yaml places a duplicate key at the start of its mapping; point at the repeat.
    if let Some(key) = message.strip_prefix("duplicate field `").and_then(|r| r.split('`').next()) {
        let starts = |l: &str| l.trim_start().trim_start_matches("- ").starts_with(&format!("{key}:"));
        if let Some(line) = text.lines().enumerate().filter(|(_, l)| starts(l)).nth(1).map(|(i, _)| i + 1) {
            let col = text.lines().nth(line - 1).map_or(1, |l| l.len() - l.trim_start().len() + 1);
            return d.at(text, line, col, key.chars().count()).hint(format!("`{key}` is given twice; keep one of the two lines"));
        }
    }
    if let Some(loc) = err.location() {
        let token = text.lines().nth(loc.line().saturating_sub(1)).map_or(1, |l| {
            let rest: String = l.chars().skip(loc.column().saturating_sub(1)).collect();
            rest.chars().take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}')).count()
        });
        d = d.at(text, loc.line(), loc.column(), token);
    }
    let hint = serde_hint(&message).or_else(|| {
        if message.contains("expected a list of") {
            // serde's message names the key and quotes the value: `countries: ... "wales themes: all"`.
            let key = message.split(':').next().filter(|k| !k.contains(' '))?;
            let value = message.split('"').nth(1)?;
            let line = err.location().and_then(|l| text.lines().nth(l.line().saturating_sub(1))).unwrap_or("");
            let words: Vec<&str> = value.split_whitespace().collect();
            if words.len() > 1 && !line.contains(value) {
                // A plain YAML value ran on into an indented next line (`wales` + `themes: all`).
                Some(format!(
                    "YAML read `{value}` as one value: the line after `{key}:` is probably indented; start every key at the left margin, and write `{key}: [{}]` for one id",
                    words[0]
                ))
            } else {
                Some(format!("write `{key}: [{}]`, or `{key}: all`", words.join(", ")))
            }
        } else if message.contains("did not find expected") || message.contains("found unexpected") || message.contains("mapping values are not allowed") {
            Some("a YAML syntax error: look for an unclosed `[` or quote, or a misaligned indent, on this line or an earlier one".into())
        } else {
            None
        }
    });
    if let Some(hint) = hint {
        d = d.hint(hint);
    }
    d
}

/// Serde reports unknown names as "unknown variant `x`, expected one of `a`, `b`":
/// turn that into a suggestion.
fn serde_hint(message: &str) -> Option<String> {
    for kind in ["unknown variant `", "unknown field `"] {
        if let Some(start) = message.find(kind) {
            let rest = &message[start + kind.len()..];
            let bad = &rest[..rest.find('`')?];
            let valid: Vec<&str> = rest
                .split('`')
                .skip(1)
                .enumerate()
                .filter(|(i, _)| i % 2 == 1)
                .map(|(_, s)| s)
                .collect();
            if valid.is_empty() {
                return None;
            }
            return Some(suggest(bad, valid.iter().copied()));
        }
    }
    if let Some(start) = message.find("missing field `") {
        let rest = &message[start + 15..];
        let field = &rest[..rest.find('`')?];
        return Some(format!("add a line `{field}: ...`"));
    }
    None
}

/// Prints every diagnostic to stderr, one blank line apart.
pub fn report(diags: &[Diagnostic]) {
    for d in diags {
        eprintln!("{d}\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_value_in_flow_and_block_lists() {
        let text = "audience: minister\ncountries: [wales, irland]\nthemes:\n  - funding\n  - fundng\n";
        assert_eq!(find_value(text, None, "countries", "irland"), Some((2, 20)));
        assert_eq!(find_value(text, None, "themes", "fundng"), Some((5, 5)));
        assert_eq!(find_value(text, None, "themes", "funding"), Some((4, 5)));
    }

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(closest("ministr", ["minister", "funder", "community"]), Some("minister"));
        assert_eq!(closest("xyz", ["minister", "funder", "community"]), None);
    }
}

/// Reads a text input (spec, data file): a UTF-8 byte-order mark is dropped; bytes that are
/// not UTF-8 and control characters (other than tab and line breaks) are errors at their
/// own line and column, shown escaped rather than echoed to the terminal.
pub fn read_text(path: &Path, hint: &str) -> Result<String, Diagnostic> {
    let bytes = std::fs::read(path).map_err(|e| Diagnostic::new(format!("cannot read the file: {e}")).in_file(path).hint(hint.to_string()))?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or_default();
            let line = good.matches('\n').count() + 1;
            let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            let shown = String::from_utf8_lossy(bytes).into_owned();
            return Err(Diagnostic::new(format!("the file is not UTF-8 text (byte 0x{:02X} at line {line}, column {col})", bytes[e.valid_up_to()]))
                .in_file(path)
                .at(&shown, line, col, 1)
                .hint("save the file as UTF-8 (most editors offer it under \"Save as\" or \"Encoding\")"));
        }
    };
    // Control characters are C0 bytes, DEL, or C1 (0xC2 0x80-0x9F in UTF-8): a byte scan
    // clears most files at once; only a file with one is read line by line to place it.
    let bytes = text.as_bytes();
    let c0 = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n')) || b == 0x7F;
    let c1 = |w: &[u8]| w[0] == 0xC2 && (0x80..=0x9F).contains(&w[1]);
    if !bytes.iter().any(|&b| c0(b)) && !bytes.windows(2).any(c1) {
        return Ok(text);
    }
    for (i, line) in text.lines().enumerate() {
        if let Some((col, c)) = line.chars().enumerate().find(|(_, c)| c.is_control() && *c != '\t' && *c != '\r') {
            return Err(Diagnostic::new(format!("the file holds a control character ({}) at line {}, column {}", escape_char(c), i + 1, col + 1))
                .in_file(path)
                .at(&text, i + 1, col + 1, 1)
                .hint("remove it: it is invisible in most editors and is never part of a text"));
        }
    }
    Ok(text)
}

fn escape_char(c: char) -> String {
    format!("U+{:04X}", c as u32)
}

/// A line for display: control characters replaced by their code, so that printing a
/// diagnostic never sends raw control bytes to the terminal.
fn printable(line: &str) -> String {
    line.chars().map(|c| if c.is_control() && c != '\t' && c != '\n' { format!("<{}>", escape_char(c)) } else { c.to_string() }).collect()
}
