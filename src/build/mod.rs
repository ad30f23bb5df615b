//! Build orchestration: for each spec, load → select → fit the page budget → render →
//! typeset/write, all in memory; only when every output of a spec succeeded are the files
//! replaced, each atomically (temporary file in the same folder, then rename).
//! `jobs` runs many specs on worker threads; `manifest` skips the unchanged.

pub mod jobs;
pub mod manifest;

use crate::data::Dataset;
use crate::diagnostic::Diagnostic;
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
}

/// Everything one process shares between briefs.
pub struct Context {
    pub data: Dataset,
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
        Ok(Context { data, renderer, typst })
    }

    /// Like `new`, reusing an already loaded font store (`watch` keeps one for its lifetime).
    pub fn with_typst(data_dir: &Path, templates: &Path, typst: Arc<Shared>) -> Result<Context, Vec<Diagnostic>> {
        let data = Dataset::load_checked(data_dir)?;
        let renderer = Renderer::new(templates).map_err(|e| vec![e])?;
        typst.forget_files();
        Ok(Context { data, renderer, typst })
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
    let attempt = |keep: usize| -> Result<Attempt, Vec<Diagnostic>> {
        let brief = budget::retain(full, &ranking, keep, &ctx.data.glossary);
        let source = ctx.renderer.typst(&brief).map_err(|e| vec![e])?;
        let laid = layout(ctx, &brief, spec, source.clone())?;
        // Candidates share little layout work; keeping their memoised results only grows
        // memory (150 MB for seven countries' funder brief without this).
        typst::comemo::evict(1);
        Ok(Attempt { brief, source, laid })
    };
    let fits = |a: &Attempt| a.laid.pages() <= limit;
    // Largest number of units known to fit, with its layout; smallest known not to.
    let mut lo: Option<(usize, Attempt)> = None;
    let mut k = if n <= 48 { n } else { 16 };
    let mut over = loop {
        let a = attempt(k)?;
        if !fits(&a) {
            break a;
        }
        if k == n {
            return Ok((a, Vec::new()));
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
    Ok((best, ranking[known..].to_vec()))
}

/// From a layout that runs past the budget: how many of the ranking's first `kept` units
/// to keep so that the room the dropped ones took covers the overflow. A unit's room runs
/// from its marker to the next marker; the overflow is what lies past the budget's last
/// page. Without markers every unit measures zero and everything is cut; the caller then
/// grows back by bisection.
fn measured_cut(a: &Attempt, ranking: &[Unit], kept: usize, limit: usize) -> usize {
    let markers = a.laid.markers();
    let page = a.laid.page_height();
    let end = markers.iter().find(|(k, _)| k == "end").map_or(page * a.laid.pages() as f64, |(_, y)| *y);
    let mut room: HashMap<&str, f64> = HashMap::new();
    for w in markers.windows(2) {
        *room.entry(w[0].0.as_str()).or_default() += w[1].1 - w[0].1;
    }
    let overflow = end - page * limit as f64;
    let mut cut = kept;
    let mut freed = 0.0;
    while cut > 0 && freed < overflow {
        cut -= 1;
        freed += room.get(ranking[cut].key().as_str()).copied().unwrap_or(0.0);
    }
    cut.min(kept.saturating_sub(1))
}

/// Renders every output of one spec in memory.
pub fn render_spec(ctx: &Context, spec: &Spec, opts: &Options) -> Result<Built, Vec<Diagnostic>> {
    let start = Instant::now();
    let full = select::select(spec, &ctx.data);
    // The PDF layout decides what fits; the DOCX carries the same content.
    let result = fit(ctx, spec, &full);
    let outcome = result.and_then(|(attempt, dropped)| {
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
        Ok(Built { spec: spec.clone(), outputs, pages: attempt.laid.pages(), dropped, millis: start.elapsed().as_millis() })
    });
    // Memoised layout results only help within one brief; dropping them keeps memory
    // flat over many briefs.
    typst::comemo::evict(0);
    outcome
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
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.{:?}.tmp", std::process::id(), std::thread::current().id()).replace(['(', ')'], ""));
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

/// Writes every output of a built spec.
pub fn commit(built: &Built) -> Result<(), Vec<Diagnostic>> {
    for o in &built.outputs {
        write_atomic(&o.path, &o.bytes).map_err(|e| {
            vec![Diagnostic::new(format!("cannot write `{}`: {e}", o.path.display()))
                .hint("check that the output folder exists and is writable, or pass --out DIR")]
        })?;
    }
    Ok(())
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
