//! briefgen: one long policy report in, short tailored briefs out.
//!
//! The pipeline, one module per stage:
//! `spec` + `data` (load and check) → `select` (the brief's content) → `budget` (what fits
//! the audience's page limit: the ranking, and the search in `budget::fit`) → `render`
//! (Minijinja → Typst source and DOCX blocks) → `typeset` (Typst → pages, PDF, and the
//! pages' text for `editorial`, the reader's check) and `docx` (blocks → Word) →
//! `produce` (one spec end to end, many on threads, the manifest, one-unit writes).

pub mod audience;
pub mod budget;
pub mod project;
pub mod templates;
pub mod produce;
pub mod cli;
pub mod commands;
pub mod data;
pub mod diagnostic;
pub mod docx;
pub mod editorial;
pub mod heap;
pub mod render;
pub mod select;
pub mod spec;
pub mod typeset;
