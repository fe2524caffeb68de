//! The walk over one command line: the syntax tree's reader (`shell`), the words' (`words`) and
//! the commands' (`commands`) each add their part of its methods, and it gathers what they find.

use std::collections::HashMap;

use super::words::Value;
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
    /// The command lines of substitutions taken out of the line because they hold
    /// here-documents, by the number their placeholder names.
    pub(super) substitutions: Vec<String>,
    /// The shell variables the line has set so far.
    pub(super) vars: HashMap<String, Value>,
    /// A `cd` went to a place only known when the command runs: relative paths after it are.
    pub(super) lost_dir: bool,
    /// The host runs the command in a directory the event does not name.
    pub(super) unplaced: bool,
}
