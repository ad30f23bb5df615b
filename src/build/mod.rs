//! Build orchestration: for each spec, load → select → fit the page budget → render →
//! typeset/write, all in memory; only when every output of a spec succeeded are the files
//! replaced, each atomically (temporary file in the same folder, then rename).
//! `jobs` runs many specs on worker threads; `manifest` skips the unchanged.

pub mod jobs;
pub mod manifest;

use crate::data::Dataset;
use crate::diagnostic::{Diagnostic, Severity};
use crate::editorial;
use crate::render::Renderer;
use crate::select::{self, Brief};
use crate::spec::{Format, Spec};
use crate::budget::{self, Unit};
use crate::typeset::{self, Shared};
use crate::docx;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Options {
    pub out: PathBuf,
    pub emit_source: bool,
    /// Editorial findings fail the brief instead of warning.
    pub strict: bool,
}

/// Everything one process shares between briefs.
pub struct Context {
    pub data: Dataset,
    /// The dataset's proper nouns and abbreviations, for the editorial check.
    pub vocabulary: editorial::Vocabulary,
    /// The dataset's passages, normalised for the editorial check's repeat test.
    pub passages: Vec<String>,
    pub renderer: Renderer,
    pub typst: Arc<Shared>,
}

impl Context {
    pub fn new(data_dir: &Path, templates: &Path) -> Result<Context, Vec<Diagnostic>> {
        let data = Dataset::load_checked(data_dir)?;
        let renderer = Renderer::new(templates).map_err(|e| vec![e])?;
        let typst = Shared::new(templates).map_err(|e| {
            vec![Diagnostic::new(format!("cannot load the fonts in `{}`: {e}", templates.join("fonts").display()))]
        })?;
        Ok(Context::from_parts(data, renderer, typst))
    }

    /// A context from loaded parts; what the editorial check needs is derived here.
    pub fn from_parts(data: Dataset, renderer: Renderer, typst: Arc<Shared>) -> Context {
        let vocabulary = editorial::Vocabulary::from_texts(data.running_texts(), data.titled_texts());
        let passages = data.running_texts().into_iter().map(editorial::normalise).collect();
        Context { data, vocabulary, passages, renderer, typst }
    }

    /// Like `new`, reusing an already loaded font store (`watch` keeps one for its lifetime).
    pub fn with_typst(data_dir: &Path, templates: &Path, typst: Arc<Shared>) -> Result<Context, Vec<Diagnostic>> {
        let data = Dataset::load_checked(data_dir)?;
        let renderer = Renderer::new(templates).map_err(|e| vec![e])?;
        typst.forget_files();
        Ok(Context::from_parts(data, renderer, typst))
    }
}

/// One output file, in memory until the whole spec has succeeded.
pub struct Output {
    pub path: PathBuf,
    pub bytes: Vec<u8>,
}

pub struct Built {
    pub spec: Spec,
    pub outputs: Vec<Output>,
    pub pages: usize,
    /// What the page budget made us leave out, most important first.
    pub dropped: Vec<Unit>,
    /// What the editorial check found in the laid-out brief.
    pub findings: Vec<editorial::Finding>,
    pub millis: u128,
}

/// One layout attempt: the brief as cut, its Typst source and its pages.
struct Attempt {
    brief: Brief,
    source: String,
    laid: typeset::Laid,
}

/// Keeps the longest prefix of the audience's ranking that fits the page budget.
///
/// Only layouts, no PDF export, until the choice is made. A selection is laid out whole
/// first (usually it fits: one layout). If it overflows, the templates' unit markers tell
/// how much room each unit took and how much runs past the budget, so the lowest-ranked
/// units that free that room are cut in one step; the result is checked, then grown back
/// one unit at a time or bisected until the largest prefix that fits is found. Very large
/// selections (over 48 units) are never laid out whole: the search gallops up from 16.
fn fit(ctx: &Context, spec: &Spec, full: &Brief) -> Result<(Attempt, Vec<Unit>), Vec<Diagnostic>> {
    let limit = budget::pages(spec.audience);
    let ranking = budget::ranking(full, spec.audience);
    let n = ranking.len();
    let attempt_with = |keep: usize, breaks: &[Break]| -> Result<Attempt, Vec<Diagnostic>> {
        let mut brief = budget::retain(full, &ranking, keep);
        let source = with_breaks(typst_source(ctx, &mut brief)?, breaks);
        let laid = layout(ctx, &brief, spec, source.clone())?;
        // Candidates share little layout work; keeping their memoised results only grows
        // memory (150 MB for seven countries' funder brief without this).
        typst::comemo::evict(1);
        Ok(Attempt { brief, source, laid })
    };
    let attempt = |keep: usize| attempt_with(keep, &[]);
    // The search brackets on the page count alone, which only grows with the units kept.
    let fits = |a: &Attempt| a.laid.pages() <= limit;
    // A footnote Typst could not keep on its marker's page (inside a list it cannot move
    // the line) reads as a mistake, and so does a last page holding almost nothing (two
    // references, a stray line). Neither grows steadily with the units kept, so they are
    // mended after the search (`finish`); real content is worth more than the look of a
    // page, so little is cut for them.
    let finish = |best: Attempt, known: usize| -> Result<(Attempt, Vec<Unit>), Vec<Diagnostic>> {
        let findings = |a: &Attempt| review(ctx, a).len();
        // The first torn footnote's marker: (page, y, source line), if any.
        let first_tear = |a: &Attempt| {
            let t = a.laid.text();
            t.footnotes.iter().position(|(m, n, _)| m != n).map(|i| t.marker_at[i])
        };
        let mut best = (findings(&best), best, known, Vec::<Break>::new());
        // Mends that keep every unit first: a page break before the unit that holds a torn
        // footnote's marker (and the headings right above it), or before the marker's own
        // line; a break that only moves the tear further on is kept and the next one mended.
        for _ in 0..4 {
            let Some((page, y, line)) = first_tear(&best.1) else { break };
            let at = best.1.laid.page_height() * (page - 1) as f64 + y;
            let mut tries: Vec<Break> = Vec::new();
            if let Some((key, _)) = best.1.laid.markers().into_iter().filter(|(k, y)| k != "end" && k != "moved" && *y <= at).last() {
                tries.push(Break::Unit(key));
            }
            tries.extend(line.map(Break::Line));
            let mut next = None;
            for b in tries {
                let mut breaks = best.3.clone();
                breaks.push(b);
                // A break Typst refuses (inside a container) is simply not a candidate.
                let Ok(a) = attempt_with(best.2, &breaks) else { continue };
                let n = findings(&a);
                // Fewer findings, or as many with the tear moved further on (to be mended next).
                let progress = n < best.0 || first_tear(&a).is_some_and(|(p, _, _)| p > page) && n == best.0;
                if fits(&a) && progress {
                    next = Some((n, a, best.2, breaks));
                    break;
                }
            }
            match next {
                Some(n) => best = n,
                None => break,
            }
        }
        // Then cutting the lowest-ranked units: at most three, and for a nearly empty last
        // page only while what they take is small beside the spill (twice it, plus about a
        // short quote). The candidate with the fewest findings wins.
        if best.0 > 0 {
            let text = best.1.laid.text();
            let sparse = editorial::sparse_last(&text);
            let spill = if sparse { editorial::filled(&text, text.pages) } else { f64::INFINITY };
            let room = rooms(&best.1);
            let (from, breaks) = (best.2, best.3.clone());
            let mut cost = 0.0;
            for keep in (from.saturating_sub(3)..from).rev() {
                // The reference list is the one unit whose loss costs the reader little: every
                // note still names the report's section and pages.
                if ranking[keep] != Unit::References {
                    cost += room.get(ranking[keep].key().as_str()).copied().unwrap_or(0.0);
                }
                if sparse && cost > 2.0 * spill + 90.0 {
                    break;
                }
                let Ok(a) = attempt_with(keep, &breaks) else { continue };
                let n = findings(&a);
                if fits(&a) && n < best.0 {
                    best = (n, a, keep, breaks.clone());
                    if n == 0 {
                        break;
                    }
                }
            }
        }
        Ok((best.1, ranking[best.2..].to_vec()))
    };
    // Largest number of units known to fit, with its layout; smallest known not to.
    let mut lo: Option<(usize, Attempt)> = None;
    let mut k = if n <= 48 { n } else { 16 };
    let mut over = loop {
        let a = attempt(k)?;
        if !fits(&a) {
            break a;
        }
        if k == n {
            return finish(a, n);
        }
        lo = Some((k, a));
        k = (k * 2).min(n);
    };
    let mut hi = k;
    // Measured cuts from the latest overflowing layout, while they land inside the
    // bracket; a cut that fits ends them.
    for _ in 0..3 {
        let known = lo.as_ref().map(|(k, _)| *k);
        let cut = measured_cut(&over, &ranking, hi, limit);
        if hi == 0 || known.is_some_and(|k| cut <= k) {
            break;
        }
        let b = attempt(cut)?;
        if fits(&b) {
            lo = Some((cut, b));
            break;
        }
        hi = cut;
        over = b;
    }
    // Grow back from the best fit known: the next unit first (a measured cut is usually
    // within a unit or two of the best), then bisect. With no fit known, bisect down
    // towards the fixed sections alone.
    let mut known = lo.as_ref().map_or(0, |(k, _)| *k);
    let mut best = lo.map(|(_, a)| a);
    let mut next_first = best.is_some();
    while hi - known > 1 {
        let probe = if next_first { known + 1 } else { known + (hi - known) / 2 };
        next_first = false;
        let a = attempt(probe)?;
        if fits(&a) {
            known = probe;
            best = Some(a);
        } else {
            hi = probe;
        }
    }
    let best = match best {
        Some(b) => b,
        None => {
            let a = if hi == 0 { over } else { attempt(0)? };
            if !fits(&a) {
                return Err(vec![Diagnostic::new(format!(
                    "`{}` does not fit its {limit}-page budget even with only the title, summary and fixed sections ({} pages)",
                    spec.stem,
                    a.laid.pages()
                ))
                .in_file(&spec.path)
                .hint("shorten the title or subtitle, or check the audience's template for fixed content")]);
            }
            a
        }
    };
    finish(best, known)
}

/// The brief's Typst source. Its glossary explains the words the rest of the brief prints:
/// rendered once without a glossary, the source shows what that is (footnotes aside).
fn typst_source(ctx: &Context, brief: &mut Brief) -> Result<String, Vec<Diagnostic>> {
    brief.glossary.clear();
    let bare = ctx.renderer.typst(brief).map_err(|e| vec![e])?;
    brief.glossary = select::glossary_for(&crate::render::escape::typst_prose(&bare), &ctx.data.glossary);
    if brief.glossary.is_empty() {
        return Ok(bare);
    }
    ctx.renderer.typst(brief).map_err(|e| vec![e])
}

/// From a layout that runs past the budget: how many of the ranking's first `kept` units
/// to keep so that the room the dropped ones took covers the overflow. A unit's room runs
/// from its marker to the next marker; the overflow is what lies past the budget's last
/// page. Without markers every unit measures zero and everything is cut; the caller then
/// grows back by bisection.
fn measured_cut(a: &Attempt, ranking: &[Unit], kept: usize, limit: usize) -> usize {
    let page = a.laid.page_height();
    let end = a.laid.markers().iter().find(|(k, _)| k == "end").map_or(page * a.laid.pages() as f64, |(_, y)| *y);
    let room = rooms(a);
    let overflow = end - page * limit as f64;
    let mut cut = kept;
    let mut freed = 0.0;
    while cut > 0 && freed < overflow {
        cut -= 1;
        freed += room.get(ranking[cut].key().as_str()).copied().unwrap_or(0.0);
    }
    cut.min(kept.saturating_sub(1))
}

/// Where a page break may be asked for: before a unit (its marker starts a line at the top
/// level: a paragraph or list item of its own, not inside a call), or before a line of the
/// source.
#[derive(Debug, Clone, PartialEq)]
enum Break {
    Unit(String),
    Line(usize),
}

fn starts_unit(line: &str, key: &str) -> bool {
    let marker = format!("#metadata({})", crate::render::escape::typst_string(&format!("u:{key}")));
    line.starts_with(&marker) || line.strip_prefix("- ").is_some_and(|rest| rest.starts_with(&marker))
}

/// The source with a (weak) page break at each of `breaks`, moved up over the headings
/// right above it, which belong with what follows; a break before a list item ends the
/// list there and goes on with a new one.
fn with_breaks(source: String, breaks: &[Break]) -> String {
    if breaks.is_empty() {
        return source;
    }
    let lines: Vec<&str> = source.lines().collect();
    let mut at: Vec<usize> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let hit = breaks.iter().any(|b| match b {
            Break::Unit(k) => starts_unit(line, k),
            Break::Line(l) => *l == i && (line.starts_with("- ") || line.starts_with("#metadata(")),
        });
        if hit {
            let mut j = i;
            while j > 0 && lines[j - 1].starts_with('=') {
                j -= 1;
            }
            at.push(j);
        }
    }
    let mut out = String::with_capacity(source.len() + 64);
    for (i, line) in lines.iter().enumerate() {
        if at.contains(&i) {
            // The marker tells the editorial check the page ends early on purpose.
            out.push_str("#pagebreak(weak: true)\n#metadata(\"u:moved\")\n");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The room each unit takes in a layout, by key: from its marker to the next one.
fn rooms(a: &Attempt) -> HashMap<String, f64> {
    let markers = a.laid.markers();
    let mut room: HashMap<String, f64> = HashMap::new();
    for w in markers.windows(2) {
        *room.entry(w[0].0.clone()).or_default() += w[1].1 - w[0].1;
    }
    room
}

/// The spec's own strings (title, subtitle, organisation) hold only characters the fonts
/// can show; otherwise an error at the spec line that holds the character.
pub fn check_glyphs(spec: &Spec, shared: &Shared) -> Vec<Diagnostic> {
    let text = crate::diagnostic::read_text(&spec.path, "").unwrap_or_default();
    let mut errors = Vec::new();
    for (key, value) in [("title", &spec.title), ("subtitle", &spec.subtitle), ("organisation", &spec.organisation)] {
        let Some(value) = value else { continue };
        if let Some(c) = shared.unshowable(value) {
            let d = Diagnostic::new(format!("the {key} holds `{c}` (U+{:04X}), which none of the fonts can print", c as u32)).in_file(&spec.path);
            let at = text.lines().enumerate().find_map(|(i, l)| l.chars().position(|x| x == c).map(|col| (i + 1, col + 1)));
            let d = match at {
                Some((line, col)) => d.at(&text, line, col, 1),
                None => d,
            };
            errors.push(d.hint("leave the character out (emoji and symbols outside Noto Sans are not available), or add a font that has it to templates/fonts/"));
        }
    }
    errors
}

/// Renders every output of one spec in memory.
pub fn render_spec(ctx: &Context, spec: &Spec, opts: &Options) -> Result<Built, Vec<Diagnostic>> {
    let start = Instant::now();
    let glyphs = check_glyphs(spec, &ctx.typst);
    if !glyphs.is_empty() {
        return Err(glyphs);
    }
    let mut full = select::select(spec, &ctx.data);
    if spec.title.is_none() {
        full.meta.title = ctx.renderer.title(&full).map_err(|e| vec![e])?;
    }
    // The PDF layout decides what fits; the DOCX carries the same content.
    let result = fit(ctx, spec, &full);
    let outcome = result.and_then(|(attempt, dropped)| {
        let findings = review(ctx, &attempt);
        if opts.strict && !findings.is_empty() {
            return Err(findings.iter().map(|f| finding_diagnostic(spec, f, Severity::Error)).collect());
        }
        let mut outputs = Vec::new();
        let out = |ext: &str| opts.out.join(format!("{}.{ext}", spec.stem));
        if opts.emit_source {
            outputs.push(Output { path: out("typ"), bytes: attempt.source.clone().into_bytes() });
        }
        if spec.wants(Format::Docx) {
            outputs.push(Output { path: out("docx"), bytes: docx(ctx, &attempt.brief, spec)? });
        }
        if spec.wants(Format::Pdf) {
            // The PDF /ID must differ between briefs and stay put across builds of one brief.
            let ident = format!("briefgen/{}/{}", spec.stem, attempt.brief.meta.title);
            let bytes = attempt.laid.pdf(spec.date, &ident, spec.pdf_standard)?;
            outputs.push(Output { path: out("pdf"), bytes });
        }
        Ok(Built { spec: spec.clone(), outputs, pages: attempt.laid.pages(), dropped, findings, millis: start.elapsed().as_millis() })
    });
    // Memoised layout results only help within one brief; dropping them keeps memory
    // flat over many briefs.
    typst::comemo::evict(0);
    outcome
}

/// Reads the laid-out brief as a reader would (see `editorial`).
fn review(ctx: &Context, attempt: &Attempt) -> Vec<editorial::Finding> {
    let places = attempt.brief.countries.iter().map(|c| vec![c.name.clone(), c.short_name.clone()]).collect();
    let expect = editorial::Expect {
        places,
        terms: &ctx.data.glossary.terms,
        acronyms: &ctx.data.glossary.acronyms,
        vocabulary: &ctx.vocabulary,
        passages: &ctx.passages,
    };
    editorial::check(&attempt.laid.text(), &expect)
}

/// An editorial finding as a diagnostic naming the brief and the page.
pub fn finding_diagnostic(spec: &Spec, f: &editorial::Finding, severity: Severity) -> Diagnostic {
    let page = if f.page > 0 { format!("page {}: ", f.page) } else { String::new() };
    let mut d = Diagnostic::new(format!("{}: {page}{} [{}]\n    “{}”", spec.stem, f.message, f.check, f.text)).in_file(&spec.path);
    d.severity = severity;
    d
}

/// The brand colours, as `sys.inputs` for the templates.
fn inputs(spec: &Spec) -> [(&str, &str); 2] {
    [("ink", spec.brand.colour.as_str()), ("accent", spec.brand.accent.as_str())]
}

fn docx(ctx: &Context, brief: &Brief, spec: &Spec) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let blocks = ctx.renderer.docx(brief).map_err(|e| vec![e])?;
    let mut pictures = HashMap::new();
    if let Some(logo) = &spec.brand.logo {
        pictures.insert(select::LOGO_PATH.to_string(), logo.clone());
    }
    let setup = typeset::Setup { date: spec.date, inputs: &inputs(spec), extra: &[] };
    for s in &brief.series {
        let source = ctx.renderer.chart(s).map_err(|e| vec![e])?;
        let chart = typeset::layout(&ctx.typst, &format!("{}-{}.typ", spec.stem, s.id), source, &setup)?;
        pictures.insert(s.id.clone(), chart.png()?);
    }
    let meta = docx::Meta {
        title: &brief.meta.title,
        author: &brief.meta.author,
        subject: &brief.report.title,
        keywords: &brief.meta.keywords,
        date_iso: &brief.meta.date_iso,
        paper: spec.paper,
        colour: &spec.brand.colour,
        accent: &spec.brand.accent,
        body_pt: if spec.audience == crate::spec::Audience::Community { 12 } else { 10 },
    };
    docx::write(&blocks, &meta, ctx.renderer.dir(), &pictures).map_err(|e| vec![e])
}

fn layout(ctx: &Context, brief: &Brief, spec: &Spec, source: String) -> Result<typeset::Laid, Vec<Diagnostic>> {
    let name = format!("{}.typ", spec.stem);
    let logo: Vec<(&str, &[u8])> = spec.brand.logo.iter().map(|l| (select::LOGO_PATH, l.as_slice())).collect();
    let setup = typeset::Setup { date: spec.date, inputs: &inputs(spec), extra: &logo };
    typeset::layout(&ctx.typst, &name, source.clone(), &setup)
        .map_err(|errors| errors.into_iter().map(|d| to_template(ctx, brief, &name, &source, d)).collect())
}

/// A Typst error in the generated source, re-pointed at the template line that wrote it
/// (the generated line stays in the message for reference).
fn to_template(ctx: &Context, brief: &Brief, name: &str, source: &str, d: Diagnostic) -> Diagnostic {
    let (Some(file), Some(line)) = (&d.file, d.line) else { return d };
    if file.as_path() != std::path::Path::new(name) {
        return d;
    }
    let generated = source.lines().nth(line - 1).unwrap_or_default();
    let templates = crate::render::trace::typst_templates(ctx.renderer.dir(), &format!("{}.typ.j2", brief.meta.audience));
    match crate::render::trace::origin(generated, &templates) {
        Some((tpl, tline, ttext)) => {
            let col = ttext.find(|c: char| !c.is_whitespace()).map_or(1, |b| b + 1);
            let mut out = Diagnostic::new(format!("{} (generated line {line} of {name}: `{}`)", d.message, generated.trim().chars().take(80).collect::<String>()))
                .in_file(&tpl)
                .at(&ttext, 1, col, ttext.trim().chars().count().min(60));
            out.line = Some(tline);
            out.hint = d.hint.or_else(|| Some("`briefgen build --emit-source` writes the generated Typst beside the outputs".into()));
            out
        }
        None => d,
    }
}

/// Writes `bytes` to `path` via a temporary file in the same folder and a rename, so
/// readers see the old file or the new one, never half of one. No fsync: that guards
/// against power loss, not against a failed build, and costs ~40 ms a file here.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let tmp = temporary(path, "tmp");
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes every output of a built spec as one unit: all of them to temporary files first,
/// and only when every one is written are they renamed into place, the previous files
/// kept aside until the last rename has worked. A failure (a full disk, a folder where a
/// file should go) leaves the previous files, never a new one beside an old one.
pub fn commit(built: &Built) -> Result<(), Vec<Diagnostic>> {
    use std::io::Write;
    let fail = |path: &Path, e: std::io::Error| {
        vec![Diagnostic::new(format!("cannot write `{}`: {e}", path.display()))
            .hint("check that the output folder exists, is writable and has room, or pass --out DIR")]
    };
    let remove = |paths: &mut dyn Iterator<Item = &PathBuf>| {
        for p in paths {
            let _ = std::fs::remove_file(p);
        }
    };
    // Write every new file beside its target.
    let mut fresh: Vec<(PathBuf, &Path)> = Vec::new();
    for o in &built.outputs {
        let tmp = temporary(&o.path, "tmp");
        let result = if o.path.is_dir() {
            Err(std::io::Error::other("a folder of that name is in the way"))
        } else {
            std::fs::File::create(&tmp).and_then(|mut f| f.write_all(&o.bytes))
        };
        if let Err(e) = result {
            let _ = std::fs::remove_file(&tmp);
            remove(&mut fresh.iter().map(|(t, _)| t));
            return Err(fail(&o.path, e));
        }
        fresh.push((tmp, &o.path));
    }
    // Keep the previous files aside (a second link costs no copy), then swap in the new.
    let mut kept: Vec<(PathBuf, &Path)> = Vec::new();
    for (_, path) in &fresh {
        if path.is_file() {
            let old = temporary(path, "old");
            let _ = std::fs::remove_file(&old);
            if std::fs::hard_link(path, &old).is_ok() {
                kept.push((old, path));
            }
        }
    }
    for (i, (tmp, path)) in fresh.iter().enumerate() {
        if let Err(e) = std::fs::rename(tmp, path) {
            // Put back what was replaced; remove what is new.
            for (_, done) in &fresh[..i] {
                match kept.iter().find(|(_, p)| p == done) {
                    Some((old, _)) => {
                        let _ = std::fs::rename(old, done);
                    }
                    None => {
                        let _ = std::fs::remove_file(done);
                    }
                }
            }
            remove(&mut fresh[i..].iter().map(|(t, _)| t));
            remove(&mut kept.iter().map(|(o, _)| o));
            return Err(fail(path, e));
        }
    }
    remove(&mut kept.iter().map(|(o, _)| o));
    Ok(())
}

/// A hidden name beside `path`, unique to this process and thread, ending in `.{kind}`.
fn temporary(path: &Path, kind: &str) -> PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    dir.join(format!(".{name}.{}.{:?}.{kind}", std::process::id(), std::thread::current().id()).replace(['(', ')'], ""))
}

/// Prepares the output folder and checks it is writable. The folder itself is created
/// if missing, but not a missing parent: `--out reprots/2026/out` is more likely a typo
/// than a wish for three new folders.
pub fn prepare_out(out: &Path) -> Result<(), Diagnostic> {
    let hint = "pass --out DIR with a folder you can write to (its parent must exist)";
    if !out.is_dir() {
        let parent = out.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        if !parent.is_dir() {
            return Err(Diagnostic::new(format!("the output folder's parent `{}` does not exist", parent.display())).hint(hint));
        }
        std::fs::create_dir(out)
            .map_err(|e| Diagnostic::new(format!("cannot create the output folder `{}`: {e}", out.display())).hint(hint))?;
    }
    let probe = out.join(format!(".briefgen-write-test-{}", std::process::id()));
    std::fs::write(&probe, b"")
        .map_err(|e| Diagnostic::new(format!("the output folder `{}` is not writable: {e}", out.display())).hint(hint))?;
    let _ = std::fs::remove_file(probe);
    Ok(())
}

/// The specs to build: the given paths, or every `briefs/*.yaml`.
pub fn spec_paths(given: &[PathBuf]) -> Result<Vec<PathBuf>, Diagnostic> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let dir = Path::new("briefs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Diagnostic::new(format!("cannot list `briefs/`: {e}")).hint("run briefgen from the project folder, or name the spec files"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(Diagnostic::new("no brief specs found in `briefs/`").hint("add a `briefs/<name>.yaml` (see README) or name the spec files"));
    }
    Ok(paths)
}

/// Two specs that would write the same output names (same file name, different folders).
pub fn same_outputs(paths: &[PathBuf]) -> Vec<Diagnostic> {
    let mut seen: HashMap<String, &PathBuf> = HashMap::new();
    let mut errors = Vec::new();
    for p in paths {
        let stem = p.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        match seen.get(&stem) {
            Some(first) if *first != p => errors.push(
                Diagnostic::new(format!("`{}` and `{}` would both write `{stem}.pdf` and `{stem}.docx`", first.display(), p.display()))
                    .in_file(p)
                    .hint("rename one of the two spec files: a spec's file name names its outputs"),
            ),
            Some(_) => {}
            None => {
                seen.insert(stem, p);
            }
        }
    }
    errors
}

/// Loads every spec, collecting every problem.
pub fn load_specs(paths: &[PathBuf], data: &Dataset) -> (Vec<Spec>, Vec<Diagnostic>) {
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        match Spec::load(p, data) {
            Ok(s) => specs.push(s),
            Err(mut e) => errors.append(&mut e),
        }
    }
    (specs, errors)
}
