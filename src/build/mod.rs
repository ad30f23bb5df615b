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
/// Layout only (no PDF export) until the choice is made. A small selection is tried
/// whole first, which usually fits: one layout. Otherwise the number of units kept is
/// searched between the largest known to fit and the smallest known not to; the first
/// probes scale by pages (n units made P pages, so try n·budget/P), the rest bisect. A
/// large selection is never laid out whole: the search starts from 16 units.
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
    // Largest number of units known to fit (with its attempt); smallest known not to.
    let mut lo: Option<(usize, Attempt)> = None;
    let mut hi = n + 1;
    let mut probe = if n <= 48 { n } else { 16 };
    loop {
        let a = attempt(probe)?;
        let pages = a.laid.pages();
        if fits(&a) {
            lo = Some((probe, a));
            if probe == n {
                break;
            }
        } else {
            hi = probe;
        }
        let known = lo.as_ref().map_or(0, |(k, _)| *k);
        if hi - known <= 1 && lo.is_some() {
            break;
        }
        probe = if lo.is_none() && probe > 0 {
            // Too long: scale down by pages, but always make progress.
            (probe * limit / pages.max(1)).min(probe - 1)
        } else if hi == n + 1 {
            // Fits and more remains: grow.
            (probe * 2).min(n)
        } else {
            known + (hi - known) / 2
        };
        if lo.is_none() && probe == 0 && hi == 0 {
            break;
        }
    }
    match lo {
        Some((k, a)) => Ok((a, ranking[k..].to_vec())),
        None => Err(vec![Diagnostic::new(format!(
            "`{}` does not fit its {limit}-page budget even with only the title, summary and fixed sections",
            spec.stem
        ))
        .in_file(&spec.path)
        .hint("shorten the title or subtitle, or check the audience's template for fixed content")]),
    }
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
