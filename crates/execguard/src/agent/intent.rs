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

/// A path written whose text is only known when the command runs (`$d/login.md`, `*.md` in a
/// folder's name, a `cd` to a computed place), or that is relative to a directory the event does
/// not name (Codex's `workdir`): its known parts, as a glob whose `*` stand for the computed
/// parts (and match `/`).
#[derive(Debug, PartialEq, Eq)]
pub struct ComputedWrite {
    /// The directory a relative pattern is relative to; `None` when that is unknown too, and the
    /// pattern may land in any folder.
    pub dir: Option<PathBuf>,
    pub pattern: String,
    /// The path as the command line writes it, for the message.
    pub text: String,
    pub how: String,
}

/// Where a git command takes the files it writes into the working tree from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GitSource {
    /// The tree of this revision (`git checkout main -- .`, `git reset --hard v1`).
    Tree(String),
    /// The tree of this revision when it names one (`git checkout main`), else paths restored
    /// from the index (`git checkout src/a.rs`).
    TreeOrPaths(String),
    /// The change this commit made (`git cherry-pick`, `git stash pop`).
    Commit(String),
    /// What this revision changed since it parted from HEAD (`git merge`, `git rebase`).
    Merge(String),
    /// Nothing the guard can read beforehand (a patch on stdin, `git pull`): why.
    Unknown(String),
}

/// A git command that writes working-tree files from another source than the tool call's text.
#[derive(Debug, PartialEq, Eq)]
pub struct GitWrite {
    pub source: GitSource,
    /// The paths it is limited to (`-- specs/x.md`), as the command names them; `None` for all.
    pub paths: Option<Vec<String>>,
    /// The directory those paths are relative to.
    pub dir: PathBuf,
    /// How, for the message: `` `git checkout main --` would write ``.
    pub how: String,
}

/// What a tool call is about to do, as far as the guard cares.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Intent {
    /// Paths written, as the tool names them.
    pub writes: Vec<Write>,
    /// Paths written whose text is computed when the command runs.
    pub computed: Vec<ComputedWrite>,
    /// Git commands that write the working tree from a revision or a patch.
    pub git_writes: Vec<GitWrite>,
    /// Things refused whatever the paths (a hook bypass): rule id and reason.
    pub bypasses: Vec<(String, String)>,
}

impl Intent {
    /// Whether the call writes nothing and bypasses nothing.
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
            && self.computed.is_empty()
            && self.git_writes.is_empty()
            && self.bypasses.is_empty()
    }
}
