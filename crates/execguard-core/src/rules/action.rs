//! What a change does to each path it touches, both ends of a rename included, for the path
//! rules to judge.

use crate::model::{Action, FileChange, RepoPath};

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
