//! `execguard-pre-push`: an alias of `execguard hook pre-push`, for hooks installed before the one binary.

#[path = "shared/alias.rs"]
mod alias;

fn main() -> std::process::ExitCode {
    alias::run("pre-push", "the push")
}
