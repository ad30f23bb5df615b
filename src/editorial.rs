//! Editorial check: reads a brief as laid out (`typeset::text`) and finds what a reader
//! would have to correct before sending it on: repeated facts, doubled phrases, lost
//! capitals, placeholders, thin pages and blank bands, stranded headings, lines printed
//! over each other, footnotes torn from their markers, countries never named, and a
//! glossary that does not match the page.
//!
//! It knows nothing about any one report: the words it protects (proper nouns,
//! abbreviations, glossary terms, place names) come from the dataset and the selection.

use crate::data::model::Term;
use crate::typeset::text::{Line, PageText, Role};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One thing a reader would correct.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// A short name for the kind of defect (`repeat`, `echo`, `capitals`, ...).
    pub check: &'static str,
    /// 1-based; 0 when the finding concerns the whole brief.
    pub page: usize,
    pub message: String,
    /// The text as printed, shortened.
    pub text: String,
}

/// What the brief should show, from the selection and the dataset.
pub struct Expect<'a> {
    /// Each selected place's names (any one of them counts as naming it).
    pub places: Vec<Vec<String>>,
    /// The dataset's glossary: terms (matched ignoring case) and abbreviations (whole words).
    pub terms: &'a [Term],
    pub acronyms: &'a [Term],
    pub vocabulary: &'a Vocabulary,
    /// The dataset's passages as lower-case words, each wrapped in spaces: a run that two
    /// different passages contain is the report saying it twice about two things (two
    /// services with the same kind of post), not the brief repeating a fact. Asked for only
    /// when a run repeats, so a caller can build them on first use.
    pub passages: &'a dyn Fn() -> &'a [String],
}

/// A passage as `words_of` sees it, wrapped in spaces, for `Expect::passages`.
pub fn normalise(text: &str) -> String {
    format!(" {} ", words_of(text).join(" "))
}

/// A run of this many words printed twice is a repeated fact.
const REPEAT_WORDS: usize = 10;
/// A gap taller than this share of the page, on a page that is not the last, is a blank band.
const BLANK_BAND: f64 = 0.12;
/// The most a page may leave blank at its foot because the next page starts with a heading
/// kept with its first lines.
const KEPT_WITH_HEADING: f64 = 0.2;
/// A page whose drawn content covers less than this share of it is almost empty; a last
/// page, which may end a brief short, less than `SPARSE_LAST`.
const SPARSE_PAGE: f64 = 0.15;
const SPARSE_LAST: f64 = 0.08;
const PLACEHOLDERS: &[&str] = &["—", "–", "-", "…", "?", "n/a", "na", "tbd", "tbc", "todo", "none", "null", "undefined", "xxx", "lorem ipsum"];

pub fn check(doc: &PageText, expect: &Expect) -> Vec<Finding> {
    let mut out = Vec::new();
    repeats(doc, expect.passages, &mut out);
    echoes(doc, &mut out);
    capitals(doc, expect.vocabulary, &mut out);
    placeholders(doc, &mut out);
    pages(doc, &mut out);
    stranded(doc, &mut out);
    overprinted(doc, &mut out);
    footnotes(doc, &mut out);
    places(doc, expect, &mut out);
    glossary(doc, expect, &mut out);
    out.sort_by(|a, b| (a.page, a.check).cmp(&(b.page, b.check)));
    out
}

fn short(s: &str) -> String {
    let s = s.trim();
    if s.chars().count() > 90 { format!("{}…", s.chars().take(89).collect::<String>()) } else { s.to_string() }
}

fn finding(check: &'static str, page: usize, message: impl Into<String>, text: &str) -> Finding {
    Finding { check, page, message: message.into(), text: short(text) }
}

/// Lines a reader reads as the brief's text (not footnotes, not the running footer).
fn reading(doc: &PageText) -> impl Iterator<Item = &Line> {
    doc.lines.iter().filter(|l| !matches!(l.role, Role::Footnote | Role::Artifact))
}

fn words_of(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

fn repeats<'a>(doc: &PageText, passages: &dyn Fn() -> &'a [String], out: &mut Vec<Finding>) {
    // Words in reading order, each with its page and the line it came from.
    // Small print (reference lists, sources lines) repeats titles and addresses by nature.
    let body = body_size(doc);
    let lines: Vec<&Line> = reading(doc).filter(|l| l.size >= body * 0.9).collect();
    let mut words: Vec<(String, usize, usize)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        words.extend(words_of(&l.text).into_iter().map(|w| (w, l.page, i)));
    }
    let mut first: HashMap<Vec<&str>, usize> = HashMap::new();
    let mut j = 0;
    while j + REPEAT_WORDS <= words.len() {
        let key: Vec<&str> = words[j..j + REPEAT_WORDS].iter().map(|w| w.0.as_str()).collect();
        match first.get(&key) {
            Some(&i) if i + REPEAT_WORDS <= j => {
                // One finding per repeated run: it runs as far as the words agree.
                let mut k = 0;
                while j + k < words.len() && i + k < j && words[i + k].0 == words[j + k].0 {
                    k += 1;
                }
                let run: Vec<&str> = words[j..j + k].iter().map(|w| w.0.as_str()).collect();
                let needle = format!(" {} ", run.join(" "));
                if passages().iter().filter(|p| p.contains(&needle)).take(2).count() < 2 {
                    let at = &lines[words[j].2];
                    out.push(finding(
                        "repeat",
                        words[j].1,
                        format!("a run of {k} words printed twice (first on page {})", words[i].1),
                        &format!("{} (in: {})", key.join(" "), at.text),
                    ));
                }
                j += k.max(1);
            }
            Some(_) => j += 1,
            None => {
                first.insert(key, j);
                j += 1;
            }
        }
    }
}

fn echoes(doc: &PageText, out: &mut Vec<Finding>) {
    // Lines of one paragraph are joined so a phrase broken over two lines is still seen.
    let mut by_page: BTreeMap<usize, String> = BTreeMap::new();
    for l in reading(doc) {
        let t = by_page.entry(l.page).or_default();
        t.push_str(&l.text);
        t.push('\n');
    }
    for (page, text) in by_page {
        let joined = text.replace('\n', " ");
        for line in text.lines().chain(std::iter::once(joined.as_str())) {
            if let Some(e) = echo_in(line) {
                let f = finding("echo", page, "a phrase printed twice in a row", &e);
                if !out.contains(&f) {
                    out.push(f);
                }
            }
        }
    }
}

/// "X, X", "X · X", or a lead repeated as the start of its own text ("X. X, and…").
pub fn echo_in(text: &str) -> Option<String> {
    for sep in [" · ", ", ", ". ", ": ", " — "] {
        let parts: Vec<&str> = text.split(sep).collect();
        for w in parts.windows(2) {
            let (a, b) = (w[0].trim(), w[1].trim());
            // Only the end of the first part and the start of the second can echo.
            let a_tail = a.rsplit(['.', ':', ';', '·', '(']).next().unwrap_or(a).trim();
            let wa = words_of(a_tail);
            let wb = words_of(b);
            if wa.is_empty() || wa.iter().map(String::len).sum::<usize>() < 4 {
                continue;
            }
            let same = if sep == ", " || sep == " · " {
                // The end of one part repeated as the start of the next: a place of two or
                // more words, or a whole one-word part.
                (1..=wa.len().min(wb.len())).rev().any(|n| wa[wa.len() - n..] == wb[..n] && (n >= 2 || wa.len() == 1 && wb.len() == 1))
            } else {
                wa.len() >= 2 && wb.len() >= wa.len() && wb[..wa.len()] == wa[..]
            };
            if same {
                // The echo itself, not the rest of the page.
                let shown: Vec<&str> = b.split_whitespace().take(wa.len()).collect();
                return Some(format!("{a_tail}{sep}{}", shown.join(" ")));
            }
        }
    }
    None
}

/// The spellings the dataset always keeps: words it never writes in lower case, and
/// abbreviations in capitals. A brief that prints them otherwise has lost their capitals.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Vocabulary {
    canonical: HashMap<String, String>,
}

impl Vocabulary {
    /// From every running text of the dataset (titles are in title case and say nothing
    /// about a word's own capitals, so they are not passed in).
    /// `lowered`: texts (titles, citations) whose lower-case words still show that a word is
    /// not always capitalised.
    pub fn from_texts<'a>(texts: impl IntoIterator<Item = &'a str>, lowered: impl IntoIterator<Item = &'a str>) -> Vocabulary {
        let mut capital: HashMap<String, String> = HashMap::new();
        let mut lower: HashSet<String> = HashSet::new();
        for text in texts {
            let mut word = String::new();
            let mut initial = true;
            for c in text.chars().chain(std::iter::once(' ')) {
                if c.is_alphanumeric() || (c == '-' || c == '\'' || c == '’') && !word.is_empty() {
                    word.push(c);
                } else {
                    if !word.is_empty() {
                        let w = word.trim_end_matches(['-', '\'', '’']);
                        // Most words are in lower case and already known: no copy of them.
                        if !w.chars().any(char::is_uppercase) {
                            if !lower.contains(w) {
                                lower.insert(w.to_string());
                            }
                        } else if !initial && w.chars().next().is_some_and(char::is_uppercase) && w.chars().any(char::is_alphabetic) {
                            capital.entry(w.to_lowercase()).or_insert_with(|| w.to_string());
                        }
                        word.clear();
                        initial = false;
                    }
                    if matches!(c, '.' | '?' | '!' | ':' | '“' | '"' | '‘' | '(' | '[' | '–' | '—' | '\n') {
                        initial = true;
                    } else if !c.is_whitespace() && c != ',' && c != ';' {
                        initial = false;
                    }
                }
            }
        }
        for text in lowered {
            lower.extend(text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty() && w.chars().all(|c| !c.is_uppercase())).map(str::to_string));
        }
        capital.retain(|k, _| !lower.contains(k) && k.chars().count() > 1);
        Vocabulary { canonical: capital }
    }

    /// The spelling to keep, if `word` is a proper noun or abbreviation printed otherwise.
    pub fn wrong_case(&self, word: &str) -> Option<&str> {
        let canon = self.canonical.get(&word.to_lowercase())?;
        let caps = |s: &str| s.chars().filter(|c| c.is_uppercase()).count();
        (caps(word) < caps(canon) && word != canon).then_some(canon.as_str())
    }
}

fn capitals(doc: &PageText, vocab: &Vocabulary, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for l in reading(doc) {
        // Web addresses keep the case they are written in.
        let text: Vec<&str> = l.text.split_whitespace().filter(|t| !(t.contains('/') || t.contains("www.") || t.contains(".ie") || t.contains(".nz"))).collect();
        let text = text.join(" ");
        for w in text.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\'' || c == '’')) {
            let w = w.trim_matches(['-', '\'', '’']);
            if let Some(canon) = vocab.wrong_case(w)
                && seen.insert(w.to_string())
            {
                out.push(finding("capitals", l.page, format!("`{w}` is written `{canon}` in the report"), &l.text));
            }
        }
    }
}

fn placeholders(doc: &PageText, out: &mut Vec<Finding>) {
    let mut cells: BTreeMap<usize, (usize, String)> = BTreeMap::new();
    for l in reading(doc) {
        match l.cell {
            Some(c) if l.role == Role::Cell => {
                let e = cells.entry(c).or_insert((l.page, String::new()));
                e.1.push_str(&l.text);
            }
            _ => {
                let t = l.text.trim().to_lowercase();
                if PLACEHOLDERS.contains(&t.as_str()) || t.contains("lorem ipsum") || t.split_whitespace().any(|w| w == "todo" || w == "tbd") {
                    out.push(finding("placeholder", l.page, "placeholder text", &l.text));
                }
            }
        }
    }
    for (page, text) in cells.values() {
        let t = text.trim().to_lowercase();
        if PLACEHOLDERS.contains(&t.as_str()) {
            out.push(finding("placeholder", *page, "a table cell with no content", text));
        }
    }
}

/// Vertical intervals covered on each page, merged.
fn covered(doc: &PageText, page: usize) -> Vec<(f64, f64)> {
    let mut spans: Vec<(f64, f64)> = doc.extents.iter().filter(|e| e.0 == page).map(|e| (e.1, e.2)).collect();
    spans.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 + 1.0 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// The lowest point any page's content reaches: the foot of the text area.
pub fn foot(doc: &PageText) -> f64 {
    (1..=doc.pages).filter_map(|p| covered(doc, p).last().map(|s| s.1)).fold(0.0, f64::max)
}

/// The widest blank band of a page's text area (between two things drawn, or between the
/// last and the foot), in points: where a page ends early because what follows did not fit.
pub fn widest_gap(doc: &PageText, page: usize, foot: f64) -> f64 {
    let spans = covered(doc, page);
    let mut widest = spans.last().map_or(0.0, |s| (foot - s.1).max(0.0));
    for w in spans.windows(2) {
        widest = f64::max(widest, w[1].0 - w[0].1);
    }
    widest
}

/// The highest point any page's content starts at: the head of the text area.
pub fn head(doc: &PageText) -> f64 {
    (1..=doc.pages).filter_map(|p| covered(doc, p).first().map(|s| s.0)).fold(f64::INFINITY, f64::min)
}

/// How much of a page's height its content covers, in points.
pub fn filled(doc: &PageText, page: usize) -> f64 {
    covered(doc, page).iter().map(|(a, b)| b - a).sum()
}

/// Whether a brief of more than one page ends on a page that holds almost nothing.
pub fn sparse_last(doc: &PageText) -> bool {
    doc.pages > 1 && filled(doc, doc.pages) < SPARSE_LAST * doc.page_height
}

fn pages(doc: &PageText, out: &mut Vec<Finding>) {
    let h = doc.page_height;
    if h <= 0.0 {
        return;
    }
    let foot = foot(doc);
    for page in 1..=doc.pages {
        let spans = covered(doc, page);
        let filled = filled(doc, page);
        let first_text = reading(doc).find(|l| l.page == page).map_or(String::new(), |l| l.text.clone());
        let least = if page == doc.pages { SPARSE_LAST } else { SPARSE_PAGE };
        if doc.pages > 1 && filled < least * h {
            out.push(finding("sparse-page", page, format!("the page is almost empty ({:.0}% of it holds anything)", 100.0 * filled / h), &first_text));
            continue;
        }
        if page == doc.pages {
            continue;
        }
        // The flow ends where the page's footnotes begin (their separator rule sits a little
        // above the first note), or at the foot of the text area.
        let notes = doc.lines.iter().filter(|l| l.page == page && l.role == Role::Footnote).map(|l| l.top).fold(f64::INFINITY, f64::min);
        let end = if notes.is_finite() { notes - 12.0 } else { foot };
        let mut edges: Vec<f64> = spans.iter().filter(|s| s.0 < end).flat_map(|s| [s.0, s.1.min(end)]).collect();
        // A page that ends where a heading starts the next page kept that heading with its
        // first lines, as it should: the space left is the heading's, up to a fifth of the
        // page (a new section, a service that would not fit). A gap inside the page, or a
        // larger one, still counts.
        // So does a page the build ended early on purpose, to keep a footnote with its marker.
        let next_is_heading = reading(doc).find(|l| l.page == page + 1).is_some_and(|l| l.role == Role::Heading) || doc.moved.contains(&(page + 1));
        let last = spans.iter().filter(|s| s.0 < end).map(|s| s.1).fold(0.0, f64::max);
        if !(next_is_heading && end - last <= KEPT_WITH_HEADING * h) {
            edges.push(end);
        }
        // Gaps between covered spans, and from the last one to the foot of the text area.
        for w in edges[1..].chunks(2) {
            // Above a figure floated to the page foot, the gap is the same kept-with-heading
            // space when all that follows on the page is that figure.
            let float_below = |top: f64| {
                let below: Vec<&Line> = reading(doc).filter(|l| l.page == page && l.top >= top - 1.0).collect();
                below.iter().any(|l| l.role == Role::Caption) && below.iter().all(|l| l.size < body_size(doc) * 0.9 || l.role == Role::Caption)
            };
            if let [bottom, top] = w
                && top - bottom > BLANK_BAND * h
                && !(next_is_heading && float_below(*top) && top - bottom <= KEPT_WITH_HEADING * h)
            {
                let after = reading(doc).filter(|l| l.page == page && l.bottom <= *bottom + 1.0).last().map_or(String::new(), |l| l.text.clone());
                out.push(finding(
                    "blank-band",
                    page,
                    format!("{:.0}% of the page is left blank (after this line)", 100.0 * (top - bottom) / h),
                    &after,
                ));
            }
        }
    }
}

/// Two lines of text drawn over each other: Typst can set a paragraph after fractional
/// spacing (`v(1fr)`) over the one before when the page is just too full for it. Lines
/// side by side (columns, table cells, an attribution after a quote) do not meet
/// across; lines of one paragraph do not meet down.
fn overprinted(doc: &PageText, out: &mut Vec<Finding>) {
    let lines: Vec<&Line> = reading(doc).collect();
    for (i, a) in lines.iter().enumerate() {
        for b in &lines[i + 1..] {
            let down = a.bottom.min(b.bottom) - a.top.max(b.top);
            let across = a.right.min(b.right) - a.left.max(b.left);
            if a.page == b.page && down > 0.15 * (a.bottom - a.top).min(b.bottom - b.top) && across > 1.0 {
                out.push(finding("overprint", a.page, format!("two lines are printed over each other (the other: “{}”)", short(&b.text)), &a.text));
                return;
            }
        }
    }
}

fn stranded(doc: &PageText, out: &mut Vec<Finding>) {
    let body = body_size(doc);
    for page in 1..doc.pages {
        let flow: Vec<&Line> = reading(doc).filter(|l| l.page == page).collect();
        let Some(h) = flow.iter().rposition(|l| matches!(l.role, Role::Heading | Role::TableHeader)) else { continue };
        let rest = &flow[h + 1..];
        // Nothing after it, or only a line of small print (a service's place line).
        if rest.is_empty() || rest.len() == 1 && rest[0].size < body * 0.9 {
            out.push(finding("stranded-heading", page, "a heading is the last thing on the page", &flow[h].text));
        }
    }
}

/// The size of body text: the largest size that sets at least a quarter of the plain
/// text (small print, such as a long reference list, can outweigh it).
fn body_size(doc: &PageText) -> f64 {
    let mut counts: BTreeMap<i64, usize> = BTreeMap::new();
    for l in doc.lines.iter().filter(|l| l.role == Role::Body) {
        *counts.entry((l.size * 10.0).round() as i64).or_default() += l.text.len();
    }
    let total: usize = counts.values().sum();
    counts.into_iter().rev().find(|(_, n)| *n * 4 >= total).map_or(10.0, |(s, _)| s as f64 / 10.0)
}

fn footnotes(doc: &PageText, out: &mut Vec<Finding>) {
    for (marker, note, text) in &doc.footnotes {
        if marker != note {
            out.push(finding("footnote-page", *marker, format!("the note of a marker on page {marker} is printed on page {note}"), text));
        }
    }
}

fn names(doc: &PageText) -> String {
    joined(reading(doc).filter(|l| !matches!(l.role, Role::Term | Role::Description)))
}

/// Lines joined into running text: a line that ends in a hyphen (a break after
/// "co-" in "co-production") joins the next without a space.
fn joined<'a>(lines: impl Iterator<Item = &'a Line>) -> String {
    let mut out = String::new();
    for l in lines {
        if !out.is_empty() && !out.ends_with('-') {
            out.push(' ');
        }
        out.push_str(&l.text);
    }
    out
}

fn places(doc: &PageText, expect: &Expect, out: &mut Vec<Finding>) {
    let text = joined(reading(doc));
    for names in &expect.places {
        if !names.iter().any(|n| text.contains(n.as_str())) {
            out.push(finding("place-unnamed", 0, "a selected place is never named in the brief", &names.join(" / ")));
        }
    }
}

fn has_word(text: &str, word: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|w| w == word || w.strip_suffix('s') == Some(word))
}

fn occurs(text: &str, lower: &str, t: &Term, acronym: bool) -> bool {
    if acronym { has_word(text, &t.term) } else { lower.contains(&t.term.to_lowercase()) }
}

fn glossary(doc: &PageText, expect: &Expect, out: &mut Vec<Finding>) {
    // An entry may explain several words of one meaning: "recovery-oriented, recovery-focused".
    let listed: Vec<(usize, String)> = doc
        .lines
        .iter()
        .filter(|l| l.role == Role::Term)
        .flat_map(|l| l.text.trim().trim_end_matches(':').split(", ").map(|t| (l.page, t.trim().to_string())).collect::<Vec<_>>())
        .collect();
    if listed.is_empty() {
        return;
    }
    let text = names(doc);
    let lower = text.to_lowercase();
    let all = expect.terms.iter().map(|t| (t, false)).chain(expect.acronyms.iter().map(|t| (t, true)));
    for (t, acronym) in all {
        let on_page = occurs(&text, &lower, t, acronym);
        let explained = listed.iter().find(|(_, l)| l.eq_ignore_ascii_case(&t.term) || l == &t.term);
        match (on_page, explained) {
            (false, Some((page, _))) => out.push(finding("glossary-unused", *page, "the glossary explains a word the brief does not use", &t.term)),
            (true, None) if !t.gloss.trim().is_empty() => {
                out.push(finding("glossary-missing", 0, "a word from the glossary is printed but not explained", &t.term))
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echoes() {
        assert!(echo_in("Copenhagen region, Copenhagen region, Denmark, 2022").is_some());
        assert!(echo_in("Victoria, Australia · Victoria, Australia").is_some());
        assert!(echo_in("Ireland · Ireland").is_some());
        assert!(echo_in("England: national policy frameworks. National policy frameworks, including the plan").is_some());
        assert!(echo_in("Cardiff and Vale, Wales · Wales").is_none());
        assert!(echo_in("Wales, Ireland and Denmark").is_none());
        assert!(echo_in("Peer support in Cardiff and Vale, Cardiff and Vale").is_some());
        assert!(echo_in("This is peer support. Peer support is help").is_none());
    }

    #[test]
    fn vocabulary() {
        let v = Vocabulary::from_texts(["Roles in NHS trusts grew. The Royal Commission said so.", "The Royal Commission and the recovery college."], ["A handbook"]);
        assert_eq!(v.wrong_case("nhs"), Some("NHS"));
        assert_eq!(v.wrong_case("royal"), Some("Royal"));
        assert_eq!(v.wrong_case("NHS"), None);
        assert_eq!(v.wrong_case("recovery"), None);
        // "The" only ever starts a sentence: it says nothing.
        assert_eq!(v.wrong_case("the"), None);
    }
}
