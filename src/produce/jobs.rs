//! Running many specs: skip the unchanged, build the rest on worker threads that share
//! one dataset, one template environment and one font store, report each brief as it
//! finishes (a progress bar on a terminal, one plain line per brief otherwise) and keep
//! going when one fails.

use super::cache;
use super::manifest::{self, KeyBuilder, Manifest};
use super::{Context, Options};
use crate::diagnostic::Diagnostic;
use crate::spec::{Inputs, Spec};
use crate::typeset::Shared;
use serde::Serialize;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct Request {
    pub specs: Vec<PathBuf>,
    pub project: crate::project::Project,
    pub templates: crate::templates::Templates,
    pub options: Options,
    pub jobs: usize,
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Built,
    Skipped,
    Failed,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileRecord {
    pub path: PathBuf,
    pub bytes: u64,
    pub sha256: String,
}

/// One spec's outcome; `--json` prints a list of these.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub spec: PathBuf,
    pub status: Status,
    pub outputs: Vec<FileRecord>,
    pub pages: Option<usize>,
    pub milliseconds: u128,
    /// How many layouts the page-budget search made, and the pages they had in all.
    pub layouts: usize,
    pub pages_laid: usize,
    /// Units laid out alone to rule them out (`budget::probe`), not counted in `layouts`.
    pub probes: usize,
    /// Whether the search started where the last build of the spec ended (else from an
    /// estimate, as in a new output folder).
    pub started_from_last_build: bool,
    /// What the page budget left out.
    pub dropped: Vec<crate::budget::Unit>,
    /// Editorial findings (see `editorial`): what a reader would correct.
    pub warnings: Vec<crate::editorial::Finding>,
    pub errors: Vec<Diagnostic>,
}

impl Record {
    fn failed(spec: &Path, errors: &[Diagnostic]) -> Record {
        Record { spec: spec.to_path_buf(), status: Status::Failed, outputs: Vec::new(), pages: None, milliseconds: 0, layouts: 0, pages_laid: 0, probes: 0, started_from_last_build: false, dropped: Vec::new(), warnings: Vec::new(), errors: errors.to_vec() }
    }

    fn skipped(spec: &Path, entry: &manifest::Entry, millis: u128) -> Record {
        Record {
            spec: spec.to_path_buf(),
            status: Status::Skipped,
            outputs: entry.outputs.iter().map(|o| FileRecord { path: o.path.clone(), bytes: o.bytes, sha256: o.sha256.clone() }).collect(),
            pages: Some(entry.pages),
            milliseconds: millis,
            layouts: 0,
            pages_laid: 0,
            probes: 0,
            started_from_last_build: false,
            dropped: Vec::new(),
            warnings: Vec::new(),
            errors: Vec::new(),
        }
    }

    fn built(built: &super::Built) -> Record {
        Record {
            spec: built.spec.path.clone(),
            status: Status::Built,
            outputs: built.outputs.iter().map(|o| FileRecord { path: o.path.clone(), bytes: o.bytes.len() as u64, sha256: manifest::sha256_hex(&o.bytes) }).collect(),
            pages: Some(built.pages),
            milliseconds: built.millis,
            layouts: built.layouts,
            pages_laid: built.pages_laid,
            probes: built.probes,
            started_from_last_build: built.started_from_last_build,
            dropped: built.dropped.clone(),
            warnings: built.findings.clone(),
            errors: Vec::new(),
        }
    }
}

/// The outcome of a run: per-spec records and problems that concern no single spec.
pub struct Summary {
    pub records: Vec<Record>,
    pub errors: Vec<Diagnostic>,
    /// Every problem, for printing.
    pub diagnostics: Vec<Diagnostic>,
    /// What the briefs were built from (the dataset, the templates, the fonts), handed back
    /// so that a process about to end can leave it unfreed: freeing a dataset twenty times
    /// the report's takes 3 to 4 ms.
    pub read: Option<super::Context>,
    /// What the last brief built selected, handed back for the same reason
    /// (`Built::selected`); an earlier one is freed on this thread as the next arrives,
    /// beside the building of the one after.
    pub selected: Option<crate::select::Brief>,
}

impl Summary {
    pub fn failed(&self) -> bool {
        !self.errors.is_empty() || self.records.iter().any(|r| r.status == Status::Failed)
    }
}

/// The key over everything a spec's outputs depend on (`spec::Inputs`), and the options
/// that change them.
fn spec_key(m: &mut Manifest, path: &Path, req: &Request) -> Option<String> {
    let inputs = Inputs::read(path, &req.project.inherited)?;
    let mut k = KeyBuilder::new();
    k.part("tool", &manifest::tool_identity());
    k.part("date", &inputs.date?.iso());
    k.part("emit-source", &req.options.emit_source.to_string());
    k.part("strict", &req.options.strict.to_string());
    k.part("project", &req.project.fingerprint());
    for f in inputs.files(path, &req.project.data, &req.templates) {
        k.part(&f.to_string_lossy(), &m.file_hash(&f));
    }
    Some(k.finish())
}

/// Builds what needs building; calls `report` as each spec finishes.
pub fn run(req: &Request, shared: Option<Arc<Shared>>, report: &mut dyn FnMut(&Record, usize, usize)) -> Summary {
    let mut summary = Summary { records: Vec::new(), errors: Vec::new(), diagnostics: Vec::new(), read: None, selected: None };
    let paths = match crate::spec::spec_paths(&req.specs, &req.project.briefs) {
        Ok(p) => p,
        Err(e) => {
            summary.errors.push(e.clone());
            summary.diagnostics.push(e);
            return summary;
        }
    };
    let clashes = crate::spec::same_outputs(&paths);
    if !clashes.is_empty() {
        summary.diagnostics.extend(clashes.iter().cloned());
        summary.errors.extend(clashes);
        return summary;
    }
    if let Err(e) = super::prepare_out(&req.options.out) {
        summary.errors.push(e.clone());
        summary.diagnostics.push(e);
        return summary;
    }
    let mut manifest = Manifest::load(&req.options.out);
    let total = paths.len();
    let mut todo = Vec::new();
    for path in paths.clone() {
        let start = Instant::now();
        let key = spec_key(&mut manifest, &path, req);
        let stem = path.file_stem().unwrap_or_default().to_string_lossy().into_owned();
        match &key {
            Some(k) if !req.force && manifest.up_to_date(&stem, k) => {
                let record = Record::skipped(&path, &manifest.specs[&stem], start.elapsed().as_millis());
                report(&record, summary.records.len() + 1, total);
                summary.records.push(record);
            }
            _ => todo.push((path, key)),
        }
    }
    if !todo.is_empty() {
        let mut run = Progressing { manifest: &mut manifest, summary: &mut summary, total, report };
        summary.read = build_all(req, shared, todo, &mut run);
    }
    // Progress is shown as briefs finish; the records keep the order the specs were given.
    summary.records.sort_by_key(|r| paths.iter().position(|p| *p == r.spec).unwrap_or(usize::MAX));
    // Only a build changes what the manifest vouches for; failures and skips leave the
    // folder as it was.
    if summary.records.iter().any(|r| r.status == Status::Built)
        && let Err(e) = manifest.save(&req.options.out)
    {
        let d = Diagnostic::new(format!("cannot write the build manifest: {e}")).hint("the next build will rebuild everything");
        summary.diagnostics.push(d);
    }
    summary
}

/// Where a run's results go as briefs finish: the manifest, the summary, the reporter.
struct Progressing<'a> {
    manifest: &'a mut Manifest,
    summary: &'a mut Summary,
    total: usize,
    report: &'a mut dyn FnMut(&Record, usize, usize),
}

impl Progressing<'_> {
    fn push(&mut self, record: Record, errors: Vec<Diagnostic>) {
        (self.report)(&record, self.summary.records.len() + 1, self.total);
        self.summary.records.push(record);
        self.summary.diagnostics.extend(errors);
    }
}

/// Builds the specs in `todo` (with their manifest keys) on worker threads that share one
/// dataset, one template environment and one font store.
fn build_all(req: &Request, shared: Option<Arc<Shared>>, todo: Vec<(PathBuf, Option<String>)>, run: &mut Progressing) -> Option<Context> {
    // The kept dataset is decoded on a second thread while the fonts are set up, where the
    // data files' stamp vouches for its key (`cache::stamp`); otherwise the second thread
    // hashes the files for the key (at 20 x the report, 2 to 3 ms) and this one decodes.
    let stamp = cache::stamp(&req.project.data);
    let opened = cache::open_kept(&req.options.out);
    let vouched = opened.as_ref().is_some_and(|o| o.stamped(stamp.as_deref()));
    let (here, there) = if vouched { (None, opened) } else { (opened, None) };
    let ((typst, learnt), read, key) = std::thread::scope(|scope| {
        let other = scope.spawn(|| match there {
            Some(opened) => (opened.key().to_owned(), opened.decode()),
            None => (cache::key(&req.project.data), None),
        });
        // The built-in fonts' faces, as an earlier run kept them or learnt now (and kept
        // at the end); `watch` brings its own font store.
        let fonts = match shared {
            Some(shared) => (Ok(shared), None),
            None => match cache::load_fonts(&req.options.out) {
                Some(faces) => (super::fonts_with(&req.templates, &faces), None),
                None => {
                    let faces = crate::typeset::world::embedded_faces();
                    (super::fonts_with(&req.templates, &faces), Some(faces))
                }
            },
        };
        let read = here.and_then(cache::Opened::decode);
        let (key, decoded) = other.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (fonts, read.or(decoded), key)
    });
    let (kept, restamped) = match read.and_then(|r| r.under(&key, stamp.as_deref(), &req.project.data)) {
        Some((data, vocabulary, restamped)) => (Some((data, vocabulary)), restamped),
        None => (None, None),
    };
    let parsed = kept.is_none();
    let ctx = typst.and_then(|t| Context::with_typst(&req.project.data, &req.templates, t, kept));
    let ctx = match ctx {
        Ok(c) => c,
        Err(errors) => {
            for (path, _) in &todo {
                run.push(Record::failed(path, &[]), Vec::new());
            }
            run.summary.diagnostics.extend(errors.iter().cloned());
            run.summary.errors.extend(errors);
            return None;
        }
    };
    // Each spec with its manifest key and where its last build's search ended.
    let mut specs: Vec<(Spec, Option<String>, Option<crate::budget::fit::Start>)> = Vec::new();
    for (path, key) in todo {
        match Spec::load(&path, ctx.env(&req.project)) {
            Ok(s) => {
                let start = ctx.audiences.get(&s.audience).and_then(|a| run.manifest.searched(&s.stem, &s.audience, a.pages));
                specs.push((s, key, start));
            }
            Err(errors) => run.push(Record::failed(&path, &errors), errors),
        }
    }
    let jobs = req.jobs.clamp(1, specs.len().max(1));
    crate::typeset::set_workers(jobs);
    let next = AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel();
    let pending = std::thread::scope(|scope| {
        // A dataset parsed afresh (and fonts' faces learnt) are encoded for the next run
        // while the briefs build (with one job, on a core that would idle).
        let keeping = (parsed || learnt.is_some()).then(|| {
            scope.spawn(|| (parsed.then(|| cache::encode(&key, stamp.as_deref(), &ctx.data, &ctx.vocabulary)).flatten(), learnt.as_deref().and_then(cache::encode_fonts)))
        });
        for _ in 0..jobs {
            let tx = tx.clone();
            let (ctx, specs, next) = (&ctx, &specs, &next);
            scope.spawn(move || {
                crate::heap::huge_pages_here();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((spec, _, start)) = specs.get(i) else { break };
                    // A panic (a bug, never a user's input) fails this brief, not the run.
                    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        super::render_spec(ctx, spec, &req.options, *start).and_then(|b| super::commit(&b).map(|()| b))
                    }))
                    .unwrap_or_else(|panic| {
                        let what = panic.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| panic.downcast_ref::<String>().cloned()).unwrap_or_default();
                        Err(vec![Diagnostic::new(format!("briefgen failed on this brief (an internal error: {what})"))
                            .in_file(&spec.path)
                            .hint("the other briefs were built; please report this with the spec")])
                    });
                    if tx.send((i, result)).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        for (i, result) in rx {
            let (spec, key, _) = &specs[i];
            match result {
                Ok(mut built) => {
                    run.summary.selected = built.selected.take();
                    if let Some(k) = key {
                        let outs: Vec<(PathBuf, &[u8])> = built.outputs.iter().map(|o| (o.path.clone(), o.bytes.as_slice())).collect();
                        let searched = ctx.audiences.get(&spec.audience).map(|a| manifest::Searched { audience: spec.audience.clone(), pages: a.pages, start: built.searched });
                        run.manifest.record(&spec.stem, k.clone(), &outs, built.pages, searched);
                    }
                    run.push(Record::built(&built), Vec::new());
                }
                // The old manifest entry stays: the old outputs are untouched and still match it.
                Err(errors) => run.push(Record::failed(&spec.path, &errors), errors),
            }
        }
        keeping.and_then(|k| k.join().ok()).unwrap_or((None, None))
    });
    // Like the manifest, kept only by a run that built something: a failed run leaves the
    // output folder as it was. Not keeping them costs the next run the YAML and the fonts,
    // nothing more.
    if run.summary.records.iter().any(|r| r.status == Status::Built) {
        if let Some(bytes) = pending.0.or(restamped) {
            let _ = cache::save(&req.options.out, &bytes);
        }
        if let Some(bytes) = pending.1 {
            let _ = cache::save_fonts(&req.options.out, &bytes);
        }
    }
    Some(ctx)
}

/// Progress for people: a bar on a terminal, one plain line per brief otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    pub fn new(total_hint: usize) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = indicatif::ProgressBar::new(total_hint as u64);
            bar.set_style(
                indicatif::ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} {msg}").expect("valid template").progress_chars("=> "),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            bar
        });
        Progress { bar }
    }

    pub fn line(r: &Record) -> String {
        let name = r.spec.file_stem().unwrap_or_default().to_string_lossy();
        match r.status {
            Status::Skipped => format!("unchanged {name}"),
            Status::Failed => format!("failed {name}"),
            Status::Built => {
                let pages = r.pages.map(|p| format!(", {p} page{}", if p == 1 { "" } else { "s" })).unwrap_or_default();
                let files: Vec<String> = r.outputs.iter().map(|o| format!("{} ({} KB)", o.path.display(), o.bytes.div_ceil(1024))).collect();
                let mut s = format!("built {name}{pages} in {} ms: {}", r.milliseconds, files.join(", "));
                for w in &r.warnings {
                    let page = if w.page > 0 { format!("page {}: ", w.page) } else { String::new() };
                    s.push_str(&format!("\n  warning: {page}{} [{}]", w.message, w.check));
                    if !w.text.is_empty() {
                        s.push_str(&format!("\n    “{}”", w.text));
                    }
                }
                if !r.dropped.is_empty() {
                    s.push_str(&format!("\n  left out to fit the page budget:\n    {}", crate::budget::describe(&r.dropped).replace("; ", "\n    ")));
                }
                s
            }
        }
    }

    pub fn update(&self, r: &Record, done: usize, total: usize) {
        match &self.bar {
            Some(bar) => {
                bar.set_length(total as u64);
                bar.set_position(done as u64);
                bar.println(Progress::line(r));
            }
            None => eprintln!("{}", Progress::line(r)),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
