//! briefgen: one long policy report in, short tailored briefs out.
//!
//! The pipeline, one module per stage:
//! `spec` + `data` (load and check) → `select` (the brief's content) → `budget`
//! (what fits the audience's page limit) → `render`
//! (Minijinja → Typst source and DOCX blocks) → `typeset` (Typst → PDF) and `docx`
//! (blocks → Word) → `build` (orchestration, atomic writes).

pub mod budget;
pub mod produce;
pub mod cli;
pub mod commands;
pub mod data;
pub mod diagnostic;
pub mod docx;
pub mod editorial;
pub mod render;
pub mod select;
pub mod spec;
pub mod typeset;
