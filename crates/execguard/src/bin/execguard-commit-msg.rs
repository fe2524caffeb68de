//! `execguard-commit-msg`: an alias of `execguard hook commit-msg`, for hooks installed before the one binary.

#[path = "shared/alias.rs"]
mod alias;

fn main() -> std::process::ExitCode {
    alias::run("commit-msg", "the commit")
}
