//! `execguard-pre-receive`: an alias of `execguard hook pre-receive`, for hooks installed before the one binary.

#[path = "shared/alias.rs"]
mod alias;

fn main() -> std::process::ExitCode {
    alias::run("pre-receive", "the push")
}
