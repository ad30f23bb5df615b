//! Select stage: spec × dataset → the brief's content, the one context every template
//! sees. Material tied to a country comes only from the selected countries; themes
//! filter insights and tagged items. Each figure and quote carries its citation.

use crate::data::model::{self, Approx, Country};
use crate::data::Dataset;
use crate::spec::{Selection, Spec};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub meta: Meta,
    pub report: ReportView,
    pub countries: Vec<CountryView>,
    /// The selected insights, in report order.
    pub themes: Vec<ThemeView>,
    /// Flat lists over the selected countries, in report order.
    pub figures: Vec<FigureView>,
    pub quotes: Vec<QuoteView>,
    pub services: Vec<ServiceView>,
    pub references: Vec<ReferenceView>,
    /// Figure series with at least two dated points (for charts).
    pub series: Vec<SeriesView>,
    pub conclusion: Vec<ConclusionView>,
    /// Glossary terms that occur in the selected text.
    pub glossary: Vec<model::Term>,
    /// Every selected key message, context paragraph, enabler, finding and lesson, flat,
    /// so templates can pick by theme (`{% for i in items if "funding" in i.themes %}`).
    pub items: Vec<TaggedItem>,
    /// Selected countries × selected themes: the first key message on each theme.
    pub matrix: Vec<MatrixRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TaggedItem {
    /// key-message, context, enabler, finding or lesson.
    pub kind: String,
    pub id: String,
    pub lead: Option<String>,
    pub text: String,
    pub themes: Vec<String>,
    pub country: String,
    pub country_name: String,
    pub short_name: String,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub country: String,
    pub short_name: String,
    /// One cell per selected theme, in theme order: a key message's lead, or none.
    pub cells: Vec<Option<MatrixCell>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatrixCell {
    pub text: String,
    pub cite: String,
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
    /// "Wales and Ireland", "all seven countries".
    pub countries_label: String,
    pub themes_label: String,
    /// How many chapters the report has (not how many are selected).
    pub total_countries: usize,
}

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
}

#[derive(Debug, Clone, Serialize)]
pub struct ItemView {
    pub id: String,
    pub lead: Option<String>,
    pub text: String,
    pub themes: Vec<String>,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub heading: String,
    pub items: Vec<ItemView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineView {
    pub id: String,
    pub when: String,
    pub event: String,
    pub cite: String,
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
    pub figures: Vec<FigureView>,
    pub cite: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    pub id: String,
    pub citation: String,
    pub url: Option<String>,
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
    pub measure: String,
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
pub struct CountryView {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub key_messages: Vec<ItemView>,
    pub context: Vec<ItemView>,
    pub timeline: Vec<TimelineView>,
    pub enablers: Vec<GroupView>,
    pub findings: Vec<ItemView>,
    pub lessons: Vec<ItemView>,
    pub services: Vec<ServiceView>,
    pub figures: Vec<FigureView>,
    pub quotes: Vec<QuoteView>,
    pub references: Vec<ReferenceView>,
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
        if section == "chapter" {
            format!("{}, {pages}", c.name)
        } else {
            format!("{}, {title}, {pages}", c.name)
        }
    }

    fn item(&self, c: &Country, section: &str, i: &model::Item) -> ItemView {
        ItemView { id: i.id.clone(), lead: None, text: i.text.clone(), themes: i.themes.clone(), cite: self.cite(c, section, i.page) }
    }

    fn items(&self, c: &Country, section: &str, items: &[model::Item]) -> Vec<ItemView> {
        items.iter().filter(|i| self.spec.themes.any(&i.themes)).map(|i| self.item(c, section, i)).collect()
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

    fn country(&self, c: &Country) -> CountryView {
        let themes = &self.spec.themes;
        let figures: Vec<FigureView> =
            c.figures.iter().filter(|f| themes.any(&f.themes)).map(|f| self.figure(c, f)).collect();
        let all_figures: Vec<FigureView> = c.figures.iter().map(|f| self.figure(c, f)).collect();
        CountryView {
            id: c.id.clone(),
            name: c.name.clone(),
            short_name: c.short_name.clone(),
            key_messages: c
                .key_messages
                .iter()
                .filter(|k| themes.any(&k.themes))
                .map(|k| ItemView {
                    id: k.id.clone(),
                    lead: Some(k.lead.clone()),
                    text: k.text.clone(),
                    themes: k.themes.clone(),
                    cite: self.cite(c, "key-messages", k.page),
                })
                .collect(),
            context: self.items(c, "context", &c.context),
            timeline: c
                .timeline
                .iter()
                .filter(|t| themes.any(&t.themes))
                .map(|t| TimelineView { id: t.id.clone(), when: t.when.clone(), event: t.event.clone(), cite: self.cite(c, "context", t.page) })
                .collect(),
            enablers: c
                .enablers
                .iter()
                .map(|g| GroupView { heading: g.heading.clone(), items: self.items(c, "enablers", &g.items) })
                .filter(|g| !g.items.is_empty())
                .collect(),
            findings: self.items(c, "findings", &c.findings),
            lessons: self.items(c, "findings", &c.lessons),
            services: c
                .services
                .iter()
                .filter(|s| themes.any(&s.themes))
                .map(|s| ServiceView {
                    id: s.id.clone(),
                    name: s.name.clone(),
                    place: s.place.clone(),
                    points: s.points.clone(),
                    country: c.id.clone(),
                    country_name: c.name.clone(),
                    themes: s.themes.clone(),
                    figures: all_figures.iter().filter(|f| f.service.as_deref() == Some(&s.id)).cloned().collect(),
                    cite: self.cite(c, "services", s.page),
                })
                .collect(),
            figures,
            quotes: c
                .quotes
                .iter()
                .filter(|q| themes.any(&q.themes))
                .map(|q| QuoteView {
                    id: q.id.clone(),
                    text: q.text.clone(),
                    who: q.who.clone(),
                    country: c.id.clone(),
                    country_name: c.name.clone(),
                    themes: q.themes.clone(),
                    cite: self.cite(c, q.section.as_deref().unwrap_or("chapter"), q.page),
                })
                .collect(),
            references: c
                .references
                .iter()
                .map(|r| ReferenceView { id: r.id.clone(), citation: r.citation.clone(), url: r.url.clone(), country_name: c.name.clone() })
                .collect(),
        }
    }

    /// Figure series of the selected countries, points in file order (the data lists
    /// them chronologically); a series is shown if any of its points is on a selected theme.
    fn series(&self, countries: &[CountryView]) -> Vec<SeriesView> {
        let mut out: Vec<(SeriesView, bool)> = Vec::new();
        for c in countries {
            let country = self.data.country(&c.id).expect("selected from the dataset");
            for f in &country.figures {
                let (Some(id), Some(when)) = (&f.series, &f.when) else { continue };
                let point = SeriesPoint { when: when.clone(), value: f.value, number: figure_number(f) };
                let on_theme = self.spec.themes.any(&f.themes);
                match out.iter_mut().find(|(s, _)| &s.id == id) {
                    Some((s, shown)) => {
                        s.points.push(point);
                        *shown |= on_theme;
                    }
                    None => out.push((
                        SeriesView {
                            id: id.clone(),
                            measure: f.measure.clone(),
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
                s.alt = format!("Bar chart: {} {}, {}: {}.", s.unit, s.place, s.measure, points.join(", "));
                s
            })
            .collect()
    }
}

/// Builds the brief's content from a checked spec and dataset.
pub fn select(spec: &Spec, data: &Dataset) -> Brief {
    let sel = Selector { data, spec };
    let countries: Vec<CountryView> =
        data.countries.iter().filter(|c| spec.countries.includes(&c.id)).map(|c| sel.country(c)).collect();
    let insights_page = data.insights.section.page;
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
            cite: format!("{}, p. {}", data.insights.section.title, if i.page > 0 { i.page } else { insights_page }),
        })
        .collect();
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

    let country_names: Vec<String> = countries.iter().map(|c| c.name.clone()).collect();
    let theme_names: Vec<String> = themes.iter().map(|t| t.name.to_lowercase()).collect();
    let all_countries = spec.countries == Selection::All;
    let all_themes = spec.themes == Selection::All;
    let mut keywords = vec!["peer support".to_string(), "mental health".to_string(), spec.audience.id().to_string()];
    keywords.extend(countries.iter().map(|c| c.short_name.clone()));
    keywords.extend(themes.iter().map(|t| t.name.clone()));

    let figures = countries.iter().flat_map(|c| c.figures.clone()).collect();
    let quotes = countries.iter().flat_map(|c| c.quotes.clone()).collect();
    let services = countries.iter().flat_map(|c| c.services.clone()).collect();
    let references = countries.iter().flat_map(|c| c.references.clone()).collect();
    let series = sel.series(&countries);

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
            countries_label: if all_countries { format!("all {} countries", countries.len()) } else { join_names(&country_names) },
            themes_label: if all_themes { "all themes".to_string() } else { join_names(&theme_names) },
            total_countries: data.countries.len(),
        },
        report: ReportView {
            title: data.report.title.clone(),
            subtitle: data.report.subtitle.clone(),
            purpose: data.report.purpose.clone(),
            interviews: data.report.method.interviews,
            method: data.report.method.summary.clone(),
            interviewees: data.report.method.interviewees.clone(),
            introduction: data.report.introduction.iter().map(|i| i.text.clone()).collect(),
            method_cite: data.report.sections.get("introduction").map_or_else(|| "Introduction".to_string(), |s| format!("{}, p. {}", s.title, s.page)),
        },
        countries,
        themes,
        figures,
        quotes,
        services,
        references,
        series,
        conclusion,
        glossary: Vec::new(),
        items: Vec::new(),
        matrix: Vec::new(),
    };
    brief.items = tagged_items(&brief.countries);
    brief.matrix = brief
        .countries
        .iter()
        .map(|c| MatrixRow {
            country: c.id.clone(),
            short_name: c.short_name.clone(),
            cells: brief
                .themes
                .iter()
                .map(|t| {
                    c.key_messages
                        .iter()
                        .find(|k| k.themes.contains(&t.id))
                        .map(|k| MatrixCell { text: k.lead.clone().unwrap_or_default(), cite: k.cite.clone() })
                })
                .collect(),
        })
        .collect();
    brief.glossary = glossary_for(&brief, data);
    brief
}

fn tagged_items(countries: &[CountryView]) -> Vec<TaggedItem> {
    let mut out = Vec::new();
    for c in countries {
        let groups: [(&str, Vec<&ItemView>); 5] = [
            ("key-message", c.key_messages.iter().collect()),
            ("context", c.context.iter().collect()),
            ("enabler", c.enablers.iter().flat_map(|g| &g.items).collect()),
            ("finding", c.findings.iter().collect()),
            ("lesson", c.lessons.iter().collect()),
        ];
        for (kind, items) in groups {
            out.extend(items.into_iter().map(|i| TaggedItem {
                kind: kind.to_string(),
                id: i.id.clone(),
                lead: i.lead.clone(),
                text: i.text.clone(),
                themes: i.themes.clone(),
                country: c.id.clone(),
                country_name: c.name.clone(),
                short_name: c.short_name.clone(),
                cite: i.cite.clone(),
            }));
        }
    }
    out
}

/// Terms the selected text uses; the reader of a community brief needs them explained.
fn glossary_for(brief: &Brief, data: &Dataset) -> Vec<model::Term> {
    let text = prose(brief).to_lowercase();
    data.glossary
        .terms
        .iter()
        .filter(|t| !t.gloss.trim().is_empty() && text.contains(&t.term.to_lowercase()))
        .cloned()
        .collect()
}

/// All the prose of a brief in one string, to search it.
fn prose(brief: &Brief) -> String {
    let mut out = String::new();
    for c in &brief.countries {
        for i in c.key_messages.iter().chain(&c.context).chain(&c.findings).chain(&c.lessons) {
            out.push_str(&i.text);
            out.push('\n');
        }
        for g in &c.enablers {
            for i in &g.items {
                out.push_str(&i.text);
                out.push('\n');
            }
        }
        for s in &c.services {
            out.push_str(&s.name);
            out.push('\n');
            out.push_str(&s.points.join("\n"));
        }
        for q in &c.quotes {
            out.push_str(&q.text);
            out.push('\n');
        }
        for t in &c.timeline {
            out.push_str(&t.event);
            out.push('\n');
        }
    }
    for t in &brief.themes {
        out.push_str(&t.summary);
        for e in &t.examples {
            out.push_str(&e.text);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(format_number(5000.0), "5,000");
        assert_eq!(format_number(71.0), "71");
        assert_eq!(format_number(1234567.0), "1,234,567");
        assert_eq!(format_number(2.5), "2.5");
    }
}
