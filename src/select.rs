//! Select stage: spec × dataset → the brief's content, the one context every template
//! sees. Material tied to a country comes only from the selected countries; themes
//! filter insights and tagged items. Each figure and quote carries its citation.
//!
//! Everything is in flat lists in report order (templates group by `country` when they
//! want to), so the budget stage can drop an item by removing it from one list.

use crate::data::model::{self, Approx, Country};
use crate::data::Dataset;
use crate::spec::{Selection, Spec};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub meta: Meta,
    pub report: ReportView,
    /// The selected countries, in report order (names only; content is in the lists).
    pub countries: Vec<CountryView>,
    /// The selected insights, in report order.
    pub themes: Vec<ThemeView>,
    /// Key messages, context, enablers, findings and lessons on the selected themes.
    pub items: Vec<TaggedItem>,
    pub figures: Vec<FigureView>,
    /// The figures best suited to a headline strip, best first, spread across countries.
    pub headline: Vec<FigureView>,
    pub quotes: Vec<QuoteView>,
    pub services: Vec<ServiceView>,
    /// Figure series with at least two points (for charts).
    pub series: Vec<SeriesView>,
    pub conclusion: Vec<ConclusionView>,
    pub references: Vec<ReferenceView>,
    /// Glossary terms that occur in the brief's text.
    pub glossary: Vec<model::Term>,
    /// Selected countries × selected themes.
    pub matrix: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub stem: String,
    pub title: String,
    pub subtitle: Option<String>,
    pub organisation: Option<String>,
    /// PDF/DOCX author: the organisation, else the report the brief is drawn from.
    pub author: String,
    pub date: String,
    pub date_iso: String,
    pub year: i32,
    pub month: u8,
    pub day: u8,
    pub audience: String,
    pub audience_name: String,
    pub paper: String,
    pub keywords: Vec<String>,
    pub all_countries: bool,
    pub all_themes: bool,
    /// Every selected place by name, in a sentence: "Wales and Ireland", "British Columbia
    /// (Canada), Denmark, … and Wales".
    pub countries_label: String,
    /// How many places are selected, as a word where prose would use one ("seven").
    pub countries_count: usize,
    pub countries_count_word: String,
    /// The selected themes' names in a sentence: "funding, vulnerability and named leaders".
    pub themes_label: String,
    pub themes_count: usize,
    /// How many chapters the report has (not how many are selected).
    pub total_countries: usize,
    pub total_countries_word: String,
    pub brand: BrandView,
}

/// The brand as templates see it; the logo's bytes travel beside the brief.
#[derive(Debug, Clone, Serialize)]
pub struct BrandView {
    pub colour: String,
    pub accent: String,
    /// Where the logo is in the Typst world and the DOCX pictures, if there is one.
    pub logo: Option<String>,
    pub logo_alt: String,
}

/// The virtual path of a spec's logo (see `typeset::world` and `docx`).
pub const LOGO_PATH: &str = "/brand-logo.png";

#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    pub title: String,
    pub subtitle: String,
    pub purpose: String,
    pub interviews: u32,
    pub method: String,
    pub interviewees: Vec<String>,
    /// Where the report describes its method (its introduction).
    pub method_cite: String,
    /// The introduction's paragraphs.
    pub introduction: Vec<String>,
    /// The report's own pages holding the references of the selected countries.
    pub references_cite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CountryView {
    pub id: String,
    pub name: String,
    pub short_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaggedItem {
    /// key-message, context, enabler, finding or lesson.
    pub kind: String,
    pub id: String,
    pub lead: Option<String>,
    pub text: String,
    /// The text's first sentence, verbatim (for briefs that quote only the gist).
    pub first_sentence: String,
    pub themes: Vec<String>,
    /// Editorial tags from the dataset (`risk`, ...).
    pub tags: Vec<String>,
    pub country: String,
    pub country_name: String,
    pub short_name: String,
    pub cite: String,
}

/// The first sentence of a passage: up to the first ". " (or "? ", "! ") followed by a
/// capital letter, so "e.g. Band 7" and "Dr. Smith" do not end it.
pub fn first_sentence(text: &str) -> String {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for w in chars.windows(3) {
        let [(i, a), (_, b), (_, c)] = [w[0], w[1], w[2]];
        if matches!(a, '.' | '?' | '!') && b == ' ' && c.is_uppercase() {
            let before: String = text[..i].chars().rev().take_while(|c| c.is_alphanumeric()).collect();
            if before.chars().count() > 2 || before.chars().all(|c| c.is_lowercase()) && before.chars().count() > 1 {
                return text[..=i].to_string();
            }
        }
    }
    text.to_string()
}

#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    pub id: String,
    /// The number as printed in a headline: "71%", "80+", "5,000".
    pub number: String,
    /// The figure in a sentence: "more than 80 peer workers", "71%".
    pub phrase: String,
    pub value: f64,
    pub approx: Option<Approx>,
    pub unit: String,
    pub measure: String,
    /// The measure without a leading repeat of the unit, for printing right after the
    /// number and unit ("65 recommendations" / "made by the Royal Commission").
    pub detail: String,
    pub when: Option<String>,
    pub place: String,
    /// Where and when, leaving out a place the measure already names: "Wales, 2024".
    pub location: String,
    pub country: String,
    pub country_name: String,
    pub service: Option<String>,
    pub series: Option<String>,
    pub themes: Vec<String>,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuoteView {
    pub id: String,
    pub text: String,
    pub who: String,
    pub country: String,
    pub country_name: String,
    pub themes: Vec<String>,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    pub id: String,
    pub name: String,
    pub place: String,
    /// The place does not lie in the chapter's country as named (the report describes a
    /// service from elsewhere in that chapter): templates say so rather than leave it
    /// unexplained.
    pub elsewhere: bool,
    pub points: Vec<String>,
    pub country: String,
    pub country_name: String,
    pub themes: Vec<String>,
    /// The service's own figures that its points do not already state.
    pub figures: Vec<FigureView>,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    pub id: String,
    pub citation: String,
    pub url: Option<String>,
    pub country: String,
    pub country_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesPoint {
    pub when: String,
    pub value: f64,
    pub number: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeriesView {
    pub id: String,
    pub unit: String,
    pub place: String,
    pub country_name: String,
    pub points: Vec<SeriesPoint>,
    pub max: f64,
    pub cite: String,
    /// A text equivalent of the chart, for alt text.
    pub alt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExampleView {
    pub countries: Vec<String>,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ThemeView {
    pub id: String,
    pub number: u32,
    pub name: String,
    pub title: String,
    pub summary: String,
    /// Only examples whose countries are all selected.
    pub examples: Vec<ExampleView>,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ConclusionView {
    pub id: String,
    pub title: String,
    pub text: String,
    pub examples: Vec<ExampleView>,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub country: String,
    pub short_name: String,
    /// One cell per selected theme, in theme order.
    pub cells: Vec<MatrixCell>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixCell {
    pub theme: String,
    /// `key` when one of the country's key messages is on the theme, `other` when only
    /// other passages are, `none` when the chapter says nothing tagged with it.
    pub level: String,
    /// The first such key message's lead, and its citation.
    pub lead: Option<String>,
    pub cite: Option<String>,
}

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

fn figure_number(f: &model::Figure) -> String {
    let n = format_number(f.value);
    let n = if f.unit == "%" { format!("{n}%") } else { n };
    match f.approx {
        Some(Approx::MoreThan) => format!("{n}+"),
        Some(Approx::About) => format!("about {n}"),
        Some(Approx::UpTo) => format!("up to {n}"),
        Some(Approx::FewerThan) => format!("under {n}"),
        None => n,
    }
}

fn figure_phrase(f: &model::Figure) -> String {
    let n = format_number(f.value);
    let n = if f.unit == "%" { format!("{n}%") } else { format!("{n} {}", unit_for(f.value, &f.unit)) };
    match f.approx {
        Some(Approx::MoreThan) => format!("more than {n}"),
        Some(Approx::About) => format!("about {n}"),
        Some(Approx::UpTo) => format!("up to {n}"),
        Some(Approx::FewerThan) => format!("fewer than {n}"),
        None => n,
    }
}

fn join_names(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// "Named leaders" → "named leaders" inside a sentence; "NHS roles" stays as it is.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => a.to_lowercase().chain(s.chars().skip(1)).collect(),
        _ => s.to_string(),
    }
}

/// Whether `text` names `place` or the first part of it ("Victoria" of "Victoria, Australia").
fn mentions(text: &str, place: &str) -> bool {
    let text = text.to_lowercase();
    let place = place.to_lowercase();
    text.contains(&place) || place.split(", ").next().is_some_and(|head| !head.is_empty() && text.contains(head))
}

/// The measure without a leading repeat of the unit ("peer workers in X" after "90 peer
/// workers" becomes "in X"); the whole measure when nothing would be left.
fn detail(measure: &str, unit: &str) -> String {
    let lower = measure.to_lowercase();
    let unit = unit.to_lowercase();
    let singular = unit.strip_suffix('s').unwrap_or(&unit).to_string();
    for u in [unit.as_str(), singular.as_str()] {
        if !u.is_empty() && lower.starts_with(u) && lower[u.len()..].starts_with([' ', ',']) {
            let rest = measure[u.len()..].trim_start_matches([' ', ',']).trim();
            if rest.split_whitespace().count() >= 2 {
                return rest.to_string();
            }
        }
    }
    measure.to_string()
}

/// A unit as printed after its number: "1 health board", "7 health boards".
fn unit_for(value: f64, unit: &str) -> String {
    if value == 1.0
        && let Some(one) = unit.strip_suffix('s')
        && !unit.ends_with("ss")
    {
        return one.to_string();
    }
    unit.to_string()
}

const NUMBER_WORDS: [&str; 21] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
    "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
];

/// A number in words where English prose would write it so ("seven", but "34").
pub fn number_word(n: usize) -> String {
    NUMBER_WORDS.get(n).filter(|_| n <= 12).map_or_else(|| n.to_string(), |w| w.to_string())
}

/// Whether `text` already states the figure's value (as digits or, for small whole
/// numbers, as a word).
fn states(text: &str, f: &model::Figure) -> bool {
    let plain = text.replace(',', "");
    let digits = if f.value.fract() == 0.0 { format!("{}", f.value as i64) } else { format!("{}", f.value) };
    let word = (f.value.fract() == 0.0 && (0.0..=20.0).contains(&f.value)).then(|| NUMBER_WORDS[f.value as usize]);
    plain
        .split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|t| t.trim_end_matches('.').to_lowercase())
        .any(|t| t == digits || word.is_some_and(|w| t == w))
}

/// Two records of one fact (the report states some figures twice, in different words):
/// the same place, value and date, counting the same kind of thing.
fn same_fact(a: &FigureView, b: &FigureView) -> bool {
    let head = |u: &str| u.split_whitespace().last().map(|w| w.trim_end_matches('s').to_lowercase()).unwrap_or_default();
    a.country == b.country && a.value == b.value && a.when == b.when && head(&a.unit) == head(&b.unit)
}

/// Keeps the first record of each fact; it joins the series of a dropped record, so a
/// template that shows the series as a chart does not show the fact again beside it.
fn distinct(figures: Vec<FigureView>) -> Vec<FigureView> {
    let mut out: Vec<FigureView> = Vec::new();
    for f in figures {
        match out.iter_mut().find(|g| same_fact(g, &f)) {
            Some(g) => {
                if g.series.is_none() {
                    g.series = f.series;
                }
            }
            None => out.push(f),
        }
    }
    out
}

/// How well a figure serves as a headline: outcomes (percentages), where a series ended,
/// and the size of a peer workforce say most; the number of regions or a duration least.
fn headline_score(f: &FigureView, last_of_series: bool) -> i32 {
    let text = format!("{} {}", f.unit, f.measure).to_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let mut score = 0;
    if f.unit == "%" {
        score += 3;
    }
    if last_of_series {
        score += 3;
    }
    if has(&["peer", "worker", "role", "staff", "supporter", "position"]) {
        score += 2;
    }
    if has(&["million", "dkk", "£", "$", "€"]) {
        score += 1;
    }
    if f.when.is_some() {
        score += 1;
    }
    // Judged on the unit alone: "years" in a measure ("retention at three years") is fine.
    let unit = f.unit.to_lowercase();
    if ["region", "municipalit", "district", "health board", "authorit", "year", "day", "hour", "decade", "unit"].iter().any(|w| unit.contains(w)) {
        score -= 3;
    }
    score
}

struct Selector<'a> {
    data: &'a Dataset,
    spec: &'a Spec,
}

impl Selector<'_> {
    fn cite(&self, c: &Country, section: &str, page: Option<u32>) -> String {
        let title = c.sections.get(section).map_or(section, |s| s.title.as_str());
        let pages = match page {
            Some(p) => format!("p. {p}"),
            None => match self.data.section_pages(c, section) {
                (a, b) if a == b => format!("p. {a}"),
                (a, b) => format!("pp. {a}–{b}"),
            },
        };
        if section == "chapter" { format!("{}, {pages}", c.name) } else { format!("{}, {title}, {pages}", c.name) }
    }

    fn on_theme(&self, themes: &[String]) -> bool {
        self.spec.themes.any(themes)
    }

    fn figure(&self, c: &Country, f: &model::Figure) -> FigureView {
        FigureView {
            id: f.id.clone(),
            number: figure_number(f),
            phrase: figure_phrase(f),
            value: f.value,
            approx: f.approx,
            unit: unit_for(f.value, &f.unit),
            measure: f.measure.clone(),
            detail: detail(&f.measure, &f.unit),
            when: f.when.clone(),
            place: f.place.clone(),
            location: {
                // The parts of the place the measure does not already name ("Alfred Hospital,
                // Victoria, Australia" after "roles at the Alfred Hospital": "Victoria, Australia").
                let measure = f.measure.to_lowercase();
                let mut parts: Vec<&str> = f.place.split(", ").filter(|p| !measure.contains(&p.to_lowercase())).collect();
                parts.extend(f.when.as_deref());
                parts.join(", ")
            },
            country: c.id.clone(),
            country_name: c.name.clone(),
            service: f.service.clone(),
            series: f.series.clone(),
            themes: f.themes.clone(),
            cite: self.cite(c, &f.section, f.page),
        }
    }

    fn examples(&self, examples: &[model::Example]) -> Vec<ExampleView> {
        examples
            .iter()
            .filter(|e| !e.countries.is_empty() && e.countries.iter().all(|c| self.spec.countries.includes(c)))
            .map(|e| ExampleView { countries: e.countries.clone(), text: e.text.clone() })
            .collect()
    }

    /// Passages on the selected themes. One that opens by pointing back at the passage
    /// before it (tagged `follows`) cannot stand alone in a brief and is left out; a lead
    /// that the text itself begins with is not printed twice.
    fn items(&self, c: &Country, out: &mut Vec<TaggedItem>) {
        let mut push = |kind: &str, section: &str, id: &str, lead: Option<&String>, text: &str, themes: &[String], tags: &[String], page: Option<u32>| {
            if self.on_theme(themes) && !tags.iter().any(|t| t == "follows") {
                let lead = lead.filter(|l| !text.to_lowercase().starts_with(&l.to_lowercase()));
                out.push(TaggedItem {
                    kind: kind.to_string(),
                    id: id.to_string(),
                    lead: lead.cloned(),
                    text: text.to_string(),
                    first_sentence: first_sentence(text),
                    themes: themes.to_vec(),
                    tags: tags.to_vec(),
                    country: c.id.clone(),
                    country_name: c.name.clone(),
                    short_name: c.short_name.clone(),
                    cite: self.cite(c, section, page),
                });
            }
        };
        for k in &c.key_messages {
            push("key-message", "key-messages", &k.id, Some(&k.lead), &k.text, &k.themes, &k.tags, k.page);
        }
        for i in &c.context {
            push("context", "context", &i.id, None, &i.text, &i.themes, &i.tags, i.page);
        }
        for t in &c.timeline {
            push("timeline", "context", &t.id, Some(&t.when), &t.event, &t.themes, &[], t.page);
        }
        for i in c.enablers.iter().flat_map(|g| &g.items) {
            push("enabler", "enablers", &i.id, None, &i.text, &i.themes, &i.tags, i.page);
        }
        for i in &c.findings {
            push("finding", "findings", &i.id, None, &i.text, &i.themes, &i.tags, i.page);
        }
        for i in &c.lessons {
            push("lesson", "findings", &i.id, None, &i.text, &i.themes, &i.tags, i.page);
        }
    }

    /// Figure series of the selected countries, points in file order (the data lists
    /// them chronologically); a series is shown if any of its points is on a selected theme.
    fn series(&self, countries: &[&Country]) -> Vec<SeriesView> {
        let mut out: Vec<(SeriesView, bool)> = Vec::new();
        for country in countries {
            for f in &country.figures {
                let (Some(id), Some(when)) = (&f.series, &f.when) else { continue };
                let point = SeriesPoint { when: when.clone(), value: f.value, number: figure_number(f) };
                let on_theme = self.on_theme(&f.themes);
                match out.iter_mut().find(|(s, _)| &s.id == id) {
                    Some((s, shown)) => {
                        s.points.push(point);
                        *shown |= on_theme;
                    }
                    None => out.push((
                        SeriesView {
                            id: id.clone(),
                            unit: f.unit.clone(),
                            place: f.place.clone(),
                            country_name: country.name.clone(),
                            points: vec![point],
                            max: 0.0,
                            cite: self.cite(country, &f.section, f.page),
                            alt: String::new(),
                        },
                        on_theme,
                    )),
                }
            }
        }
        out.into_iter()
            .filter(|(s, shown)| *shown && s.points.len() >= 2)
            .map(|(mut s, _)| {
                s.max = s.points.iter().map(|p| p.value).fold(0.0, f64::max);
                let points: Vec<String> = s.points.iter().map(|p| format!("{} ({})", p.number, p.when)).collect();
                s.alt = format!("Bar chart of {}, {}: {}.", s.unit, s.place, points.join(", "));
                s
            })
            .collect()
    }
}

/// Builds the brief's content from a checked spec and dataset.
pub fn select(spec: &Spec, data: &Dataset) -> Brief {
    let sel = Selector { data, spec };
    let chosen: Vec<&Country> = data.countries.iter().filter(|c| spec.countries.includes(&c.id)).collect();

    let themes: Vec<ThemeView> = data
        .insights
        .insights
        .iter()
        .filter(|i| spec.themes.includes(&i.id))
        .map(|i| ThemeView {
            id: i.id.clone(),
            number: i.number,
            name: i.name.clone(),
            title: i.title.clone(),
            summary: i.summary.clone(),
            examples: sel.examples(&i.examples),
            cite: format!("{}, p. {}", data.insights.section.title, i.page),
        })
        .collect();

    let mut items = Vec::new();
    let mut figures = Vec::new();
    let mut quotes = Vec::new();
    let mut services = Vec::new();
    let mut references = Vec::new();
    for c in &chosen {
        sel.items(c, &mut items);
        figures.extend(c.figures.iter().filter(|f| sel.on_theme(&f.themes)).map(|f| sel.figure(c, f)));
        quotes.extend(c.quotes.iter().filter(|q| sel.on_theme(&q.themes)).map(|q| QuoteView {
            id: q.id.clone(),
            text: q.text.clone(),
            who: q.who.clone(),
            country: c.id.clone(),
            country_name: c.name.clone(),
            themes: q.themes.clone(),
            cite: sel.cite(c, q.section.as_deref().unwrap_or("chapter"), q.page),
        }));
        services.extend(c.services.iter().filter(|s| sel.on_theme(&s.themes)).map(|s| ServiceView {
            id: s.id.clone(),
            name: s.name.clone(),
            place: s.place.clone(),
            elsewhere: !mentions(&s.place, &c.name) && !mentions(&s.place, &c.short_name),
            points: s.points.clone(),
            country: c.id.clone(),
            country_name: c.name.clone(),
            themes: s.themes.clone(),
            figures: {
                let points = s.points.join(" ");
                distinct(c.figures.iter().filter(|f| f.service.as_deref() == Some(&s.id) && !states(&points, f)).map(|f| sel.figure(c, f)).collect())
            },
            cite: sel.cite(c, "services", s.page),
        }));
        references.extend(c.references.iter().map(|r| ReferenceView {
            id: r.id.clone(),
            citation: r.citation.clone(),
            url: r.url.clone(),
            country: c.id.clone(),
            country_name: c.name.clone(),
        }));
    }
    let figures = distinct(figures);
    let series = sel.series(&chosen);
    // A headline strip needs a few figures even when the themes tag fewer: then the
    // selected countries' other figures fill it, after the on-theme ones.
    let mut candidates = figures.clone();
    if figures.iter().filter(|f| headline_score(f, false) > 0).count() < 3 {
        for c in &chosen {
            candidates.extend(c.figures.iter().filter(|f| !sel.on_theme(&f.themes)).map(|f| sel.figure(c, f)));
        }
    }
    let headline = headline(&candidates, &series);

    let conclusion = data
        .conclusion
        .themes
        .iter()
        .filter(|t| spec.themes.any(&t.themes))
        .map(|t| ConclusionView {
            id: t.id.clone(),
            title: t.title.clone(),
            text: t.text.clone(),
            examples: sel.examples(&t.examples),
            cite: format!("{}, p. {}", data.conclusion.section.title, t.page.unwrap_or(data.conclusion.section.page)),
        })
        .collect();

    let matrix = chosen
        .iter()
        .map(|c| MatrixRow {
            country: c.id.clone(),
            short_name: c.short_name.clone(),
            cells: themes
                .iter()
                .map(|t| {
                    let key = c.key_messages.iter().find(|k| k.themes.contains(&t.id));
                    let other = items.iter().any(|i| i.country == c.id && i.themes.contains(&t.id));
                    MatrixCell {
                        theme: t.id.clone(),
                        level: if key.is_some() { "key" } else if other { "other" } else { "none" }.to_string(),
                        lead: key.map(|k| k.lead.clone()),
                        cite: key.map(|k| sel.cite(c, "key-messages", k.page)),
                    }
                })
                .collect(),
        })
        .collect();

    // "British Columbia, Canada" reads as two places in a list: "British Columbia (Canada)".
    let country_names: Vec<String> =
        chosen.iter().map(|c| c.name.split_once(", ").map_or_else(|| c.name.clone(), |(a, b)| format!("{a} ({b})"))).collect();
    let theme_names: Vec<String> = themes.iter().map(|t| lower_first(&t.name)).collect();
    let all_countries = spec.countries == Selection::All;
    let all_themes = spec.themes == Selection::All;
    let mut keywords = vec!["peer support".to_string(), "mental health".to_string(), spec.audience.id().to_string()];
    keywords.extend(chosen.iter().map(|c| c.short_name.clone()));
    keywords.extend(themes.iter().map(|t| t.name.clone()));
    let ref_pages: Vec<u32> = chosen.iter().filter_map(|c| c.sections.get("references")).map(|s| s.page).collect();
    let references_cite = match (ref_pages.iter().min(), ref_pages.iter().max()) {
        (Some(a), Some(b)) if a == b => format!("References, p. {a}"),
        (Some(a), Some(b)) => format!("References, pp. {a}–{b}"),
        _ => "References".to_string(),
    };

    Brief {
        meta: Meta {
            stem: spec.stem.clone(),
            title: spec.title.clone().unwrap_or_default(),
            subtitle: spec.subtitle.clone(),
            organisation: spec.organisation.clone(),
            // Without an organisation, the report whose words the brief carries.
            author: spec.organisation.clone().unwrap_or_else(|| data.report.title.clone()),
            date: spec.date.long(),
            date_iso: spec.date.iso(),
            year: spec.date.year,
            month: spec.date.month,
            day: spec.date.day,
            audience: spec.audience.id().to_string(),
            audience_name: spec.audience.name().to_string(),
            paper: spec.paper.typst_name().to_string(),
            keywords,
            all_countries,
            all_themes,
            countries_label: join_names(&country_names),
            countries_count: chosen.len(),
            countries_count_word: number_word(chosen.len()),
            themes_label: join_names(&theme_names),
            themes_count: themes.len(),
            total_countries: data.countries.len(),
            total_countries_word: number_word(data.countries.len()),
            brand: BrandView {
                colour: spec.brand.colour.clone(),
                accent: spec.brand.accent.clone(),
                logo: spec.brand.logo.as_ref().map(|_| LOGO_PATH.to_string()),
                logo_alt: format!("Logo of {}", spec.organisation.as_deref().unwrap_or("the issuing organisation")),
            },
        },
        report: ReportView {
            title: data.report.title.clone(),
            subtitle: data.report.subtitle.clone(),
            purpose: data.report.purpose.clone(),
            interviews: data.report.method.interviews,
            method: data.report.method.summary.clone(),
            interviewees: data.report.method.interviewees.clone(),
            method_cite: data
                .report
                .sections
                .get("introduction")
                .map_or_else(|| "Introduction".to_string(), |s| format!("{}, p. {}", s.title, s.page)),
            introduction: data.report.introduction.iter().map(|i| i.text.clone()).collect(),
            references_cite,
        },
        countries: chosen.iter().map(|c| CountryView { id: c.id.clone(), name: c.name.clone(), short_name: c.short_name.clone() }).collect(),
        themes,
        items,
        figures,
        headline,
        quotes,
        services,
        series,
        conclusion,
        references,
        glossary: Vec::new(),
        matrix,
    }
}

/// Figures ranked for a headline strip: by score, then spread so each country gets one
/// before any gets two; duplicates (same number, unit and place) once only.
fn headline(figures: &[FigureView], series: &[SeriesView]) -> Vec<FigureView> {
    let last_of_series = |f: &FigureView| {
        f.series.as_ref().is_some_and(|id| series.iter().any(|s| &s.id == id && s.points.last().is_some_and(|p| p.number == f.number)))
    };
    let mut ranked: Vec<(i32, usize, &FigureView)> =
        figures.iter().enumerate().map(|(i, f)| (headline_score(f, last_of_series(f)), i, f)).filter(|(s, _, _)| *s > 0).collect();
    // Too few good ones: take the rest in score order rather than show no strip at all.
    if ranked.len() < 3 {
        ranked = figures.iter().enumerate().map(|(i, f)| (headline_score(f, last_of_series(f)), i, f)).collect();
    }
    ranked.sort_by_key(|(score, i, _)| (-score, *i));
    let mut seen: Vec<&FigureView> = Vec::new();
    ranked.retain(|(_, _, f)| {
        let fresh = !seen.iter().any(|g| same_fact(g, f) || g.number == f.number && g.unit == f.unit && g.place == f.place);
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
    fn sentences() {
        assert_eq!(first_sentence("Since 2020, Wales has grown. Milestones such as X."), "Since 2020, Wales has grown.");
        assert_eq!(first_sentence("Roles (e.g. Band 7 and 8A) grew. Then more."), "Roles (e.g. Band 7 and 8A) grew.");
        assert_eq!(first_sentence("No full stop here"), "No full stop here");
    }

    #[test]
    fn numbers() {
        assert_eq!(format_number(5000.0), "5,000");
        assert_eq!(format_number(71.0), "71");
        assert_eq!(format_number(1234567.0), "1,234,567");
        assert_eq!(format_number(2.5), "2.5");
    }
}
