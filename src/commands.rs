//! The three commands. Each prints what it did and returns the process exit code.

use crate::produce::jobs::{self, Progress, Request, Status, Summary};
use crate::produce::{self, manifest, Options};
use crate::spec;
use crate::cli::{BuildArgs, ListWhat};
use crate::typeset::Shared;
use crate::data::Dataset;
use crate::diagnostic::{report, Diagnostic};
use crate::project::Project;
use crate::templates::Templates;
use std::path::{Path, PathBuf};

/// What every command starts from: the project (briefgen.yaml, or the working folder),
/// with the command line's folders over it, and the template layers.
pub struct Setup {
    pub project: Project,
    pub templates: Templates,
}

impl Setup {
    pub fn from_cli(cli: &crate::cli::Cli) -> Result<Setup, i32> {
        let mut project = Project::discover(cli.profile.as_deref()).map_err(|e| fail(&e))?;
        if let Some(d) = &cli.data {
            project.data = d.clone();
        }
        if let Some(t) = &cli.templates {
            project.templates = Some(t.clone());
        }
        let templates = Templates::new(project.templates.as_deref()).map_err(|e| fail(&[e]))?;
        Ok(Setup { project, templates })
    }
}

fn fail(diags: &[Diagnostic]) -> i32 {
    report(diags);
    let n = diags.len();
    eprintln!("{n} problem{} found", if n == 1 { "" } else { "s" });
    1
}

fn request(setup: &Setup, args: &BuildArgs, force: bool) -> Request {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Request {
        specs: args.specs.clone(),
        project: setup.project.clone(),
        templates: setup.templates.clone(),
        options: Options { out: args.out.clone().unwrap_or_else(|| setup.project.out.clone()), emit_source: args.emit_source, strict: args.strict },
        jobs: args.jobs.unwrap_or(cores).max(1),
        force,
    }
}

/// One line on what a run did.
fn tally(summary: &Summary, out: &Path) -> String {
    let count = |s: Status| summary.records.iter().filter(|r| r.status == s).count();
    let (built, skipped, failed) = (count(Status::Built), count(Status::Skipped), count(Status::Failed));
    let mut parts = vec![format!("{built} built")];
    if skipped > 0 {
        parts.push(format!("{skipped} unchanged"));
    }
    if failed > 0 {
        parts.push(format!("{failed} failed"));
    }
    format!("{} in {}", parts.join(", "), out.display())
}

pub fn build(setup: &Setup, args: &BuildArgs, force: bool, json: bool) -> i32 {
    let req = request(setup, args, force);
    let progress = Progress::new(req.specs.len().max(1));
    let mut summary = jobs::run(&req, None, &mut |r, done, total| progress.update(r, done, total));
    // The process ends next: what the run read and selected is left to the system to reclaim.
    std::mem::forget(summary.read.take());
    std::mem::forget(summary.selected.take());
    progress.finish();
    if json {
        println!("{}", serde_json::to_string_pretty(&summary.records).expect("records serialise"));
    }
    report(&summary.diagnostics);
    eprintln!("{}", tally(&summary, &req.options.out));
    i32::from(summary.failed())
}

/// Size and modification time of every watched file.
fn snapshot(roots: &[PathBuf]) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    roots
        .iter()
        .flat_map(|r| if r.is_dir() { manifest::files_under(r) } else { vec![r.clone()] })
        .map(|p| {
            let m = std::fs::metadata(&p).ok();
            let len = m.as_ref().map_or(0, |m| m.len());
            (p, len, m.and_then(|m| m.modified().ok()))
        })
        .collect()
}

pub fn watch(setup: &Setup, args: &BuildArgs) -> i32 {
    let req = request(setup, args, false);
    let (data, templates) = (&setup.project.data, &setup.templates);
    let shared = match Shared::new(templates) {
        Ok(s) => s,
        Err(e) => return fail(&[Diagnostic::new(format!("cannot load the fonts: {e}"))]),
    };
    // What to watch: the files the specs read (`spec::Inputs`), found again after each
    // build, plus the spec folder itself when specs are found there (a new spec).
    let roots = || -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = Vec::new();
        if args.specs.is_empty() {
            files.push(setup.project.briefs.clone());
        }
        files.extend(setup.project.file.clone());
        for path in spec::spec_paths(&args.specs, &setup.project.briefs).unwrap_or_default() {
            match spec::Inputs::read(&path, &setup.project.inherited) {
                Some(inputs) => files.extend(inputs.files(&path, data, templates)),
                None => files.push(path),
            }
        }
        files.sort();
        files.dedup();
        files
    };
    let poll = std::time::Duration::from_millis(200);
    let mut watched = roots();
    let mut seen = snapshot(&watched);
    let mut first = true;
    loop {
        let start = std::time::Instant::now();
        let summary = jobs::run(&req, Some(shared.clone()), &mut |r, _, _| {
            if r.status != Status::Skipped {
                eprintln!("{}", Progress::line(r));
            }
        });
        report(&summary.diagnostics);
        let what = if first { "first build" } else { "rebuilt after the change" };
        eprintln!("{what}: {} ({} ms)", tally(&summary, &req.options.out), start.elapsed().as_millis());
        if first {
            eprintln!("watching {} files the briefs read (every {} ms; Ctrl-C to stop)", watched.len(), poll.as_millis());
            first = false;
        }
        loop {
            std::thread::sleep(poll);
            let now = snapshot(&watched);
            if now != seen {
                break;
            }
        }
        watched = roots();
        seen = snapshot(&watched);
    }
}

pub fn validate(setup: &Setup, specs: &[PathBuf]) -> i32 {
    let templates = &setup.templates;
    // Every loading problem at once: the dataset, the audiences and the fonts.
    let ctx = match produce::Context::new(&setup.project.data, templates) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let data = &ctx.data;
    let paths = match spec::spec_paths(specs, &setup.project.briefs) {
        Ok(p) => p,
        Err(e) => return fail(&[e]),
    };
    let (specs, mut errors) = spec::load_specs(&paths, ctx.env(&setup.project));
    errors.extend(spec::same_outputs(&paths));
    // What the build would refuse at layout, refused here too: characters no font has.
    errors.extend(specs.iter().flat_map(|s| produce::check_glyphs(s, &ctx.typst)));
    // A dry run through the templates: what rendering would fail on, without layout.
    for s in &specs {
        for e in produce::dry_run(&ctx.renderer, data, &ctx.audiences, s) {
            if !errors.contains(&e) {
                errors.push(e);
            }
        }
    }
    if !errors.is_empty() {
        return fail(&errors);
    }
    let sum = |f: fn(&crate::data::model::Country) -> usize| data.countries.iter().map(f).sum::<usize>();
    eprintln!(
        "ok: {} chapters ({} key messages, {} services, {} figures, {} quotes, {} references), {} insights, {} conclusion themes; {} spec{} checked",
        data.countries.len(),
        sum(|c| c.key_messages.len()),
        sum(|c| c.services.len()),
        sum(|c| c.figures.len()),
        sum(|c| c.quotes.len()),
        sum(|c| c.references.len()),
        data.insights.insights.len(),
        data.conclusion.as_ref().map_or(0, |c| c.themes.len()),
        specs.len(),
        if specs.len() == 1 { "" } else { "s" }
    );
    0
}

pub fn list(setup: &Setup, what: ListWhat) -> i32 {
    let rows: Vec<(String, String)> = match what {
        ListWhat::Audiences => match crate::audience::Audiences::load(&setup.templates) {
            Ok(a) => a.all.iter().map(|a| (a.id.clone(), format!("{} ({} page{})", a.name, a.pages, if a.pages == 1 { "" } else { "s" }))).collect(),
            Err(e) => return fail(&e),
        },
        _ => {
            let data = match Dataset::load_checked(&setup.project.data) {
                Ok(d) => d,
                Err(e) => return fail(&e),
            };
            match what {
                ListWhat::Countries => data.countries.iter().map(|c| (c.id.clone(), c.name.clone())).collect(),
                _ => data.insights.insights.iter().map(|i| (i.id.clone(), i.title.clone())).collect(),
            }
        }
    };
    let width = rows.iter().map(|(id, _)| id.len()).max().unwrap_or(0);
    for (id, name) in rows {
        println!("{id:width$}  {name}");
    }
    0
}

pub fn templates(setup: &Setup, action: &crate::cli::TemplatesAction) -> i32 {
    match action {
        crate::cli::TemplatesAction::List => {
            for name in Templates::builtin_names() {
                let mine = setup.templates.user_dir().is_some_and(|d| d.join(name).is_file());
                println!("{name}{}", if mine { "  (yours overrides it)" } else { "" });
            }
            0
        }
        crate::cli::TemplatesAction::Eject { name, to } => {
            let dir = to.clone().or_else(|| setup.templates.user_dir().map(Path::to_path_buf)).unwrap_or_else(|| PathBuf::from("templates"));
            match Templates::eject(name, &dir) {
                Ok(files) => {
                    for f in &files {
                        eprintln!("wrote {}", f.display());
                    }
                    eprintln!("edit them there; everything else still comes from the built-in templates");
                    0
                }
                Err(e) => fail(&[e]),
            }
        }
    }
}
