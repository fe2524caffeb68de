//! A plan's text kept in sync with the code of the same change: a panel renamed, a config key or
//! a button's wording changed in the code, and the plan's mentions of it changed to match. Such an
//! edit is neither planned work nor a rewording of the plan's entries.
//!
//! The plan's old and new text are split into words (letters, digits and `_`) and compared. The
//! edit is a sync when every difference replaces words by words (nothing only added or only
//! removed), every word it removes is a word of the lines the change's code removes, and every
//! word it writes is a word of the lines the code adds. An identifier counts as its parts too
//! (`attack_primary`, `motionPanel`), so a plan naming a part of a renamed identifier matches.
//! A new sentence, step or decision brings words the code's changed lines do not hold, so it is
//! never a sync. A renaming outside the code counts as well: the lines the change's other text
//! files change (not other plans') and the paths it deletes, adds or renames (see `code_words`).
//!
//! A rename applied by search and replace also changes words the code does not hold: renaming
//! `mcpd` to `mcpv` turns a plan's `TestAutomaticMcpDeduplication` into
//! `TestAutomaticmcpveduplication`. A replaced word whose change is one substring replaced, a
//! word the code's lines remove becoming one they add (`mcpd` to `mcpv`, at least three letters),
//! the rest as it was, is kept in sync too, both the word removed and the word written.

use std::collections::{HashMap, HashSet};

use similar::{capture_diff_slices, Algorithm, DiffOp};

use super::spelling::CodeSpans;
use crate::common_ends::common_ends;
use crate::context::{CodeWords, Context};
use crate::model::{FileChange, RepoPath, TreeError};
use crate::rules::commit_size::Content;

/// Plans or code beyond this many words or bytes are not compared: such an edit is not taken
/// for a sync.
const MAX_PLAN_WORDS: usize = 100_000;
const MAX_CODE_BYTES: usize = 8 << 20;

/// Whether the edit of a plan from `old` to `new` only keeps its text in sync with the words the
/// change's code replaces.
pub(super) fn only_synced(cx: &Context<'_>, old: &str, new: &str) -> Result<bool, TreeError> {
    Ok(words_replaced(cx, old, new)? || super::edits::changed_as_code(cx, old, new)?)
}

/// Whether every difference between `old` and `new` replaces words by words the code replaces.
fn words_replaced(cx: &Context<'_>, old: &str, new: &str) -> Result<bool, TreeError> {
    let (old_words, new_words) = (words(old), words(new));
    if old_words.len() > MAX_PLAN_WORDS || new_words.len() > MAX_PLAN_WORDS {
        return Ok(false);
    }
    // Each replacement: the words it removes, the words it writes, and the old words around it.
    let mut replaced: Vec<(&[&str], &[&str], &[&str])> = Vec::new();
    // Each insertion: the words it writes and the old words around it.
    let mut inserted: Vec<(&[&str], &[&str])> = Vec::new();
    let around = |at: usize, len: usize| {
        &old_words[at.saturating_sub(NEARBY)..(at + len + NEARBY).min(old_words.len())]
    };
    for op in capture_diff_slices(Algorithm::Myers, &old_words, &new_words) {
        match op {
            DiffOp::Equal { .. } => {}
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                replaced.push((
                    &old_words[old_index..old_index + old_len],
                    &new_words[new_index..new_index + new_len],
                    around(old_index, old_len),
                ));
            }
            DiffOp::Insert {
                old_index,
                new_index,
                new_len,
            } => inserted.push((
                &new_words[new_index..new_index + new_len],
                around(old_index, 0),
            )),
            // A word only taken out is text removed, not a name replaced.
            DiffOp::Delete { .. } => return Ok(false),
        }
    }
    // An insertion alone re-uses words without replacing any the code replaces.
    if replaced.is_empty() {
        return Ok(false);
    }
    // A word added is new text, unless the plan's own words nearby are written again: a bullet
    // split in two, each half naming its file.
    if !inserted
        .iter()
        .all(|(written, near)| written.iter().all(|word| reused(word, near)))
    {
        return Ok(false);
    }
    // A spelling sweep respells words the code need not hold at all, and a word only put in
    // another case is formatting, unless it is code, where case makes another identifier.
    let code_spans = std::cell::OnceCell::new();
    let in_code = |from: &str, to: &str| {
        let (old_code, new_code) =
            code_spans.get_or_init(|| (CodeSpans::of(old), CodeSpans::of(new)));
        old_code.holds(old, from) || new_code.holds(new, to)
    };
    let respelled = |from: &str, to: &str| {
        !in_path(old, from)
            && !in_path(new, to)
            && (super::spelling::respelled(from, to)
                || (super::spelling::case_only(from, to) && !in_code(from, to)))
    };
    if replaced.iter().all(|(removed, written, _)| {
        removed.len() == written.len()
            && removed
                .iter()
                .zip(written.iter())
                .all(|(from, to)| respelled(from, to))
    }) {
        return Ok(true);
    }
    let pools = cx.code_words(|| code_words(cx))?;
    let Some((code_removed, code_added)) = pools.as_ref() else {
        return Ok(false);
    };
    let renamed = |from: &str, to: &str| {
        renamed_inside(from, to, code_removed, code_added) || respelled(from, to)
    };
    Ok(replaced.iter().all(|(removed, written, near)| {
        removed
            .iter()
            .all(|word| known(word, code_removed) || written.iter().any(|to| renamed(word, to)))
            && written.iter().all(|word| {
                known(word, code_added)
                    || removed.iter().any(|from| renamed(from, word))
                    || reused(word, near)
            })
    }))
}

/// How many words on either side of a change count as its surroundings.
const NEARBY: usize = 12;

/// Whether `word`, written by a plan's edit, is one of the plan's old words around it. Negations
/// and numbers are never taken so: `not` or a count written again beside their old place changes
/// what the plan says.
fn reused(word: &str, near: &[&str]) -> bool {
    const NEGATIONS: &[&str] = &[
        "not", "no", "never", "none", "nor", "neither", "nothing", "without", "cannot", "t", "non",
    ];
    let lower = word.to_lowercase();
    !NEGATIONS.contains(&lower.as_str())
        && !word.chars().any(|c| c.is_numeric())
        && near.iter().any(|old| old.to_lowercase() == lower)
}

/// Whether `word`, a slice of `text`, is part of a path or a dotted name (`src/initialiser.rs`,
/// `config.initialiser`): such a name is not respelled, it names another file or item.
fn in_path(text: &str, word: &str) -> bool {
    let start = (word.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    let Some(end) = start
        .checked_add(word.len())
        .filter(|end| *end <= text.len())
    else {
        return true;
    };
    let before = text[..start].chars().next_back();
    let mut after = text[end..].chars();
    let (next, then) = (after.next(), after.next());
    matches!(before, Some('/' | '\\' | '.'))
        || matches!(next, Some('/' | '\\'))
        || (next == Some('.') && then.is_some_and(|c| c.is_alphanumeric()))
}

/// Longer words are not searched for a rename inside them.
const MAX_RENAMED_WORD: usize = 100;

/// Whether the plan word `to` is `from` with one substring replaced, case aside, where the code
/// replaces that substring: it is a word (or part) of the lines the code removes, at least three
/// letters long, and what replaces it one of the lines the code adds. The rest of the word is as
/// it was, so nothing new is written.
fn renamed_inside(
    from: &str,
    to: &str,
    code_removed: &HashSet<String>,
    code_added: &HashSet<String>,
) -> bool {
    let (from, to): (Vec<char>, Vec<char>) = (
        from.to_lowercase().chars().collect(),
        to.to_lowercase().chars().collect(),
    );
    if from == to || from.len() > MAX_RENAMED_WORD || to.len() > MAX_RENAMED_WORD {
        return false;
    }
    let (prefix, suffix) = common_ends(&from, &to, PartialEq::eq);
    // The code's word spans the difference: it starts at or before the first changed letter and
    // ends at or after the last; the same span, shifted by the change in length, is its new word.
    for start in 0..=prefix {
        for end in (from.len() - suffix).max(start + 3)..=from.len() {
            let new_end = end + to.len() - from.len();
            if new_end < start || new_end > to.len() {
                continue;
            }
            let old_part: String = from[start..end].iter().collect();
            let new_part: String = to[start..new_end].iter().collect();
            if !new_part.is_empty()
                && code_removed.contains(&old_part)
                && code_added.contains(&new_part)
            {
                return true;
            }
        }
    }
    false
}

/// Whether a word of the plan is among the code's words: whole, or every part of it.
fn known(word: &str, pool: &HashSet<String>) -> bool {
    let whole = word.to_lowercase();
    pool.contains(&whole) || parts(word).iter().all(|part| pool.contains(part))
}

/// Calls `each` with the old and new text of every code file the change touches (binary content
/// as empty text). `false`, having stopped, when the code is over `MAX_CODE_BYTES` in all: code
/// that large is not read to compare a plan with.
pub(super) fn each_code_text(
    cx: &Context<'_>,
    mut each: impl FnMut(&str, &str),
) -> Result<bool, TreeError> {
    each_text(cx, cx.code_changes(), &mut 0, &mut |_, old, new| {
        each(old, new)
    })
}

/// Calls `each` with the old and new text of `files`, counting their bytes into `bytes`; `false`,
/// having stopped, once that is over `MAX_CODE_BYTES`.
fn each_text(
    cx: &Context<'_>,
    files: Vec<&FileChange>,
    bytes: &mut usize,
    each: &mut impl FnMut(&FileChange, &str, &str),
) -> Result<bool, TreeError> {
    for file in files {
        let (old, new) = (
            Content::read(cx, file.old.as_ref())?,
            Content::read(cx, file.new.as_ref())?,
        );
        // Binary content has no words.
        let (old, new) = (
            old.text().unwrap_or_default(),
            new.text().unwrap_or_default(),
        );
        *bytes += old.len() + new.len();
        if *bytes > MAX_CODE_BYTES {
            return Ok(false);
        }
        each(
            file,
            &String::from_utf8_lossy(old),
            &String::from_utf8_lossy(new),
        );
    }
    Ok(true)
}

/// The words of the lines the change's code and other text files remove, and of those they add
/// (a line moved within a file is neither), with the words of the paths the change deletes or
/// renames away from, and of those it adds or renames to. `None` when the text is too large to
/// read for this.
///
/// Other text is every changed file that is neither code nor an execplan: a guide renamed in the
/// docs, an id renumbered across the specs, a hook moved to another tool's config, each followed
/// by the plans. Other plans of the change are left out, so that plans edited together do not
/// vouch for each other. Only changed lines count, as for code: a whole document holds words for
/// nearly any sentence.
fn code_words(cx: &Context<'_>) -> Result<CodeWords, TreeError> {
    let (mut removed, mut added) = (HashSet::new(), HashSet::new());
    // The lines each file that stays loses, and those the files the change adds hold: where the
    // same lines are in both, code moved out of the file into a new one.
    let mut lost: Vec<(RepoPath, HashSet<String>)> = Vec::new();
    let mut brought: HashSet<String> = HashSet::new();
    let mut collect = |file: &FileChange, old: &str, new: &str| {
        if file.old.is_none() {
            brought.extend(new.lines().filter_map(substantial));
        } else if file.new.is_some() && file.renamed_from.is_none() {
            let kept: HashSet<&str> = new.lines().collect();
            lost.push((
                file.path.clone(),
                old.lines()
                    .filter(|line| !kept.contains(line))
                    .filter_map(substantial)
                    .collect(),
            ));
        }
        let mut count: HashMap<&str, i64> = HashMap::new();
        for line in old.lines() {
            *count.entry(line).or_default() += 1;
        }
        for line in new.lines() {
            *count.entry(line).or_default() -= 1;
        }
        for (line, left) in count {
            let pool = if left > 0 {
                &mut removed
            } else if left < 0 {
                &mut added
            } else {
                continue;
            };
            add_words(pool, line);
        }
    };
    let layout = &cx.config.layout;
    let other: Vec<&FileChange> = cx
        .change
        .files
        .iter()
        .filter(|file| {
            !file
                .touched_paths()
                .any(|path| layout.is_code(path) || layout.execplans.feature_of(path).is_some())
        })
        .collect();
    let mut bytes = 0usize;
    if !each_text(cx, cx.code_changes(), &mut bytes, &mut collect)?
        || !each_text(cx, other, &mut bytes, &mut collect)?
    {
        return Ok(None);
    }
    for file in &cx.change.files {
        if file.old.is_some() && (file.new.is_none() || file.renamed_from.is_some()) {
            add_words(&mut removed, &file.old_path().to_string());
        }
        if file.new.is_some() && (file.old.is_none() || file.renamed_from.is_some()) {
            add_words(&mut added, &file.path.to_string());
        }
    }
    // A file code moved out of stays, so its path is not deleted; the plan's mentions of it
    // may follow the code to its new file all the same.
    for (path, lines) in lost {
        if lines.iter().filter(|line| brought.contains(*line)).count() >= MOVED_LINES {
            add_words(&mut removed, &path.to_string());
        }
    }
    Ok(Some((removed, added)))
}

/// How many lines a file must lose to a file the change adds for its code to count as moved.
const MOVED_LINES: usize = 3;

/// A line, trimmed, when it holds enough to tell where it moved: not a brace, a blank or a
/// lone keyword.
fn substantial(line: &str) -> Option<String> {
    let line = line.trim();
    (line.chars().filter(|c| c.is_alphanumeric()).count() >= 8).then(|| line.to_string())
}

/// Adds the words of `text`, and the parts of each, to `pool`, lowercased.
fn add_words(pool: &mut HashSet<String>, text: &str) {
    for word in words(text) {
        pool.insert(word.to_lowercase());
        pool.extend(parts(word));
    }
}

/// The words of a text: runs of letters, digits and `_`, each Chinese or Japanese character a
/// word of its own (those scripts do not separate words by spaces).
fn words(text: &str) -> Vec<&str> {
    words_of(text)
}

/// [`words`], for the other comparisons of a plan's text with the code's.
pub(super) fn words_of(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for run in text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|run| !run.is_empty())
    {
        let mut start = 0;
        for (at, c) in run.char_indices() {
            if crate::progress::is_cjk(c) {
                if start < at {
                    out.push(&run[start..at]);
                }
                out.push(&run[at..at + c.len_utf8()]);
                start = at + c.len_utf8();
            }
        }
        if start < run.len() {
            out.push(&run[start..]);
        }
    }
    out
}

/// The parts of an identifier, lowercased: split at `_` and where a lowercase letter or digit
/// meets an uppercase one (`attack_primary`, `motionPanel`, `HTTPServer` gives `httpserver`).
fn parts(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in word.split('_').filter(|piece| !piece.is_empty()) {
        let mut current = String::new();
        let mut previous_lower = false;
        for c in piece.chars() {
            if c.is_uppercase() && previous_lower && !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            previous_lower = c.is_lowercase() || c.is_numeric();
            current.extend(c.to_lowercase());
        }
        if !current.is_empty() {
            out.push(current);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{known, parts, renamed_inside, words};
    use std::collections::HashSet;

    fn pool(words: &[&str]) -> HashSet<String> {
        words.iter().map(|word| word.to_string()).collect()
    }

    #[test]
    fn a_word_with_a_renamed_part_inside_it_is_renamed() {
        let (removed, added) = (pool(&["mcpd", "server"]), pool(&["mcpv", "server"]));
        assert!(renamed_inside(
            "TestAutomaticMcpDeduplication",
            "TestAutomaticmcpveduplication",
            &removed,
            &added
        ));
        assert!(renamed_inside("mcpd.yaml", "mcpv.yaml", &removed, &added));
        // More changed than the rename: another letter too.
        assert!(!renamed_inside(
            "TestAutomaticMcpDeduplication",
            "TestAutomaticmcpvDuplication",
            &removed,
            &added
        ));
        // A change the code does not make.
        assert!(!renamed_inside("mcpx", "mcpy", &removed, &added));
        // One- and two-letter renames explain nothing.
        let (removed, added) = (pool(&["d", "ab"]), pool(&["v", "cd"]));
        assert!(!renamed_inside("mcpd", "mcpv", &removed, &added));
        assert!(!renamed_inside("xaby", "xcdy", &removed, &added));
    }

    #[test]
    fn chinese_text_splits_into_characters() {
        assert_eq!(
            words("让创作者收到 SMS2"),
            ["让", "创", "作", "者", "收", "到", "SMS2"]
        );
        assert_eq!(words("老师侧api"), ["老", "师", "侧", "api"]);
    }

    #[test]
    fn identifiers_split_into_their_parts() {
        assert_eq!(parts("attack_primary"), ["attack", "primary"]);
        assert_eq!(parts("motionPanel"), ["motion", "panel"]);
        assert_eq!(
            words("the `Motion` panel (attack_primary)."),
            ["the", "Motion", "panel", "attack_primary"]
        );
        let pool = ["attack", "primary"]
            .map(String::from)
            .into_iter()
            .collect();
        assert!(known("attack_primary", &pool));
        assert!(known("Attack", &pool));
        assert!(!known("attack_secondary", &pool));
    }
}
