//! The three commands. Each prints what it did and returns the process exit code.

use crate::build::{self, Context, Options};
use crate::cli::ListWhat;
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

pub fn build(specs: &[PathBuf], data: &Path, templates: &Path, opts: &Options) -> i32 {
    let paths = match build::spec_paths(specs) {
        Ok(p) => p,
        Err(e) => return fail(&[e]),
    };
    let ctx = match Context::new(data, templates) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    if let Err(e) = build::prepare_out(&opts.out) {
        return fail(&[e]);
    }
    let (specs, mut errors) = build::load_specs(&paths, &ctx.data);
    let mut built = 0;
    for spec in &specs {
        match build::render_spec(&ctx, spec, opts).and_then(|b| build::commit(&b).map(|()| b)) {
            Ok(b) => {
                built += 1;
                let files: Vec<String> = b.outputs.iter().map(|o| format!("{} ({} KB)", o.path.display(), o.bytes.len().div_ceil(1024))).collect();
                let pages = format!(", {} page{}", b.pages, if b.pages == 1 { "" } else { "s" });
                eprintln!("built {}{pages} in {} ms: {}", spec.stem, b.millis, files.join(", "));
                if !b.dropped.is_empty() {
                    eprintln!("  left out to fit {} pages:\n    {}", crate::budget::pages(spec.audience), crate::budget::describe(&b.dropped).replace("; ", "\n    "));
                }
            }
            Err(mut e) => {
                eprintln!("failed {}", spec.stem);
                errors.append(&mut e);
            }
        }
    }
    let failed = paths.len() - built;
    if errors.is_empty() {
        eprintln!("{built} brief{} built into {}", if built == 1 { "" } else { "s" }, opts.out.display());
        0
    } else {
        report(&errors);
        eprintln!("{built} built, {failed} failed");
        1
    }
}

pub fn validate(specs: &[PathBuf], data: &Path) -> i32 {
    let data = match Dataset::load_checked(data) {
        Ok(d) => d,
        Err(e) => return fail(&e),
    };
    let paths = match build::spec_paths(specs) {
        Ok(p) => p,
        Err(e) => return fail(&[e]),
    };
    let (specs, errors) = build::load_specs(&paths, &data);
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
        data.conclusion.themes.len(),
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
