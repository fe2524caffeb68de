//! The change model: what a commit (or a staged change) does to the tree, as plain data.
//!
//! The git adapter builds a [`Change`] from the repository and implements [`Trees`] so that rules
//! can read the content they need, lazily, without knowing about git.

use std::fmt;

use serde::Serialize;

/// A path inside the repository, as git stores it: bytes separated by `/`, not necessarily UTF-8.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RepoPath(Vec<u8>);

impl RepoPath {
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The path as text; bytes that are not UTF-8 become U+FFFD. Used for display and globbing.
    pub fn to_text(&self) -> String {
        String::from_utf8_lossy(&self.0).into_owned()
    }

    /// The final component without its last extension (`specs/a/b.md` gives `b`).
    pub fn stem(&self) -> String {
        let name = self.0.rsplit(|&b| b == b'/').next().unwrap_or(&self.0);
        let stem = match name.iter().rposition(|&b| b == b'.') {
            Some(0) | None => name,
            Some(dot) => &name[..dot],
        };
        String::from_utf8_lossy(stem).into_owned()
    }
}

impl RepoPath {
    /// Whether two names (path components) are one file on the file systems that check them
    /// out: the same [`RepoPath::name_key`].
    pub fn same_ignoring_case(a: &[u8], b: &[u8]) -> bool {
        if a.is_ascii()
            && b.is_ascii()
            && !has_trailing_dot_or_space(a)
            && !has_trailing_dot_or_space(b)
        {
            return a.eq_ignore_ascii_case(b);
        }
        Self::name_key(a) == Self::name_key(b)
    }

    /// The key under which a name (one path component) is one file for the file systems that
    /// check it out: Unicode canonical equivalence (macOS stores and compares names
    /// normalised: an NFD `café` is the NFC one), full Unicode case folding (`ſ` is `s`, `ß` is
    /// `ss`; macOS and Windows ignore case) and no trailing dots or spaces (Windows drops them).
    /// A name that is not UTF-8 folds its ASCII letters only.
    pub fn name_key(name: &[u8]) -> String {
        use unicode_normalization::UnicodeNormalization;
        let trimmed = trim_trailing_dots_and_spaces(name);
        match std::str::from_utf8(trimmed) {
            Ok(text) if text.is_ascii() => text.to_ascii_lowercase(),
            Ok(text) => {
                let folded = caseless::default_case_fold_str(&text.nfd().collect::<String>());
                let key: String = folded.nfc().collect();
                // Folding may end the name in a dot or a space again only through a character
                // that folds to one, which no file system drops: trim once more all the same.
                String::from_utf8_lossy(trim_trailing_dots_and_spaces(key.as_bytes())).into_owned()
            }
            Err(_) => String::from_utf8_lossy(&trimmed.to_ascii_lowercase()).into_owned(),
        }
    }
}

fn has_trailing_dot_or_space(name: &[u8]) -> bool {
    matches!(name.last(), Some(b'.' | b' '))
}

/// `name` without the dots and spaces at its end; `.` and `..` are left alone, as are names made
/// only of dots and spaces.
fn trim_trailing_dots_and_spaces(name: &[u8]) -> &[u8] {
    let end = name
        .iter()
        .rposition(|&b| b != b'.' && b != b' ')
        .map_or(0, |last| last + 1);
    if end == 0 {
        name
    } else {
        &name[..end]
    }
}

impl From<&str> for RepoPath {
    fn from(text: &str) -> Self {
        Self(text.as_bytes().to_vec())
    }
}

impl fmt::Display for RepoPath {
    /// Quotes bytes that would confuse a terminal or a reader, the way git's `core.quotePath` does.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match std::str::from_utf8(&self.0) {
            Ok(text) if !text.chars().any(|c| c.is_control() || c == '"') => f.write_str(text),
            _ => {
                f.write_str("\"")?;
                for chunk in self.0.utf8_chunks() {
                    for c in chunk.valid().chars() {
                        match c {
                            '"' => f.write_str("\\\"")?,
                            '\\' => f.write_str("\\\\")?,
                            '\n' => f.write_str("\\n")?,
                            '\t' => f.write_str("\\t")?,
                            c if c.is_control() => write!(f, "\\{:03o}", c as u32)?,
                            c => write!(f, "{c}")?,
                        }
                    }
                    for byte in chunk.invalid() {
                        write!(f, "\\{byte:03o}")?;
                    }
                }
                f.write_str("\"")
            }
        }
    }
}

impl fmt::Debug for RepoPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RepoPath({self})")
    }
}

impl Serialize for RepoPath {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_text())
    }
}

/// The kind of a tree entry, from its git mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EntryKind {
    File,
    Executable,
    Symlink,
    /// A gitlink: the entry is a commit id of another repository, never a blob.
    Submodule,
}

impl EntryKind {
    pub fn describe(self) -> &'static str {
        match self {
            EntryKind::File => "regular file",
            EntryKind::Executable => "executable file",
            EntryKind::Symlink => "symbolic link",
            EntryKind::Submodule => "submodule",
        }
    }

    pub fn is_blob(self) -> bool {
        !matches!(self, EntryKind::Submodule)
    }
}

/// One side of a changed path: what the tree holds there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub kind: EntryKind,
    /// The object id in hex (a blob, or a commit for a submodule).
    pub id: String,
    /// The blob's size in bytes, where the adapter looked it up: always for the new side of a
    /// [`FileChange`] (the size limit needs it before any content is read); not for its old side,
    /// whose content is read whole when it matters, nor for a [`Trees::entry`] lookup. `None` for
    /// a submodule.
    pub size: Option<u64>,
}

/// A path the change touches. A rename is one `FileChange` with `renamed_from` set; `old` then
/// describes the entry at the old path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileChange {
    pub path: RepoPath,
    pub renamed_from: Option<RepoPath>,
    pub old: Option<Entry>,
    pub new: Option<Entry>,
}

impl FileChange {
    /// The path the old side lives at.
    pub fn old_path(&self) -> &RepoPath {
        self.renamed_from.as_ref().unwrap_or(&self.path)
    }

    /// Whether the change only flips the file's mode (`chmod +x` or `-x`): the same path and the
    /// same blob on both sides, a regular file on one and an executable on the other. It writes
    /// no line.
    pub fn mode_only(&self) -> bool {
        match (&self.old, &self.new) {
            (Some(old), Some(new)) => {
                let regular = |kind| matches!(kind, EntryKind::File | EntryKind::Executable);
                self.renamed_from.is_none()
                    && old.id == new.id
                    && old.kind != new.kind
                    && regular(old.kind)
                    && regular(new.kind)
            }
            _ => false,
        }
    }

    /// Every path whose content or existence this change alters: both ends of a rename.
    pub fn touched_paths(&self) -> impl Iterator<Item = &RepoPath> {
        std::iter::once(&self.path).chain(self.renamed_from.as_ref())
    }
}

/// What a change does to a path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Action {
    Adds,
    Deletes,
    Renames { to: RepoPath },
    ChangesType { from: EntryKind, to: EntryKind },
    ChangesMode { from: EntryKind, to: EntryKind },
    Modifies,
}

impl Action {
    /// What `file` does to the path at its old side (`old_side`) or its new side.
    pub fn of(file: &FileChange, old_side: bool) -> Option<Action> {
        if file.renamed_from.is_some() {
            return Some(if old_side {
                Action::Renames {
                    to: file.path.clone(),
                }
            } else {
                Action::Adds
            });
        }
        match (&file.old, &file.new) {
            (None, Some(_)) => Some(Action::Adds),
            (Some(_), None) => Some(Action::Deletes),
            (Some(old), Some(new)) if old.kind != new.kind => {
                let is_mode = matches!(
                    (old.kind, new.kind),
                    (EntryKind::File, EntryKind::Executable)
                        | (EntryKind::Executable, EntryKind::File)
                );
                Some(if is_mode {
                    Action::ChangesMode {
                        from: old.kind,
                        to: new.kind,
                    }
                } else {
                    Action::ChangesType {
                        from: old.kind,
                        to: new.kind,
                    }
                })
            }
            (Some(old), Some(new)) if old.id != new.id => Some(Action::Modifies),
            _ => None,
        }
    }

    /// A phrase for `path`: `modifies specs/a.md`, `renames specs/a.md to specs/b.md`.
    pub fn describe(&self, path: &RepoPath) -> String {
        match self {
            Action::Adds => format!("adds {path}"),
            Action::Deletes => format!("deletes {path}"),
            Action::Renames { to } => format!("renames {path} to {to}"),
            Action::ChangesType { from, to } => {
                format!(
                    "replaces {path} (a {}) with a {}",
                    from.describe(),
                    to.describe()
                )
            }
            Action::ChangesMode { from, to } => format!(
                "changes the mode of {path} from {} to {}",
                from.describe(),
                to.describe()
            ),
            Action::Modifies => format!("modifies {path}"),
        }
    }
}

/// Which tree of the change a lookup is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The tree the change is judged against: HEAD for a staged change, the first parent for a commit.
    Base,
    /// The tree the change produces: the index, or the commit's tree.
    New,
}

/// What is being judged, without the tree content (read on demand through [`Trees`]).
#[derive(Clone, Debug, Default)]
pub struct Change {
    /// The commit id, or `None` for a staged change not yet committed.
    pub commit: Option<String>,
    /// Whether the result has more than one parent (a merge, or a staged merge resolution).
    pub is_merge: bool,
    /// The branch the change lands on, short name (`exec/login`), when known.
    pub branch: Option<String>,
    /// The commit message, when known (not in pre-commit).
    pub message: Option<String>,
    /// Whether the change has no base commit: a root commit, or a staged change on an unborn
    /// branch (where git commands that need HEAD fail).
    pub root: bool,
    /// The changed paths, sorted by path.
    pub files: Vec<FileChange>,
    /// How messages name a change that is not one commit (a rewrite of a branch from its old
    /// tip to its new one), and its base; `None` names the commit or the staged change.
    pub label: Option<ChangeLabel>,
    /// The author, `Name <email>`, when known.
    pub author: Option<String>,
    /// Whether this is what a merge adds beyond a clean re-merge of its parents: its conflict
    /// resolution, judged as an ordinary change.
    pub merge_resolution: bool,
    /// The Progress entries each feature's execplan had earlier on the branch, beyond the base
    /// of this change (see [`crate::progress::EarlierEntries`]); `None` when not known.
    pub earlier_progress: Option<EarlierProgress>,
    /// Set when the change is a whole ref update, its old tip against its new one, judged by
    /// branch-net-change; `None` for a commit or a staged change.
    pub ref_update: Option<RefUpdateChange>,
    /// Set for a merge judged as one change against its first parent when every commit it
    /// brings in from its other side is a verified revert (a `git revert` as `revert_verified`
    /// says, or a revert in another form whose trees undo a recent earlier commit): merged work
    /// that only takes work out.
    pub merges_only_reverts: bool,
    /// Set for a commit whose message is `git revert`'s when the adapter has checked that its
    /// change is exactly the inverse of the commit the message names. The message alone is not
    /// trusted: anyone can write it over new work. A revert in another form (`revert: ...`) is
    /// verified later, and only when a rule asks (see [`Trees::undoes_an_earlier_commit`]).
    pub revert_verified: bool,
    /// Set for a merge judged as one change against its first parent (`check --first-parent`):
    /// its whole change is made by the commits it brings in, whose messages may record what it
    /// removes (see [`Trees::merged_messages`]).
    pub merge_by_first_parent: bool,
    /// In a range or push judged commit by commit, the changed execplans whose new blob a base
    /// of the range (a parent of its commits outside it: what the target already has) holds at
    /// the same path: a plan restored byte for byte, not new writing. Empty elsewhere.
    pub held_by_range_base: std::collections::BTreeSet<RepoPath>,
    /// In a range or push judged commit by commit, the execplans the change removes from
    /// `[layout] shelved-plans` or `closed-plans` that were still in use at a base of the range:
    /// the base holds the same feature's plan at a path neither shelved nor closed, which the
    /// change's base no longer does (the plan was set aside inside the range). Empty elsewhere.
    pub set_aside_in_range: std::collections::BTreeSet<RepoPath>,
}

/// How many first-parent commits below a change a revert that names no commit is compared
/// with (see [`Trees::undoes_an_earlier_commit`]): the search stays bounded on any history.
pub const MOST_REVERTED_ANCESTORS: usize = 200;

/// The messages of the commits a merge brings in (see [`Trees::merged_messages`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MergedMessages {
    /// Every one of them, raw.
    Read(Vec<String>),
    /// More commits than the bound given: none was read, so none records anything.
    TooMany(usize),
}

/// A ref update judged as one change: what branch-net-change needs beyond the two trees.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RefUpdateChange {
    /// The ref that moves (`refs/heads/main`).
    pub name: String,
    /// The old tip, in full; for a branch recreated under a deleted one's name, the tip it had.
    pub old: String,
    /// The new tip, in full.
    pub new: String,
    /// Whether the old tip is a deleted branch's remembered tip rather than the ref's value.
    pub remembered: bool,
    /// The paths some commit between the two tips changed where an honoured
    /// `Execguard-Override` trailer accepted it.
    pub overridden: std::collections::BTreeSet<RepoPath>,
}

/// Per feature, the Progress entries its execplan had earlier on the branch.
pub type EarlierProgress =
    std::sync::Arc<std::collections::BTreeMap<String, crate::progress::EarlierEntries>>;

/// The names of a change that is not one commit, for messages.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeLabel {
    /// What the change is: `the rewrite of refs/heads/main from 1a2b3c4 to 5d6e7f8`.
    pub subject: String,
    /// What its base is: `the old tip 1a2b3c4`.
    pub base: String,
    /// How to take a path's change back out, `{path}` standing for the path.
    pub undo: String,
}

/// Read access to the two trees of a change. Implemented by the git adapter.
pub trait Trees {
    /// The entry at `path` on `side`, or `None` when there is none (or it is a directory).
    fn entry(&self, side: Side, path: &RepoPath) -> Result<Option<Entry>, TreeError>;
    /// The content of a blob by id.
    fn blob(&self, id: &str) -> Result<Vec<u8>, TreeError>;
    /// The path of every non-directory entry below the directory `dir` on `side`, recursively.
    fn list(&self, side: Side, dir: &RepoPath) -> Result<Vec<RepoPath>, TreeError>;

    /// Whether the object store holds the blob `id`: a partial clone or a pruned store may lack
    /// one, and a rule that needs no content (a deletion's lines) can still judge without it.
    fn has_blob(&self, _id: &str) -> bool {
        true
    }

    /// Every other path on `side` that names the same file as `path` for a checkout on macOS or
    /// Windows (each component compared by [`RepoPath::name_key`]): `specs/Login.md` for
    /// `specs/login.md`; and where `path`'s folders exist there spelt otherwise but its file does
    /// not, `path` as written into them (`infra/new.yaml` for `INFRA/new.yaml`).
    fn case_variants(&self, _side: Side, _path: &RepoPath) -> Result<Vec<RepoPath>, TreeError> {
        Ok(Vec::new())
    }

    /// Which of the blob ids `ids` some path on `side` for which `counts` holds holds: a large
    /// blob that the base already has is not new to the change. Walks the whole tree once, so it
    /// is asked only about blobs over a limit; none when the side cannot say.
    fn held_blobs(
        &self,
        _side: Side,
        _ids: &[&str],
        _counts: &dyn Fn(&RepoPath) -> bool,
    ) -> Result<std::collections::HashSet<String>, TreeError> {
        Ok(std::collections::HashSet::new())
    }

    /// Whether the change, which alters exactly `paths` (both ends of a rename), is the exact
    /// inverse of one of the recent first-parent commits below it (from the commit it is made
    /// on): at every path that commit changed it puts back what was there before, and it changes
    /// nothing else. `commit` is the change's commit, `None` for the staged change. Asked only
    /// when a rule would report a change whose message claims a revert without proving one;
    /// The commit undone, in full; `None` when none is or the side cannot say. The search
    /// covers [`MOST_REVERTED_ANCESTORS`] commits, so a revert of an older commit is not found.
    fn undoes_an_earlier_commit(
        &self,
        _commit: Option<&str>,
        _paths: &[RepoPath],
    ) -> Result<Option<String>, TreeError> {
        Ok(None)
    }

    /// The messages of the commits the merge `commit` brings in beside its first parent (those
    /// its other parents reach and its first does not), at most `most` of them. Asked only of a
    /// merge judged against its first parent, and only when a rule would otherwise report it.
    fn merged_messages(&self, _commit: &str, _most: usize) -> Result<MergedMessages, TreeError> {
        Ok(MergedMessages::Read(Vec::new()))
    }

    /// The content at `path` on `side` when it is a blob (a file or a symlink's target).
    fn read(&self, side: Side, path: &RepoPath) -> Result<Option<Vec<u8>>, TreeError> {
        match self.entry(side, path)? {
            Some(entry) if entry.kind.is_blob() => self.blob(&entry.id).map(Some),
            _ => Ok(None),
        }
    }
}

/// A tree or blob could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{what}: {reason}")]
pub struct TreeError {
    pub what: String,
    pub reason: String,
}

#[cfg(test)]
mod name_key_tests {
    use super::RepoPath;

    #[test]
    fn names_one_file_on_macos_or_windows_share_a_key() {
        for (a, b) in [
            ("Login.md", "login.md"),
            ("\u{17f}pecs", "specs"),
            ("PLAN\u{17f}.md", "plans.md"),
            ("Stra\u{df}e.md", "STRASSE.md"),
            ("cafe\u{301}.md", "caf\u{e9}.md"),
            ("login.md. .", "login.md"),
            ("\u{212a}ey", "key"),
        ] {
            assert!(
                RepoPath::same_ignoring_case(a.as_bytes(), b.as_bytes()),
                "{a:?} {b:?}"
            );
            assert_eq!(
                RepoPath::name_key(a.as_bytes()),
                RepoPath::name_key(b.as_bytes())
            );
        }
        for (a, b) in [("login.md", "logout.md"), (".", ".."), ("a.md", "a_md")] {
            assert!(
                !RepoPath::same_ignoring_case(a.as_bytes(), b.as_bytes()),
                "{a:?} {b:?}"
            );
        }
    }
}
