//! Typeset stage: generated Typst source → PDF, in-process.

pub mod text;
pub mod world;

use crate::diagnostic::Diagnostic;
use crate::spec::{Date, PdfStandard as Standard};
use std::sync::Arc;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Element, Selector, Smart, Value};
use typst::introspection::{Introspector, MetadataElem};
use typst::WorldExt;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};
pub use world::{BriefWorld, Shared};

/// Files a document gets in memory besides the templates folder, as (virtual path, bytes).
pub type Extra<'a> = &'a [(&'a str, &'a [u8])];

/// What a document is compiled with besides its source.
pub struct Setup<'a> {
    pub date: Date,
    /// `sys.inputs` for the templates (the brand colours).
    pub inputs: &'a [(&'a str, &'a str)],
    pub extra: Extra<'a>,
}

/// A laid-out document: its page count is known; export to PDF is a separate, later step
/// (fitting a page budget lays out several candidates but exports only the chosen one).
pub struct Laid {
    world: BriefWorld,
    document: PagedDocument,
    name: String,
    /// What Typst warned about (a font it could not find, say), as warnings.
    pub warnings: Vec<Diagnostic>,
    /// The pages' text, read once: the search and the editorial check read it several
    /// times per layout.
    text: std::sync::OnceLock<text::PageText>,
}

impl Laid {
    pub fn pages(&self) -> usize {
        self.document.pages().len()
    }

    /// The unit markers the templates place (`#metadata("u:<key>")`), in document order,
    /// each with its position in the flow: points from the top of the first page, pages
    /// stacked one after the other.
    pub fn markers(&self) -> Vec<(String, f64)> {
        let introspector = self.document.introspector();
        let pages = self.document.pages();
        let selector = Selector::Elem(Element::of::<MetadataElem>(), None);
        let mut out: Vec<(String, f64)> = introspector
            .query(&selector)
            .iter()
            .filter_map(|content| {
                let meta = content.to_packed::<MetadataElem>()?;
                let Value::Str(text) = &meta.value else { return None };
                let key = text.strip_prefix("u:")?;
                let pos = introspector.position(content.location()?)?;
                let above: f64 = pages[..pos.page.get() - 1].iter().map(|p| p.frame.height().to_pt()).sum();
                Some((key.to_string(), above + pos.point.y.to_pt()))
            })
            .collect();
        out.sort_by(|a, b| a.1.total_cmp(&b.1));
        out
    }

    /// The text of every page with the role of what printed it (for the editorial check).
    pub fn text(&self) -> &text::PageText {
        self.text.get_or_init(|| {
            let main = self.world.main();
            text::read(&self.document, |span| {
                if span.id() != Some(main) {
                    return None;
                }
                let source = self.world.source(main).ok()?;
                let range = self.world.range(span)?;
                source.lines().byte_to_line(range.start)
            })
        })
    }

    /// Height of one page (all pages of a brief have the same size).
    pub fn page_height(&self) -> f64 {
        self.document.pages().first().map_or(0.0, |p| p.frame.height().to_pt())
    }

    /// Exports as PDF. `ident` must be unique per document and stable across builds: it
    /// seeds the PDF /ID.
    pub fn pdf(&self, date: Date, ident: &str, standard: Standard) -> Result<Vec<u8>, Vec<Diagnostic>> {
        // Every brief is PDF/UA-1 (Typst checks alt text, heading order, language); PDF/A-2b
        // for archiving comes on top when a spec asks for it.
        let list: &[PdfStandard] = match standard {
            Standard::Ua1 => &[PdfStandard::Ua_1],
            Standard::A2b => &[PdfStandard::Ua_1, PdfStandard::A_2b],
        };
        let standards = PdfStandards::new(list).map_err(|e| vec![Diagnostic::new(format!("PDF standards: {}", e.message()))])?;
        let options = PdfOptions {
            ident: Smart::Custom(ident.to_string()),
            creator: Smart::Custom(Some(format!("briefgen {}", env!("CARGO_PKG_VERSION")))),
            timestamp: Some(Timestamp::new_utc(datetime(date)?)),
            standards,
            tagged: true,
            ..PdfOptions::default()
        };
        typst_pdf::pdf(&self.document, &options).map_err(|errors| to_diagnostics(&self.world, &self.name, &errors))
    }

    /// The first page as PNG (two pixels per point), for pictures in the DOCX (charts).
    /// Packed with the fastest deflate and each row stored as its difference from the
    /// pixel to the left: charts are flat colour, so this costs a third of tiny-skia's
    /// encoder for a file two thirds larger (the funder's two charts, drawn and packed: 4.0
    /// against 6.7 ms, 34 against 18 KB).
    pub fn png(&self) -> Result<Vec<u8>, Vec<Diagnostic>> {
        use image::codecs::png::{CompressionType, FilterType, PngEncoder};
        use image::ImageEncoder;
        let page = self.document.pages().first().ok_or_else(|| vec![Diagnostic::new(format!("{} produced no page", self.name))])?;
        let pixmap = typst_render::render(page, &typst_render::RenderOptions::default());
        // tiny-skia keeps premultiplied RGBA; a page with a fill (Typst's default, white)
        // is opaque, and then the alpha channel is dropped.
        let pixels = pixmap.pixels();
        let (data, colour) = if pixels.iter().all(|p| p.alpha() == u8::MAX) {
            (pixels.iter().flat_map(|p| [p.red(), p.green(), p.blue()]).collect::<Vec<u8>>(), image::ExtendedColorType::Rgb8)
        } else {
            let straight = pixels.iter().map(|p| p.demultiply()).flat_map(|c| [c.red(), c.green(), c.blue(), c.alpha()]);
            (straight.collect(), image::ExtendedColorType::Rgba8)
        };
        let mut out = Vec::new();
        PngEncoder::new_with_quality(&mut out, CompressionType::Fast, FilterType::Sub)
            .write_image(&data, pixmap.width(), pixmap.height(), colour)
            .map_err(|e| vec![Diagnostic::new(format!("cannot encode {} as PNG: {e}", self.name))])?;
        Ok(out)
    }
}

fn datetime(date: Date) -> Result<Datetime, Vec<Diagnostic>> {
    Datetime::from_ymd(date.year, date.month, date.day)
        .ok_or_else(|| vec![Diagnostic::new(format!("the date {} is outside Typst's calendar", date.iso())).hint("date the brief between 1900 and 9999")])
}

/// How many threads lay out documents at once (`build --jobs`), for `forget_unused`.
static WORKERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(1);

pub fn set_workers(n: usize) {
    WORKERS.store(n.max(1), std::sync::atomic::Ordering::Relaxed);
}

/// Drops Typst's memoised work (process-wide) that no recent layout has used, so memory
/// stays flat over many briefs. "Recent" spans one layout per worker thread, plus one: a
/// brief's next candidate reuses its last candidate's work (`Drafts`) while the other
/// threads lay out theirs in between. Dropping everything older than one layout, as we
/// did, threw away the other thread's work and cost a fifth of the -j2 speed (measured:
/// matrix at -j2 0.98 s against 0.79 s, peak memory 68 against 72 MB).
pub fn forget_unused() {
    typst::comemo::evict(WORKERS.load(std::sync::atomic::Ordering::Relaxed) + 1);
}

/// Compiles `source` (named `name` in messages) into pages.
pub fn layout(shared: &Arc<Shared>, name: &str, source: String, setup: &Setup) -> Result<Laid, Vec<Diagnostic>> {
    Drafts::default().layout(shared, name, &source, setup)
}

/// One document laid out again and again as it changes (the candidates of a page-budget
/// search). Each layout is an edit of the one before, not a new file: Typst re-parses
/// only the changed part, the rest keeps its spans, and so its memoised layout (shaped
/// paragraphs, placed blocks) is reused instead of recomputed.
#[derive(Default)]
pub struct Drafts {
    last: std::cell::RefCell<Option<typst::syntax::Source>>,
}

impl Drafts {
    /// Compiles `source` (named `name` in messages) into pages, as an edit of the last.
    pub fn layout(&self, shared: &Arc<Shared>, name: &str, source: &str, setup: &Setup) -> Result<Laid, Vec<Diagnostic>> {
        let mut last = self.last.borrow_mut();
        let main = match last.as_mut() {
            Some(main) => {
                edit_to(main, source);
                main.clone()
            }
            None => last.insert(typst::syntax::Source::new(world::file_id(&format!("/{name}")), source.to_string())).clone(),
        };
        let world = BriefWorld::new(shared.clone(), main, datetime(setup.date)?, setup.inputs, setup.extra);
        let result = typst::compile::<PagedDocument>(&world);
        let document = result.output.map_err(|errors| to_diagnostics(&world, name, &errors))?;
        let warnings = report(&world, name, &result.warnings, Severity::Warning);
        Ok(Laid { world, document, name: name.to_string(), warnings, text: std::sync::OnceLock::new() })
    }
}

/// Turns `main` into `new` by one edit per changed run of lines, not by Typst's
/// `Source::replace`, which makes one edit from the first change to the last: a candidate
/// differs from the one before in a unit inserted mid-brief and in the notes at the end,
/// and reparsing everything between gives it new spans, so none of its layout is reused
/// (all-countries funder brief, a unit added: 28 ms against 14 ms).
pub fn edit_to(main: &mut typst::syntax::Source, new: &str) {
    let hunks = line_hunks(main.text(), new);
    // From the last, so the byte ranges of the earlier ones still hold.
    for (old, with) in hunks.into_iter().rev() {
        main.edit(old, &new[with]);
    }
}

/// The runs of lines that differ between `old` and `new`, as (byte range in old, byte
/// range in new), in order: a longest-common-subsequence diff of the lines between the
/// common first and last ones. A middle too long to diff cheaply is one run.
fn line_hunks(old: &str, new: &str) -> Vec<(std::ops::Range<usize>, std::ops::Range<usize>)> {
    let split = |t: &str| -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        let mut at = 0;
        for l in t.split_inclusive('\n') {
            v.push((at, at + l.len()));
            at += l.len();
        }
        v
    };
    let (a, b) = (split(old), split(new));
    let la = |i: usize| &old[a[i].0..a[i].1];
    let lb = |j: usize| &new[b[j].0..b[j].1];
    let mut pre = 0;
    while pre < a.len() && pre < b.len() && la(pre) == lb(pre) {
        pre += 1;
    }
    let mut suf = 0;
    while suf < a.len() - pre && suf < b.len() - pre && la(a.len() - 1 - suf) == lb(b.len() - 1 - suf) {
        suf += 1;
    }
    let (n, m) = (a.len() - pre - suf, b.len() - pre - suf);
    let start_a = |i: usize| if i < a.len() { a[i].0 } else { old.len() };
    let start_b = |j: usize| if j < b.len() { b[j].0 } else { new.len() };
    if n == 0 && m == 0 {
        return Vec::new();
    }
    if n == 0 || m == 0 || n * m > 1_000_000 {
        return vec![(start_a(pre)..start_a(pre + n), start_b(pre)..start_b(pre + m))];
    }
    // lcs[i][j]: the longest common run of lines of a[pre+i..] and b[pre+j..].
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i * (m + 1) + j] = if la(pre + i) == lb(pre + j) {
                lcs[(i + 1) * (m + 1) + j + 1] + 1
            } else {
                lcs[(i + 1) * (m + 1) + j].max(lcs[i * (m + 1) + j + 1])
            };
        }
    }
    let mut hunks = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut open: Option<(usize, usize)> = None;
    while i < n || j < m {
        if i < n && j < m && la(pre + i) == lb(pre + j) {
            if let Some((oi, oj)) = open.take() {
                hunks.push((start_a(pre + oi)..start_a(pre + i), start_b(pre + oj)..start_b(pre + j)));
            }
            i += 1;
            j += 1;
            continue;
        }
        open.get_or_insert((i, j));
        if j < m && (i == n || lcs[i * (m + 1) + j + 1] >= lcs[(i + 1) * (m + 1) + j]) {
            j += 1;
        } else {
            i += 1;
        }
    }
    if let Some((oi, oj)) = open {
        hunks.push((start_a(pre + oi)..start_a(pre + n), start_b(pre + oj)..start_b(pre + m)));
    }
    hunks
}

/// Typst errors as diagnostics pointing into the generated source (or a template asset).
fn to_diagnostics(world: &BriefWorld, name: &str, errors: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    report(world, name, errors, Severity::Error)
}

/// Typst's diagnostics of one severity as ours, pointing into the generated source.
fn report(world: &BriefWorld, name: &str, errors: &[SourceDiagnostic], severity: Severity) -> Vec<Diagnostic> {
    errors
        .iter()
        .filter(|e| e.severity == severity)
        .map(|e| {
            let mut d = Diagnostic::new(format!("Typst: {}", e.message));
            if severity == Severity::Warning {
                d.severity = crate::diagnostic::Severity::Warning;
            }
            if let Some(id) = e.span.id() {
                let source = world.source(id).ok();
                d = d.in_file(&world.display_path(id, name));
                if let (Some(src), Some(range)) = (source, world.range(e.span)) {
                    if let Some((line, col)) = src.lines().byte_to_line_column(range.start) {
                        let len = src.text().get(range.clone()).map_or(1, |s| s.chars().count().min(60));
                        d = d.at(src.text(), line + 1, col + 1, len);
                    }
                }
            }
            let hints: Vec<String> = e.hints.iter().map(|h| h.v.to_string()).collect();
            if !hints.is_empty() {
                d = d.hint(hints.join("; "));
            }
            d
        })
        .collect()
}

use typst::World;
