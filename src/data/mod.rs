//! Load stage: `data/*.yaml` into typed structs, then check what serde cannot
//! (ids, references between files, empty text) with file:line diagnostics.

pub mod model;

use crate::diagnostic::{self, Diagnostic};
use model::*;
use serde::de::DeserializeOwned;
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The files of a dataset besides its chapters (`countries/*.yaml`); all but the first two
/// are optional.
pub const FILES: [&str; 6] = ["report.yaml", "insights.yaml", "conclusion.yaml", "glossary.yaml", "global.yaml", "options.yaml"];

/// What a dataset under `dir` is read from, present or not (for keys: one appearing
/// changes them): `FILES` and the chapters.
pub fn input_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = FILES.iter().map(|f| dir.join(f)).collect();
    files.extend(chapter_files(dir).unwrap_or_default());
    files
}

/// The chapter files `Dataset::load` reads: `countries/*.yaml`, sorted.
fn chapter_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir.join("countries"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    paths.sort();
    Ok(paths)
}

/// Section keys of a country chapter, in report order.
pub const SECTION_KEYS: [&str; 7] =
    ["chapter", "key-messages", "context", "enablers", "findings", "services", "references"];

/// Serialisable for `produce::cache`, which keeps a checked dataset between runs; the
/// folder and the raw texts are not kept (a cached dataset has passed its checks, and only
/// they read the texts).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Dataset {
    #[serde(skip)]
    pub dir: PathBuf,
    pub report: Report,
    pub insights: Insights,
    /// The report's conclusion (optional file).
    pub conclusion: Option<Conclusion>,
    pub glossary: Glossary,
    /// A second, shorter source on jurisdictions beyond the chapters (optional file).
    pub global: Option<Global>,
    /// What the briefs advise (optional file).
    pub options: Option<Options>,
    /// In report order.
    pub countries: Vec<Country>,
    /// Raw text of every file, to point diagnostics at lines.
    #[serde(skip)]
    sources: BTreeMap<PathBuf, String>,
}

fn read_yaml<T: DeserializeOwned>(
    path: &Path,
    sources: &mut BTreeMap<PathBuf, String>,
) -> Result<T, Diagnostic> {
    let text = diagnostic::read_text(path, "check that the data folder holds the file (see data/README.md)")?;
    sources.insert(path.to_path_buf(), text.clone());
    if is_blank_yaml(&text) {
        return Err(Diagnostic::new("the file is empty").in_file(path).hint("see data/README.md for what it must hold"));
    }
    serde_yaml::from_str(&text).map_err(|e| diagnostic::from_yaml(path, &text, &e))
}

/// Reads many files of one type, in the order given, on as many threads as there are
/// cores: on a large report, parsing the chapters is most of what every build costs
/// before its first brief (3.2 MB of YAML take about 110 ms on one core).
fn read_all<T: DeserializeOwned + Send>(paths: &[PathBuf], sources: &mut BTreeMap<PathBuf, String>) -> Vec<Result<T, Diagnostic>> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(paths.len());
    if threads <= 1 {
        return paths.iter().map(|p| read_yaml(p, sources)).collect();
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut done: Vec<(usize, BTreeMap<PathBuf, String>, Result<T, Diagnostic>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(path) = paths.get(i) else { break mine };
                        let mut text = BTreeMap::new();
                        let read = read_yaml(path, &mut text);
                        mine.push((i, text, read));
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a YAML parse panicked")).collect()
    });
    done.sort_by_key(|(i, _, _)| *i);
    done.into_iter()
        .map(|(_, text, read)| {
            sources.extend(text);
            read
        })
        .collect()
}

/// True for a file with nothing but whitespace and comments.
pub fn is_blank_yaml(text: &str) -> bool {
    text.lines().all(|l| {
        let l = l.trim();
        l.is_empty() || l.starts_with('#') || l == "---"
    })
}

impl Dataset {
    /// Every running text of the dataset (passages, points, quotes, measures, places; not
    /// titles or citations, which are in title case), for the editorial check's vocabulary.
    pub fn running_texts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        fn items(v: &[model::Item]) -> impl Iterator<Item = &str> {
            v.iter().map(|i| i.text.as_str())
        }
        for c in &self.countries {
            out.push(&c.name);
            out.extend(items(&c.intro));
            for k in &c.key_messages {
                out.push(&k.text);
            }
            out.extend(items(&c.context));
            out.extend(c.timeline.iter().map(|t| t.event.as_str()));
            for g in &c.enablers {
                out.extend(items(&g.items));
            }
            out.extend(items(&c.findings));
            out.extend(items(&c.lessons));
            for s in &c.services {
                out.push(&s.place);
                out.extend(s.points.iter().map(Shared::as_str));
            }
            for f in &c.figures {
                out.push(&f.measure);
                out.push(&f.place);
            }
            out.extend(c.quotes.iter().map(|q| q.text.as_str()));
        }
        for i in &self.insights.insights {
            out.push(&i.summary);
            out.extend(i.examples.iter().map(|e| e.text.as_str()));
        }
        for t in self.conclusion.iter().flat_map(|c| &c.themes) {
            out.push(&t.text);
        }
        out.extend(items(&self.report.introduction));
        for t in self.glossary.terms.iter().chain(&self.glossary.acronyms) {
            out.push(&t.term);
            out.push(&t.gloss);
        }
        out
    }

    /// Titles and citations: in title case, so they only show which words the report
    /// also writes in lower case.
    pub fn titled_texts(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for c in &self.countries {
            out.extend(c.references.iter().map(|r| r.citation.as_str()));
            out.extend(c.services.iter().map(|s| s.name.as_str()));
        }
        out
    }

    /// Loads every file of the dataset, reporting all syntax and type errors at once.
    pub fn load(dir: &Path) -> Result<Dataset, Vec<Diagnostic>> {
        if !dir.is_dir() {
            return Err(vec![Diagnostic::new(format!("data folder `{}` not found", dir.display()))
                .hint("run briefgen from the project folder, or pass --data DIR")]);
        }
        let mut sources = BTreeMap::new();
        let mut errors = Vec::new();
        macro_rules! load {
            ($name:literal) => {
                read_yaml(&dir.join($name), &mut sources).map_err(|e| errors.push(e)).ok()
            };
        }
        let report: Option<Report> = load!("report.yaml");
        let insights: Option<Insights> = load!("insights.yaml");
        // Optional files: a report may have no conclusion and no second source.
        let optional = |name: &str| dir.join(name).exists();
        let conclusion: Option<Conclusion> = if optional("conclusion.yaml") { load!("conclusion.yaml") } else { None };
        let glossary: Option<Glossary> = if optional("glossary.yaml") { load!("glossary.yaml") } else { Some(Glossary::default()) };
        let global: Option<Global> = if optional("global.yaml") { load!("global.yaml") } else { None };
        // Optional: a dataset may advise no one.
        let options: Option<Options> = if optional("options.yaml") { load!("options.yaml") } else { None };

        let mut countries = Vec::new();
        let country_dir = dir.join("countries");
        let paths: Vec<PathBuf> = chapter_files(dir).unwrap_or_else(|e| {
            errors.push(Diagnostic::new(format!("cannot read `{}`: {e}", country_dir.display())));
            Vec::new()
        });
        if paths.is_empty() && country_dir.is_dir() {
            errors.push(
                Diagnostic::new(format!("the folder `{}` holds no chapter files", country_dir.display()))
                    .hint("each country chapter is a file `countries/<id>.yaml`; see data/README.md"),
            );
        }
        let mut failed: Vec<PathBuf> = Vec::new();
        for (path, chapter) in paths.iter().zip(read_all::<Country>(&paths, &mut sources)) {
            match chapter {
                Ok(c) => {
                    let stem = path.file_stem().unwrap_or_default().to_string_lossy().to_string();
                    if c.id != stem {
                        let text = &sources[path];
                        errors.push(
                            Diagnostic::new(format!("the chapter id `{}` differs from the file name `{stem}.yaml`", c.id))
                                .in_file(path)
                                .locate(text, None, "id", &c.id)
                                .hint(format!("write `id: {stem}` or rename the file to `{}.yaml`", c.id)),
                        );
                    }
                    countries.push(c);
                }
                Err(e) => {
                    errors.push(e);
                    failed.push(path.clone());
                }
            }
        }
        countries.sort_by_key(|c| c.order);
        let (Some(report), Some(insights), Some(glossary)) = (report, insights, glossary) else {
            return Err(errors);
        };
        let data = Dataset { dir: dir.to_path_buf(), report, insights, conclusion, glossary, global, options, countries, sources };
        if !errors.is_empty() && !failed.is_empty() && !data.countries.is_empty() {
            // A chapter that does not parse should not hide the other files' problems: check
            // what did load, leaving out what only says that chapter is missing.
            let broken: Vec<String> = failed.iter().map(|p| p.file_stem().unwrap_or_default().to_string_lossy().into_owned()).collect();
            errors.extend(data.check().into_iter().filter(|d| !broken.iter().any(|b| d.message.contains(&format!("`{b}`")))));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(data)
    }

    /// Loads and checks; the dataset is usable only if both pass.
    pub fn load_checked(dir: &Path) -> Result<Dataset, Vec<Diagnostic>> {
        let data = Dataset::load(dir)?;
        let errors = data.check();
        if errors.is_empty() { Ok(data) } else { Err(errors) }
    }

    pub fn country(&self, id: &str) -> Option<&Country> {
        self.countries.iter().find(|c| c.id == id)
    }

    pub fn country_ids(&self) -> Vec<&str> {
        self.countries.iter().map(|c| c.id.as_str()).collect()
    }

    pub fn theme_ids(&self) -> Vec<&str> {
        self.insights.insights.iter().map(|i| i.id.as_str()).collect()
    }

    pub fn insight(&self, id: &str) -> Option<&Insight> {
        self.insights.insights.iter().find(|i| i.id == id)
    }

    /// First and last page of a chapter section: it runs to where the next section starts
    /// (sections share pages), and a chapter's last section ends before the next chapter.
    pub fn section_pages(&self, country: &Country, key: &str) -> (u32, u32) {
        let start = country.sections.get(key).map_or(0, |s| s.page);
        if key == "references" {
            return (start, start);
        }
        let idx = SECTION_KEYS.iter().position(|k| *k == key).unwrap_or(0);
        let next_in_chapter = SECTION_KEYS[idx + 1..]
            .iter()
            .filter(|k| **k != "references")
            .find_map(|k| country.sections.get(*k))
            .map(|s| s.page);
        let end = match next_in_chapter {
            Some(p) => p,
            None => {
                let next_chapter = self
                    .countries
                    .iter()
                    .filter(|c| c.order > country.order)
                    .min_by_key(|c| c.order)
                    .and_then(|c| c.sections.get("chapter"))
                    .or_else(|| self.report.sections.get("conclusion"))
                    .map_or(start + 1, |s| s.page);
                next_chapter.saturating_sub(1)
            }
        };
        (start, end.max(start))
    }

    /// Checks everything serde cannot: unique ids, known country and theme ids, no empty
    /// text, figures and quotes in a known section, services that exist.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut c = Checker { data: self, errors: Vec::new(), seen: FxHashSet::default(), themes: self.theme_ids(), countries: self.country_ids() };
        c.run();
        c.errors
    }

    fn source(&self, file: &Path) -> &str {
        self.sources.get(file).map_or("", String::as_str)
    }
}

fn contains_id(line: &str, id: &str) -> bool {
    line.split(|c: char| !(c.is_alphanumeric() || c == '-')).any(|w| w == id)
}

struct Checker<'a> {
    data: &'a Dataset,
    errors: Vec<Diagnostic>,
    // Borrowed, as are the ids below: a large dataset has tens of thousands of items.
    seen: FxHashSet<&'a str>,
    themes: Vec<&'a str>,
    countries: Vec<&'a str>,
}

impl<'a> Checker<'a> {
    fn file(&self, name: &str) -> PathBuf {
        self.data.dir.join(name)
    }

    fn error(&mut self, file: &Path, anchor: Option<&str>, key: &str, value: &str, msg: String, hint: String) {
        let text = self.data.source(file);
        self.errors.push(Diagnostic::new(msg).in_file(file).locate(text, anchor, key, value).hint(hint));
    }

    fn id(&mut self, file: &Path, id: &'a str) {
        let valid = !id.is_empty()
            && id.split('-').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
        if !valid {
            self.error(file, None, "id", id, format!("id `{id}` is not well-formed"), "ids use lowercase letters, digits and single hyphens, e.g. `wales-km-autonomy`".into());
        }
        if !self.seen.insert(id) {
            // Point at the last use in this file: the first may be in another file.
            let text = self.data.source(file);
            let mut d = Diagnostic::new(format!("id `{id}` is used twice"))
                .in_file(file)
                .hint("every id must be unique across the whole data folder: add a distinguishing word");
            if let Some((n, line)) = text.lines().enumerate().filter(|(_, l)| l.contains("id:") && contains_id(l, id)).last() {
                let col = line.find(id).map_or(1, |b| line[..b].chars().count() + 1);
                d = d.at(text, n + 1, col, id.chars().count());
            }
            self.errors.push(d);
        }
    }

    fn text(&mut self, file: &Path, id: &str, key: &str, text: &str) {
        if text.trim().is_empty() {
            let t = self.data.source(file);
            self.errors.push(
                Diagnostic::new(format!("`{key}` of `{id}` is empty"))
                    .in_file(file)
                    .locate(t, Some(id), key, "")
                    .hint(format!("write the report's text in `{key}`, or remove the item")),
            );
        }
    }

    fn themes(&mut self, file: &Path, id: &str, themes: &[String]) {
        for t in themes {
            if !self.themes.contains(&t.as_str()) {
                let hint = diagnostic::suggest(t, self.themes.iter().copied());
                self.error(file, Some(id), "themes", t, format!("unknown theme id `{t}` in `{id}`"), hint);
            }
        }
    }

    fn countries(&mut self, file: &Path, anchor: &str, countries: &[String]) {
        for c in countries {
            if !self.countries.contains(&c.as_str()) {
                let hint = diagnostic::suggest(c, self.countries.iter().copied());
                self.error(file, Some(anchor), "countries", c, format!("unknown country id `{c}`"), hint);
            }
        }
    }

    fn item(&mut self, file: &Path, item: &'a Item) {
        self.id(file, &item.id);
        self.text(file, &item.id, "text", &item.text);
        self.themes(file, &item.id, &item.themes);
    }

    fn section(&mut self, file: &Path, id: &str, section: &str, valid: &[&str]) {
        if !valid.contains(&section) {
            let hint = diagnostic::suggest(section, valid.iter().copied());
            self.error(file, Some(id), "section", section, format!("unknown section `{section}` in `{id}`"), hint);
        }
    }

    fn figure(&mut self, file: &Path, f: &'a Figure, sections: &[&str]) {
        self.id(file, &f.id);
        self.text(file, &f.id, "measure", &f.measure);
        self.text(file, &f.id, "unit", &f.unit);
        self.text(file, &f.id, "place", &f.place);
        self.themes(file, &f.id, &f.themes);
        if let Some(section) = &f.section {
            self.section(file, &f.id, section, sections);
        }
        if !f.value.is_finite() {
            self.error(file, Some(&f.id), "value", "", format!("figure `{}` has no numeric value", f.id), "write the number only, e.g. `value: 71`".into());
        }
    }

    fn quote(&mut self, file: &Path, q: &'a Quote, sections: Option<&[&str]>) {
        self.id(file, &q.id);
        self.text(file, &q.id, "text", &q.text);
        self.themes(file, &q.id, &q.themes);
        match (sections, &q.section) {
            (Some(valid), Some(s)) => self.section(file, &q.id, s, valid),
            (Some(_), None) => self.error(file, None, "id", &q.id, format!("quote `{}` has no section", q.id), "add `section:` with the chapter section the quote stands in, e.g. `section: findings`".into()),
            _ => {}
        }
    }

    fn run(&mut self) {
        let data = self.data;
        if let Some(options) = &data.options {
            let file = self.file("options.yaml");
            let themes = self.themes.clone();
            for id in options.options.keys() {
                if !themes.contains(&id.as_str()) {
                    let hint = diagnostic::suggest(id, themes.iter().copied());
                    self.error(&file, None, id, "", format!("an option for the unknown theme `{id}`"), hint);
                }
            }
            for t in &themes {
                if !options.options.contains_key(*t) {
                    self.error(&file, None, "options", "", format!("no option for the theme `{t}`"), format!("add a line `  {t}: \"...\"` under `options:` (one sentence, in your words)"));
                }
            }
        }
        let file = self.file("insights.yaml");
        for item in &data.insights.intro {
            self.item(&file, item);
        }
        for i in &data.insights.insights {
            self.id(&file, &i.id);
            self.text(&file, &i.id, "summary", &i.summary);
            self.text(&file, &i.id, "title", &i.title);
            for e in &i.examples {
                self.countries(&file, &i.id, &e.countries);
                self.text(&file, &i.id, "text", &e.text);
            }
        }

        let file = self.file("report.yaml");
        for item in data.report.how_to_read.iter().chain(&data.report.introduction) {
            self.item(&file, item);
        }
        for q in &data.report.quotes {
            self.quote(&file, q, None);
        }
        let report_sections: Vec<&str> = data.report.sections.keys().map(String::as_str).collect();
        for f in &data.report.figures {
            self.figure(&file, f, &report_sections);
        }

        if let Some(conclusion) = &data.conclusion {
            let file = self.file("conclusion.yaml");
            for item in &conclusion.intro {
                self.item(&file, item);
            }
            for t in &conclusion.themes {
                self.id(&file, &t.id);
                self.text(&file, &t.id, "text", &t.text);
                self.themes(&file, &t.id, &t.themes);
                for e in &t.examples {
                    self.countries(&file, &t.id, &e.countries);
                }
            }
            for q in &conclusion.quotes {
                self.quote(&file, q, None);
            }
        }

        let file = self.file("glossary.yaml");
        for t in data.glossary.terms.iter().chain(&data.glossary.acronyms) {
            self.text(&file, &t.term, "term", &t.term);
            if let Some(c) = &t.country {
                self.countries(&file, &t.term, std::slice::from_ref(c));
            }
        }

        if let Some(global) = &data.global {
            let file = self.file("global.yaml");
            for item in &global.intro {
                self.item(&file, item);
            }
            for j in &global.jurisdictions {
                self.id(&file, &j.id);
                for p in &j.points {
                    self.item(&file, p);
                }
            }
        }

        for country in &data.countries {
            self.country(country);
        }
    }

    fn country(&mut self, c: &'a Country) {
        let file = self.file(&format!("countries/{}.yaml", c.id));
        for key in c.sections.keys() {
            if !SECTION_KEYS.contains(&key.as_str()) {
                let hint = diagnostic::suggest(key, SECTION_KEYS);
                self.error(&file, None, "sections", "", format!("unknown section key `{key}`"), hint);
            }
        }
        for item in c.intro.iter().chain(&c.context).chain(&c.findings).chain(&c.lessons) {
            self.item(&file, item);
        }
        for g in &c.enablers {
            self.text(&file, &g.heading, "heading", &g.heading);
            for item in &g.items {
                self.item(&file, item);
            }
        }
        for k in &c.key_messages {
            self.id(&file, &k.id);
            self.text(&file, &k.id, "lead", &k.lead);
            self.text(&file, &k.id, "text", &k.text);
            self.themes(&file, &k.id, &k.themes);
        }
        for t in &c.timeline {
            self.id(&file, &t.id);
            self.text(&file, &t.id, "when", &t.when);
            self.text(&file, &t.id, "event", &t.event);
            self.themes(&file, &t.id, &t.themes);
        }
        for s in &c.services {
            self.id(&file, &s.id);
            self.text(&file, &s.id, "name", &s.name);
            self.text(&file, &s.id, "place", &s.place);
            if s.points.iter().all(|p| p.trim().is_empty()) {
                self.error(&file, None, "id", &s.id, format!("service `{}` says nothing about what it does", s.id), "add the report's bullet points under `points:`".into());
            }
            self.themes(&file, &s.id, &s.themes);
        }
        let services: Vec<&str> = c.services.iter().map(|s| s.id.as_str()).collect();
        for f in &c.figures {
            self.figure(&file, f, &SECTION_KEYS);
            if let Some(s) = &f.service
                && !services.contains(&s.as_str())
            {
                let hint = diagnostic::suggest(s, services.iter().copied());
                self.error(&file, Some(&f.id), "service", s, format!("figure `{}` names unknown service `{s}`", f.id), hint);
            }
        }
        for q in &c.quotes {
            self.quote(&file, q, Some(&SECTION_KEYS));
        }
        for r in &c.references {
            self.id(&file, &r.id);
            self.text(&file, &r.id, "citation", &r.citation);
        }
    }
}
