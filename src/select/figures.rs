//! Figures as briefs print them: numbers with their approximations and units, what they
//! measure without repeating the unit, where and when; one record per fact; the best for a
//! headline strip.

use super::views::{FigureView, SeriesView};
use super::words::NUMBER_WORDS;
use crate::data::model::{self, Approx, Shared};
use std::sync::Arc;

/// "5,000", "1.5", "71".
pub fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        let digits = format!("{}", v.abs() as u64);
        let mut out = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if v < 0.0 { format!("-{out}") } else { out }
    } else {
        format!("{v:.1}")
    }
}

/// A figure's number with its approximation, short for a headline ("80+", "under 5")
/// or in words for a sentence ("more than 80 peer workers", "fewer than 5 posts").
fn approximate(value: f64, approx: Option<Approx>, unit: &str, short: bool) -> String {
    let n = format_number(value);
    let n = match (unit, short) {
        ("%", _) => format!("{n}%"),
        (_, true) => n,
        (unit, false) => format!("{n} {}", unit_for(value, unit)),
    };
    match (approx, short) {
        (Some(Approx::MoreThan), true) => format!("{n}+"),
        (Some(Approx::MoreThan), false) => format!("more than {n}"),
        (Some(Approx::About), _) => format!("about {n}"),
        (Some(Approx::UpTo), _) => format!("up to {n}"),
        (Some(Approx::FewerThan), true) => format!("under {n}"),
        (Some(Approx::FewerThan), false) => format!("fewer than {n}"),
        (None, _) => n,
    }
}

/// The number as printed in a headline: "71%", "80+", "5,000".
pub(super) fn figure_number(f: &model::Figure) -> String {
    approximate(f.value, f.approx, &f.unit, true)
}

/// What a figure's wording is worked out from (the dataset's unit and, where the printed
/// measure left a quotation out, its measure), and the wording once worked out.
#[derive(Debug, Clone)]
pub struct Wording {
    unit: Shared,
    measure: Option<Shared>,
    /// Boxed: most figures are never worded, and a `Told` is six strings.
    told: std::sync::OnceLock<Box<Told>>,
}

/// A figure in words, as `FigureView` gives it to templates.
#[derive(Debug, Clone)]
pub struct Told {
    pub phrase: String,
    pub detail: String,
    pub names_unit: bool,
    pub label: String,
    pub caption: String,
    pub location: String,
}

impl Wording {
    /// For a figure whose printed measure is `measure`.
    pub(super) fn of(f: &model::Figure, measure: &Shared) -> Wording {
        Wording { unit: f.unit.clone(), measure: (*measure != f.measure).then(|| f.measure.clone()), told: Default::default() }
    }
}

impl FigureView {
    /// A figure of one of the selected chapters, with the chapter's names, the figure's
    /// themes and its citation as the brief shares them.
    pub(super) fn new(f: &model::Figure, country: Arc<str>, country_name: Arc<str>, themes: Arc<[String]>, cite: Arc<str>) -> FigureView {
        // Printed beside its own number everywhere (a card, the figures table, a service's
        // points), the measure leaves out a closing quotation that only gives that number again.
        let measure = without_restated_quote(&f.measure, f);
        let unit = unit_for(f.value, &f.unit);
        FigureView {
            id: f.id.clone(),
            number: figure_number(f),
            value: f.value,
            approx: f.approx,
            unit: if unit.len() == f.unit.len() { f.unit.clone() } else { unit.into() },
            wording: Wording::of(f, &measure),
            measure,
            when: f.when.clone(),
            place: f.place.clone(),
            country,
            country_name,
            service: f.service.clone(),
            series: f.series.clone(),
            themes,
            cite,
        }
    }

    pub fn told(&self) -> &Told {
        self.wording.told.get_or_init(|| Box::new(tell(self)))
    }
}

fn tell(f: &FigureView) -> Told {
    let unit = &f.wording.unit;
    let after_unit = detail(&f.measure, unit);
    let names = names_unit(&after_unit, unit);
    let (label, caption) = match (unit == "%", names) {
        (true, _) => (String::new(), after_unit.clone()),
        (false, true) => lead_naming_unit(&after_unit, unit).unwrap_or_else(|| (String::new(), after_unit.clone())),
        (false, false) => (f.unit.to_string(), after_unit.clone()),
    };
    // The parts of the place the measure does not already name ("Alfred Hospital,
    // Victoria, Australia" after "roles at the Alfred Hospital": "Victoria, Australia").
    let measure = f.wording.measure.as_deref().unwrap_or(&f.measure).to_lowercase();
    let mut parts: Vec<&str> = f.place.split(", ").filter(|p| !measure.contains(&p.to_lowercase())).collect();
    parts.extend(f.when.as_deref());
    Told {
        phrase: approximate(f.value, f.approx, unit, false),
        detail: after_unit,
        names_unit: names,
        label,
        caption,
        location: parts.join(", "),
    }
}

/// The measure without a leading repeat of the unit ("peer workers in X" after "90 peer
/// workers" becomes "in X"), in the singular or the plural whichever the unit is written
/// in ("peer support workers in X" after "1 peer support worker"); the whole measure when
/// nothing would be left.
fn detail(measure: &str, unit: &str) -> String {
    let lower = measure.to_lowercase();
    let unit = unit.to_lowercase();
    let singular = unit.strip_suffix('s').unwrap_or(&unit).to_string();
    let plural = format!("{singular}s");
    for u in [plural.as_str(), unit.as_str(), singular.as_str()] {
        if !u.is_empty() && lower.starts_with(u) && lower[u.len()..].starts_with([' ', ',']) {
            let rest = measure[u.len()..].trim_start_matches([' ', ',']).trim();
            if rest.split_whitespace().count() >= 2 {
                return rest.to_string();
            }
        }
    }
    measure.to_string()
}

/// Where the measure, once it has lost a leading unit (`detail`), still names the unit
/// itself as words of their own ("recovery education centres across Ireland" for 8
/// centres; not "10-year plan" for 10 years): the index of the word that ends the name,
/// and the byte offset where it ends.
fn unit_named(detail: &str, unit: &str) -> Option<(usize, usize)> {
    // Each word with the byte offset where it ends, compared without case and without a
    // lowercased copy of each (a brief asks this of every figure it selects).
    fn words(s: &str) -> Vec<(&str, usize)> {
        let is_word = |c: char| c.is_alphanumeric() || c == '-' || c == '’' || c == '\'';
        let mut out: Vec<(&str, usize)> = Vec::new();
        let mut start = None;
        for (i, c) in s.char_indices().chain(std::iter::once((s.len(), ' '))) {
            match (is_word(c), start) {
                (true, None) => start = Some(i),
                (false, Some(from)) => {
                    out.push((&s[from..i], i));
                    start = None;
                }
                _ => {}
            }
        }
        out
    }
    let unit: Vec<String> = words(unit).into_iter().map(|(w, _)| w.to_lowercase()).collect();
    let (last, head) = unit.split_last()?;
    let singular = last.strip_suffix('s').unwrap_or(last);
    // Every form holds the singular: a detail in ASCII without it (most) is not split
    // into words.
    if detail.is_ascii() && !holds_ignoring_ascii_case(detail, singular) {
        return None;
    }
    let same = |word: &str, lower: &str| if word.is_ascii() { word.eq_ignore_ascii_case(lower) } else { word.to_lowercase() == lower };
    let text = words(detail);
    let plural = format!("{singular}s");
    let forms = [last.as_str(), singular, plural.as_str()];
    let at = text
        .windows(unit.len())
        .position(|w| w[..head.len()].iter().zip(head).all(|((x, _), h)| same(x, h)) && forms.iter().any(|f| same(w[head.len()].0, f)))?;
    let end = at + head.len();
    Some((end, text[end].1))
}

/// Whether the detail names the unit (`unit_named`): then the number is printed alone
/// before it, not "8 centres" / "recovery education centres...".
fn names_unit(detail: &str, unit: &str) -> bool {
    unit_named(detail, unit).is_some()
}

/// Where the detail names the unit in its first four words, the detail split after that
/// name: a strip card prints the name beside the number and the rest below it, as it does
/// "7" / "health boards" / "in Wales". None when the name comes later or too little would
/// be left below it.
fn lead_naming_unit(detail: &str, unit: &str) -> Option<(String, String)> {
    let (_, end) = unit_named(detail, unit).filter(|(at, _)| *at < 4)?;
    let rest = detail[end..].trim_start_matches([' ', ',']).trim();
    (rest.split_whitespace().count() >= 2).then(|| (detail[..end].to_string(), rest.to_string()))
}

/// A measure without a closing quotation in brackets that gives the figure's own number
/// again: the dataset keeps the report's words ("annual government commitment … (“DKK 600
/// million annually”)"), and a brief prints the number beside them.
fn without_restated_quote(caption: &Shared, f: &model::Figure) -> Shared {
    let trimmed = caption.trim_end();
    if (trimmed.ends_with("”)") || trimmed.ends_with("\")"))
        && let Some(open) = trimmed.rfind(" (“").or_else(|| trimmed.rfind(" (\""))
        && states(&trimmed[open..], f)
    {
        return trimmed[..open].into();
    }
    caption.clone()
}

/// A unit as printed after its number: "1 health board", "7 health boards".
fn unit_for(value: f64, unit: &str) -> &str {
    if value == 1.0
        && let Some(one) = unit.strip_suffix('s')
        && !unit.ends_with("ss")
    {
        return one;
    }
    unit
}

/// Whether `text` already states the figure's value (as digits or, for small whole
/// numbers, as a word).
pub(super) fn states(text: &str, f: &model::Figure) -> bool {
    let digits = if f.value.fract() == 0.0 { format!("{}", f.value as i64) } else { format!("{}", f.value) };
    let word = (f.value.fract() == 0.0 && (0.0..=20.0).contains(&f.value)).then(|| NUMBER_WORDS[f.value as usize]);
    // Ruled out before the text is split into words, as `stated` does.
    let has_word = |n: &str| holds_ignoring_ascii_case(text, n);
    if !contains_skipping_commas(text, &digits) && !word.is_some_and(has_word) {
        return false;
    }
    // Words as the text gives them with their commas left out ("5,000" is "5000"), compared
    // in place rather than copied.
    text.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == ','))
        .map(|t| t.trim_end_matches([',', '.']))
        .any(|t| {
            let plain = || t.chars().filter(|c| *c != ',');
            plain().eq(digits.chars()) || word.is_some_and(|w| plain().flat_map(char::to_lowercase).eq(w.chars()))
        })
}

/// Whether `text` states a figure of `value` counting `unit` in digits: the number, then
/// within four words a word of the unit ("from 5 to 70 roles" states 70 lived experience
/// roles, "over 50 peer support paid staff" 50 peer supporters; "Band 7 Peer Lead" does not
/// state 7 health boards), or a percent sign right after it for a percentage. A template uses it (`is stated_in(texts)`) to leave out
/// of a strip of key figures one its text already gives.
pub fn stated(text: &str, value: f64, unit: &str) -> bool {
    let digits = if value.fract() == 0.0 { format!("{}", value as i64) } else { format!("{value}") };
    // A small whole number may be written as a word ("into six new Regional Health
    // Authorities"); not one, which is as often a pronoun ("one of the peer workers").
    let word = (value.fract() == 0.0 && (2.0..=20.0).contains(&value)).then(|| NUMBER_WORDS[value as usize]);
    // Joined to its unit by a hyphen ("one-year funding"), even one is a number.
    let joined = (value.fract() == 0.0 && (1.0..=20.0).contains(&value)).then(|| format!("{}-", NUMBER_WORDS[value as usize]));
    // Most texts hold none of these (a template asks of every figure and text in a brief):
    // ruled out before the text is split into words.
    let has_word = |n: &str| holds_ignoring_ascii_case(text, n);
    if !contains_skipping_commas(text, &digits) && !word.is_some_and(has_word) && !joined.as_deref().is_some_and(has_word) {
        return false;
    }
    // The unit's words (of four letters or more), singular.
    let stem = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase().trim_end_matches('s').to_string();
    let names: Vec<String> = unit.split_whitespace().map(stem).filter(|w| w.chars().count() >= 4).collect();
    let plain = text.replace(',', "");
    let words: Vec<&str> = plain.split_whitespace().collect();
    let compound = |w: &str| {
        w.trim_matches(|c: char| !c.is_alphanumeric()).split_once('-').is_some_and(|(n, u)| {
            (n == digits || joined.as_deref().is_some_and(|j| j[..j.len() - 1].eq_ignore_ascii_case(n))) && names.contains(&stem(u))
        })
    };
    words.iter().enumerate().any(|(i, w)| {
        if unit != "%" && compound(w) {
            return true;
        }
        let rest = if word.is_some_and(|n| w.trim_matches(|c: char| !c.is_alphanumeric()).eq_ignore_ascii_case(n)) {
            ""
        } else {
            let w = w.trim_start_matches(|c: char| !c.is_ascii_digit());
            let Some(rest) = w.strip_prefix(digits.as_str()) else { return false };
            rest
        };
        if rest.starts_with(|c: char| c.is_ascii_digit() || c == '.' && rest.len() > 1) {
            return false;
        }
        if unit == "%" {
            return rest.starts_with('%');
        }
        words[i + 1..].iter().take(4).any(|n| names.contains(&stem(n)))
    })
}

/// Whether `needle` occurs in `text`, ASCII letters compared without case: a check cheap
/// enough to rule a text out before it is split into words.
fn holds_ignoring_ascii_case(text: &str, needle: &str) -> bool {
    needle.is_empty() || text.as_bytes().windows(needle.len()).any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether `needle` occurs in `text` once its commas are left out ("5,000" holds "5000").
fn contains_skipping_commas(text: &str, needle: &str) -> bool {
    let (text, needle) = (text.as_bytes(), needle.as_bytes());
    (0..text.len()).any(|start| {
        let mut matched = 0;
        for &b in &text[start..] {
            if matched == needle.len() {
                break;
            }
            if b == b',' && matched > 0 {
                continue;
            }
            if b != needle[matched] {
                return false;
            }
            matched += 1;
        }
        matched == needle.len()
    })
}

/// Two records of one fact (the report states some figures twice, in different words):
/// the same place, value and date, counting the same kind of thing, or described with
/// two or more of the same longer words besides the place's name ("8 recovery colleges
/// and education services in Ireland today" and "8 centres": "recovery education centres
/// across Ireland supporting service users and staff"). A record with a date and one
/// without are one fact only when they count the same kind of thing in three or more of
/// the same words (England's target of 5,000 peer support workers, given with its year
/// and without); Wales's 7 health boards and the 7 that were each funded for a Band 7
/// lead (two words shared) stay two.
fn same_fact(a: &FigureView, b: &FigureView) -> bool {
    let head = |u: &str| u.split_whitespace().last().map(|w| w.trim_end_matches('s').to_lowercase()).unwrap_or_default();
    let words = |f: &FigureView| -> std::collections::BTreeSet<String> {
        let place = format!("{} {}", f.place, f.country_name).to_lowercase();
        let place: Vec<&str> = place.split(|c: char| !c.is_alphanumeric()).collect();
        format!("{} {}", f.unit, f.measure)
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 5 && !place.contains(w))
            .map(|w| w.trim_end_matches('s').to_string())
            .collect()
    };
    // Words are compared last: `distinct` and `headline` ask this of every pair of figures.
    if a.country != b.country || a.value != b.value {
        return false;
    }
    let same_kind = head(&a.unit) == head(&b.unit);
    let shared = || words(a).intersection(&words(b)).count();
    if a.when == b.when {
        same_kind || shared() >= 2
    } else {
        (a.when.is_none() || b.when.is_none()) && same_kind && shared() >= 3
    }
}

/// Keeps the first record of each fact; it joins the series and the service of a dropped
/// record, so a template that shows the series as a chart, or the service, does not show
/// the fact again beside it.
pub(super) fn distinct(figures: Vec<FigureView>) -> Vec<FigureView> {
    // Only records of one country and one value can be one fact: each is compared with
    // those alone, not with every record kept (thousands, in a large selection).
    let mut out: Vec<FigureView> = Vec::new();
    let mut alike: rustc_hash::FxHashMap<(std::sync::Arc<str>, u64), Vec<usize>> = Default::default();
    for f in figures {
        // 0.0 and -0.0 are one value; NaN is no value's equal, and `same_fact` says so.
        let value = if f.value == 0.0 { 0 } else { f.value.to_bits() };
        let kept = alike.entry((f.country.clone(), value)).or_default();
        match kept.iter().copied().find(|&i| same_fact(&out[i], &f)) {
            Some(i) => {
                let g = &mut out[i];
                if g.series.is_none() {
                    g.series = f.series;
                }
                if g.service.is_none() {
                    g.service = f.service;
                }
            }
            None => {
                kept.push(out.len());
                out.push(f);
            }
        }
    }
    out
}

/// How well a figure serves as a headline: outcomes (percentages), where a series ended
/// and what the report counts (its `favour` words) say most; units it calls poor
/// headlines (the number of regions, a duration) least.
pub(super) fn headline_score(f: &FigureView, last_of_series: bool, words: &model::HeadlineWords) -> i32 {
    let text = format!("{} {}", f.unit, f.measure).to_lowercase();
    let has = |words: &[String]| words.iter().any(|w| text.contains(&w.to_lowercase()));
    let mut score = 0;
    if f.unit == "%" {
        score += 3;
    }
    if last_of_series {
        score += 3;
    }
    if has(&words.favour) {
        score += 2;
    }
    if has(&words.money) {
        score += 1;
    }
    if f.when.is_some() {
        score += 1;
    }
    // Judged on the unit alone: "years" in a measure ("retention at three years") is fine.
    let unit = f.unit.to_lowercase();
    if words.avoid_units.iter().any(|w| unit.contains(&w.to_lowercase())) {
        score -= 3;
    }
    score
}

/// Figures ranked for a headline strip: by score, then spread so each country gets one
/// before any gets two; duplicates once only: one fact (`same_fact`), or the same value
/// and unit in one country, which in a strip reads as one fact told twice ("about 90" peer
/// workers in 2022 and "90+" now, Copenhagen).
pub(super) fn headline(figures: &[FigureView], series: &[&SeriesView], words: &model::HeadlineWords) -> Vec<FigureView> {
    // The series' last point, or another record of it (Copenhagen's "more than 90" peer
    // workers in 2022 is kept as the report's other record, "about 90" in 2022).
    let last_of_series = |f: &FigureView| {
        f.series.as_ref().is_some_and(|id| {
            series.iter().any(|s| {
                &s.id == id && s.points.last().is_some_and(|p| p.number == f.number || (f.when.as_deref() == Some(p.when.as_str()) && p.value == f.value))
            })
        })
    };
    let scored: Vec<(i32, usize, &FigureView)> = figures.iter().enumerate().map(|(i, f)| (headline_score(f, last_of_series(f), words), i, f)).collect();
    // Too few good ones: take the rest in score order rather than show no strip at all.
    let mut ranked: Vec<(i32, usize, &FigureView)> = if scored.iter().filter(|(s, _, _)| *s > 0).count() < 3 {
        scored
    } else {
        scored.into_iter().filter(|(s, _, _)| *s > 0).collect()
    };
    ranked.sort_by_key(|(score, i, _)| (-score, *i));
    let mut seen: Vec<&FigureView> = Vec::new();
    ranked.retain(|(_, _, f)| {
        let fresh = !seen.iter().any(|g| same_fact(g, f) || g.value == f.value && g.unit == f.unit && g.country == f.country);
        seen.push(f);
        fresh
    });
    // Round-robin over countries, keeping the score order within each round.
    let mut out = Vec::new();
    let mut round = 0;
    while out.len() < ranked.len() {
        let mut per_country = std::collections::HashMap::new();
        for (_, _, f) in &ranked {
            let n = per_country.entry(f.country.clone()).or_insert(0);
            if *n == round && !out.iter().any(|o: &FigureView| o.id == f.id) {
                out.push((*f).clone());
            }
            *n += 1;
        }
        round += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_figure_is_worded_when_a_template_first_reads_its_words() {
        let f = model::Figure {
            id: "dk-peers".into(),
            value: 90.0,
            unit: "peer workers".into(),
            approx: Some(Approx::MoreThan),
            measure: "peer workers in the Copenhagen region (“around 90 by 2022”)".into(),
            when: Some("2022".into()),
            place: "Copenhagen, Denmark".into(),
            section: None,
            service: None,
            series: None,
            themes: Default::default(),
            page: None,
        };
        let entry = super::super::Entry::new(FigureView::new(&f, "denmark".into(), "Denmark".into(), Arc::new([]), "Denmark, p. 4".into()));
        let env = minijinja::Environment::new();
        let render = |t: &str| env.render_str(t, minijinja::context! { f => minijinja::Value::from(minijinja::value::Serde(&entry)) }).unwrap();
        assert_eq!(render("{{ f.number }} {{ f.measure }}"), "90+ peer workers in the Copenhagen region");
        assert!(entry.wording.told.get().is_none(), "reading the number and measure worded the figure");
        assert_eq!(render("{{ f.phrase }} | {{ f.caption }} | {{ f.location }}"), "more than 90 peer workers | in the Copenhagen region | Denmark, 2022");
        assert!(entry.wording.told.get().is_some());
        // Outside templates, every field in the order the struct gives them.
        let json = serde_json::to_string(&*entry).unwrap();
        let at: Vec<usize> = ["id", "number", "phrase", "value", "unit", "measure", "detail", "names_unit", "label", "caption", "location", "cite"]
            .iter()
            .map(|k| json.find(&format!("\"{k}\":")).unwrap_or_else(|| panic!("{k} missing from {json}")))
            .collect();
        assert!(at.is_sorted(), "{json}");
        assert!(json.contains(r#""detail":"in the Copenhagen region","names_unit":false,"label":"peer workers""#), "{json}");
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(5000.0), "5,000");
        assert_eq!(format_number(71.0), "71");
        assert_eq!(format_number(1234567.0), "1,234,567");
        assert_eq!(format_number(2.5), "2.5");
    }

    #[test]
    fn a_figure_is_stated_by_its_number_with_its_unit() {
        assert!(stated("They now have over 50 staff, with a 71% retention after three years.", 71.0, "%"));
        assert!(stated("grew its peer workforce from 5 to 70 roles with no external funding", 70.0, "lived experience roles"));
        assert!(!stated("funding for a Band 7 Peer Lead to develop a business case", 7.0, "health boards"));
        assert!(stated("They now have over 50 peer support paid staff members", 50.0, "peer supporters"));
        assert!(!stated("a 71-page report; 710 roles", 71.0, "%"));
        assert!(!stated("over 5,000 peer workers", 5.0, "peer workers"));
        assert!(stated("over 5,000 peer workers", 5000.0, "peer workers"));
        assert!(stated("the reorganisation of the HSE into six new Regional Health Authorities", 6.0, "new Regional Health Authorities"));
        assert!(!stated("six months later, the other two health boards", 6.0, "health boards"));
        assert!(!stated("one of the first peer support workers", 1.0, "peer support worker"));
        assert!(stated("each received one-year funding for a Band 7 Peer Lead", 1.0, "year"));
        assert!(stated("a 10-year plan for the workforce", 10.0, "years"));
        assert!(!stated("each received one-year funding", 2.0, "years"));
        assert!(!stated("a one-off grant", 1.0, "grant"));
        assert!(contains_skipping_commas("over 5,000 peer workers", "5000"));
        assert!(contains_skipping_commas("a 71% rate", "71"));
        assert!(!contains_skipping_commas("5, 000 and 50", "5000"));
        assert!(!contains_skipping_commas("", "7"));
    }

    #[test]
    fn a_measure_that_repeats_the_unit_loses_it() {
        assert_eq!(detail("peer workers in the Copenhagen region", "peer workers"), "in the Copenhagen region");
        // A unit written in the singular (for a value of 1) and a measure in the plural.
        assert_eq!(detail("peer support workers in a Genio pilot, the starting point", "peer support worker"), "in a Genio pilot, the starting point");
        assert_eq!(detail("recovery education centres across Ireland", "centres"), "recovery education centres across Ireland");
        assert_eq!(detail("health boards", "health boards"), "health boards");
    }

    #[test]
    fn a_measure_that_names_its_unit_mid_phrase_is_told() {
        assert!(names_unit("recovery education centres across Ireland", "centres"));
        assert!(names_unit("national target for recruiting peer support workers", "peer support workers"));
        assert!(names_unit("autonomous health boards in Wales", "health board"));
        assert!(names_unit("health boards", "health boards"));
        assert!(!names_unit("length of the national mental health plan (“10-year national mental health plan”)", "years"));
        assert!(!names_unit("in the Copenhagen region", "peer workers"));
        assert!(!names_unit("support workers in a pilot", "peer support workers"));
        assert!(!names_unit("retention rate of peer support staff", "%"));
        // A unit that is one letter, "s", leaves an empty singular: no panic, no match.
        assert!(!names_unit("peer workers", "s"));
    }

    #[test]
    fn a_caption_loses_a_quotation_that_gives_its_number_again() {
        let figure = |value: f64| model::Figure {
            id: "f".into(),
            value,
            unit: "million DKK".into(),
            approx: None,
            measure: Shared::default(),
            when: None,
            place: "Denmark".into(),
            section: None,
            service: None,
            series: None,
            themes: Default::default(),
            page: None,
        };
        let caption = "annual government commitment to improve mental health services (“DKK 600 million annually”)";
        assert_eq!(without_restated_quote(&caption.into(), &figure(600.0)), "annual government commitment to improve mental health services");
        assert_eq!(without_restated_quote(&caption.into(), &figure(90.0)), caption);
        assert_eq!(without_restated_quote(&"in the Copenhagen region (“around 90 by 2022”)".into(), &figure(90.0)), "in the Copenhagen region");
        assert_eq!(without_restated_quote(&"peer workers (the report’s count)".into(), &figure(90.0)), "peer workers (the report’s count)");
        // A text states a figure by its digits, commas left out, or by its word.
        assert!(states("(“over 5,000.”)", &figure(5000.0)));
        assert!(states("Six months on", &figure(6.0)));
        assert!(!states("56 posts, 1.5 years", &figure(5.0)));
        assert!(states("56 posts, 1.5 years", &figure(1.5)));
    }

    #[test]
    fn a_detail_that_opens_with_the_unit_gives_the_card_its_label() {
        let split = |d: &str, u: &str| lead_naming_unit(d, u).map(|(a, b)| format!("{a} | {b}"));
        assert_eq!(split("recovery education centres across Ireland supporting staff", "centres").as_deref(), Some("recovery education centres | across Ireland supporting staff"));
        assert_eq!(split("autonomous health boards in Wales", "health boards").as_deref(), Some("autonomous health boards | in Wales"));
        // Named too late to be the card's label, or nothing left to say below it.
        assert_eq!(split("national target for recruiting peer support workers", "peer support workers"), None);
        assert_eq!(split("recovery education centres", "centres"), None);
    }
}
