//! A plan line changed exactly as the same change edits code lines: a search and replace that
//! inserts or removes a word (`datetime.now()` to `datetime.now(UTC)`) applied to the code and to
//! the plan's snippets alike. The word comparison of `synced` sees an inserted word as new text;
//! here each changed line is compared as tokens (words, and each mark of punctuation), and every
//! change the plan's lines make, with the token on either side of it, must be a change the code's
//! lines make in the same context. A line added or removed, or a change the code does not make
//! (a new sentence, step or decision), is not such an edit.

use std::collections::HashSet;

use similar::{capture_diff_slices, Algorithm, DiffOp};

use super::synced::{each_code_text, words_of};
use crate::context::{CodeEdits, Context};
use crate::model::TreeError;

/// A plan beyond this many lines is not compared (code: `synced::each_code_text`).
const MAX_PLAN_LINES: usize = 20_000;
/// Lines longer than this many tokens are not compared token by token.
const MAX_LINE_TOKENS: usize = 2_000;

/// One change inside a line: the token before it, the tokens it removes, the tokens it writes,
/// and the token after it (`None` at either end of the line).
type Edit = (Option<String>, Vec<String>, Vec<String>, Option<String>);

/// Whether every change of the plan from `old` to `new` is a line changed in place exactly as
/// the change's code changes a line, and there is at least one.
pub(super) fn changed_as_code(cx: &Context<'_>, old: &str, new: &str) -> Result<bool, TreeError> {
    let (old_lines, new_lines): (Vec<&str>, Vec<&str>) =
        (old.lines().collect(), new.lines().collect());
    if old_lines.len() > MAX_PLAN_LINES || new_lines.len() > MAX_PLAN_LINES {
        return Ok(false);
    }
    let Some(plan) = line_edits(&old_lines, &new_lines, true) else {
        return Ok(false);
    };
    if plan.is_empty() {
        return Ok(false);
    }
    let code = cx.code_edits(|| code_edits(cx))?;
    let Some(code) = code.as_ref() else {
        return Ok(false);
    };
    Ok(plan.iter().all(|edit| code.contains(edit)))
}

/// The edits of the code files' lines changed in place.
fn code_edits(cx: &Context<'_>) -> Result<CodeEdits, TreeError> {
    let mut out = HashSet::new();
    let read = each_code_text(cx, |old, new| {
        let (old, new): (Vec<&str>, Vec<&str>) = (old.lines().collect(), new.lines().collect());
        if let Some(edits) = line_edits(&old, &new, false) {
            out.extend(edits);
        }
    })?;
    Ok(read.then_some(out))
}

/// The edits inside the lines changed in place between `old` and `new`: each run of changed
/// lines replaced by as many lines is paired line by line. With `strict`, any other change (a
/// line added or removed, a run replaced by more or fewer lines) gives `None`; without it, such
/// runs are passed over.
fn line_edits(old: &[&str], new: &[&str], strict: bool) -> Option<Vec<Edit>> {
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, old, new) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } if old_len == new_len => {
                for at in 0..old_len {
                    let pair = token_edits(old[old_index + at], new[new_index + at]);
                    match pair {
                        Some(edits) => out.extend(edits),
                        None if strict => return None,
                        None => {}
                    }
                }
            }
            _ if strict => return None,
            _ => {}
        }
    }
    Some(out)
}

/// The changes from one line to the other, as tokens with one token of context on either side.
fn token_edits(old: &str, new: &str) -> Option<Vec<Edit>> {
    let (old, new) = (tokens(old), tokens(new));
    if old.len() > MAX_LINE_TOKENS || new.len() > MAX_LINE_TOKENS {
        return None;
    }
    let owned = |slice: &[&str]| slice.iter().map(|token| token.to_string()).collect();
    let mut out = Vec::new();
    for op in capture_diff_slices(Algorithm::Myers, &old, &new) {
        let (old_index, old_len, new_index, new_len) = match op {
            DiffOp::Equal { .. } => continue,
            DiffOp::Delete {
                old_index,
                old_len,
                new_index,
            } => (old_index, old_len, new_index, 0),
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => (old_index, 0, new_index, new_len),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => (old_index, old_len, new_index, new_len),
        };
        let before = old_index
            .checked_sub(1)
            .and_then(|at| old.get(at))
            .map(|token| token.to_string());
        let after = old.get(old_index + old_len).map(|token| token.to_string());
        out.push((
            before,
            owned(&old[old_index..old_index + old_len]),
            owned(&new[new_index..new_index + new_len]),
            after,
        ));
    }
    Some(out)
}

/// The tokens of a line: its words (as `synced` splits them) and each other character that is
/// not white space.
fn tokens(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut words = words_of(line).into_iter().peekable();
    let mut at = 0;
    while at < line.len() {
        if let Some(word) = words.peek() {
            let start = word.as_ptr() as usize - line.as_ptr() as usize;
            if start == at {
                out.push(*word);
                at += word.len();
                words.next();
                continue;
            }
        }
        let Some(c) = line[at..].chars().next() else {
            break;
        };
        if !c.is_whitespace() {
            out.push(&line[at..at + c.len_utf8()]);
        }
        at += c.len_utf8();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{token_edits, tokens};

    #[test]
    fn a_line_splits_into_words_and_marks() {
        assert_eq!(
            tokens("now = datetime.now(UTC)"),
            ["now", "=", "datetime", ".", "now", "(", "UTC", ")"]
        );
    }

    #[test]
    fn the_same_insertion_in_the_same_context_is_the_same_edit() {
        let code = token_edits("    ts = datetime.now()", "    ts = datetime.now(UTC)");
        let plan = token_edits(
            "Stamp each bar with `datetime.now()` when it closes.",
            "Stamp each bar with `datetime.now(UTC)` when it closes.",
        );
        assert_eq!(code, plan);
        let other = token_edits("Stamp each bar.", "Stamp each bar (UTC).");
        assert_ne!(code, other);
    }
}
