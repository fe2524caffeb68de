use std::collections::HashMap;

use crate::engine::{Context, FeatureSource};
use crate::markdown;
use crate::model::TreeError;
use crate::registry::RuleId;
use crate::report::Violation;

rule_doc!(
    r#"progress-update: a code commit must update its execplan's Progress section.

## What it checks
A commit that changes code (every path except the planning documents and Markdown, by default)
must, in the same commit, change the Progress section of the matching execplan
`plans/<feature>-execplan.md`. A change counts when the Progress section gains a new visible
entry. The entries are what a reader sees of the section: each list item's text (with its box,
`[ ]` or `[x]`), paragraph, heading, table row and the text of raw HTML, with white space folded;
HTML comments, code blocks and blank content are not entries. The commit updates Progress when
the new section has an entry that the old one does not have as many times. So a new entry, a box
that gets ticked, or an entry whose text or timestamp changes counts; reordering entries, deleting
them, re-spacing or re-numbering them, adding an empty `<!-- -->` or a code block does not. A newly
added execplan counts when its Progress section has an entry.

The matching execplan is the one named by the commit message trailer `Execplan: <feature>` (when
the message is known), else by the branch name (`exec/<feature>`, `feature/<feature>`,
`feat/<feature>`, when that feature has an execplan), else any execplan whose Progress the commit
updates. A merge is judged by what it adds of its own: its result against a clean re-merge of
its parents (a clean merge, or a conflict resolution that keeps lines of either side, adds no
code).

## Why
The execplan is a living document: Progress gets an entry at every stopping point, so that a human
(or the next agent) can see where the work stands without reading the code. A commit that moves
the code without moving Progress leaves the plan behind.

## Example
On branch `exec/login`, the agent commits a change to `src/auth.rs` alone:

```text
error[progress-update]: this commit changes code but not the Progress section of plans/login-execplan.md
```

## How to comply
Add an entry to the Progress section of the execplan, for example
`- [x] (2026-02-03 21:05Z) Session store wired to the login handler.`, stage it, and commit again.
Moving lines around or adding a comment is not an entry: say what this commit did.
When the commit works on another feature, name it with the trailer `Execplan: <feature>`.

## Configuration
`[layout] code` and `[layout] not-code` (globs) decide what is code; `[layout] execplans` and
`[layout] branch-patterns` find the execplan; `[rules.progress-update] section` (default
`Progress`) names the section; `enabled = false` turns it off.
"#
);

pub fn check(cx: &Context<'_>) -> Result<Vec<Violation>, TreeError> {
    if cx.change.is_merge {
        return Ok(Vec::new());
    }
    let code = cx.code_changes();
    let Some(first_code) = code.first() else {
        return Ok(Vec::new());
    };
    let section = &cx.config.rules.progress_update.section;
    let updates = cx.progress_updates()?;
    let (features, source) = cx.features()?;
    let code_summary = if code.len() == 1 {
        format!("changes code ({})", first_code.path)
    } else {
        format!(
            "changes code ({} and {} more)",
            first_code.path,
            code.len() - 1
        )
    };
    let mut out = Vec::new();
    match source {
        Some(FeatureSource::UpdatedExecplan) => {}
        None => out.push(cx.violation(
            RuleId::ProgressUpdate,
            None,
            format!(
                "{} {code_summary} but updates no execplan's {section} section{}.",
                cx.subject_name(),
                match branch_feature(cx) {
                    Some((branch, feature)) => format!(
                        "; branch `{branch}` names feature `{feature}`, but {} does not exist",
                        cx.config.layout.execplans.path_for(&feature)
                    ),
                    None => ", and neither the branch nor an `Execplan:` trailer names a feature".to_string(),
                }
            ),
            format!(
                "Add an entry to the {section} section of the execplan of the feature this work belongs to ({}) and stage it with the code. If no execplan covers this work, stop and escalate: EXEC starts only from a ready execplan.",
                cx.config.layout.execplans.as_str()
            ),
        )),
        Some(source) => {
            for feature in features {
                if updates.get(&feature).copied().unwrap_or(false) {
                    continue;
                }
                let plan = cx.plan_path(&feature)?;
                let how = match source {
                    FeatureSource::Trailer => "named by the `Execplan:` trailer",
                    _ => "named by the branch",
                };
                out.push(cx.violation(
                    RuleId::ProgressUpdate,
                    Some(&plan),
                    format!(
                        "{} {code_summary} but does not update the {section} section of {plan} (feature `{feature}`, {how}).",
                        cx.subject_name()
                    ),
                    format!(
                        "Add an entry to the {section} section of {plan} saying what this commit did, stage it with the code, and commit again."
                    ),
                ));
            }
        }
    }
    Ok(out)
}

fn branch_feature(cx: &Context<'_>) -> Option<(String, String)> {
    let branch = cx.change.branch.as_deref()?;
    let feature = cx.config.layout.branch_patterns.feature_of(branch)?;
    Some((branch.to_string(), feature))
}

/// Whether the Progress section gained a new visible entry between `old` and `new`: an entry of
/// the new section that the old one does not have as many times (see
/// [`markdown::visible_entries`]). Moving, deleting or re-spacing entries, and adding comments or
/// code blocks, is no update. A new execplan (`old` is `None`) counts when its section has an
/// entry.
pub fn progress_updated(old: Option<&str>, new: &str, section: &str) -> bool {
    let Some(new_section) = markdown::section_text(new, section) else {
        return false;
    };
    let new_entries = markdown::visible_entries(new_section);
    let old_entries = old
        .and_then(|old| markdown::section_text(old, section))
        .map(markdown::visible_entries)
        .unwrap_or_default();
    let mut old_counts: HashMap<&str, usize> = HashMap::with_capacity(old_entries.len());
    for entry in &old_entries {
        *old_counts.entry(entry).or_default() += 1;
    }
    new_entries
        .iter()
        .any(|entry| match old_counts.get_mut(entry.as_str()) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        })
}

#[cfg(test)]
mod tests {
    use super::progress_updated;

    const PLAN: &str =
        "# Plan\n\n## Progress\n- [x] (2026-02-03 21:05Z) one\n\n## Decision Log\n- d\n";

    #[test]
    fn appended_entry_counts() {
        let new = PLAN.replace("one\n", "one\n- [ ] two\n");
        assert!(progress_updated(Some(PLAN), &new, "Progress"));
    }

    #[test]
    fn modified_entry_counts() {
        let new = PLAN.replace(
            "- [x] (2026-02-03 21:05Z) one",
            "- [x] (2026-02-03 21:05Z) one, done",
        );
        assert!(progress_updated(Some(PLAN), &new, "Progress"));
    }

    #[test]
    fn whitespace_only_and_deletion_do_not_count() {
        let new = PLAN.replace(
            "- [x] (2026-02-03 21:05Z) one",
            "-   [x]  (2026-02-03 21:05Z) one  ",
        );
        assert!(!progress_updated(Some(PLAN), &new, "Progress"));
        let new = PLAN.replace("- [x] (2026-02-03 21:05Z) one\n", "");
        assert!(!progress_updated(Some(PLAN), &new, "Progress"));
        let new = PLAN.replace("one\n", "one\n\n\n");
        assert!(!progress_updated(Some(PLAN), &new, "Progress"));
    }

    #[test]
    fn change_outside_progress_does_not_count() {
        let new = PLAN.replace("- d\n", "- d\n- e\n");
        assert!(!progress_updated(Some(PLAN), &new, "Progress"));
    }

    #[test]
    fn new_plan_counts_with_an_entry() {
        assert!(progress_updated(None, PLAN, "Progress"));
        assert!(!progress_updated(
            None,
            "# P\n## Progress\n\n## Decision Log\n",
            "Progress"
        ));
    }

    #[test]
    fn crlf_plan_with_varied_headings() {
        let old = "### progress ###\r\n- [X] 2026-02-02 18:45Z a\r\n";
        let new = "### progress ###\r\n- [X] 2026-02-02 18:45Z a\r\n  continued detail\r\n";
        assert!(progress_updated(Some(old), new, "Progress"));
    }

    const TWO: &str = "# Plan\n\n## Progress\n\n- [x] (2026-02-03 21:05Z) one\n- [ ] (2026-02-04 09:00Z) two\n\n## Decision Log\n- d\n";

    fn updated(new: &str) -> bool {
        progress_updated(Some(TWO), new, "Progress")
    }

    #[test]
    fn swapping_entries_is_no_update() {
        let new = TWO.replace(
            "- [x] (2026-02-03 21:05Z) one\n- [ ] (2026-02-04 09:00Z) two\n",
            "- [ ] (2026-02-04 09:00Z) two\n- [x] (2026-02-03 21:05Z) one\n",
        );
        assert!(!updated(&new));
    }

    #[test]
    fn comments_and_code_blocks_are_no_update() {
        for addition in [
            "<!-- -->\n",
            "<!-- progress: wired the session store -->\n",
            "```\nwired the session store\n```\n",
            "\u{200b}\n",
            "[ref]: https://example.com\n",
        ] {
            let new = TWO.replace(
                "\n## Decision Log",
                &format!("\n{addition}\n## Decision Log"),
            );
            assert!(!updated(&new), "{addition:?} is no update");
        }
        let new = TWO.replace("two\n", "two\n  <!-- more -->\n");
        assert!(!updated(&new));
    }

    #[test]
    fn a_changed_box_or_timestamp_is_an_update() {
        assert!(updated(
            &TWO.replace("- [ ] (2026-02-04", "- [x] (2026-02-04")
        ));
        assert!(updated(&TWO.replace("09:00Z", "09:30Z")));
        assert!(updated(&TWO.replace("two\n", "two\n  - [x] sub-step\n")));
    }

    #[test]
    fn an_entry_added_twice_is_an_update() {
        let new = TWO.replace("two\n", "two\n- [x] (2026-02-03 21:05Z) one\n");
        assert!(updated(&new));
    }

    #[test]
    fn re_spacing_re_numbering_and_emphasis_are_no_update() {
        let new = TWO
            .replace(
                "- [x] (2026-02-03 21:05Z) one",
                "*   [x]   (2026-02-03\u{a0}21:05Z)  one",
            )
            .replace("two\n", "two\n\n\n");
        assert!(!updated(&new));
        let ordered = "## Progress\n\n1. a\n2. b\n";
        assert!(!progress_updated(
            Some(ordered),
            "## Progress\n\n3. a\n7. **b**\n",
            "Progress"
        ));
    }

    #[test]
    fn a_new_table_row_or_paragraph_is_an_update() {
        let table = "## Progress\n\n| when | what |\n|---|---|\n| 02-03 | one |\n";
        let row = format!("{table}| 02-04 | two |\n");
        assert!(progress_updated(Some(table), &row, "Progress"));
        let paragraph = TWO.replace("two\n", "two\n\nWired the session store.\n");
        assert!(updated(&paragraph));
    }

    #[test]
    fn a_new_plan_without_visible_entries_is_no_update() {
        let empty =
            "# P\n\n## Progress\n\n<!-- entries go here -->\n\n```\nx\n```\n\n## Decision Log\n";
        assert!(!progress_updated(None, empty, "Progress"));
        assert!(!progress_updated(None, "# P\n", "Progress"));
    }

    #[test]
    fn a_section_appearing_with_an_entry_is_an_update() {
        let without = "# Plan\n\n## Decision Log\n- d\n";
        assert!(progress_updated(Some(without), TWO, "Progress"));
    }

    /// An execplan whose 80,000 Progress lines are all rewritten: the entries are compared by
    /// hashing, in one pass (a line diff of this took about a minute).
    #[test]
    fn a_huge_rewritten_progress_is_compared_in_one_pass() {
        let lines = 80_000;
        let old: String = (0..lines).map(|i| format!("- [x] step {i}\n")).collect();
        let rewritten: String = (0..lines)
            .rev()
            .map(|i| format!("- [x]  step {i}\n"))
            .collect();
        let old = format!("# Plan\n\n## Progress\n\n{old}\n## Decision Log\n");
        let swapped = format!("# Plan\n\n## Progress\n\n{rewritten}\n## Decision Log\n");
        assert!(!progress_updated(Some(&old), &swapped, "Progress"));
        let grown = swapped.replace("\n## Decision Log", "- [x] step 80000\n\n## Decision Log");
        assert!(progress_updated(Some(&old), &grown, "Progress"));
    }
}
