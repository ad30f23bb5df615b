//! Select stage: spec × dataset → the brief's content (`views::Brief`), the one context
//! every template sees. Material tied to a country comes only from the selected countries;
//! themes filter insights and tagged items. Each figure and quote carries its citation.
//! One builder per part of the brief, as `select` reads: themes, passages, figures and
//! the headline strip, quotes, services, references, series, conclusion, the comparison
//! matrix, then the words about the selection (`meta`) and the report (`report`).

mod fields;
mod figures;
mod views;
mod words;

pub use figures::{format_number, stated};
pub use views::*;
pub use words::{gist, glossary_for, number_word};

use crate::data::model::{self, Country, Shared};
use crate::audience::Audience;
use crate::data::Dataset;
use crate::spec::{Selection, Spec};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;
use figures::{distinct, figure_number, headline, headline_score, states};
use words::{join_names, lower_first, mentions};

/// Builds the brief's content from a checked spec and dataset.
pub fn select(spec: &Spec, data: &Dataset, audience: &Audience) -> Brief {
    let chosen: Vec<&Country> = data.countries.iter().filter(|c| spec.countries.includes(&c.id)).collect();
    let places = chosen.iter().map(|c| Place { id: c.id.as_str().into(), name: c.name.as_str().into(), short_name: c.short_name.as_str().into() }).collect();
    let sel = Selector { data, spec, chosen, places, cites: Default::default() };
    let themes = sel.themes();
    let items = sel.passages();
    let figures = sel.figures();
    // A series' last point leads the strip even where the series is on none of the
    // selected themes (and so is no chart): the strip's figures may be off-theme too.
    let every_series = sel.series();
    let headline = sel.headline(&figures, &every_series.iter().map(|(s, _)| s).collect::<Vec<_>>());
    let series: Vec<SeriesView> = every_series.into_iter().filter_map(|(s, shown)| shown.then_some(s)).collect();
    let matrix = sel.matrix(&themes, &items);
    // What every candidate of the page-budget search shows unchanged (or only fewer of)
    // becomes template values once (`Entry`), not once per render.
    Brief {
        meta: sel.meta(&themes, audience),
        audience: Entry::new(audience.clone()),
        style: spec.style.clone(),
        report: Entry::new(sel.report()),
        countries: sel.chosen.iter().map(|c| CountryView { id: c.id.clone(), name: c.name.clone(), short_name: c.short_name.clone() }).collect(),
        themes: Entry::all(themes).into(),
        items: items.into(),
        figures: Entry::all(figures).into(),
        headline: Entry::all(headline).into(),
        quotes: sel.quotes().into(),
        services: sel.services().into(),
        series,
        conclusion: Entry::all(sel.conclusion()).into(),
        references: sel.references().into(),
        glossary: Vec::new(),
        matrix,
    }
}

struct Selector<'a> {
    data: &'a Dataset,
    spec: &'a Spec,
    /// The selected countries, in report order.
    chosen: Vec<&'a Country>,
    /// The selected countries' names, as every entry from them holds them.
    places: Vec<Place>,
    /// Citations made so far, by chapter, section and page: a chapter's passages share a
    /// few dozen, and making each afresh was a third of selecting on a large dataset.
    cites: std::cell::RefCell<HashMap<(&'a str, &'a str, Option<u32>), Arc<str>>>,
}

/// The strings entries hold alike are made once and shared, not copied into each: on a
/// large dataset the copies were most of the memory a brief's selection took, and
/// touching fresh memory (the kernel clears each page first) was most of its time.
struct Place {
    id: Arc<str>,
    name: Arc<str>,
    short_name: Arc<str>,
}

impl<'a> Selector<'a> {

    fn cite(&self, c: &'a Country, section: &'a str, page: Option<u32>) -> Arc<str> {
        self.cites.borrow_mut().entry((&c.id, section, page)).or_insert_with(|| self.cite_afresh(c, section, page).into()).clone()
    }

    fn place(&self, c: &Country) -> &Place {
        let at = self.chosen.iter().position(|x| std::ptr::eq(*x, c)).expect("entries come from selected countries");
        &self.places[at]
    }

    fn cite_afresh(&self, c: &Country, section: &str, page: Option<u32>) -> String {
        // A source without numbered sections or pages: the chapter alone.
        if c.sections.is_empty() {
            return page.map_or_else(|| c.name.clone(), |p| format!("{}, {}", c.name, words::pages(p, p)));
        }
        let title = c.sections.get(section).map_or(section, |s| s.title.as_str());
        let pages = match page {
            Some(p) => words::pages(p, p),
            None => {
                let (a, b) = self.data.section_pages(c, section);
                words::pages(a, b)
            }
        };
        if section == "chapter" { format!("{}, {pages}", c.name) } else { format!("{}, {title}, {pages}", c.name) }
    }

    fn on_theme(&self, themes: &[String]) -> bool {
        self.spec.themes.any(themes)
    }

    fn figure(&self, c: &'a Country, f: &'a model::Figure) -> FigureView {
        let place = self.place(c);
        FigureView::new(f, place.id.clone(), place.name.clone(), f.themes.arc(), self.cite(c, f.section.as_deref().unwrap_or("chapter"), f.page))
    }

    fn examples(&self, examples: &[model::Example]) -> Vec<ExampleView> {
        examples
            .iter()
            .filter(|e| !e.countries.is_empty() && e.countries.iter().all(|c| self.spec.countries.includes(c)))
            .map(|e| ExampleView { countries: e.countries.clone(), text: e.text.clone() })
            .collect()
    }

    /// Passages on the selected themes. One that opens by pointing back at the passage
    /// before it (tagged `follows`) cannot stand alone in a brief and is left out; one that
    /// points on to what follows it ends in a full stop (`words::printed_end`); a lead
    /// that the text itself begins with is not printed twice.
    fn passages_of(&self, c: &'a Country, out: &mut Vec<Entry<TaggedItem>>) {
        let place = self.place(c);
        let no_tags = model::List::default();
        let mut push = |kind: &'static str, section: &'static str, id: &Shared, lead: Option<&Shared>, text: &Shared, themes: &model::List, tags: &model::List, page: Option<u32>| {
            if self.on_theme(themes) && !tags.iter().any(|t| t == "follows") {
                let lead = lead.filter(|l| !words::starts_with_ignoring_case(text, l));
                let text = words::printed_end(text);
                out.push(Entry::new(TaggedItem {
                    kind,
                    id: id.clone(),
                    lead: lead.cloned(),
                    gist: Gist(text.clone()),
                    text,
                    themes: themes.arc(),
                    tags: tags.arc(),
                    country: place.id.clone(),
                    country_name: place.name.clone(),
                    short_name: place.short_name.clone(),
                    cite: self.cite(c, section, page),
                }));
            }
        };
        for k in &c.key_messages {
            push("key-message", "key-messages", &k.id, Some(&k.lead), &k.text, &k.themes, &k.tags, k.page);
        }
        for i in &c.context {
            push("context", "context", &i.id, None, &i.text, &i.themes, &i.tags, i.page);
        }
        for t in &c.timeline {
            push("timeline", "context", &t.id, Some(&t.when), &t.event, &t.themes, &no_tags, t.page);
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
    /// them chronologically), each with whether it is shown: if any of its points is on a
    /// selected theme.
    fn series(&self) -> Vec<(SeriesView, bool)> {
        let countries = &self.chosen;
        let mut out: Vec<(SeriesView, bool)> = Vec::new();
        for country in countries {
            for f in &country.figures {
                let (Some(id), Some(when)) = (&f.series, &f.when) else { continue };
                let point = SeriesPoint { when: when.to_string(), value: f.value, number: figure_number(f) };
                let on_theme = self.on_theme(&f.themes);
                match out.iter_mut().find(|(s, _)| &s.id == id) {
                    Some((s, shown)) => {
                        s.points.push(point);
                        *shown |= on_theme;
                    }
                    None => out.push((
                        SeriesView {
                            id: id.to_string(),
                            unit: f.unit.to_string(),
                            place: f.place.to_string(),
                            country_name: country.name.clone(),
                            points: vec![point],
                            max: 0.0,
                            cite: self.cite(country, f.section.as_deref().unwrap_or("chapter"), f.page).to_string(),
                            alt: String::new(),
                        },
                        on_theme,
                    )),
                }
            }
        }
        out.into_iter()
            .filter(|(s, _)| s.points.len() >= 2)
            .map(|(mut s, shown)| {
                s.max = s.points.iter().map(|p| p.value).fold(0.0, f64::max);
                let points: Vec<String> = s.points.iter().map(|p| format!("{} ({})", p.number, p.when)).collect();
                s.alt = format!("Bar chart of {}, {}: {}.", s.unit, s.place, points.join(", "));
                (s, shown)
            })
            .collect()
    }

    fn themes(&self) -> Vec<ThemeView> {
        let data = self.data;
        data.insights
            .insights
            .iter()
            .filter(|i| self.spec.themes.includes(&i.id))
            .map(|i| ThemeView {
                id: i.id.clone(),
                number: i.number,
                name: i.name.clone(),
                title: i.title.clone(),
                summary: i.summary.clone(),
                examples: self.examples(&i.examples),
                cite: match (&data.insights.section, i.page) {
                    (Some(s), p) => format!("{}, {}", s.title, words::pages(p.unwrap_or(s.page), p.unwrap_or(s.page))),
                    (None, Some(p)) => words::pages(p, p),
                    (None, None) => String::new(),
                },
                option: data.options.as_ref().and_then(|o| o.options.get(&i.id).cloned()),
            })
            .collect()
    }

    fn passages(&self) -> Vec<Entry<TaggedItem>> {
        let mut items = Vec::new();
        for c in &self.chosen {
            self.passages_of(c, &mut items);
        }
        items
    }

    /// Figures on the selected themes, one record per fact.
    fn figures(&self) -> Vec<FigureView> {
        distinct(self.chosen.iter().flat_map(|c| c.figures.iter().filter(|f| self.on_theme(&f.themes)).map(|f| self.figure(c, f))).collect())
    }

    /// The headline strip. It needs a few figures even when the themes tag fewer: then the
    /// selected countries' other figures fill it, after the on-theme ones.
    fn headline(&self, figures: &[FigureView], series: &[&SeriesView]) -> Vec<FigureView> {
        let words = &self.data.report.headline;
        if figures.iter().filter(|f| headline_score(f, false, words) > 0).take(3).count() == 3 {
            return headline(figures, series, words);
        }
        let mut candidates = figures.to_vec();
        for c in &self.chosen {
            candidates.extend(c.figures.iter().filter(|f| !self.on_theme(&f.themes)).map(|f| self.figure(c, f)));
        }
        // One record per fact over both, the on-theme ones kept: an off-theme record of an
        // on-theme fact joins its series, so a strip shows the series once.
        headline(&distinct(candidates), series, words)
    }

    fn quotes(&self) -> Vec<Entry<QuoteView>> {
        self.chosen
            .iter()
            .flat_map(|c| {
                c.quotes.iter().filter(|q| self.on_theme(&q.themes)).map(move |q| Entry::new(QuoteView {
                    id: q.id.clone(),
                    text: q.text.clone(),
                    who: q.who.clone(),
                    country: self.place(c).id.clone(),
                    country_name: self.place(c).name.clone(),
                    themes: q.themes.arc(),
                    cite: self.cite(c, q.section.as_deref().unwrap_or("chapter"), q.page),
                }))
            })
            .collect()
    }

    /// Services on the selected themes, each with its own figures that its points do not
    /// already state.
    fn services(&self) -> Vec<Entry<ServiceView>> {
        self.chosen
            .iter()
            .flat_map(|c| {
                // Each service's figures, gathered in one pass over the chapter's figures.
                let mut by_service: HashMap<&str, Vec<&model::Figure>> = HashMap::default();
                for f in &c.figures {
                    if let Some(s) = &f.service {
                        by_service.entry(s).or_default().push(f);
                    }
                }
                c.services.iter().filter(|s| self.on_theme(&s.themes)).map(move |s| {
                    let points = s.points.join(" ");
                    let figures = by_service.get(s.id.as_str()).map_or(&[][..], Vec::as_slice);
                    Entry::new(ServiceView {
                        id: s.id.clone(),
                        name: s.name.clone(),
                        place: words::place_without_told_count(&s.place, &points),
                        elsewhere: !mentions(&s.place, &c.name) && !mentions(&s.place, &c.short_name),
                        points: s.points.clone(),
                        country: self.place(c).id.clone(),
                        country_name: self.place(c).name.clone(),
                        themes: s.themes.arc(),
                        figures: distinct(
                            figures.iter().filter(|f| !states(&points, f)).map(|f| self.figure(c, f)).collect(),
                        ),
                        cite: self.cite(c, "services", s.page),
                    })
                })
            })
            .collect()
    }

    fn references(&self) -> Vec<Entry<ReferenceView>> {
        self.chosen
            .iter()
            .flat_map(|c| {
                c.references.iter().map(move |r| Entry::new(ReferenceView {
                    id: r.id.clone(),
                    citation: words::printed_end(&r.citation),
                    url: r.url.clone(),
                    country: self.place(c).id.clone(),
                    country_name: self.place(c).name.clone(),
                }))
            })
            .collect()
    }

    fn conclusion(&self) -> Vec<ConclusionView> {
        let Some(conclusion) = &self.data.conclusion else { return Vec::new() };
        let section = &conclusion.section;
        conclusion
            .themes
            .iter()
            .filter(|t| self.spec.themes.any(&t.themes))
            .map(|t| {
                let page = t.page.unwrap_or(section.page);
                ConclusionView {
                    id: t.id.clone(),
                    title: t.title.clone(),
                    text: t.text.clone(),
                    examples: self.examples(&t.examples),
                    cite: format!("{}, {}", section.title, words::pages(page, page)),
                }
            })
            .collect()
    }

    /// Selected countries × selected themes.
    fn matrix(&self, themes: &[ThemeView], items: &[Entry<TaggedItem>]) -> Vec<MatrixRow> {
        // Each country's distinct lists of themes: its passages share a few dozen
        // (`Selector::list`), and a cell asks those rather than every passage.
        let mut lists_of: HashMap<&str, Vec<&Arc<[String]>>> = HashMap::default();
        for i in items {
            let lists = lists_of.entry(&i.country).or_default();
            if !lists.iter().any(|l| Arc::ptr_eq(l, &i.themes)) {
                lists.push(&i.themes);
            }
        }
        self.chosen
            .iter()
            .map(|c| {
                // A key message on two themes would fill two cells of the row with the same
                // words: each cell takes the first one not shown yet in the row, and where
                // there is none it points back to the cell that shows it.
                let mut shown: Vec<(&str, &str)> = Vec::new();
                let cells = themes
                    .iter()
                    .map(|t| {
                        let on_theme = || c.key_messages.iter().filter(|k| k.themes.contains(&t.id));
                        let key = on_theme().find(|k| !shown.iter().any(|(id, _)| *id == k.id.as_str()));
                        let also = if key.is_none() { on_theme().find_map(|k| shown.iter().find(|(id, _)| *id == k.id.as_str())).map(|(_, name)| name.to_string()) } else { None };
                        if let Some(k) = key {
                            shown.push((&k.id, &t.name));
                        }
                        let other = lists_of.get(c.id.as_str()).is_some_and(|lists| lists.iter().any(|l| l.contains(&t.id)));
                        MatrixCell {
                            theme: t.id.clone(),
                            level: if key.is_some() || also.is_some() { "key" } else if other { "other" } else { "none" }.to_string(),
                            lead: key.map(|k| k.lead.to_string()),
                            cite: key.map(|k| self.cite(c, "key-messages", k.page).to_string()),
                            also,
                        }
                    })
                    .collect();
                MatrixRow { country: c.id.clone(), short_name: c.short_name.clone(), cells }
            })
            .collect()
    }

    /// The words about the selection: its dates, names, labels, counts and brand.
    fn meta(&self, themes: &[ThemeView], audience: &Audience) -> Meta {
        let (spec, data, chosen) = (self.spec, self.data, &self.chosen);
        // "British Columbia, Canada" reads as two places in a list: "British Columbia (Canada)".
        let country_names: Vec<String> =
            chosen.iter().map(|c| c.name.split_once(", ").map_or_else(|| c.name.clone(), |(a, b)| format!("{a} ({b})"))).collect();
        let theme_names: Vec<String> = themes.iter().map(|t| lower_first(&t.name)).collect();
        let mut keywords = data.report.keywords.clone();
        keywords.push(audience.id.clone());
        keywords.extend(chosen.iter().map(|c| c.short_name.clone()));
        keywords.extend(themes.iter().map(|t| t.name.clone()));
        Meta {
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
            audience: audience.id.clone(),
            audience_name: audience.name.clone(),
            paper: spec.paper.typst_name().to_string(),
            keywords,
            all_countries: spec.countries == Selection::All,
            all_themes: spec.themes == Selection::All,
            countries_label: join_names(&country_names),
            countries_count: chosen.len(),
            countries_count_word: number_word(chosen.len()),
            themes_label: join_names(&theme_names),
            themes_count: themes.len(),
            total_countries: data.countries.len(),
            total_countries_word: number_word(data.countries.len()),
            units: data.report.units.clone(),
            target: spec.target.clone().or_else(|| data.options.as_ref().map(|o| o.target.clone())),
            brand: BrandView {
                colour: spec.brand.colour.clone(),
                accent: spec.brand.accent.clone(),
                logo: spec.brand.logo.as_ref().map(|_| LOGO_PATH.to_string()),
                logo_alt: format!("Logo of {}", spec.organisation.as_deref().unwrap_or("the issuing organisation")),
            },
        }
    }

    /// The report itself: its title, method and where the selected countries' references are.
    fn report(&self) -> ReportView {
        let report = &self.data.report;
        let ref_pages: Vec<u32> = self.chosen.iter().filter_map(|c| c.sections.get("references")).map(|s| s.page).collect();
        let references_cite = match (ref_pages.iter().min(), ref_pages.iter().max()) {
            (Some(a), Some(b)) => format!("References, {}", words::pages(*a, *b)),
            _ => "References".to_string(),
        };
        let method = report.method.as_ref();
        let topic = report.topic.clone().unwrap_or_else(|| report.title.clone());
        ReportView {
            title: report.title.clone(),
            short_title: report.short_title.clone().unwrap_or_else(|| report.title.clone()),
            subtitle: report.subtitle.clone(),
            authors: report.authors.clone(),
            topic_short: report.topic_short.clone().unwrap_or_else(|| topic.clone()),
            topic,
            units: report.units.clone(),
            purpose: report.purpose.clone(),
            interviews: method.and_then(|m| m.interviews),
            method_parts: method
                .map(|m| m.sources.iter().cloned().chain(m.interviews.map(|n| format!("{n} interview{}", if n == 1 { "" } else { "s" }))).collect())
                .unwrap_or_default(),
            about: report.about.clone(),
            method: method.and_then(|m| m.summary.clone()),
            interviewees: method.map(|m| m.interviewees.clone()).unwrap_or_default(),
            method_cite: report.sections.get("introduction").map_or_else(String::new, |s| format!("{}, {}", s.title, words::pages(s.page, s.page))),
            introduction: report.introduction.iter().map(|i| i.text.to_string()).collect(),
            references_cite,
        }
    }
}
