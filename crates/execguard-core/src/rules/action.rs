//! What a change does to each path it touches (adds, deletes, renames, changes type or mode,
//! modifies), in the words the path rules' messages use.

use crate::model::{EntryKind, FileChange, RepoPath};

/// What a change does to a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Action {
    Adds,
    Deletes,
    Renames { to: RepoPath },
    ChangesType { from: EntryKind, to: EntryKind },
    ChangesMode { from: EntryKind, to: EntryKind },
    Modifies,
}

impl Action {
    /// What `file` does to the path at its old side (`old_side`) or its new side.
    pub(crate) fn of(file: &FileChange, old_side: bool) -> Option<Action> {
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
    pub(crate) fn describe(&self, path: &RepoPath) -> String {
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

/// Every (path, action) pair of the change: both ends of a rename are reported.
pub(crate) fn actions<'a>(
    files: &'a [FileChange],
) -> impl Iterator<Item = (&'a FileChange, &'a RepoPath, Action)> + 'a {
    files.iter().flat_map(|file| {
        let old = file
            .renamed_from
            .as_ref()
            .and_then(|from| Action::of(file, true).map(|a| (file, from, a)));
        let new = Action::of(file, false).map(|a| (file, &file.path, a));
        old.into_iter().chain(new)
    })
}
