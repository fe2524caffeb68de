//! `execguard-pre-commit`: an alias of `execguard hook pre-commit`, for hooks installed before the one binary.

#[path = "shared/alias.rs"]
mod alias;

fn main() -> std::process::ExitCode {
    alias::run("pre-commit", "the commit")
}
