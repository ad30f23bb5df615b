//! Words around the data: sentences, lists of names, capitals, numbers in words, page
//! ranges, and which glossary entries a printed text needs.

use crate::data::model::{self, Shared};

/// The first sentence of a passage: up to the first ". " (or "? ", "! ") followed by a
/// capital letter, so "e.g. Band 7" and "Dr. Smith" do not end it.
pub fn first_sentence(text: &str) -> String {
    for (i, _) in text.match_indices(['.', '?', '!']) {
        let mut after = text[i + 1..].chars();
        if after.next() == Some(' ') && after.next().is_some_and(char::is_uppercase) {
            let word = text[..i].chars().rev().take_while(|c| c.is_alphanumeric());
            let (len, lower) = word.fold((0, true), |(n, l), c| (n + 1, l && c.is_lowercase()));
            if len > 2 || lower && len > 1 {
                return text[..=i].to_string();
            }
        }
    }
    text.to_string()
}

/// What a brief that prints one sentence of a passage prints: its first sentence, and the
/// next one too when the first is a heading of a few words ("Build and diversify
/// capacity.", "Structural fragility remains an ongoing risk."), which says too little alone.
pub fn gist(text: &str) -> String {
    let first = first_sentence(text);
    let rest = text[first.len()..].trim_start();
    if first.split_whitespace().count() > 6 || rest.is_empty() {
        return first;
    }
    format!("{first} {}", first_sentence(rest))
}

/// A text's end as a brief prints it, where the report's does not stand alone: a passage
/// that ends in a colon introduces what follows it in the report (a list, a quote), which
/// the brief does not print after it ("Many survivor-led organisations were weakened or
/// disappeared:" before an interviewee's words), and a reference list's doubled full stop
/// ("[Internal document, unpublished]..") is a slip. Both end in one full stop; an ellipsis
/// stays.
/// The text itself where it already ends right (most do), shared, not copied.
pub(super) fn printed_end(text: &Shared) -> Shared {
    let body = text.trim_end();
    let before = body.strip_suffix(':').or_else(|| body.strip_suffix("..").filter(|b| !b.ends_with('.')));
    match before {
        Some(before) => format!("{}.", before.trim_end()).into(),
        None => text.clone(),
    }
}

/// Whether `text` begins with `prefix`, ignoring case (as comparing both lower-cased).
pub(super) fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    let mut text = text.chars().flat_map(char::to_lowercase);
    prefix.chars().flat_map(char::to_lowercase).all(|p| text.next() == Some(p))
}

pub(super) fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "Named leaders" → "named leaders" inside a sentence; "NHS roles" stays as it is.
pub(super) fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => a.to_lowercase().chain(s.chars().skip(1)).collect(),
        _ => s.to_string(),
    }
}

/// Whether `text` names `place` or the first part of it ("Victoria" of "Victoria, Australia").
pub(super) fn mentions(text: &str, place: &str) -> bool {
    let text = text.to_lowercase();
    let place = place.to_lowercase();
    text.contains(&place) || place.split(", ").next().is_some_and(|head| !head.is_empty() && text.contains(head))
}

pub(super) const NUMBER_WORDS: [&str; 21] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
];

/// A number in words where English prose would write it so ("seven", but "34").
pub fn number_word(n: usize) -> String {
    NUMBER_WORDS.get(n).filter(|_| n <= 12).map_or_else(|| n.to_string(), |w| w.to_string())
}

/// A place without a count in brackets that the service's points give again: "Ireland
/// (eight centres)" above "Eight centres across Ireland…" is "Ireland". A note without a
/// number ("Ireland (national)") stays.
pub(super) fn place_without_told_count(place: &str, points: &str) -> String {
    let (Some(open), Some(close)) = (place.find(" ("), place.find(')')) else { return place.to_string() };
    if close < open {
        return place.to_string();
    }
    let note = place[open + 2..close].to_lowercase();
    let counts = note.split_whitespace().any(|w| w.chars().all(|c| c.is_ascii_digit()) || NUMBER_WORDS[2..].contains(&w));
    if counts && points.to_lowercase().contains(&note) { format!("{}{}", &place[..open], &place[close + 1..]) } else { place.to_string() }
}

/// "p. 5" or "pp. 54–56".
pub(super) fn pages(first: u32, last: u32) -> String {
    if first == last { format!("p. {first}") } else { format!("pp. {first}–{last}") }
}

/// The glossary entries a printed text needs: terms that occur in it (ignoring case) and
/// abbreviations that occur as words (or with a plural `s`). `text` is what the brief
/// prints outside its glossary, so nothing is explained that is not on the page.
pub fn glossary_for(text: &str, glossary: &model::Glossary) -> Vec<model::Term> {
    let lower = text.to_lowercase();
    let words: std::collections::HashSet<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .map(|w| w.strip_suffix('s').filter(|s| s.len() > 1 && s.chars().all(|c| c.is_uppercase())).unwrap_or(w))
        .collect();
    let mut out: Vec<model::Term> =
        glossary.terms.iter().filter(|t| !t.gloss.trim().is_empty() && lower.contains(&t.term.to_lowercase())).cloned().collect();
    out.extend(glossary.acronyms.iter().filter(|t| !t.gloss.trim().is_empty() && words.contains(t.term.as_str())).cloned());
    out.sort_by_key(|t| t.term.to_lowercase());
    // Two words with one meaning ("recovery-oriented", "recovery-focused") are explained once.
    let mut merged: Vec<model::Term> = Vec::new();
    for t in out {
        match merged.iter_mut().find(|m| m.gloss == t.gloss) {
            Some(m) => m.term = format!("{}, {}", m.term, t.term),
            None => merged.push(t),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_loses_a_count_its_points_give_again() {
        let points = "Eight centres across Ireland support both service users and staff.";
        assert_eq!(place_without_told_count("Ireland (eight centres)", points), "Ireland");
        assert_eq!(place_without_told_count("National (five districts), Aotearoa New Zealand", "Teams across five districts."), "National, Aotearoa New Zealand");
        assert_eq!(place_without_told_count("Ireland (national)", "national infrastructure"), "Ireland (national)");
        assert_eq!(place_without_told_count("Ireland (eight centres)", "Centres across Ireland."), "Ireland (eight centres)");
    }

    #[test]
    fn sentences() {
        assert_eq!(first_sentence("Since 2020, Wales has grown. Milestones such as X."), "Since 2020, Wales has grown.");
        assert_eq!(first_sentence("Roles (e.g. Band 7 and 8A) grew. Then more."), "Roles (e.g. Band 7 and 8A) grew.");
        assert_eq!(first_sentence("No full stop here"), "No full stop here");
    }

    #[test]
    fn a_gist_goes_on_past_a_heading_of_a_few_words() {
        assert_eq!(gist("Build and diversify capacity. Sustained investment helps. More."), "Build and diversify capacity. Sustained investment helps.");
        assert_eq!(gist("Since 2020, Wales has grown its peer workforce. Milestones such as X."), "Since 2020, Wales has grown its peer workforce.");
        assert_eq!(gist("Culture matters."), "Culture matters.");
    }

    #[test]
    fn a_text_that_does_not_stand_alone_ends_in_one_full_stop() {
        assert_eq!(printed_end(&"Many organisations were weakened or disappeared:".into()), "Many organisations were weakened or disappeared.");
        assert_eq!(printed_end(&"Shaped by policy and legislation :  ".into()), "Shaped by policy and legislation.");
        assert_eq!(printed_end(&"Services [Internal document, unpublished]..".into()), "Services [Internal document, unpublished].");
        assert_eq!(printed_end(&"One point: it matters.".into()), "One point: it matters.");
        assert_eq!(printed_end(&"And so on...".into()), "And so on...");
        assert_eq!(printed_end(&"Grew from 5 to over 70 roles.".into()), "Grew from 5 to over 70 roles.");
    }

    #[test]
    fn a_lead_the_text_begins_with_is_found_whatever_its_case() {
        assert!(starts_with_ignoring_case("Named leaders matter. More.", "named Leaders"));
        assert!(!starts_with_ignoring_case("Named", "Named leaders"));
        assert!(!starts_with_ignoring_case("Leaders named", "named"));
        assert!(starts_with_ignoring_case("ÉCOLE x", "école"));
    }
}
