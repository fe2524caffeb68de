//! Pairing the entries a change added with those it removed, the way a reader would (see the
//! parent module).

use foldhash::{HashMap, HashMapExt};

use super::step::{records_a_step, ChangedPaths, WordChange};
use super::{counts, likeness, EarlierEntries, OldEntries, ProgressChange, ProgressDelta};
use crate::markdown::entry_stamp;

/// Where an entry that is not kept stands: after the kept entry `(key, occurrence)`, or at the
/// start (`None`).
type Slot<'e> = Option<(&'e str, usize)>;

/// Compares the entries of the old and the new section (those both have at their start and end
/// set aside). `old_seen` holds every entry of the whole old section; `touched` the paths the
/// change touches.
pub(super) fn compare(
    old: &[String],
    new: &[String],
    earlier: &EarlierEntries,
    old_seen: &OldEntries<'_>,
    touched: &ChangedPaths,
) -> ProgressDelta {
    let old_counts = counts(old);
    let new_counts = counts(new);
    let kept: HashMap<&str, usize> = old_counts
        .iter()
        .filter_map(|(key, n)| new_counts.get(key).map(|m| (*key, *n.min(m))))
        .collect();
    let removed = unkept(old, &kept);
    let added = unkept(new, &kept);
    let delta = |change| ProgressDelta {
        change,
        added: added.iter().map(|(_, key)| key.to_string()).collect(),
        removed: removed.iter().map(|(_, key)| key.to_string()).collect(),
    };
    if added.is_empty() {
        return delta(ProgressChange::default());
    }
    // An entry is not new when the old section or the branch earlier had it, or when the branch
    // earlier had it done under another stamp (ticked, unticked and ticked again).
    let seen = |key: &str| earlier.recalls(key) || old_seen.has(key);
    let changed = added.iter().any(|(_, key)| !seen(key));
    let mut by_slot: HashMap<Slot<'_>, (Vec<&str>, Vec<&str>)> = HashMap::new();
    for (slot, key) in &added {
        by_slot.entry(*slot).or_default().0.push(key);
    }
    for (slot, key) in &removed {
        if let Some((_, gone)) = by_slot.get_mut(slot) {
            gone.push(key);
        }
    }
    let progressed = by_slot.values().any(|(added, gone)| {
        pairs(added, gone).into_iter().any(|(new, old)| match old {
            None => !seen(new),
            Some(old) => pair_progresses(new, old, &seen, earlier, old_seen, touched),
        })
    });
    delta(ProgressChange {
        changed,
        progressed,
    })
}

/// The entries of `keys` beyond those `kept`, each with where it stands.
fn unkept<'e>(keys: &'e [String], kept: &HashMap<&str, usize>) -> Vec<(Slot<'e>, &'e str)> {
    let mut occurrences: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
    let mut slot = None;
    let mut out = Vec::new();
    for key in keys {
        let seen = occurrences.entry(key.as_str()).or_default();
        let occurrence = *seen;
        *seen += 1;
        if occurrence < kept.get(key.as_str()).copied().unwrap_or(0) {
            slot = Some((key.as_str(), occurrence));
        } else {
            out.push((slot, key.as_str()));
        }
    }
    out
}

/// Pairs the entries added at one place with those removed there: first those with the same
/// stamp and the same text apart from it (written differently), then those with the same text
/// apart from the stamp, then rewordings (most alike first, see [`likeness`]), then the rest in
/// order, a task item (with its box) only with a task item and any other entry only with another
/// that is not one. An added entry left over pairs with nothing (`None`): a ticked item written
/// where a heading or a paragraph of another text stood is a new entry, not a rewording of it.
fn pairs<'e>(added: &[&'e str], gone: &[&'e str]) -> Vec<(&'e str, Option<&'e str>)> {
    let mut paired: Vec<Option<&str>> = vec![None; added.len()];
    let mut taken = vec![false; gone.len()];
    if gone.is_empty() {
        return added.iter().map(|new| (*new, None)).collect();
    }
    let added_parts: Vec<(String, String)> = added.iter().map(|key| entry_stamp(key)).collect();
    let gone_parts: Vec<(String, String)> = gone.iter().map(|key| entry_stamp(key)).collect();
    for whole_stamp in [true, false] {
        let mut free: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (at, (stamp, rest)) in gone_parts.iter().enumerate().rev() {
            if !taken[at] {
                let stamp = if whole_stamp { stamp.as_str() } else { "" };
                free.entry((stamp, rest.as_str())).or_default().push(at);
            }
        }
        for (index, (stamp, rest)) in added_parts.iter().enumerate() {
            if paired[index].is_some() {
                continue;
            }
            let stamp = if whole_stamp { stamp.as_str() } else { "" };
            if let Some(at) = free.get_mut(&(stamp, rest.as_str())).and_then(Vec::pop) {
                taken[at] = true;
                paired[index] = Some(gone[at]);
            }
        }
    }
    let unpaired = paired.iter().filter(|old| old.is_none()).count();
    let free = taken.iter().filter(|taken| !**taken).count();
    if unpaired.saturating_mul(free) > MAX_COMPARED {
        // Too many to compare word by word: every pair left is taken in order, as a rewording
        // would be (which asks more, never less).
        let mut leftover = (0..gone.len()).filter(|at| !taken[*at]).map(|at| gone[at]);
        return added
            .iter()
            .zip(paired)
            .map(|(new, old)| (*new, old.or_else(|| leftover.next())))
            .collect();
    }
    if unpaired > 0 && free > 0 {
        rewordings(&added_parts, &gone_parts, &mut paired, &mut taken, gone);
    }
    let boxed = |key: &str| key.starts_with("[x] ") || key.starts_with("[ ] ");
    let mut leftover = [true, false].map(|items| {
        (0..gone.len())
            .filter(|at| !taken[*at] && boxed(gone[*at]) == items)
            .map(|at| gone[at])
            .collect::<Vec<_>>()
            .into_iter()
    });
    added
        .iter()
        .zip(paired)
        .map(|(new, old)| {
            let kind = if boxed(new) { 0 } else { 1 };
            (*new, old.or_else(|| leftover[kind].next()))
        })
        .collect()
}

/// Pairs for the rewordings, of whatever kind, pairs the entries not yet paired that share enough
/// words: each added entry, in order, with the free removed entry most like it.
fn rewordings<'e>(
    added_parts: &[(String, String)],
    gone_parts: &[(String, String)],
    paired: &mut [Option<&'e str>],
    taken: &mut [bool],
    gone: &[&'e str],
) {
    let gone_words: Vec<_> = gone_parts
        .iter()
        .zip(taken.iter())
        .map(|((_, rest), taken)| (!*taken).then(|| likeness::words(rest)))
        .collect();
    for (index, (_, rest)) in added_parts.iter().enumerate() {
        if paired[index].is_some() {
            continue;
        }
        let words = likeness::words(rest);
        let mut best: Option<(usize, f64)> = None;
        for (at, other) in gone_words.iter().enumerate() {
            let Some(other) = other.as_ref().filter(|_| !taken[at]) else {
                continue;
            };
            if !likeness::reworded(&words, other) {
                continue;
            }
            let score = likeness::likeness(&words, other);
            if best.is_none_or(|(_, top)| score > top) {
                best = Some((at, score));
            }
        }
        if let Some((at, _)) = best {
            taken[at] = true;
            paired[index] = Some(gone[at]);
        }
    }
}

/// Pairs of entries compared word by word at one place, at most: a rewrite of thousands of
/// entries is paired in order.
const MAX_COMPARED: usize = 40_000;

/// Whether an added entry that replaces `old` in place is progress: its box went from open to
/// done (and the branch did not have it done before), only its stamp changed, or the entry,
/// open or done, says more than it did: it gained a clause of its own (see [`adds_a_clause`])
/// or the step the change did (see [`records_a_step`]).
fn pair_progresses(
    new: &str,
    old: &str,
    seen: &impl Fn(&str) -> bool,
    earlier: &EarlierEntries,
    old_seen: &OldEntries<'_>,
    touched: &ChangedPaths,
) -> bool {
    let (new_stamp, new_rest) = entry_stamp(new);
    let (old_stamp, old_rest) = entry_stamp(old);
    if new.starts_with("[x] ") && old.starts_with("[ ] ") {
        return !earlier.had_done(&new_rest) && !old_seen.had_done(&new_rest);
    }
    let same_box = new_stamp.get(..1) == old_stamp.get(..1);
    if same_box {
        let change = WordChange::between(&old_rest, &new_rest);
        if adds_a_clause(change) || records_a_step(change, &old_rest, &new_rest, touched) {
            return !seen(new);
        }
    }
    same_box && new_rest == old_rest && new_stamp != old_stamp && !seen(new)
}

/// Words an entry must gain to count as saying more: fewer is an edit of its wording ("the
/// session store", "two (recieve → receive)").
pub(super) const REPORT_WORDS: usize = 4;

/// Whether an entry whose words changed by `change` says more than it did: it keeps at least half
/// of its words and gains at least [`REPORT_WORDS`] words more than it loses, and at least twice as
/// many (words compared as a bag, so words moved within the entry are neither). An open milestone
/// recording its partial completion in place, and a done entry extended by what the change added to
/// the work it records ("M1 — gamma-correct grayscale, plus a user-tunable text weight setting"),
/// say more; a synonym swapped, words reordered or only removed, a spelling sweep or a rewritten
/// sentence do not. A clause of four words is what a new entry of its own would need to be
/// progress, so it asks no less.
fn adds_a_clause(change: WordChange) -> bool {
    change.gained >= change.lost + REPORT_WORDS
        && change.gained >= 2 * change.lost
        && change.lost * 2 <= change.old_words
}
