//! Command-line definitions only; `main.rs` dispatches, `commands.rs` does the work.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(name = "briefgen", version, about = "Turns one long policy report into short briefs tailored to their readers (PDF and DOCX).")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// Folder holding the report dataset (default: `data:` of briefgen.yaml, else ./data).
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Your templates folder, over the built-in templates file by file (default:
    /// `templates:` of briefgen.yaml, else ./templates if it exists).
    #[arg(long, global = true, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// A profile of briefgen.yaml (`profiles:`) over the project's settings, e.g. `handout`.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Brief specification files (default: briefs/*.yaml).
    pub specs: Vec<PathBuf>,
    /// Output folder (default: `out:` of briefgen.yaml, else ./out).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
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
    /// The built-in templates: list them, or copy one out to change it.
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Name every built-in template file.
    List,
    /// Copy a built-in file (or a folder, such as `audiences/funder`) into your templates
    /// folder, to edit; what you do not eject keeps coming from the built-in set.
    Eject {
        /// A built-in file or folder, as `templates list` names it.
        name: String,
        /// Where to copy it (default: your templates folder, else ./templates).
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListWhat {
    Countries,
    Themes,
    Audiences,
}
