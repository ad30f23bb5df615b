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
    /// PDF/DOCX author: the organisation, else a neutral name.
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
    /// "Wales and Ireland", "all 7 countries".
    pub countries_label: String,
    /// "funding and vulnerability and protection", "all 12 themes".
    pub themes_label: String,
    /// How many chapters the report has (not how many are selected).
    pub total_countries: usize,
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
    pub when: Option<String>,
    pub place: String,
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
    pub points: Vec<String>,
    pub country: String,
    pub country_name: String,
    pub themes: Vec<String>,
    /// The service's own figures (whatever their themes).
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
    let n = if f.unit == "%" { format!("{n}%") } else { format!("{n} {}", f.unit) };
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
            unit: f.unit.clone(),
            measure: f.measure.clone(),
            when: f.when.clone(),
            place: f.place.clone(),
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

    fn items(&self, c: &Country, out: &mut Vec<TaggedItem>) {
        let mut push = |kind: &str, section: &str, id: &str, lead: Option<&String>, text: &str, themes: &[String], page: Option<u32>| {
            if self.on_theme(themes) {
                out.push(TaggedItem {
                    kind: kind.to_string(),
                    id: id.to_string(),
                    lead: lead.cloned(),
                    text: text.to_string(),
                    first_sentence: first_sentence(text),
                    themes: themes.to_vec(),
                    country: c.id.clone(),
                    country_name: c.name.clone(),
                    short_name: c.short_name.clone(),
                    cite: self.cite(c, section, page),
                });
            }
        };
        for k in &c.key_messages {
            push("key-message", "key-messages", &k.id, Some(&k.lead), &k.text, &k.themes, k.page);
        }
        for i in &c.context {
            push("context", "context", &i.id, None, &i.text, &i.themes, i.page);
        }
        for i in c.enablers.iter().flat_map(|g| &g.items) {
            push("enabler", "enablers", &i.id, None, &i.text, &i.themes, i.page);
        }
        for i in &c.findings {
            push("finding", "findings", &i.id, None, &i.text, &i.themes, i.page);
        }
        for i in &c.lessons {
            push("lesson", "findings", &i.id, None, &i.text, &i.themes, i.page);
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
            points: s.points.clone(),
            country: c.id.clone(),
            country_name: c.name.clone(),
            themes: s.themes.clone(),
            figures: {
                // A service's figure is sometimes recorded twice (where the chapter states it twice).
                let mut figs: Vec<FigureView> = Vec::new();
                for f in c.figures.iter().filter(|f| f.service.as_deref() == Some(&s.id)).map(|f| sel.figure(c, f)) {
                    if !figs.iter().any(|g| g.number == f.number && g.unit == f.unit) {
                        figs.push(f);
                    }
                }
                figs
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

    let country_names: Vec<String> = chosen.iter().map(|c| c.name.clone()).collect();
    let theme_names: Vec<String> = themes.iter().map(|t| t.name.to_lowercase()).collect();
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

    let mut brief = Brief {
        meta: Meta {
            stem: spec.stem.clone(),
            title: spec.title.clone(),
            subtitle: spec.subtitle.clone(),
            organisation: spec.organisation.clone(),
            author: spec.organisation.clone().unwrap_or_else(|| "briefgen".to_string()),
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
            countries_label: if all_countries { format!("all {} countries", chosen.len()) } else { join_names(&country_names) },
            themes_label: if all_themes { format!("all {} themes", themes.len()) } else { join_names(&theme_names) },
            total_countries: data.countries.len(),
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
    };
    brief.refresh_glossary(&data.glossary);
    brief
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
    let mut seen = Vec::new();
    ranked.retain(|(_, _, f)| {
        let key = (f.number.clone(), f.unit.clone(), f.place.clone());
        let fresh = !seen.contains(&key);
        seen.push(key);
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

impl Brief {
    /// Recomputes the glossary from the text the brief now holds: terms that occur
    /// (ignoring case), abbreviations that occur as words (with their plural `s`).
    pub fn refresh_glossary(&mut self, glossary: &model::Glossary) {
        self.refresh_glossary_over(glossary, |_| true);
    }

    /// Like `refresh_glossary`, counting only the passages `shown` accepts (by id): a
    /// template that prints a few of the brief's passages explains only their words.
    pub fn refresh_glossary_over(&mut self, glossary: &model::Glossary, shown: impl Fn(&str) -> bool) {
        let text = self.prose(&shown);
        let lower = text.to_lowercase();
        let words: std::collections::HashSet<&str> =
            text.split(|c: char| !c.is_alphanumeric()).map(|w| w.strip_suffix('s').filter(|s| s.len() > 1 && s.chars().all(|c| c.is_uppercase())).unwrap_or(w)).collect();
        let mut out: Vec<model::Term> =
            glossary.terms.iter().filter(|t| !t.gloss.trim().is_empty() && lower.contains(&t.term.to_lowercase())).cloned().collect();
        out.extend(glossary.acronyms.iter().filter(|t| words.contains(t.term.as_str())).cloned());
        out.sort_by_key(|t| t.term.to_lowercase());
        self.glossary = out;
    }

    /// All the prose of the brief in one string, to search it.
    fn prose(&self, shown: &impl Fn(&str) -> bool) -> String {
        let mut out = String::new();
        for i in self.items.iter().filter(|i| shown(&i.id)) {
            out.push_str(&i.text);
            out.push('\n');
        }
        for s in &self.services {
            out.push_str(&s.name);
            out.push('\n');
            out.push_str(&s.points.join("\n"));
            out.push('\n');
        }
        for q in &self.quotes {
            out.push_str(&q.text);
            out.push('\n');
        }
        for t in &self.themes {
            out.push_str(&t.summary);
            for e in &t.examples {
                out.push_str(&e.text);
            }
        }
        for f in &self.figures {
            out.push_str(&f.measure);
            out.push_str(&f.place);
        }
        out
    }
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
