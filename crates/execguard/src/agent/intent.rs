//! What a tool call is about to do, as the readers of file tools and shell commands tell it.

use std::path::PathBuf;

/// A path a tool call writes (or removes).
#[derive(Debug, PartialEq, Eq)]
pub struct Write {
    /// The directory a relative `path` is relative to.
    pub dir: PathBuf,
    pub path: String,
    /// How, for the message: `would write`, `\`rm\` would remove`.
    pub how: String,
}

/// What a tool call is about to do, as far as the guard cares.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Intent {
    /// Paths written, as the tool names them.
    pub writes: Vec<Write>,
    /// Things refused whatever the paths (a hook bypass): rule id and reason.
    pub bypasses: Vec<(String, String)>,
}
