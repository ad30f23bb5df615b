//! Typeset stage: generated Typst source → PDF, in-process.

pub mod world;

use crate::diagnostic::Diagnostic;
use crate::spec::Date;
use std::sync::Arc;
use typst::diag::{Severity, SourceDiagnostic};
use typst::foundations::{Datetime, Smart};
use typst::WorldExt;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};
pub use world::{BriefWorld, Shared};

pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Which PDF standards to enforce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standard {
    /// Tagged PDF only (the default).
    Tagged,
    /// PDF/UA-1.
    Ua1,
    /// PDF/A-2b.
    A2b,
}

/// Compiles `source` (named `name` in messages) and exports it as PDF.
/// `ident` must be unique per document and stable across builds: it seeds the PDF /ID.
pub fn compile(shared: &Arc<Shared>, name: &str, source: String, date: Date, ident: &str, standard: Standard) -> Result<Pdf, Vec<Diagnostic>> {
    let today = Datetime::from_ymd(date.year, date.month, date.day).expect("checked date");
    let world = BriefWorld::new(shared.clone(), name, source, today);
    let result = typst::compile::<PagedDocument>(&world);
    let document = result.output.map_err(|errors| to_diagnostics(&world, name, &errors))?;
    let standards = match standard {
        Standard::Tagged => PdfStandards::default(),
        Standard::Ua1 => PdfStandards::new(&[PdfStandard::Ua_1]).expect("valid standard"),
        Standard::A2b => PdfStandards::new(&[PdfStandard::A_2b]).expect("valid standard"),
    };
    let options = PdfOptions {
        ident: Smart::Custom(ident.to_string()),
        creator: Smart::Custom(Some(format!("briefgen {}", env!("CARGO_PKG_VERSION")))),
        timestamp: Some(Timestamp::new_utc(today)),
        standards,
        tagged: true,
        ..PdfOptions::default()
    };
    let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| to_diagnostics(&world, name, &errors))?;
    Ok(Pdf { bytes, pages: document.pages().len() })
}

/// Typst errors as diagnostics pointing into the generated source (or a template asset).
fn to_diagnostics(world: &BriefWorld, name: &str, errors: &[SourceDiagnostic]) -> Vec<Diagnostic> {
    errors
        .iter()
        .filter(|e| e.severity == Severity::Error)
        .map(|e| {
            let mut d = Diagnostic::new(format!("Typst: {}", e.message));
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
