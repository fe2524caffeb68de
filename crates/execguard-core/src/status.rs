//! What `execguard status` tells about a feature, computed from plain texts: how far a plan's
//! Progress is, which required sections it lacks, since which commit a spec has been frozen.

use crate::markdown::{self, Outline};

/// An execplan's Progress, as a supervisor reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProgressTally {
    /// Entries done: ticked (`[x]`), or without a box (a plain entry records work done).
    pub done: usize,
    /// Every visible entry of the section.
    pub total: usize,
    /// The last visible entry, as a reader sees it.
    pub last: Option<String>,
}

/// The Progress tally of `plan`'s `section`; `None` when the plan has no such section.
pub fn progress_tally(plan: &str, section: &str) -> Option<ProgressTally> {
    let text = Outline::of(plan).section_text(section)?;
    let entries = markdown::visible_entries(text);
    let open = entries.iter().filter(|e| e.starts_with("[ ] ")).count();
    Some(ProgressTally {
        done: entries.len() - open,
        total: entries.len(),
        last: entries.last().cloned(),
    })
}

/// The `required` section titles `plan` lacks, in the order given.
pub fn missing_sections(plan: &str, required: &[String]) -> Vec<String> {
    let outline = Outline::of(plan);
    required
        .iter()
        .filter(|title| outline.section_range(title).is_none())
        .cloned()
        .collect()
}

/// Given whether a document was frozen at each commit of a history, newest first, the index of
/// the commit that froze it: the oldest of the run of frozen commits starting at the newest.
/// `None` when the newest is not frozen.
pub fn frozen_since(frozen_newest_first: &[bool]) -> Option<usize> {
    let run = frozen_newest_first.iter().take_while(|f| **f).count();
    run.checked_sub(1)
}

/// Given the Progress entries of a plan at each commit of a history, newest first (`None` where
/// the plan has no Progress section or does not exist), the index of the commit that last
/// changed them: the commits before that index came after the last entry.
pub fn last_progress_change(entries_newest_first: &[Option<Vec<String>>]) -> Option<usize> {
    let newest = entries_newest_first.first()?.as_ref()?;
    let changed = entries_newest_first
        .iter()
        .position(|entries| entries.as_ref() != Some(newest));
    match changed {
        Some(older) => older.checked_sub(1),
        // Unchanged through the whole history read: the oldest commit read holds it.
        None => Some(entries_newest_first.len() - 1),
    }
}

/// The visible entries of `plan`'s `section`, for [`last_progress_change`].
pub fn progress_entries(plan: &str, section: &str) -> Option<Vec<String>> {
    Outline::of(plan)
        .section_text(section)
        .map(markdown::visible_entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAN: &str = "# Plan\n\nEXECPLAN-READY\n\n## Progress\n\n- [x] 2026-01-02 schema\n- [ ] 2026-01-03 handler\n- wrote the fixtures\n\n## Decision Log\n\nnone\n";

    #[test]
    fn tally_counts_open_boxes_as_not_done_and_plain_entries_as_done() {
        let tally = progress_tally(PLAN, "Progress").unwrap();
        assert_eq!((tally.done, tally.total), (2, 3));
        assert_eq!(tally.last.as_deref(), Some("wrote the fixtures"));
        assert_eq!(progress_tally(PLAN, "Outcomes"), None);
    }

    #[test]
    fn missing_sections_names_only_absent_titles() {
        let required = [
            "Progress".to_string(),
            "Surprises & Discoveries".to_string(),
        ];
        assert_eq!(
            missing_sections(PLAN, &required),
            vec!["Surprises & Discoveries".to_string()]
        );
    }

    #[test]
    fn frozen_since_is_the_oldest_of_the_newest_run() {
        assert_eq!(frozen_since(&[true, true, false, true]), Some(1));
        assert_eq!(frozen_since(&[false, true]), None);
        assert_eq!(frozen_since(&[]), None);
    }

    #[test]
    fn last_progress_change_finds_the_commit_that_added_the_last_entry() {
        let a = Some(vec!["a".to_string()]);
        let ab = Some(vec!["a".to_string(), "b".to_string()]);
        assert_eq!(
            last_progress_change(&[ab.clone(), ab.clone(), a.clone(), None]),
            Some(1)
        );
        assert_eq!(last_progress_change(&[a.clone(), a]), Some(1));
        assert_eq!(last_progress_change(&[None, ab]), None);
    }
}
