//! How a commit changed the Progress section of an execplan: the visible entries of the old and
//! the new section, compared as a reader compares them. Read by the context (which features a
//! change progresses), by the `progress-update` rule and by the agent hooks.
//!
//! Each entry is reduced to its visible text (white space folded, invisible characters dropped,
//! Unicode NFC), which starts with its box (`[ ]`, `[x]`) and holds its stamp (dates and times).
//! Entries both versions have, as many times, are kept; the others were added or removed. An
//! added entry is paired with a removed one that stood in the same place (after the same kept
//! entry): first one with the same text apart from its stamp, then one sharing enough words to be
//! it reworded (`likeness`), then the rest in order, a task item only with a task item and any
//! other entry only with another that is not one. Then:
//!
//! - an added entry left unpaired is progress when its text is new: not in the old section and
//!   not seen earlier on the branch ([`EarlierEntries`]). Appending the newest entry while the
//!   oldest is dropped is progress: the two stand in different places.
//! - a pair is progress when the box went from open to done (whatever else changed in the
//!   entry, unless the branch had that entry done before: ticked, unticked and ticked again),
//!   when only its stamp changed, or when the entry, open or done, says more than it did: it
//!   kept at least half of its words and gained at least four more than it lost, and at least
//!   twice as many (an open item recording what was done so far, a done entry extended by what
//!   the change added), or it records the
//!   step the change did: it gains at least four words, among them a path the change touches
//!   that it did not name, while losing fewer than it gains and at most a quarter of its own (the
//!   step taken off its `remaining:` list). Any other pair is a rewording, which is not progress.

use foldhash::{HashMap, HashMapExt, HashSet};
use std::borrow::Cow;
use std::cell::{Cell, OnceCell};
use std::rc::Rc;
use unicode_normalization::UnicodeNormalization;

use crate::common_ends::common_ends;
use crate::markdown::{self, Reading};

mod likeness;
mod pairing;
mod step;

pub(crate) use likeness::is_cjk;
pub use step::ChangedPaths;

/// How a commit changed the Progress section of one execplan.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ProgressChange {
    /// The new section has a visible entry whose text is new: not in the old section and not
    /// seen earlier on the branch. A new entry, a ticked box, a reworded entry or a changed
    /// timestamp counts; a copy of an entry, or an entry re-added after it was deleted, does not.
    /// Enough for the execplan a trailer or the branch names.
    pub changed: bool,
    /// The section gained an entry: a new entry that pairs with no removed one, an entry whose
    /// box went from open to done, or one whose stamp changed while the rest of its text stayed.
    /// A reworded entry is not progress. Needed when the execplan is found only by its Progress
    /// having changed.
    pub progressed: bool,
}

/// What a change did to one Progress section: the verdict, and the entries (as
/// [`entry_key`] gives them) it added and removed, for the commits judged after it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgressDelta {
    pub change: ProgressChange,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// The entries a plan's Progress had earlier on the branch, since the base of the push or
/// range judged (or of the branch): an entry seen there is not new progress when it comes back.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EarlierEntries {
    /// Entry keys, and `\u{1}` followed by the text apart from the stamp of every done entry.
    keys: std::collections::HashSet<String>,
}

impl EarlierEntries {
    /// Remembers an entry, as [`entry_key`] gives it.
    pub fn insert(&mut self, key: &str) {
        if let Some(rest) = done_rest(key) {
            self.keys.insert(format!("\u{1}{rest}"));
        }
        self.keys.insert(key.to_string());
    }

    /// Whether the entry `key` was seen.
    pub fn has(&self, key: &str) -> bool {
        self.keys.contains(key)
    }

    /// Whether the entry `key` would not be new: seen as it is, or, for a done entry, seen done
    /// with another stamp.
    pub fn recalls(&self, key: &str) -> bool {
        self.has(key) || done_rest(key).is_some_and(|rest| self.had_done(&rest))
    }

    /// Whether some version of the entry whose text apart from its stamp is `rest` was done.
    fn had_done(&self, rest: &str) -> bool {
        self.keys.contains(&format!("\u{1}{rest}"))
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// How the Progress section changed between `old` and `new` (see [`ProgressChange`] and
/// [`markdown::visible_entries`]). Moving, deleting or re-spacing entries, and adding comments or
/// code blocks, is no change. A new execplan (`old` is `None`) changes and progresses when its
/// section has an entry.
pub fn progress_change(old: Option<&str>, new: &str, section: &str) -> ProgressChange {
    progress_change_touching(old, new, section, &ChangedPaths::default())
}

/// [`progress_change`] for a change that touches `touched`: an entry that newly names one
/// of them may record the change's step (see [`ChangedPaths`]).
pub fn progress_change_touching(
    old: Option<&str>,
    new: &str,
    section: &str,
    touched: &ChangedPaths,
) -> ProgressChange {
    progress_delta_touching(old, new, section, None, touched).change
}

/// [`progress_change`], with the entries the plan had `earlier` on the branch counted as seen,
/// and the entries added and removed.
pub fn progress_delta(
    old: Option<&str>,
    new: &str,
    section: &str,
    earlier: Option<&EarlierEntries>,
) -> ProgressDelta {
    progress_delta_touching(old, new, section, earlier, &ChangedPaths::default())
}

/// [`progress_delta`] for a change that touches `touched` (see [`progress_change_touching`]).
pub fn progress_delta_touching(
    old: Option<&str>,
    new: &str,
    section: &str,
    earlier: Option<&EarlierEntries>,
    touched: &ChangedPaths,
) -> ProgressDelta {
    let Some(new_entries) = section_entries(new, section) else {
        return ProgressDelta::default();
    };
    let old_entries = old.and_then(|old| section_entries(old, section));
    let old_all = old_entries.as_ref().map_or(&[][..], |old| &old.found);
    // Entries the two sections share at their start and end add nothing and remove nothing;
    // the rest are compared by hashing.
    let (old_entries, new_entries) = unshared(old_all, &new_entries.found);
    let old_keys: Vec<String> = old_entries
        .iter()
        .filter_map(|(_, e)| entry_key(e))
        .collect();
    let new_keys: Vec<String> = new_entries
        .iter()
        .filter_map(|(_, e)| entry_key(e))
        .collect();
    // A task list replaced by the next task's: the section's heading names another task. The new
    // entries then replace nothing in place (none is a rewording of an old one); each that was
    // not seen before is new.
    let old_keys = if old.is_some_and(|old| replaced_list(old, new, section, &old_keys, &new_keys))
    {
        Vec::new()
    } else {
        old_keys
    };
    let empty = EarlierEntries::default();
    // Every entry of the old section is seen: a copy of one that the shared start or end holds
    // is no new entry either.
    let old_seen = OldEntries::new(old_all);
    pairing::compare(
        &old_keys,
        &new_keys,
        earlier.unwrap_or(&empty),
        &old_seen,
        touched,
    )
}

/// Every entry of an old section, as [`EarlierEntries`] would hold them, gathered only when a
/// change added an entry and only as far as the question asks: the keys on the first question
/// about a key, the done entries' texts apart from their stamps (which take splitting every entry)
/// on the first question about those. A commit that appends one entry to a plan of thousands
/// asks about that entry only.
pub(crate) struct OldEntries<'e> {
    all: &'e [Entry],
    /// Questions about a key answered by going through the entries; past [`SCANS`], the keys
    /// are gathered.
    scans: Cell<usize>,
    keys: OnceCell<HashSet<Cow<'e, str>>>,
    done: OnceCell<HashSet<String>>,
}

/// Questions about keys answered by comparing every entry before the keys are hashed.
const SCANS: usize = 8;

impl<'e> OldEntries<'e> {
    fn new(all: &'e [Entry]) -> Self {
        Self {
            all,
            scans: Cell::new(0),
            keys: OnceCell::new(),
            done: OnceCell::new(),
        }
    }

    /// As [`EarlierEntries::has`] on the old section's entries.
    pub(crate) fn has(&self, key: &str) -> bool {
        if self.keys.get().is_none() && self.scans.get() < SCANS {
            self.scans.set(self.scans.get() + 1);
            // An entry equal to a key is its own key (ASCII, or already in NFC); another one is
            // made into its key only when it is not ASCII.
            let found = self.all.iter().any(|(_, entry)| {
                &**entry == key
                    || (!entry.is_ascii() && entry_key_cow(entry).as_deref() == Some(key))
            });
            return found
                || key
                    .strip_prefix('\u{1}')
                    .is_some_and(|rest| self.had_done(rest));
        }
        let keys = self.keys.get_or_init(|| {
            self.all
                .iter()
                .filter_map(|(_, entry)| entry_key_cow(entry))
                .collect()
        });
        // `EarlierEntries` keeps a done entry's text under `\u{1}` in the same set.
        keys.contains(key)
            || key
                .strip_prefix('\u{1}')
                .is_some_and(|rest| self.had_done(rest))
    }

    /// As [`EarlierEntries::had_done`] on the old section's entries.
    pub(crate) fn had_done(&self, rest: &str) -> bool {
        self.done
            .get_or_init(|| {
                self.all
                    .iter()
                    .filter_map(|(_, entry)| entry_key_cow(entry))
                    .filter_map(|key| done_rest(&key))
                    .collect()
            })
            .contains(rest)
    }
}

/// Whether the section is the next task's list: its heading's title changed (`Todo — BUB-17` to
/// `Todo — BUB-19`) and both versions hold items. A sweep that rewords entries keeps the
/// heading; the items a new list keeps from the last one (a routine "archive the last plan")
/// are seen, so only the new ones count.
fn replaced_list(
    old: &str,
    new: &str,
    section: &str,
    old_keys: &[String],
    new_keys: &[String],
) -> bool {
    let item = |key: &String| key.starts_with("[x] ") || key.starts_with("[ ] ");
    if !old_keys.iter().any(item) || !new_keys.iter().any(item) {
        return false;
    }
    let title = |text: &str| {
        markdown::Outline::of(text)
            .section_heading(section)
            .map(|heading| heading.title.clone())
    };
    matches!((title(old), title(new)), (Some(a), Some(b)) if a != b)
}

/// The visible entries of a plan's `section`, as keys ([`entry_key`]): for remembering what the
/// plan had at the base of a push or range.
pub fn section_keys(text: &str, section: &str) -> Vec<String> {
    section_entries(text, section).map_or_else(Vec::new, |entries| {
        entries
            .found
            .iter()
            .filter_map(|(_, e)| entry_key(e))
            .collect()
    })
}

/// An entry as compared: its visible text (already folded) in Unicode NFC, so that an é typed
/// as one character or as e and an accent is one entry; `None` when it shows nothing a reader
/// could read (only combining marks, blank-looking fillers).
pub fn entry_key(entry: &str) -> Option<String> {
    entry_key_cow(entry).map(Cow::into_owned)
}

/// [`entry_key`], borrowing the entry where it is its own key (ASCII).
fn entry_key_cow(entry: &str) -> Option<Cow<'_, str>> {
    let key: Cow<'_, str> = if entry.is_ascii() {
        Cow::Borrowed(entry)
    } else {
        Cow::Owned(entry.nfc().collect())
    };
    let text = key
        .strip_prefix("[x] ")
        .or_else(|| key.strip_prefix("[ ] "))
        .unwrap_or(&key);
    text.chars().any(shows_something).then_some(key)
}

/// Whether a character shows something on its own: not white space, a table's bar, a combining
/// mark or a blank filler.
fn shows_something(c: char) -> bool {
    !(c.is_whitespace()
        || c == '|'
        || matches!(c,
            '\u{300}'..='\u{36f}'
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
            | '\u{115f}' | '\u{1160}' | '\u{2800}' | '\u{3164}' | '\u{ffa0}'
            | '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{2064}' | '\u{feff}'))
}

/// The text apart from its stamp of a done entry.
fn done_rest(key: &str) -> Option<String> {
    key.starts_with("[x] ")
        .then(|| markdown::entry_stamp(key).1)
}

type Entry = (usize, Rc<str>);

/// `old` and `new` without the entries they share at their start and at their end: those add
/// nothing and remove nothing. A version read again from another shares its unchanged entries
/// with it, so most are told equal without reading their text.
fn unshared<'e>(old: &'e [Entry], new: &'e [Entry]) -> (&'e [Entry], &'e [Entry]) {
    let same = |(_, a): &Entry, (_, b): &Entry| Rc::ptr_eq(a, b) || a == b;
    let (head, tail) = common_ends(old, new, same);
    (&old[head..old.len() - tail], &new[head..new.len() - tail])
}

/// The visible entries of `section` in `text`; `None` when it has no such section. A plan's new
/// version in one commit is its old version in the next, and differs from it by a few lines: the
/// entries are remembered, and read again only where the section changed, per thread.
fn section_entries(text: &str, section: &str) -> Option<Rc<Reading<Rc<str>>>> {
    markdown::section_text(text, section).map(markdown::remembered_entries)
}

/// Counts of each key in `keys`.
fn counts(keys: &[String]) -> HashMap<&str, usize> {
    let mut out = HashMap::with_capacity(keys.len());
    for key in keys {
        *out.entry(key.as_str()).or_default() += 1;
    }
    out
}

#[cfg(test)]
#[path = "progress_tests.rs"]
mod tests;
