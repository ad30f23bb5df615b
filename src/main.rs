use briefgen::build::Options;
use briefgen::cli::{Cli, Command};
use briefgen::commands;
use clap::Parser;

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Build { specs, out, emit_source } => {
            commands::build(specs, &cli.data, &cli.templates, &Options { out: out.clone(), emit_source: *emit_source })
        }
        Command::Validate { specs } => commands::validate(specs, &cli.data),
        Command::List { what } => commands::list(*what, &cli.data),
    };
    std::process::exit(code);
}
