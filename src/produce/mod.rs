//! Producing briefs: for each spec, select → fit the page budget (`budget::fit`) → render
//! → typeset and write the DOCX, all in memory; `output` writes a spec's files as one unit,
//! `jobs` runs many specs on worker threads, `manifest` skips the unchanged, `cache` keeps
//! the checked dataset for the next run.

pub mod cache;
pub mod jobs;
pub mod manifest;
pub mod output;

use crate::budget::fit::{self, Attempt, Layouts};
use crate::budget::Unit;
use crate::data::Dataset;
use crate::diagnostic::{Diagnostic, Severity};
use crate::docx;
use crate::editorial;
use crate::audience::Audiences;
use crate::render::Renderer;
use crate::templates::Templates;
use crate::select::{self, Brief};
use crate::spec::{Format, Spec};
use crate::typeset::{self, Shared};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

pub use output::{commit, prepare_out, write_atomic};

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
    /// The dataset's passages, normalised for the editorial check's repeat test when it
    /// first needs them (on a large dataset they take longer to build than a brief).
    pub passages: std::sync::OnceLock<Vec<String>>,
    pub renderer: Renderer,
    pub typst: Arc<Shared>,
    pub audiences: Audiences,
}

impl Context {
    pub fn new(data_dir: &Path, templates: &Templates) -> Result<Context, Vec<Diagnostic>> {
        Context::with_typst(data_dir, templates, fonts(templates)?, None)
    }

    /// A context from loaded parts; what the editorial check needs is derived here.
    pub fn from_parts(data: Dataset, renderer: Renderer, typst: Arc<Shared>, audiences: Audiences) -> Context {
        let vocabulary = editorial::Vocabulary::from_texts(data.running_texts(), data.titled_texts());
        Context::assemble(data, vocabulary, renderer, typst, audiences)
    }

    fn assemble(data: Dataset, vocabulary: editorial::Vocabulary, mut renderer: Renderer, typst: Arc<Shared>, audiences: Audiences) -> Context {
        renderer.set_report(&data.report);
        Context { data, vocabulary, passages: std::sync::OnceLock::new(), renderer, typst, audiences }
    }

    /// Like `new`, reusing an already loaded font store (`watch` keeps one for its lifetime)
    /// and the dataset `cache` kept, if any. Every loading problem of the dataset and the
    /// audiences is reported at once.
    pub fn with_typst(
        data_dir: &Path,
        templates: &Templates,
        typst: Arc<Shared>,
        kept: Option<(Dataset, editorial::Vocabulary)>,
    ) -> Result<Context, Vec<Diagnostic>> {
        let audiences = Audiences::load(templates);
        let renderer = Renderer::new(templates).map_err(|e| vec![e]);
        typst.forget_files();
        if let Some((data, vocabulary)) = kept {
            let audiences = audiences?;
            return Ok(Context::assemble(data, vocabulary, renderer?, typst, audiences));
        }
        let (data, audiences) = match (Dataset::load_checked(data_dir), audiences) {
            (Ok(d), Ok(a)) => (d, a),
            (d, a) => return Err(d.err().into_iter().chain(a.err()).flatten().collect()),
        };
        Ok(Context::from_parts(data, renderer?, typst, audiences))
    }

    /// The dataset's passages as the editorial check's repeat test reads them.
    pub fn passages(&self) -> &[String] {
        self.passages.get_or_init(|| self.data.running_texts().into_iter().map(editorial::normalise).collect())
    }

    /// What specs are checked against.
    pub fn env<'a>(&'a self, project: &'a crate::project::Project) -> crate::spec::Env<'a> {
        crate::spec::Env { data: &self.data, audiences: &self.audiences, inherited: &project.inherited }
    }
}

/// The font store every brief of a process shares.
pub fn fonts(templates: &Templates) -> Result<Arc<Shared>, Vec<Diagnostic>> {
    fonts_with(templates, &crate::typeset::world::embedded_faces())
}

/// As `fonts`, with the built-in fonts' faces known (`cache::load_fonts`).
pub fn fonts_with(templates: &Templates, embedded: &[crate::typeset::world::EmbeddedFace]) -> Result<Arc<Shared>, Vec<Diagnostic>> {
    Shared::with_embedded(templates, embedded).map_err(|e| vec![Diagnostic::new(format!("cannot load the fonts: {e}"))])
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
    /// How many candidate layouts the page-budget search made, and their pages in all.
    pub layouts: usize,
    /// How many units it laid out alone (`budget::probe`), besides.
    pub probes: usize,
    pub pages_laid: usize,
    /// Where the search ended: where a later build starts.
    pub searched: fit::Start,
    /// Whether the search started where the last build's ended rather than at an estimate.
    pub started_from_last_build: bool,
    pub millis: u128,
    /// The brief's whole selection, handed back so that a process about to end can leave it
    /// unfreed (as `jobs::Summary::read`): freeing one from a dataset twenty times the
    /// report's took about 1 ms.
    pub selected: Option<Brief>,
}

/// The brief's Typst source. Its glossary explains the words the rest of the brief prints:
/// rendered once without a glossary, the source shows what that is (footnotes aside).
fn typst_source(ctx: &Context, brief: &mut Brief) -> Result<String, Vec<Diagnostic>> {
    brief.glossary.clear();
    let (bare, read) = ctx.renderer.typst_watching(brief, "glossary").map_err(|e| vec![e])?;
    brief.glossary = select::glossary_for(&crate::render::escape::typst_prose(&bare), &ctx.data.glossary);
    // A template that never looked the glossary up prints the same with it (most
    // audiences' do not print one); rendering again would cost as much as the first time.
    if brief.glossary.is_empty() || !read {
        return Ok(bare);
    }
    ctx.renderer.typst(brief).map_err(|e| vec![e])
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

/// Renders every output of one spec in memory; the page-budget search starts from `start`
/// (where the last build of the brief ended, `Built::searched`) where given.
pub fn render_spec(ctx: &Context, spec: &Spec, opts: &Options, start: Option<fit::Start>) -> Result<Built, Vec<Diagnostic>> {
    let began = Instant::now();
    let glyphs = check_glyphs(spec, &ctx.typst);
    if !glyphs.is_empty() {
        return Err(glyphs);
    }
    let audience = ctx.audiences.get(&spec.audience).ok_or_else(|| vec![Diagnostic::new(format!("unknown audience `{}`", spec.audience)).in_file(&spec.path)])?;
    let full = ctx.renderer.brief(spec, &ctx.data, audience).map_err(|e| vec![e])?;
    // The PDF layout decides what fits; the DOCX carries the same content.
    // What the search costs: how many candidates it laid out, and their pages in all.
    let (laid_out, pages_laid) = (std::cell::Cell::new(0usize), std::cell::Cell::new(0usize));
    let drafts = typeset::Drafts::default();
    let (probes, probed) = (typeset::Drafts::default(), std::cell::Cell::new(0usize));
    let layouts = Layouts {
        source: Box::new(|brief: &mut Brief| typst_source(ctx, brief)),
        lay: Box::new(|brief: Brief, source: String, spacing: fit::Spacing| {
            let laid = layout(ctx, &drafts, &brief, spec, source.clone(), spacing)?;
            typeset::forget_unused();
            laid_out.set(laid_out.get() + 1);
            pages_laid.set(pages_laid.get() + laid.pages());
            Ok(Attempt { brief, source, laid })
        }),
        findings: Box::new(|a: &Attempt| review(ctx, a)),
        probe: Box::new(|source: String| {
            let laid = layout(ctx, &probes, &full, spec, source, fit::Spacing::Usual).ok()?;
            probed.set(probed.get() + 1);
            Some((laid.markers(), laid.page_height()))
        }),
        spec_path: spec.path.clone(),
    };
    let result = fit::fit(&full, audience, &layouts, start);
    let outcome = result.and_then(|fit::Fitted { attempt, dropped, findings, searched, started }| {
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
        Ok(Built {
            spec: spec.clone(),
            outputs,
            pages: attempt.laid.pages(),
            dropped,
            findings,
            layouts: laid_out.get(),
            probes: probed.get(),
            pages_laid: pages_laid.get(),
            searched,
            started_from_last_build: started,
            millis: began.elapsed().as_millis(),
            selected: None,
        })
    });
    drop(layouts);
    outcome.map(|built| Built { selected: Some(full), ..built })
}

/// What `validate` does instead of a build: every template the spec's whole brief goes
/// through (title, Typst, DOCX, charts) is rendered, without layout, so an undefined value
/// or a broken template is caught before anything is typeset.
pub fn dry_run(renderer: &Renderer, data: &Dataset, audiences: &Audiences, spec: &Spec) -> Vec<Diagnostic> {
    let Some(audience) = audiences.get(&spec.audience) else { return Vec::new() };
    let mut brief = match renderer.brief(spec, data, audience) {
        Ok(b) => b,
        Err(e) => return vec![e],
    };
    let mut errors = Vec::new();
    match renderer.typst(&brief) {
        Ok(bare) => {
            brief.glossary = select::glossary_for(&crate::render::escape::typst_prose(&bare), &data.glossary);
            errors.extend(renderer.typst(&brief).err());
        }
        Err(e) => errors.push(e),
    }
    errors.extend(renderer.docx(&brief).err());
    errors.extend(brief.series.iter().filter_map(|s| renderer.chart(s).err()));
    errors
}

/// Reads the laid-out brief as a reader would (see `editorial`).
fn review(ctx: &Context, attempt: &Attempt) -> Vec<editorial::Finding> {
    let places = attempt.brief.countries.iter().map(|c| vec![c.name.clone(), c.short_name.clone()]).collect();
    let expect = editorial::Expect {
        places,
        terms: &ctx.data.glossary.terms,
        acronyms: &ctx.data.glossary.acronyms,
        vocabulary: &ctx.vocabulary,
        passages: &|| ctx.passages(),
    };
    let mut findings = editorial::check(&attempt.laid.text(), &expect);
    // Typst's own warnings (a font it could not find) are things a reader would see too.
    findings.extend(attempt.laid.warnings.iter().map(|w| editorial::Finding {
        check: "typst",
        page: 0,
        message: w.message.trim_start_matches("Typst: ").to_string(),
        text: w.hint.clone().unwrap_or_default(),
    }));
    findings
}

/// An editorial finding as a diagnostic naming the brief and the page.
pub fn finding_diagnostic(spec: &Spec, f: &editorial::Finding, severity: Severity) -> Diagnostic {
    let page = if f.page > 0 { format!("page {}: ", f.page) } else { String::new() };
    let mut d = Diagnostic::new(format!("{}: {page}{} [{}]\n    “{}”", spec.stem, f.message, f.check, f.text)).in_file(&spec.path);
    d.severity = severity;
    d
}

/// The brand colours, as `sys.inputs` for the templates.
/// The brand colours and every scalar `style` setting (as `style.<key>`), as `sys.inputs`
/// for the Typst templates.
fn inputs(spec: &Spec) -> Vec<(String, String)> {
    let mut v = vec![("ink".to_string(), spec.brand.colour.clone()), ("accent".to_string(), spec.brand.accent.clone())];
    for (k, val) in &spec.style {
        let text = match val {
            serde_yaml::Value::String(s) => s.clone(),
            serde_yaml::Value::Bool(b) => b.to_string(),
            serde_yaml::Value::Number(n) => n.to_string(),
            _ => continue,
        };
        if let Some(k) = k.as_str() {
            v.push((format!("style.{k}"), text));
        }
    }
    v
}

fn borrowed(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
}

fn docx(ctx: &Context, brief: &Brief, spec: &Spec) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let blocks = ctx.renderer.docx(brief).map_err(|e| vec![e])?;
    let mut pictures = HashMap::new();
    if let Some(logo) = &spec.brand.logo {
        pictures.insert(select::LOGO_PATH.to_string(), logo.clone());
    }
    let owned = inputs(spec);
    let setup = typeset::Setup { date: spec.date, inputs: &borrowed(&owned), extra: &[] };
    // Only the charts the Word brief shows are drawn (a brief carries every series of its
    // selection; most audiences show one chart or none).
    let shown: std::collections::HashSet<&str> = blocks.iter().filter_map(|b| if let crate::render::blocks::Block::Chart { id, .. } = b { Some(id.as_str()) } else { None }).collect();
    for s in brief.series.iter().filter(|s| shown.contains(s.id.as_str())) {
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
        body_pt: brief.audience.body_size as usize,
    };
    docx::write(&blocks, &meta, ctx.renderer.templates(), &pictures).map_err(|e| vec![e])
}

fn layout(ctx: &Context, drafts: &typeset::Drafts, brief: &Brief, spec: &Spec, source: String, spacing: fit::Spacing) -> Result<typeset::Laid, Vec<Diagnostic>> {
    let name = format!("{}.typ", spec.stem);
    let logo: Vec<(&str, &[u8])> = spec.brand.logo.iter().map(|l| (select::LOGO_PATH, l.as_slice())).collect();
    let mut owned = inputs(spec);
    if spacing == fit::Spacing::Tight {
        owned.push(("fit.tight".to_string(), "true".to_string()));
    }
    let setup = typeset::Setup { date: spec.date, inputs: &borrowed(&owned), extra: &logo };
    drafts.layout(&ctx.typst, &name, &source, &setup)
        .map_err(|errors| errors.into_iter().map(|d| crate::render::trace::to_template(ctx.renderer.templates(), &brief.meta.audience, &name, &source, d)).collect())
}
