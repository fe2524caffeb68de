//! The walk over one command line: the syntax tree's reader (`shell`), the words' (`words`) and
//! the commands' (`commands`) each add their part of its methods, and it gathers what they find.

use crate::agent::intent::Intent;

/// The rule id of a way around the hooks.
pub const HOOK_BYPASS: &str = "hook-bypass";
/// The rule id of a command line the guard cannot read.
pub const UNREADABLE: &str = "unreadable-command";

pub(super) struct Walker<'a> {
    pub(super) intent: &'a mut Intent,
    pub(super) depth: usize,
    /// The here-document of the simple command being read (`apply_patch <<'EOF'`).
    pub(super) heredoc: Option<String>,
}
