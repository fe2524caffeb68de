//! Whether two entries are one entry reworded: how many words they share.
//!
//! A rewording keeps most of an entry's words: an identifier renamed in it, a version bumped, a
//! clause appended or dropped, a word put for a synonym, the words reordered. The rewordings read
//! in real histories share from about two thirds of their words to nearly all of them. A task
//! list rewritten, its open items replaced by the items the work turned out to need, shares
//! little more than `the` and `and` with what it replaces.

use std::collections::HashSet;

/// The share of their words two entries must have in common to be one entry reworded: twice the
/// words both hold, over the words of the two (a Dice coefficient over distinct words).
const REWORDING: f64 = 0.5;

/// The words of an entry's text apart from its stamp (see [`crate::markdown::entry_stamp`]):
/// runs of letters and digits, lowercased, each Chinese or Japanese character a word of its own
/// (those scripts do not separate words by spaces).
pub(super) fn words(rest: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    for run in rest
        .split(|c: char| !c.is_alphanumeric())
        .filter(|run| !run.is_empty())
    {
        let mut word = String::new();
        for c in run.chars() {
            if is_cjk(c) {
                if !word.is_empty() {
                    out.insert(std::mem::take(&mut word));
                }
                out.insert(c.to_string());
            } else {
                word.extend(c.to_lowercase());
            }
        }
        if !word.is_empty() {
            out.insert(word);
        }
    }
    out
}

/// Whether entries with the words `a` and `b` are one entry reworded. Two entries without words
/// (marks, emoji) are not told apart.
pub(super) fn reworded(a: &HashSet<String>, b: &HashSet<String>) -> bool {
    likeness(a, b) >= REWORDING
}

/// Twice the words both hold over the words of the two; 1 for two entries without words.
pub(super) fn likeness(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared = a.intersection(b).count();
    2.0 * shared as f64 / (a.len() + b.len()) as f64
}

/// Whether `c` is a Chinese (Han) or Japanese kana character: each is a word of its own.
pub(crate) fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30ff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ebef}')
}

#[cfg(test)]
mod tests {
    use super::{reworded, words};

    fn alike(a: &str, b: &str) -> bool {
        reworded(&words(a), &words(b))
    }

    /// Rewordings read in real histories, which must stay rewordings.
    #[test]
    fn real_rewordings_are_alike() {
        assert!(alike(
            "Add a no-progress guard to avoid infinite loops (`[gen3d].no_progress_max_steps`).",
            "Add a no-progress guard to avoid infinite loops (`[gen3d].no_progress_tries_max` / `[gen3d].inspection_steps_max`).",
        ));
        assert!(alike(
            "Added `CLAW_SCHEDULED_REPORT_CHANNEL_ID`, SQLite migrations `0004_scheduled_tasks.sql` and `0005_scheduled_task_history.sql`, and store APIs for scheduled-task definitions, runs, and deliveries.",
            "Added the instance-level scheduled report target setting, SQLite migrations `0004_scheduled_tasks.sql` and `0005_scheduled_task_history.sql`, and store APIs for scheduled-task definitions, runs, and deliveries.",
        ));
        assert!(alike(
            "Corrected candidate target handling so the default 96-GB work package does not receive a rejected no-op override while the 4090 qualification still supplies its real target override. Focused validation: 42 tests passed.",
            "Corrected candidate target handling so the default 96-GB work package does not receive a rejected no-op override. Removed the stale 4090 release profile after the physical host no longer matched dstack's cached inventory. Focused validation: 42 tests passed.",
        ));
        // A synonym, and the words reordered.
        assert!(alike(
            "Wired the session store",
            "Connected the session store"
        ));
        assert!(alike("session store wired", "wired session store"));
        assert!(alike("登录页面完成", "登录页面已完成"));
    }

    /// A task list rewritten: the new items share only small words with the old.
    #[test]
    fn a_rewritten_task_list_is_not_alike() {
        assert!(!alike(
            "**0.1** Disable unbounded persistent diagnostics.",
            "**1. Replace the active authoring path.** Add a trajectory-first generator and a prepared-artifact construction contract. Keep the old resolver and certifier out of the bake and runtime paths.",
        ));
        assert!(!alike(
            "Phase 0: Storage-safe validation containment",
            "**2. Build terrain once.** For every course, derive ordered launcher and goal positions.",
        ));
        assert!(!alike("one", "uno"));
    }
}
