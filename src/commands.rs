//! The three commands. Each prints what it did and returns the process exit code.

use crate::produce::jobs::{self, Progress, Request, Status, Summary};
use crate::produce::{self, manifest, Options};
use crate::spec;
use crate::cli::{BuildArgs, ListWhat};
use crate::typeset::Shared;
use crate::data::Dataset;
use crate::diagnostic::{report, Diagnostic};
use crate::spec::Audience;
use std::path::{Path, PathBuf};

fn fail(diags: &[Diagnostic]) -> i32 {
    report(diags);
    let n = diags.len();
    eprintln!("{n} problem{} found", if n == 1 { "" } else { "s" });
    1
}

fn request(args: &BuildArgs, data: &Path, templates: &Path, force: bool) -> Request {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Request {
        specs: args.specs.clone(),
        data: data.to_path_buf(),
        templates: templates.to_path_buf(),
        options: Options { out: args.out.clone(), emit_source: args.emit_source, strict: args.strict },
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

pub fn build(args: &BuildArgs, data: &Path, templates: &Path, force: bool, json: bool) -> i32 {
    let req = request(args, data, templates, force);
    let progress = Progress::new(req.specs.len().max(1));
    let summary = jobs::run(&req, None, &mut |r, done, total| progress.update(r, done, total));
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

pub fn watch(args: &BuildArgs, data: &Path, templates: &Path) -> i32 {
    let req = request(args, data, templates, false);
    let shared = match Shared::new(templates) {
        Ok(s) => s,
        Err(e) => return fail(&[Diagnostic::new(format!("cannot load the fonts in `{}`: {e}", templates.join("fonts").display()))]),
    };
    // What to watch: the files the specs read (`spec::Inputs`), found again after each
    // build, plus the spec folder itself when specs are found there (a new spec).
    let roots = || -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = Vec::new();
        if args.specs.is_empty() {
            files.push(PathBuf::from("briefs"));
        }
        for path in spec::spec_paths(&args.specs).unwrap_or_default() {
            match spec::Inputs::read(&path) {
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

pub fn validate(specs: &[PathBuf], data: &Path, templates: &Path) -> i32 {
    let data = match Dataset::load_checked(data) {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    let paths = match spec::spec_paths(specs) {
        Ok(p) => p,
        Err(e) => return fail(&[e]),
    };
    let (specs, mut errors) = spec::load_specs(&paths, &data);
    errors.extend(spec::same_outputs(&paths));
    // What the build would refuse at layout, refused here too: characters no font has.
    match Shared::new(templates) {
        Ok(shared) => errors.extend(specs.iter().flat_map(|s| produce::check_glyphs(s, &shared))),
        Err(e) => errors.push(Diagnostic::new(format!("cannot load the fonts in `{}`: {e}", templates.join("fonts").display()))),
    }
    // A dry run through the templates: what rendering would fail on, without layout.
    match crate::render::Renderer::new(templates) {
        Ok(mut renderer) => {
            renderer.set_report_title(&data.report.title);
            for s in &specs {
                for e in produce::dry_run(&renderer, &data, s) {
                    if !errors.contains(&e) {
                        errors.push(e);
                    }
                }
            }
        }
        Err(e) => errors.push(e),
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

pub fn list(what: ListWhat, data: &Path) -> i32 {
    let rows: Vec<(String, String)> = match what {
        ListWhat::Audiences => Audience::ALL.iter().map(|a| (a.id().to_string(), a.name().to_string())).collect(),
        _ => {
            let data = match Dataset::load_checked(data) {
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
