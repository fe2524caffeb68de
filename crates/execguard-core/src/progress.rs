//! How a commit changed the Progress section of an execplan: the visible entries of the old and
//! the new section, compared. Read by the context (which features a change progresses), by the
//! `progress-update` rule and by the agent hooks.

use foldhash::{HashMap, HashMapExt};
use std::rc::Rc;

use crate::markdown::{self, Reading};

/// How a commit changed the Progress section of one execplan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProgressChange {
    /// The new section has a visible entry the old one does not have as many times: a new entry,
    /// or an old one whose text, box or timestamp changed. Enough for the execplan a trailer or
    /// the branch names.
    pub changed: bool,
    /// The section gained an entry: it has more entries than it lost, or an entry whose box or
    /// timestamp changed while the rest of its text stayed the same. A reworded entry (one added
    /// pairing with one removed) is not progress. Needed when the execplan is found only by its
    /// Progress having changed.
    pub progressed: bool,
}

/// How the Progress section changed between `old` and `new` (see [`ProgressChange`] and
/// [`markdown::visible_entries`]). Moving, deleting or re-spacing entries, and adding comments or
/// code blocks, is no change. A new execplan (`old` is `None`) changes and progresses when its
/// section has an entry. Entries the two sections share at their start and end are set aside
/// first; the rest are compared by hashing.
pub fn progress_change(old: Option<&str>, new: &str, section: &str) -> ProgressChange {
    let Some(new_entries) = section_entries(new, section) else {
        return ProgressChange::default();
    };
    let old_entries = old.and_then(|old| section_entries(old, section));
    let (old_entries, new_entries) = unshared(
        old_entries.as_ref().map_or(&[][..], |old| &old.found),
        &new_entries.found,
    );
    // Entries of the new section minus those of the old one, with repeats: positive counts were
    // added, negative ones removed.
    let mut balance: HashMap<&str, isize> = HashMap::with_capacity(new_entries.len());
    for (_, entry) in new_entries {
        *balance.entry(entry).or_default() += 1;
    }
    for (_, entry) in old_entries {
        *balance.entry(entry).or_default() -= 1;
    }
    let added: usize = balance.values().map(|n| n.max(&0).unsigned_abs()).sum();
    let removed: usize = balance.values().map(|n| n.min(&0).unsigned_abs()).sum();
    let changed = added > 0;
    if added > removed {
        return ProgressChange {
            changed,
            progressed: true,
        };
    }
    // The added and removed entries by stamp and rest of text. Those that differ only in how
    // the stamp is written cancel out; an added and a removed entry left with the same rest have
    // different stamps: a box ticked or a timestamp changed.
    let mut by_stamp: HashMap<(String, String), isize> = HashMap::new();
    for (entry, count) in balance.iter().filter(|(_, count)| **count != 0) {
        *by_stamp.entry(markdown::entry_stamp(entry)).or_default() += count;
    }
    let mut by_rest: HashMap<&str, (bool, bool)> = HashMap::new();
    for ((_, rest), count) in &by_stamp {
        let (added, removed) = by_rest.entry(rest).or_default();
        *added |= *count > 0;
        *removed |= *count < 0;
    }
    let restamped = by_rest.values().any(|(added, removed)| *added && *removed);
    ProgressChange {
        changed,
        progressed: restamped,
    }
}

type Entry = (usize, Rc<str>);

/// `old` and `new` without the entries they share at their start and at their end: those add
/// nothing and remove nothing. A version read again from another shares its unchanged entries
/// with it, so most are told equal without reading their text.
fn unshared<'e>(old: &'e [Entry], new: &'e [Entry]) -> (&'e [Entry], &'e [Entry]) {
    let same = |(_, a): &Entry, (_, b): &Entry| Rc::ptr_eq(a, b) || a == b;
    let head = old.iter().zip(new).take_while(|(a, b)| same(a, b)).count();
    let (old, new) = (&old[head..], &new[head..]);
    let tail = old
        .iter()
        .rev()
        .zip(new.iter().rev())
        .take_while(|(a, b)| same(a, b))
        .count();
    (&old[..old.len() - tail], &new[..new.len() - tail])
}

/// The visible entries of `section` in `text`; `None` when it has no such section. A plan's new
/// version in one commit is its old version in the next, and differs from it by a few lines: the
/// entries are remembered, and read again only where the section changed, per thread.
fn section_entries(text: &str, section: &str) -> Option<Rc<Reading<Rc<str>>>> {
    markdown::section_text(text, section).map(markdown::remembered_entries)
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;
