//! What templates see: the brief's content as serialisable views, one context for every
//! template. Everything is in flat lists in report order (templates group by `country` when
//! they want to), so the budget stage can drop an item by removing it from one list.

use crate::data::model::{self, Approx, Shared};
use serde::Serialize;
use super::fields;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use std::fmt;
use std::sync::{Arc, Mutex};

/// A list entry of the brief shared between the candidates of the page-budget search:
/// each candidate is a copy of the brief rendered through the templates, so an entry is
/// copied by reference. To a template it is a map whose fields become template values one
/// by one, when first read, and once for all candidates: a long list that a template only
/// filters on one attribute costs that attribute (on a large dataset, turning every entry
/// into values cost more than the layouts).
#[derive(Debug)]
pub struct Entry<T>(Arc<Fields<T>>);

/// An entry and the fields a template has read.
#[derive(Debug)]
pub struct Fields<T> {
    entry: T,
    read: Mutex<Vec<(&'static str, minijinja::Value)>>,
}

impl<T> Entry<T> {
    pub fn new(entry: T) -> Entry<T> {
        Entry(Arc::new(Fields { entry, read: Mutex::new(Vec::new()) }))
    }

    pub fn all(entries: Vec<T>) -> Vec<Entry<T>> {
        entries.into_iter().map(Entry::new).collect()
    }
}

impl<T: Serialize + fmt::Debug + Send + Sync + 'static> Entry<T> {
    /// The entry as a template value: the shared entry itself, its fields read on demand.
    fn value(&self) -> minijinja::Value {
        minijinja::Value::from_dyn_object(Arc::clone(&self.0))
    }
}

impl<T> Clone for Entry<T> {
    fn clone(&self) -> Entry<T> {
        Entry(Arc::clone(&self.0))
    }
}

impl<T> std::ops::Deref for Entry<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0.entry
    }
}

impl<T: Serialize + fmt::Debug + Send + Sync + 'static> Object for Fields<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        let key = key.as_str()?;
        let mut read = self.read.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, v)) = read.iter().find(|(k, _)| *k == key) {
            return Some(v.clone());
        }
        let (name, value) = fields::field(&self.entry, key)?;
        read.push((name, value.clone()));
        Some(value)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(fields::names(&self.entry).into_iter().map(minijinja::Value::from).collect())
    }
}

impl<T: Serialize + fmt::Debug + Send + Sync + 'static> Serialize for Entry<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if minijinja::value::serializing_for_value() {
            self.value().serialize(s)
        } else {
            self.0.entry.serialize(s)
        }
    }
}

/// A list of entries as a template sees it: one list, whose entries become values as the
/// template reaches them. Made entry by entry instead, a large selection's list cost more
/// to hand to every render (0.8 ms at 20 x the report) than most templates spend on it.
/// Shared by the candidates that keep all of it, it is the same object in each of their
/// renders, so what a template picks from it is picked once (`render::pick`).
pub struct List<T>(Arc<Listed<T>>);

#[derive(Debug)]
struct Listed<T>(Vec<Entry<T>>);

impl<T> Clone for Listed<T> {
    fn clone(&self) -> Listed<T> {
        Listed(self.0.clone())
    }
}

impl<T> Clone for List<T> {
    fn clone(&self) -> List<T> {
        List(Arc::clone(&self.0))
    }
}

impl<T: fmt::Debug> fmt::Debug for List<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.0.fmt(f)
    }
}

impl<T> Default for List<T> {
    fn default() -> List<T> {
        List(Arc::new(Listed(Vec::new())))
    }
}

impl<T> From<Vec<Entry<T>>> for List<T> {
    fn from(entries: Vec<Entry<T>>) -> List<T> {
        List(Arc::new(Listed(entries)))
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = Vec<Entry<T>>;
    fn deref(&self) -> &Vec<Entry<T>> {
        &self.0.0
    }
}

/// A change copies the list first where another candidate shares it.
impl<T> std::ops::DerefMut for List<T> {
    fn deref_mut(&mut self) -> &mut Vec<Entry<T>> {
        &mut Arc::make_mut(&mut self.0).0
    }
}

impl<T> List<T> {
    /// As `Vec::retain`, but a list that keeps every entry stays the shared one.
    pub fn retain(&mut self, mut keep: impl FnMut(&Entry<T>) -> bool) {
        if !self.iter().all(&mut keep) {
            Arc::make_mut(&mut self.0).0.retain(keep);
        }
    }
}

/// The address of a brief's list as a template was given it (`render::pick_once`).
pub fn list_address(v: &minijinja::Value) -> Option<usize> {
    fn of<T: 'static>(v: &minijinja::Value) -> Option<usize> {
        v.downcast_object_ref::<Listed<T>>().map(|l| std::ptr::from_ref(l) as usize)
    }
    of::<ThemeView>(v)
        .or_else(|| of::<TaggedItem>(v))
        .or_else(|| of::<FigureView>(v))
        .or_else(|| of::<QuoteView>(v))
        .or_else(|| of::<ServiceView>(v))
        .or_else(|| of::<ConclusionView>(v))
        .or_else(|| of::<ReferenceView>(v))
}

impl<T: Serialize + fmt::Debug + Send + Sync + 'static> Object for Listed<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &minijinja::Value) -> Option<minijinja::Value> {
        self.0.get(key.as_usize()?).map(Entry::value)
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}

impl<T: Serialize + fmt::Debug + Send + Sync + 'static> Serialize for List<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if minijinja::value::serializing_for_value() {
            minijinja::Value::from_dyn_object(Arc::clone(&self.0)).serialize(s)
        } else {
            self.0.0.serialize(s)
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Brief {
    pub meta: Meta,
    /// The audience (`audience.yaml`): `audience.label`, `audience.body_size`, ...
    pub audience: Entry<crate::audience::Audience>,
    /// Settings for templates from the project, profile and spec (`style.urls`, ...).
    pub style: serde_yaml::Mapping,
    pub report: Entry<ReportView>,
    /// The selected countries, in report order (names only; content is in the lists).
    pub countries: Vec<CountryView>,
    /// The selected insights, in report order.
    pub themes: List<ThemeView>,
    /// Key messages, context, enablers, findings and lessons on the selected themes.
    pub items: List<TaggedItem>,
    pub figures: List<FigureView>,
    /// The figures best suited to a headline strip, best first, spread across countries.
    pub headline: List<FigureView>,
    pub quotes: List<QuoteView>,
    pub services: List<ServiceView>,
    /// Figure series with at least two points (for charts).
    pub series: Vec<SeriesView>,
    pub conclusion: List<ConclusionView>,
    pub references: List<ReferenceView>,
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
    /// What the report calls its places.
    pub units: crate::data::model::Units,
    /// The nation or body the briefs advise, if the dataset names one (`data/options.yaml`).
    pub target: Option<String>,
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
    /// As citations give it.
    pub short_title: String,
    pub subtitle: Option<String>,
    pub authors: Vec<String>,
    /// What the report is about, in a sentence and in a title.
    pub topic: String,
    pub topic_short: String,
    /// What the report calls its places: `units.singular`, `units.plural`.
    pub units: crate::data::model::Units,
    pub purpose: Option<String>,
    pub interviews: Option<u32>,
    /// What the report draws on, for a sentence: "desk research", "34 interviews".
    pub method_parts: Vec<String>,
    pub about: Option<crate::data::model::About>,
    pub method: Option<String>,
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
    /// key-message, context, timeline, enabler, finding or lesson.
    pub kind: &'static str,
    pub id: Shared,
    pub lead: Option<Shared>,
    pub text: Shared,
    /// The text's first sentence, verbatim, with the next when the first is a heading of a
    /// few words (`words::gist`): what a brief that quotes one sentence prints.
    pub gist: Gist,
    pub themes: Arc<[String]>,
    /// Editorial tags from the dataset (`risk`, ...).
    pub tags: Arc<[String]>,
    pub country: Arc<str>,
    pub country_name: Arc<str>,
    pub short_name: Arc<str>,
    pub cite: Arc<str>,
}

/// A passage's gist, worked out when a template first reads it (an entry's fields become
/// values one by one): most passages of a large selection are never quoted.
#[derive(Debug, Clone)]
pub struct Gist(pub Shared);

impl Serialize for Gist {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::words::gist(&self.0))
    }
}

/// A figure as templates see it. What it says in words (`phrase`, `detail`, `label`,
/// `caption`, `location`) is worked out when a template first reads any of it
/// (`Wording`): a large selection holds a thousand figures, a brief prints a handful, and
/// wording every one was most of selecting them.
#[derive(Debug, Clone)]
pub struct FigureView {
    pub id: Shared,
    /// The number as printed in a headline: "71%", "80+", "5,000".
    pub number: String,
    pub value: f64,
    pub approx: Option<Approx>,
    pub unit: Shared,
    /// What is counted, without a closing quotation that only gives the number again.
    pub measure: Shared,
    pub when: Option<Shared>,
    pub place: Shared,
    pub country: Arc<str>,
    pub country_name: Arc<str>,
    pub service: Option<Shared>,
    pub series: Option<Shared>,
    pub themes: Arc<[String]>,
    pub cite: Arc<str>,
    pub wording: super::figures::Wording,
}

/// A field whose value is worked out only when it is serialised (read by a template).
struct Later<F>(F);

impl<T: Serialize, F: Fn() -> T> Serialize for Later<F> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (self.0)().serialize(s)
    }
}

impl Serialize for FigureView {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut f = s.serialize_struct("FigureView", 20)?;
        f.serialize_field("id", &self.id)?;
        f.serialize_field("number", &self.number)?;
        // The figure in a sentence: "more than 80 peer workers", "71%".
        f.serialize_field("phrase", &Later(|| &self.told().phrase))?;
        f.serialize_field("value", &self.value)?;
        f.serialize_field("approx", &self.approx)?;
        f.serialize_field("unit", &self.unit)?;
        f.serialize_field("measure", &self.measure)?;
        // The measure without a leading repeat of the unit, for printing right after the
        // number and unit ("65 recommendations" / "made by the Royal Commission").
        f.serialize_field("detail", &Later(|| &self.told().detail))?;
        // The detail names the unit itself, mid-phrase: the number goes before it alone
        // ("8" / "recovery education centres across Ireland", not "8 centres" / ...).
        f.serialize_field("names_unit", &Later(|| self.told().names_unit))?;
        // A strip card's two lines: the words beside the number ("health boards";
        // "recovery education centres" where the detail opens by naming the unit; none for
        // a percentage) and what goes below them ("in Wales"; "across Ireland supporting…").
        f.serialize_field("label", &Later(|| &self.told().label))?;
        f.serialize_field("caption", &Later(|| &self.told().caption))?;
        f.serialize_field("when", &self.when)?;
        f.serialize_field("place", &self.place)?;
        // Where and when, leaving out a place the measure already names: "Wales, 2024".
        f.serialize_field("location", &Later(|| &self.told().location))?;
        f.serialize_field("country", &self.country)?;
        f.serialize_field("country_name", &self.country_name)?;
        f.serialize_field("service", &self.service)?;
        f.serialize_field("series", &self.series)?;
        f.serialize_field("themes", &self.themes)?;
        f.serialize_field("cite", &self.cite)?;
        f.end()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct QuoteView {
    pub id: Shared,
    pub text: Shared,
    pub who: Shared,
    pub country: Arc<str>,
    pub country_name: Arc<str>,
    pub themes: Arc<[String]>,
    pub cite: Arc<str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServiceView {
    pub id: Shared,
    pub name: Shared,
    pub place: String,
    /// The place does not lie in the chapter's country as named (the report describes a
    /// service from elsewhere in that chapter): templates say so rather than leave it
    /// unexplained.
    pub elsewhere: bool,
    pub points: Vec<Shared>,
    pub country: Arc<str>,
    pub country_name: Arc<str>,
    pub themes: Arc<[String]>,
    /// The service's own figures that its points do not already state.
    pub figures: Vec<FigureView>,
    pub cite: Arc<str>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReferenceView {
    pub id: Shared,
    pub citation: Shared,
    pub url: Option<Shared>,
    pub country: Arc<str>,
    pub country_name: Arc<str>,
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
    /// What the theme suggests the advised nation could do (`data/options.yaml`): the
    /// publishing organisation's words, not the report's.
    pub option: Option<String>,
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
    /// The lead of the first such key message not shown in an earlier cell of the row,
    /// and its citation.
    pub lead: Option<String>,
    pub cite: Option<String>,
    /// Where every key message on the theme is shown in an earlier cell of the row: that
    /// cell's theme name (the cell then has no lead).
    pub also: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(text: &str) -> TaggedItem {
        let text: Shared = text.into();
        TaggedItem {
            kind: "lesson",
            id: "wales-le-1".into(),
            lead: None,
            gist: Gist(text.clone()),
            text,
            themes: vec!["funding".to_string()].into(),
            tags: Arc::new([]),
            country: "wales".into(),
            country_name: "Wales".into(),
            short_name: "Wales".into(),
            cite: "Wales, p. 3".into(),
        }
    }

    #[test]
    fn an_entry_shows_a_template_every_field_as_the_whole_struct_would() {
        let entry = Entry::new(item("Build capacity. Sustained investment helps. More."));
        let lazy = minijinja::Value::from(minijinja::value::Serde(&vec![entry.clone()]));
        let eager = minijinja::Value::from(minijinja::value::Serde(&vec![&*entry]));
        let env = minijinja::Environment::new();
        let all = "{% for i in items %}{% for k in i %}{{ k }}={{ i[k] }};{% endfor %}{% endfor %}";
        let render = |items: &minijinja::Value| env.render_str(all, minijinja::context! { items => items.clone() }).unwrap();
        assert_eq!(render(&lazy), render(&eager));
        assert!(render(&lazy).contains("gist=Build capacity. Sustained investment helps.;"));
        let picked = "{{ items | selectattr('themes', 'contains', 'funding') | map(attribute='id') | join }}";
        let mut env = minijinja::Environment::new();
        env.add_test("contains", |seq: minijinja::Value, x: minijinja::Value| seq.try_iter().is_ok_and(|mut it| it.any(|v| v == x)));
        let fresh = Entry::new(item("Culture matters."));
        let items = minijinja::Value::from(minijinja::value::Serde(&vec![fresh.clone()]));
        assert_eq!(env.render_str(picked, minijinja::context! { items => items }).unwrap(), "wales-le-1");
        // Filtering on one field and printing another made values of those two alone.
        let read: Vec<&str> = fresh.0.read.lock().unwrap().iter().map(|(k, _)| *k).collect();
        assert_eq!(read, ["themes", "id"]);
    }

    #[test]
    fn a_listed_brief_list_serves_a_template_as_the_plain_list_would() {
        let entries: Vec<Entry<TaggedItem>> = ["First one. More.", "Second one.", "Third one."].iter().map(|t| Entry::new(item(t))).collect();
        let listed = |e: &[Entry<TaggedItem>]| minijinja::Value::from(minijinja::value::Serde(&List::from(e.to_vec())));
        let plain = |e: &[Entry<TaggedItem>]| minijinja::Value::from(minijinja::value::Serde(&e.iter().map(|e| &**e).collect::<Vec<_>>()));
        let env = minijinja::Environment::new();
        let uses = "{{ items | length }} {{ items[0].gist }} {{ items[-1].text }} {{ (items[1:] | map(attribute='text') | list) }} \
            {{ items | selectattr('text', 'eq', 'Second one.') | map(attribute='id') | list }} {{ 'yes' if items else 'no' }} \
            {{ items | first | attr('text') }} {{ items | last | attr('text') }} {{ (items + items) | length }} \
            {% for i in items %}{{ loop.index }}:{{ i.text }};{% endfor %}";
        let render = |v: minijinja::Value| env.render_str(uses, minijinja::context! { items => v }).unwrap();
        assert_eq!(render(listed(&entries)), render(plain(&entries)));
        assert!(render(listed(&entries)).starts_with("3 First one. More. Third one. ["), "{}", render(listed(&entries)));
        let empty = |v: minijinja::Value| env.render_str("{{ items | length }} {{ 'yes' if items else 'no' }} {{ items | list }} {{ items[1:] }}", minijinja::context! { items => v }).unwrap();
        assert_eq!(empty(listed(&[])), "0 no [] []");
        assert_eq!(empty(plain(&[])), "0 no [] []");
        // Outside templates (JSON), a listed list is the plain list.
        assert_eq!(serde_json::to_string(&List::from(entries.clone())).unwrap(), serde_json::to_string(&entries).unwrap());
    }
}
