use briefgen::cli::{Cli, Command};
use briefgen::commands;
use clap::Parser;

fn main() {
    briefgen::heap::keep_headroom();
    briefgen::heap::huge_pages_here();
    let cli = Cli::parse();
    let code = match commands::Setup::from_cli(&cli) {
        Err(code) => code,
        Ok(setup) => match &cli.command {
            Command::Build { args, force, json } => commands::build(&setup, args, *force, *json),
            Command::Watch { args } => commands::watch(&setup, args),
            Command::Validate { specs } => commands::validate(&setup, specs),
            Command::List { what } => commands::list(&setup, *what),
            Command::Templates { action } => commands::templates(&setup, action),
        },
    };
    std::process::exit(code);
}
