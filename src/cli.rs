//! Command-line definitions only; `main.rs` dispatches, `commands.rs` does the work.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "briefgen", version, about = "Turns one long policy report into short briefs tailored to their readers (PDF and DOCX).")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Folder holding the report dataset.
    #[arg(long, global = true, default_value = "data", value_name = "DIR")]
    pub data: PathBuf,
    /// Folder holding the templates, fonts and other assets.
    #[arg(long, global = true, default_value = "templates", value_name = "DIR")]
    pub templates: PathBuf,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Brief specification files (default: briefs/*.yaml).
    pub specs: Vec<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Also write the generated Typst source as DIR/<spec>.typ.
    #[arg(long)]
    pub emit_source: bool,
    /// Briefs built at once (default: the number of cores).
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    /// Treat editorial warnings as errors: such a brief fails and nothing is written for it.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build briefs: DIR/<spec>.pdf and DIR/<spec>.docx for each spec; unchanged ones are skipped.
    Build {
        #[command(flatten)]
        args: BuildArgs,
        /// Rebuild even briefs whose inputs are unchanged.
        #[arg(long)]
        force: bool,
        /// Print a JSON manifest of the run on standard output.
        #[arg(long)]
        json: bool,
    },
    /// Rebuild the affected briefs whenever data, specs or templates change.
    Watch {
        #[command(flatten)]
        args: BuildArgs,
    },
    /// Check the dataset and the specs, and render every spec through its templates (no layout).
    Validate {
        /// Brief specification files (default: briefs/*.yaml).
        specs: Vec<PathBuf>,
    },
    /// Print the valid ids with their display names.
    List {
        #[arg(value_enum)]
        what: ListWhat,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListWhat {
    Countries,
    Themes,
    Audiences,
}
