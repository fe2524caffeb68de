//! The size of work no execplan names, under `require = "planned-work"`: whether it looks like
//! complex work.

use std::collections::{BTreeSet, HashSet};

use crate::context::Context;
use crate::model::{FileChange, RepoPath, Side, TreeError};

use super::exempt;

/// The size of unplanned work that passes the limits.
pub(super) struct Size {
    /// Lines of code written, counted until they pass the larger line limit.
    pub lines: u64,
    /// Code files added or changed.
    pub files: u64,
    /// The folders of those files.
    pub folders: u64,
}

/// The size of the change's code when it looks like complex work; `None` when it does not. Work
/// no execplan names is judged by its size alone: the code it writes, in the files it adds or
/// changes (taking code out is not complex work), tests and fixtures left out
/// (`unplanned-exclude`: they grow with any routine fix), and files copied whole from another
/// path of the base left out (a plugin copied into a second package is not written code).
pub(super) fn complex_size(
    cx: &Context<'_>,
    code: &[&FileChange],
) -> Result<Option<Size>, TreeError> {
    let settings = &cx.config.rules.progress_update;
    let mut sized: Vec<&FileChange> = code
        .iter()
        .copied()
        .filter(|file| !settings.unplanned_exclude.is_match(&file.path))
        .collect();
    let size = measure(cx, &sized)?;
    if !complex(cx, &size) {
        return Ok(None);
    }
    // Only work that passes the limits is worth the walk of the base's tree copies ask for.
    let copies = copied(cx, &sized)?;
    if copies.is_empty() {
        return Ok(Some(size));
    }
    sized.retain(|file| !copies.contains(&file.path));
    let size = measure(cx, &sized)?;
    Ok(complex(cx, &size).then_some(size))
}

fn measure(cx: &Context<'_>, sized: &[&FileChange]) -> Result<Size, TreeError> {
    let settings = &cx.config.rules.progress_update;
    let limit = settings
        .unplanned_max_lines
        .max(settings.unplanned_spread_lines);
    let lines = exempt::added_lines(cx, sized, limit)?;
    let written: Vec<_> = sized.iter().filter(|file| file.new.is_some()).collect();
    // Work across modules is complex though smaller: its files' folders stand for them.
    let folders = written
        .iter()
        .map(|file| folder_of(&file.path))
        .collect::<BTreeSet<_>>()
        .len() as u64;
    Ok(Size {
        lines,
        files: written.len() as u64,
        folders,
    })
}

fn complex(cx: &Context<'_>, size: &Size) -> bool {
    let settings = &cx.config.rules.progress_update;
    let spread = size.lines > settings.unplanned_spread_lines
        && size.folders >= settings.unplanned_spread_folders;
    size.lines > settings.unplanned_max_lines || size.files > settings.unplanned_max_files || spread
}

/// The added files whose content (blob id) the base already holds at another path: copies.
fn copied(cx: &Context<'_>, sized: &[&FileChange]) -> Result<HashSet<RepoPath>, TreeError> {
    let added: Vec<&FileChange> = sized
        .iter()
        .copied()
        .filter(|file| file.old.is_none() && file.renamed_from.is_none())
        .filter(|file| file.new.as_ref().is_some_and(|new| new.kind.is_blob()))
        .collect();
    if added.is_empty() {
        return Ok(HashSet::new());
    }
    let ids: Vec<&str> = added
        .iter()
        .filter_map(|file| file.new.as_ref().map(|new| new.id.as_str()))
        .collect();
    let held = cx.trees.held_blobs(Side::Base, &ids, &|_| true)?;
    Ok(added
        .into_iter()
        .filter(|file| file.new.as_ref().is_some_and(|new| held.contains(&new.id)))
        .map(|file| file.path.clone())
        .collect())
}

/// The folder a file is in (`` for the root).
fn folder_of(path: &RepoPath) -> &[u8] {
    let bytes = path.as_bytes();
    let end = bytes.iter().rposition(|&b| b == b'/').unwrap_or(0);
    &bytes[..end]
}
