use std::borrow::Cow;

use similar::{capture_diff_slices, Algorithm, DiffOp};

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
`plans/<feature>-execplan.md`. A change counts when the execplan's line diff has at least one
inserted or modified non-blank line inside the Progress section; whitespace-only edits and pure
deletions do not count. A newly added execplan counts when its Progress section has an entry.

The matching execplan is the one named by the commit message trailer `Execplan: <feature>` (when
the message is known), else by the branch name (`exec/<feature>`, `feature/<feature>`,
`feat/<feature>`, when that feature has an execplan), else any execplan whose Progress the commit
updates. Merge commits are exempt.

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
                let plan = cx.config.layout.execplans.path_for(&feature);
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

/// Whether the Progress section gained an inserted or modified non-blank line between `old` and
/// `new` (or, for a new execplan, has an entry). Whitespace-only edits do not count.
pub fn progress_updated(old: Option<&str>, new: &str, section: &str) -> bool {
    let new_lines = markdown::lines(new);
    let Some(range) = markdown::section_range(&new_lines, section) else {
        return false;
    };
    let Some(old) = old else {
        return markdown::section_has_entry(&new_lines, range);
    };
    let old_lines = markdown::lines(old);
    // Lines compared with whitespace folded, so that a whitespace-only edit is an unchanged line;
    // most lines are already folded and are compared as they are.
    let old_keys: Vec<Cow<'_, str>> = old_lines.iter().map(|l| folded(l.text)).collect();
    let new_keys: Vec<Cow<'_, str>> = new_lines.iter().map(|l| folded(l.text)).collect();
    capture_diff_slices(Algorithm::Myers, &old_keys, &new_keys)
        .iter()
        .flat_map(|op| match *op {
            DiffOp::Insert {
                new_index, new_len, ..
            }
            | DiffOp::Replace {
                new_index, new_len, ..
            } => new_index..new_index + new_len,
            _ => 0..0,
        })
        .any(|index| range.contains(&index) && !new_lines[index].text.trim().is_empty())
}

/// The line with runs of white space made one space and the ends trimmed.
fn folded(line: &str) -> Cow<'_, str> {
    let trimmed = line.trim();
    let mut previous_space = false;
    let already = trimmed.bytes().all(|byte| {
        let space = byte == b' ';
        let fine = !(space && previous_space) && byte != b'\t' && byte != b'\r';
        previous_space = space;
        fine
    }) && !trimmed.contains('\u{a0}');
    if already {
        Cow::Borrowed(trimmed)
    } else {
        Cow::Owned(trimmed.split_whitespace().collect::<Vec<_>>().join(" "))
    }
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
}
