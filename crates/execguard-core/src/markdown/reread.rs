//! Reading a new version of a document only where it changed.
//!
//! A range check reads every version of an execplan, and most versions differ from the one before
//! by a line or two: reading each whole made judging a history of small commits cost as much as
//! parsing every version of the plan. A reading is kept with its restart points (see
//! `restarts.rs`). The next version is read from the last restart point before its change up to
//! the first restart point after the change that both versions have; what lies before and after is
//! taken from the old reading, moved by the change in length.
//!
//! Why that reads what reading the whole new version reads:
//! - Before the change, both versions have the same text. A restart point whose line, and the line
//!   after it, lie before the change is one in the new version too: whether a line opens a block
//!   depends on the blocks open before it, the line, and (a table interrupting a paragraph) the
//!   line after it. Everything found before it was closed there.
//! - From a restart point on, reading the rest of a text gives what reading the whole text gives.
//!   After the change, a line that is a restart point of the old version and of the new one (the
//!   new one is read up to the line after it, to see that) starts the same text in both, so what
//!   follows is the old reading's.
//! - A link reference definition reaches across blocks: a text that defines one, old or new, is
//!   read whole.
//!
//! The tests compare the two ways on generated documents and edits.

use std::cell::RefCell;
use std::rc::Rc;
use std::thread::LocalKey;

use super::restarts::next_line;

/// What a reading of a text found, with where it can be read again from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reading<V> {
    /// The restart points, ascending.
    pub starts: Vec<usize>,
    /// What was found, in order, each with the restart point it follows.
    pub found: Vec<(usize, V)>,
    /// Whether the text defines a link reference.
    pub references: bool,
}

/// How to read a text.
pub(crate) trait Reader {
    type Item: Clone;

    /// Reads `text` from its start.
    fn read(text: &str) -> Reading<Self::Item>;

    /// Moves an item found at one place of a text to `by` bytes later (or earlier).
    fn moved(item: &mut Self::Item, by: isize) {
        let _ = (item, by);
    }
}

/// Texts a memo of readings keeps: the old and new versions of the pieces one commit asks about
/// (a plan, or its few sections), which are the old versions of the next commit. A commit that
/// changes more plans reads the others again from the closest text kept, as a new version is read.
/// 64 kept 64 versions of a growing plan per worker: 150 more page faults for a range of 40
/// commits, for no fewer instructions.
pub(crate) const KEPT: usize = 8;

/// Restart points of the old reading to try as the end of the part to read, at most.
const TRIES: usize = 3;

/// The reading of `new`, from the reading `old` of `old_text`.
pub(crate) fn read_again<R: Reader>(
    old_text: &str,
    old: &Reading<R::Item>,
    new: &str,
) -> Reading<R::Item> {
    if old.references {
        return R::read(new);
    }
    let (o, n) = (old_text.as_bytes(), new.as_bytes());
    let prefix = common_prefix(o, n);
    let suffix = common_suffix(o, n, o.len().min(n.len()) - prefix);
    // The last restart point whose line and the line after it are in the common prefix.
    let before_change = old.starts.partition_point(|&start| start < prefix);
    let from = old.starts[..before_change]
        .iter()
        .rev()
        .find(|&&start| {
            next_line(o, start)
                .and_then(|line| next_line(o, line))
                .is_some_and(|end| end <= prefix)
        })
        .copied()
        .unwrap_or(0);
    // Restart points of the old reading inside the common suffix, with the line ending before
    // them in it too, so that they start a line of the new version as well.
    let suffix_start = o.len() - suffix;
    let first = old.starts.partition_point(|&start| start <= suffix_start);
    let mut tried = 0;
    let mut reach = 0;
    for &end in &old.starts[first..] {
        let at = end + n.len() - o.len();
        if at - from < 2 * reach {
            continue;
        }
        if tried == TRIES {
            break;
        }
        tried += 1;
        reach = at - from;
        // The new version is read up to the line after the restart point, which may decide it.
        let Some(upto) = next_line(n, at).and_then(|line| next_line(n, line)) else {
            break;
        };
        let part = R::read(&new[from..upto]);
        if part.references {
            return R::read(new);
        }
        if part.starts.binary_search(&(at - from)).is_ok() {
            return joined::<R>(old, from, part, Some((end, at)));
        }
    }
    // No shared restart point: read from `from` to the end.
    let part = R::read(&new[from..]);
    if part.references {
        return R::read(new);
    }
    joined::<R>(old, from, part, None)
}

/// The old reading before `from`; the part read from `from`, up to the new offset of `tail`;
/// and the old reading from `tail`'s old offset on, moved to its new one.
fn joined<R: Reader>(
    old: &Reading<R::Item>,
    from: usize,
    part: Reading<R::Item>,
    tail: Option<(usize, usize)>,
) -> Reading<R::Item> {
    let (old_at, new_at) = tail.unwrap_or((usize::MAX, usize::MAX));
    let part_end = new_at.saturating_sub(from);
    let moved = |start: usize| start - old_at + new_at;
    let by = new_at as isize - old_at as isize;
    let before = old.starts.partition_point(|&start| start < from);
    let after = old.starts.partition_point(|&start| start < old_at);
    let mut starts = old.starts[..before].to_vec();
    starts.extend(
        part.starts
            .iter()
            .take_while(|&&start| start < part_end)
            .map(|&start| start + from),
    );
    starts.extend(old.starts[after..].iter().map(|&start| moved(start)));
    let before = old.found.partition_point(|(start, _)| *start < from);
    let after = old.found.partition_point(|(start, _)| *start < old_at);
    let mut found = old.found[..before].to_vec();
    found.extend(
        part.found
            .into_iter()
            .take_while(|(start, _)| *start < part_end)
            .map(|(start, mut item)| {
                R::moved(&mut item, from as isize);
                (start + from, item)
            }),
    );
    found.extend(old.found[after..].iter().map(|(start, item)| {
        let mut item = item.clone();
        R::moved(&mut item, by);
        (moved(*start), item)
    }));
    Reading {
        starts,
        found,
        references: false,
    }
}

/// The length of the common start of `a` and `b`.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const CHUNK: usize = 64;
    let chunks = a
        .chunks(CHUNK)
        .zip(b.chunks(CHUNK))
        .take_while(|(x, y)| x == y)
        .count();
    let at = chunks * CHUNK;
    let rest = a[at.min(a.len())..]
        .iter()
        .zip(&b[at.min(b.len())..])
        .take_while(|(x, y)| x == y)
        .count();
    at.min(a.len()).min(b.len()) + rest
}

/// The length of the common end of `a` and `b`, at most `max`.
fn common_suffix(a: &[u8], b: &[u8], max: usize) -> usize {
    const CHUNK: usize = 64;
    let (a, b) = (&a[a.len() - max..], &b[b.len() - max..]);
    let chunks = a
        .rchunks(CHUNK)
        .zip(b.rchunks(CHUNK))
        .take_while(|(x, y)| x == y)
        .count();
    let at = (chunks * CHUNK).min(max);
    let rest = a[..max - at]
        .iter()
        .rev()
        .zip(b[..max - at].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    at + rest
}

/// The readings of the last few texts a reader was asked about, per thread: asked again, a text
/// is not read; asked about a new one, it is read again from the reading of the last one. At most
/// `capacity` texts are kept, of at most `budget` bytes in all (the least recently asked about go
/// first). Every text kept is a copy that stays on the heap: keeping more than the versions in use
/// made each run touch more memory for the first time (page faults) than the readings saved.
pub(crate) struct Rereads<V> {
    capacity: usize,
    budget: usize,
    entries: Vec<Kept<V>>,
}

/// A text kept, with its reading.
type Kept<V> = (String, Rc<Reading<V>>);

impl<V> Rereads<V> {
    pub const fn new(capacity: usize, budget: usize) -> Self {
        Self {
            capacity,
            budget,
            entries: Vec::new(),
        }
    }

    fn keep(&mut self, text: &str, reading: Rc<Reading<V>>) {
        if text.len() > self.budget || self.capacity == 0 {
            return;
        }
        let mut kept: usize = self.entries.iter().map(|(text, _)| text.len()).sum();
        while self.entries.len() >= self.capacity || kept + text.len() > self.budget {
            kept -= self.entries.remove(0).0.len();
        }
        self.entries.push((text.to_string(), reading));
    }
}

/// The kept text that shares the most with `text` at its start and end, with its reading (the
/// latest of equals): a commit that changes several plans asks about each in turn, and a plan
/// read again from another plan's reading would be read whole.
fn closest<'m, V>(entries: &'m [Kept<V>], text: &str) -> Option<&'m Kept<V>> {
    let shared = |kept: &str| {
        let (a, b) = (kept.as_bytes(), text.as_bytes());
        let prefix = common_prefix(a, b);
        prefix + common_suffix(a, b, a.len().min(b.len()) - prefix)
    };
    let mut best: Option<(usize, &Kept<V>)> = None;
    for entry in entries.iter().rev() {
        let score = shared(&entry.0);
        if best.is_none_or(|(most, _)| score > most) {
            best = Some((score, entry));
        }
        // Most often the last text kept is the version before, sharing nearly all of it: the
        // others need not be compared.
        if score >= text.len() - text.len() / 8 {
            break;
        }
    }
    best.map(|(_, entry)| entry)
}

/// The reading of `text` by `R`, remembered in `memo`.
pub(crate) fn reading<R: Reader + 'static>(
    memo: &'static LocalKey<RefCell<Rereads<R::Item>>>,
    text: &str,
) -> Rc<Reading<R::Item>> {
    memo.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some(at) = memo
            .entries
            .iter()
            .rposition(|(kept, _)| kept.len() == text.len() && kept == text)
        {
            // Asked again, a text is kept as the newest: the few kept are the ones in use.
            let entry = memo.entries.remove(at);
            let found = Rc::clone(&entry.1);
            memo.entries.push(entry);
            return found;
        }
        let found = Rc::new(match closest(&memo.entries, text) {
            Some((old_text, old)) => read_again::<R>(old_text, old, text),
            None => R::read(text),
        });
        memo.keep(text, Rc::clone(&found));
        found
    })
}

#[cfg(test)]
#[path = "reread_tests.rs"]
mod tests;
