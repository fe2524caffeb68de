//! The walk over one command line: the syntax tree's reader (`shell`), the words' (`words`),
//! the simple commands' (`run`), the file writers' (`commands`), git's (`git`) and PowerShell's
//! (`powershell`) each add their part of its methods, and it gathers what they find.

use std::collections::HashMap;

use crate::agent::intent::Intent;

/// Nested `sh -c`, `eval` and substitutions are read this deep at most.
pub(super) const MAX_DEPTH: usize = 8;

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

/// What the line has said a shell variable holds.
#[derive(Clone, Debug)]
pub(super) enum Value {
    /// A constant (`d=specs`).
    Known(String),
    /// One of several words, as a glob (`for f in a b*`: `{a,b*}`).
    OneOf(String),
    /// Computed when the command runs.
    Computed,
}
