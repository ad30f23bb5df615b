//! The dataset's serde types. `data/README.md` documents the same schema for editors;
//! keep the two in step.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::ops::Deref;
use std::sync::Arc;

/// A string of the dataset (a passage's id and words, a figure's measure, a reference),
/// which a brief's entries hold as they are. Decoded from the kept dataset
/// (`produce::cache`) it points into that file's bytes, mapped, and costs no copy: at 20 x
/// the report, copying its 2.8 MB of strings into fresh memory was most of what the kernel
/// spent clearing pages for a brief. From YAML it owns its text.
#[derive(Clone)]
pub struct Shared(Repr);

#[derive(Clone)]
enum Repr {
    Own(Arc<str>),
    /// `len` bytes at `start` in a kept file's bytes, checked as UTF-8 when decoded.
    Kept { bytes: Arc<KeptBytes>, start: u32, len: u32 },
}

/// A kept dataset's bytes, which its `Shared` strings point into, and what keeps them
/// (a mapping of the file, or a buffer).
pub struct KeptBytes {
    base: *const u8,
    len: usize,
    _owner: Box<dyn Send + Sync>,
}

// SAFETY: `base` points into `_owner`'s bytes, which nothing writes to and which live as
// long as this value; the raw pointer is the only thing that is not Send/Sync.
unsafe impl Send for KeptBytes {}
unsafe impl Sync for KeptBytes {}

impl KeptBytes {
    /// `owner`'s bytes must not change while it lives: the kept file is replaced by a
    /// rename, never written in place (`produce::write_atomic`).
    pub fn new<T: AsRef<[u8]> + Send + Sync + 'static>(owner: T) -> Arc<KeptBytes> {
        let bytes = owner.as_ref();
        let (base, len) = (bytes.as_ptr(), bytes.len());
        Arc::new(KeptBytes { base, len, _owner: Box::new(owner) })
    }

    pub fn bytes(&self) -> &[u8] {
        // SAFETY: see the type's Send/Sync note; `len` is the owner's own length.
        unsafe { std::slice::from_raw_parts(self.base, self.len) }
    }
}

thread_local! {
    /// The bytes being decoded on this thread (`decode_kept`): a string found in them is
    /// kept as a place in them, not copied.
    static DECODING: std::cell::RefCell<Option<Arc<KeptBytes>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `decode`, which reads from `bytes`, with the strings it decodes into `Shared`
/// pointing into `bytes` rather than copied.
pub fn decode_kept<T>(bytes: &Arc<KeptBytes>, decode: impl FnOnce(&[u8]) -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            DECODING.with(|d| d.borrow_mut().take());
        }
    }
    DECODING.with(|d| *d.borrow_mut() = Some(bytes.clone()));
    let _reset = Reset;
    decode(bytes.bytes())
}

impl Shared {
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Own(s) => s,
            // SAFETY: the range was inside the bytes and valid UTF-8 when it was decoded
            // (`Deserialize` below), and the bytes do not change (`KeptBytes::new`).
            Repr::Kept { bytes, start, len } => unsafe { std::str::from_utf8_unchecked(bytes.bytes().get_unchecked(*start as usize..*start as usize + *len as usize)) },
        }
    }
}

impl Default for Shared {
    fn default() -> Self {
        Shared(Repr::Own(Arc::from("")))
    }
}

impl From<String> for Shared {
    fn from(s: String) -> Self {
        Shared(Repr::Own(s.into()))
    }
}

impl From<&str> for Shared {
    fn from(s: &str) -> Self {
        Shared(Repr::Own(s.into()))
    }
}

impl Deref for Shared {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Shared {
    fn eq(&self, other: &Shared) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Shared {}

impl PartialEq<str> for Shared {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Shared {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<Shared> for String {
    fn eq(&self, other: &Shared) -> bool {
        self == other.as_str()
    }
}

impl std::hash::Hash for Shared {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl PartialOrd for Shared {
    fn partial_cmp(&self, other: &Shared) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Shared {
    fn cmp(&self, other: &Shared) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::borrow::Borrow<str> for Shared {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Shared {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Shared {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Shared;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Shared, E> {
                let kept = DECODING.with(|d| {
                    let d = d.borrow();
                    let bytes = d.as_ref()?;
                    let start = (v.as_ptr() as usize).checked_sub(bytes.base as usize)?;
                    let end = start.checked_add(v.len())?;
                    (end <= bytes.len).then_some(())?;
                    Some(Repr::Kept { bytes: bytes.clone(), start: u32::try_from(start).ok()?, len: u32::try_from(v.len()).ok()? })
                });
                Ok(Shared(kept.unwrap_or_else(|| Repr::Own(v.into()))))
            }
            // serde's own `Arc<str>` goes through a `Box<str>` and copies twice; this
            // copies once, from the decoder's buffer into the shared allocation.
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Shared, E> {
                Ok(Shared(Repr::Own(v.into())))
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
    /// The lists decoded so far on this thread, by their items (`keyed_items`).
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
                INTERNED.with(|cell| {
                    let (key, lists) = &mut *cell.borrow_mut();
                    // Each item after its length, so that no two lists share a key.
                    key.clear();
                    while let Some(Item(i)) = seq.next_element::<Item<'de>>()? {
                        let _ = write!(key, "{}:{i}", i.len());
                    }
                    if let Some(l) = lists.get(key.as_str()) {
                        return Ok(l.clone());
                    }
                    let l = List(keyed_items(key).map(str::to_owned).collect());
                    lists.insert(key.as_str().into(), l.clone());
                    Ok(l)
                })
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

/// The items of a list as `INTERNED` keys it: each after its length and a colon.
fn keyed_items(mut key: &str) -> impl Iterator<Item = &str> {
    std::iter::from_fn(move || {
        let (len, rest) = key.split_once(':')?;
        let (item, after) = rest.split_at(len.parse().ok()?);
        key = after;
        Some(item)
    })
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
    pub id: Shared,
    /// The report's letter (A, B, ...).
    pub label: String,
    pub name: Shared,
    pub place: Shared,
    /// What the service does, as the report's bullet points.
    pub points: Vec<Shared>,
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
    pub id: Shared,
    pub value: f64,
    pub unit: Shared,
    pub approx: Option<Approx>,
    /// What is counted, in the report's terms.
    pub measure: Shared,
    /// Year or period the figure refers to.
    pub when: Option<Shared>,
    pub place: Shared,
    /// A section key of the chapter (`context`, `findings`, ...); without one, the figure
    /// is cited to the chapter.
    pub section: Option<Shared>,
    /// The id of the service this figure belongs to.
    pub service: Option<Shared>,
    /// Figures sharing a series id form one time line.
    pub series: Option<Shared>,
    #[serde(default)]
    pub themes: List,
    pub page: Option<u32>,
}

/// A verbatim interview quote.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Quote {
    pub id: Shared,
    pub text: Shared,
    #[serde(default = "interviewee")]
    pub who: Shared,
    /// A section key where the quote stands; report-level quotes may omit it.
    pub section: Option<Shared>,
    #[serde(default)]
    pub themes: List,
    pub page: Option<u32>,
}

fn interviewee() -> Shared {
    "Interviewee".into()
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    pub id: Shared,
    pub citation: Shared,
    pub url: Option<Shared>,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_decoded_from_kept_bytes_point_into_them_and_keep_them() {
        let pair: (Shared, Shared) = ("a lead".into(), "a passage’s text".into());
        let bytes = KeptBytes::new(postcard::to_extend(&pair, Vec::new()).unwrap());
        let inside = |s: &Shared| bytes.bytes().as_ptr_range().contains(&s.as_ptr());
        let (lead, text): (Shared, Shared) = decode_kept(&bytes, |b| postcard::from_bytes(b).unwrap());
        assert!(inside(&lead) && inside(&text), "decoded from the kept bytes, the strings are places in them");
        // Decoded any other way, they are copies.
        let (copied, _): (Shared, Shared) = postcard::from_bytes(bytes.bytes()).unwrap();
        assert!(!inside(&copied));
        drop(bytes);
        assert_eq!((lead.as_str(), text.as_str()), ("a lead", "a passage’s text"), "the strings keep the bytes alive");
        assert_eq!(lead, copied);
    }
}
