//! git's hooks, as `execguard hook <name>` runs them: one binary serves every hook. The shims
//! `execguard install` writes call it; the old hook binaries (`execguard-pre-commit`, ...) are
//! thin aliases that run it, for hooks installed before.

mod commit_msg;
mod pre_commit;
mod pre_push;
mod pre_receive;

use std::ffi::OsString;
use std::process::ExitCode;

/// A hook execguard answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum HookName {
    PreCommit,
    CommitMsg,
    PrePush,
    PreReceive,
}

impl HookName {
    pub const ALL: [HookName; 4] = [
        HookName::PreCommit,
        HookName::CommitMsg,
        HookName::PrePush,
        HookName::PreReceive,
    ];

    /// git's name for the hook.
    pub fn as_str(self) -> &'static str {
        match self {
            HookName::PreCommit => "pre-commit",
            HookName::CommitMsg => "commit-msg",
            HookName::PrePush => "pre-push",
            HookName::PreReceive => "pre-receive",
        }
    }

    pub fn from_name(name: &str) -> Option<HookName> {
        HookName::ALL.into_iter().find(|hook| hook.as_str() == name)
    }
}

/// Runs `hook` with the arguments git gave it.
pub fn run(hook: HookName, args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let argv: Vec<OsString> =
        std::iter::once(OsString::from(format!("execguard hook {}", hook.as_str())))
            .chain(args)
            .collect();
    match hook {
        HookName::PreCommit => pre_commit::run(argv),
        HookName::CommitMsg => commit_msg::run(argv),
        HookName::PrePush => pre_push::run(argv),
        HookName::PreReceive => pre_receive::run(argv),
    }
}
