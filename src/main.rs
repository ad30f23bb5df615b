use briefgen::cli::{Cli, Command};
use briefgen::commands;
use clap::Parser;

fn main() {
    let cli = Cli::parse();
    let code = match &cli.command {
        Command::Build { args, force, json } => commands::build(args, &cli.data, &cli.templates, *force, *json),
        Command::Watch { args } => commands::watch(args, &cli.data, &cli.templates),
        Command::Validate { specs } => commands::validate(specs, &cli.data, &cli.templates),
        Command::List { what } => commands::list(*what, &cli.data),
    };
    std::process::exit(code);
}
