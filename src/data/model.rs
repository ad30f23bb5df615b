//! The dataset's serde types. `data/README.md` documents the same schema for editors;
//! keep the two in step.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A passage's id and words, which a brief's entries hold as they are: decoded straight into
/// one shared allocation (from the kept dataset's bytes, `produce::cache`), so that selecting
/// thousands of passages counts references instead of copying their text.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Shared(Arc<str>);

impl Shared {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn arc(&self) -> Arc<str> {
        self.0.clone()
    }
}

impl Deref for Shared {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for Shared {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Shared {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // serde's own `Arc<str>` goes through a `Box<str>` and copies twice; a visitor
        // copies once, from the decoder's buffer into the shared allocation.
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Shared;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Shared, E> {
                Ok(Shared(v.into()))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// A list of themes or tags. Thousands of entries carry a few dozen distinct lists: each is
/// decoded once per thread (`INTERNED`) and shared, so the dataset holds one copy and a
/// brief's entries point at it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct List(Arc<[String]>);

thread_local! {
    /// The lists decoded so far on this thread, by their items joined with a unit separator.
    static INTERNED: std::cell::RefCell<(String, rustc_hash::FxHashMap<Box<str>, List>)> = Default::default();
}

impl List {
    pub fn arc(&self) -> Arc<[String]> {
        self.0.clone()
    }
}

impl Deref for List {
    type Target = [String];
    fn deref(&self) -> &[String] {
        &self.0
    }
}

impl From<Vec<String>> for List {
    fn from(v: Vec<String>) -> Self {
        List(v.into())
    }
}

impl fmt::Debug for List {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl Serialize for List {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Items;
        impl<'de> serde::de::Visitor<'de> for Items {
            type Value = List;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of strings")
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<List, A::Error> {
                let mut items: Vec<Item<'de>> = Vec::new();
                while let Some(item) = seq.next_element::<Item<'de>>()? {
                    items.push(item);
                }
                Ok(INTERNED.with(|cell| {
                    let (key, lists) = &mut *cell.borrow_mut();
                    key.clear();
                    for Item(i) in &items {
                        key.push_str(i);
                        key.push('\u{1f}');
                    }
                    if let Some(l) = lists.get(key.as_str()) {
                        return l.clone();
                    }
                    let l = List(items.into_iter().map(|Item(i)| i.into_owned()).collect());
                    lists.insert(key.as_str().into(), l.clone());
                    l
                }))
            }
        }
        /// One item, borrowed from the decoder's buffer where it can be (the kept dataset):
        /// serde's own `Cow` always copies.
        struct Item<'de>(Cow<'de, str>);
        impl<'de> Deserialize<'de> for Item<'de> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = Item<'de>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a string")
                    }
                    fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Item<'de>, E> {
                        Ok(Item(Cow::Borrowed(v)))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Item<'de>, E> {
                        Ok(Item(Cow::Owned(v.to_owned())))
                    }
                }
                d.deserialize_str(V)
            }
        }
        d.deserialize_seq(Items)
    }
}

/// A report section: its title and the page it starts on (from the contents table).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub title: String,
    pub page: u32,
}

/// A paragraph or bullet of the report, with the themes it supports.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: Shared,
    pub text: Shared,
    #[serde(default)]
    pub themes: List,
    /// Editorial tags (see data/README.md): `risk`, `follows`.
    #[serde(default)]
    pub tags: List,
    pub page: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct KeyMessage {
    pub id: Shared,
    /// The bold lead-in of the bullet, without its colon.
    pub lead: Shared,
    pub text: Shared,
    #[serde(default)]
    pub themes: List,
    #[serde(default)]
    pub tags: List,
    pub page: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    pub id: Shared,
    /// A year or a period as the report writes it ("2021–2023", "Pre 2006", "2024+").
    pub when: Shared,
    pub event: Shared,
    #[serde(default)]
    pub themes: List,
    pub page: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EnablerGroup {
    /// The report's own sub-heading.
    pub heading: String,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub id: String,
    /// The report's letter (A, B, ...).
    pub label: String,
    pub name: String,
    pub place: String,
    /// What the service does, as the report's bullet points.
    pub points: Vec<String>,
    #[serde(default)]
    pub themes: List,
    pub page: Option<u32>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Approx {
    MoreThan,
    About,
    UpTo,
    FewerThan,
}

/// A quantity the report states, as a structured record.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub id: String,
    pub value: f64,
    pub unit: String,
    pub approx: Option<Approx>,
    /// What is counted, in the report's terms.
    pub measure: String,
    /// Year or period the figure refers to.
    pub when: Option<String>,
    pub place: String,
    /// A section key of the chapter (`context`, `findings`, ...); without one, the figure
    /// is cited to the chapter.
    pub section: Option<String>,
    /// The id of the service this figure belongs to.
    pub service: Option<String>,
    /// Figures sharing a series id form one time line.
    pub series: Option<String>,
    #[serde(default)]
    pub themes: List,
    pub page: Option<u32>,
}

/// A verbatim interview quote.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    pub id: String,
    pub text: String,
    #[serde(default = "interviewee")]
    pub who: String,
    /// A section key where the quote stands; report-level quotes may omit it.
    pub section: Option<String>,
    #[serde(default)]
    pub themes: List,
    pub page: Option<u32>,
}

fn interviewee() -> String {
    "Interviewee".to_string()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub id: String,
    pub citation: String,
    pub url: Option<String>,
}

/// One country chapter (`data/countries/<id>.yaml`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Country {
    pub id: String,
    pub name: String,
    pub short_name: String,
    pub order: u32,
    /// Keys: chapter, key-messages, context, enablers, findings, services, references.
    /// Optional: a source without pages or numbered sections has none, and citations
    /// then name the chapter alone.
    #[serde(default)]
    pub sections: BTreeMap<String, Section>,
    #[serde(default)]
    pub intro: Vec<Item>,
    #[serde(default)]
    pub key_messages: Vec<KeyMessage>,
    #[serde(default)]
    pub context: Vec<Item>,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    #[serde(default)]
    pub enablers: Vec<EnablerGroup>,
    #[serde(default)]
    pub findings: Vec<Item>,
    #[serde(default)]
    pub lessons: Vec<Item>,
    #[serde(default)]
    pub services: Vec<Service>,
    #[serde(default)]
    pub figures: Vec<Figure>,
    #[serde(default)]
    pub quotes: Vec<Quote>,
    #[serde(default)]
    pub references: Vec<Reference>,
}

/// Part of an insight's or conclusion theme's example that names its countries.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub countries: Vec<String>,
    pub text: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Insight {
    /// The theme id.
    pub id: String,
    pub number: u32,
    pub title: String,
    /// Short display name.
    pub name: String,
    pub summary: String,
    pub page: Option<u32>,
    #[serde(default)]
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Insights {
    pub section: Option<Section>,
    pub subtitle: Option<String>,
    /// The section's opening paragraphs.
    #[serde(default)]
    pub intro: Vec<Item>,
    pub insights: Vec<Insight>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ConclusionTheme {
    pub id: String,
    pub title: String,
    pub text: String,
    pub page: Option<u32>,
    #[serde(default)]
    pub themes: List,
    #[serde(default)]
    pub examples: Vec<Example>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Conclusion {
    pub section: Section,
    pub subtitle: Option<String>,
    #[serde(default)]
    pub intro: Vec<Item>,
    pub themes: Vec<ConclusionTheme>,
    #[serde(default)]
    pub quotes: Vec<Quote>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Method {
    /// What else the report draws on, as a brief lists it ("desk research").
    #[serde(default)]
    pub sources: Vec<String>,
    /// How many interviews the report draws on, if it says.
    pub interviews: Option<u32>,
    pub summary: Option<String>,
    #[serde(default)]
    pub interviewees: Vec<String>,
}

/// A heading and a short explanation, ours, for readers new to the topic.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct About {
    pub heading: String,
    pub text: String,
}

/// What the report calls the places it compares.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Units {
    pub singular: String,
    pub plural: String,
    /// The report's part on one place: "chapter" (default), "section".
    #[serde(default = "chapter")]
    pub part: String,
}

fn chapter() -> String {
    "chapter".into()
}

impl Default for Units {
    fn default() -> Self {
        Units { singular: "country".into(), plural: "countries".into(), part: chapter() }
    }
}

/// `data/report.yaml`: the report as a whole.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub title: String,
    /// The title as citations give it (default: the title).
    pub short_title: Option<String>,
    pub subtitle: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    /// What the report is about, for sentences ("peer support in mental health").
    pub topic: Option<String>,
    /// A plain explanation of the topic in the publishing organisation's words.
    pub about: Option<About>,
    /// The same in two or three words, for titles ("peer support"; default: `topic`).
    pub topic_short: Option<String>,
    /// What the report calls its places (default: country, countries).
    #[serde(default)]
    pub units: Units,
    pub purpose: Option<String>,
    #[serde(default)]
    pub how_to_read: Vec<Item>,
    #[serde(default)]
    pub introduction: Vec<Item>,
    pub method: Option<Method>,
    #[serde(default)]
    pub sections: BTreeMap<String, Section>,
    #[serde(default)]
    pub quotes: Vec<Quote>,
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// The document keywords every brief carries (its audience, places and themes join them).
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Words that make a figure a good headline, or a poor one.
    #[serde(default)]
    pub headline: HeadlineWords,
}

/// How a headline strip chooses figures, in the report's own terms; matched (ignoring case)
/// inside a figure's unit and measure, except `avoid_units`, matched in the unit alone.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HeadlineWords {
    /// What the report is about counting (its workforce, say): these figures lead.
    #[serde(default)]
    pub favour: Vec<String>,
    /// Money: a little ahead.
    #[serde(default)]
    pub money: Vec<String>,
    /// Units that say little as a headline (the number of regions, a duration).
    #[serde(default)]
    pub avoid_units: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Term {
    pub term: String,
    pub gloss: String,
    pub country: Option<String>,
    /// `report` when the gloss is the report's own words, `ours` for the publishing
    /// organisation's plain words where the report gives none, `none` when there is no gloss.
    pub gloss_source: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Glossary {
    #[serde(default)]
    pub terms: Vec<Term>,
    /// Abbreviations; matched case-sensitively as whole words.
    #[serde(default)]
    pub acronyms: Vec<Term>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GlobalSource {
    pub title: String,
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    pub id: String,
    pub name: String,
    pub country: Option<String>,
    pub points: Vec<Item>,
}

/// `data/global.yaml`: the short overview of peer work beyond the seven chapters.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Global {
    pub source: GlobalSource,
    #[serde(default)]
    pub intro: Vec<Item>,
    pub jurisdictions: Vec<Jurisdiction>,
}

/// `data/options.yaml`: what each theme suggests the nation the briefs advise could do, in
/// the publishing organisation's words. Optional: without it, briefs set out no options.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// The nation or body the briefs advise ("Scotland").
    pub target: String,
    /// Theme id → the option, one sentence.
    #[serde(default)]
    pub options: BTreeMap<String, String>,
}
