//! An open milestone that records, in place, the step the change did: `- [ ] Split state.rs
//! (completed: A; B; remaining: C, D)` growing its `completed:` list by the step, naming the file
//! the change adds, while its `remaining:` list loses that step. The item loses words, so it is
//! not a report that keeps every word it had; it still says what this change did.

use foldhash::{HashMap, HashMapExt};

use super::pairing::REPORT_WORDS;

/// The paths a change touches (adds, modifies, deletes, or renames from or to), as text, apart
/// from the execplans: an entry that newly names one records that change's work. Empty when
/// not known, and then no item counts so.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangedPaths(Vec<String>);

impl ChangedPaths {
    pub fn new(paths: impl IntoIterator<Item = String>) -> Self {
        Self(paths.into_iter().collect())
    }

    /// The paths `text` names: a word holding a `/` or a `.` that is the whole path or its end
    /// after a `/` (`overlay_render.rs`, `src/app/overlay_render.rs`).
    fn named_in<'p>(&'p self, text: &str) -> Vec<&'p str> {
        let mut out = Vec::new();
        if self.0.is_empty() {
            return out;
        }
        for word in text.split_whitespace() {
            let word = word
                .trim_matches(|c: char| "`'\"()[]{}<>,;:!?*".contains(c))
                .trim_end_matches('.');
            let word = word.strip_prefix("./").unwrap_or(word);
            if word.len() < 3 || !word.contains(['/', '.']) {
                continue;
            }
            for path in &self.0 {
                let named = path == word
                    || path
                        .strip_suffix(word)
                        .is_some_and(|head| head.ends_with('/'));
                if named && !out.contains(&path.as_str()) {
                    out.push(path.as_str());
                }
            }
        }
        out
    }
}

/// Whether the entry `old` growing to `new` (each apart from its box and stamp) records the
/// step the change did: it gains at least [`REPORT_WORDS`] words it did not have, loses fewer
/// than it gains and no more than a quarter of its own (the step taken off what remains), and
/// names a path the change touches that it did not name before. Words are compared as a bag, so
/// words moving from `remaining:` to `completed:` are neither gained nor lost. A reworded item
/// (a synonym swapped, words reordered or only removed, a clause that names nothing the change
/// did) is not a step.
/// `change` is [`WordChange::between`] the two, which the caller has already counted.
pub(super) fn records_a_step(
    change: WordChange,
    old: &str,
    new: &str,
    changed: &ChangedPaths,
) -> bool {
    let shape = change.gained >= REPORT_WORDS
        && change.lost < change.gained
        && change.lost.saturating_mul(4) <= change.old_words;
    if !shape {
        return false;
    }
    let before = changed.named_in(old);
    changed
        .named_in(new)
        .iter()
        .any(|path| !before.contains(path))
}

/// How many words an entry's text gained and lost, compared as a bag of lower-cased runs of
/// letters and digits (so a word moved within the text is neither), and how many it had.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct WordChange {
    pub gained: usize,
    pub lost: usize,
    pub old_words: usize,
}

impl WordChange {
    pub fn between(old: &str, new: &str) -> Self {
        let (old_words, new_words) = (words(old), words(new));
        let mut balance: HashMap<&str, i64> = HashMap::with_capacity(old_words.len());
        for word in &old_words {
            *balance.entry(word.as_str()).or_default() += 1;
        }
        for word in &new_words {
            *balance.entry(word.as_str()).or_default() -= 1;
        }
        let lost: i64 = balance.values().filter(|n| **n > 0).sum();
        let gained: i64 = -balance.values().filter(|n| **n < 0).sum::<i64>();
        Self {
            gained: gained.unsigned_abs() as usize,
            lost: lost.unsigned_abs() as usize,
            old_words: old_words.len(),
        }
    }
}

/// The words of an entry, lowercased: runs of letters and digits (`approval_state.rs` is
/// `approval`, `state`, `rs`), so a step's words read the same in either list.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{ChangedPaths, WordChange};

    fn records_a_step(old: &str, new: &str, changed: &ChangedPaths) -> bool {
        super::records_a_step(WordChange::between(old, new), old, new, changed)
    }

    fn changed(paths: &[&str]) -> ChangedPaths {
        ChangedPaths::new(paths.iter().map(|p| p.to_string()))
    }

    const OLD: &str = "Split `src/state.rs` into modules (completed: moved settings into \
        `src/settings_state.rs` and made `App` delegate there; remaining: approval, history \
        and viewport boundaries).";

    #[test]
    fn a_step_moved_from_remaining_to_completed_naming_its_file_is_a_step() {
        let new = "Split `src/state.rs` into modules (completed: moved settings into \
            `src/settings_state.rs`; moved approval requests into `src/approval_state.rs`; \
            remaining: history and viewport boundaries).";
        let paths = changed(&["src/approval_state.rs", "src/state.rs", "src/mod.rs"]);
        assert!(records_a_step(OLD, new, &paths));
        // The file only by its name, as a list of modules written in one folder names it.
        let short = new.replace("src/approval_state.rs", "approval_state.rs");
        assert!(records_a_step(OLD, &short, &paths));
        // Not known which paths the change touches: nothing is named.
        assert!(!records_a_step(OLD, new, &ChangedPaths::default()));
        // A file the change does not touch.
        assert!(!records_a_step(OLD, new, &changed(&["src/other.rs"])));
        // A file the item named already.
        assert!(!records_a_step(OLD, new, &changed(&["src/state.rs"])));
    }

    #[test]
    fn a_rewording_is_not_a_step() {
        let paths = changed(&["src/approval_state.rs", "src/state.rs"]);
        // Words reordered, or only removed.
        let reordered = OLD.replace(
            "approval, history and viewport",
            "viewport, history and approval",
        );
        assert!(!records_a_step(OLD, &reordered, &paths));
        let removed = OLD.replace(" and made `App` delegate there", "");
        assert!(!records_a_step(OLD, &removed, &paths));
        // A clause swapped for a longer synonym naming the touched file: more lost than kept.
        let swapped = "Break up state.rs: approval_state.rs gets carved out along with the \
            history and viewport pieces next.";
        assert!(!records_a_step(OLD, swapped, &paths));
        // Too few words gained.
        let short = OLD.replace("approval,", "`approval_state.rs`,");
        assert!(!records_a_step(OLD, &short, &paths));
    }
}
