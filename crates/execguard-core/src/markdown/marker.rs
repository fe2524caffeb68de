//! Whether a document carries a status marker, read as a person reads it.
//!
//! A marker counts when one unit of visible text — a line of a paragraph or of a tight list item,
//! a heading, a table cell, a line of raw HTML or of the front matter, or the whole content of an
//! HTML comment standing as a block — is the marker alone or `Label: MARKER`, with decoration
//! around it. The text is first folded as a reader sees it: invisible characters dropped, every
//! Unicode space made one space, hyphen look-alikes made `-`, full-width and Cyrillic or Greek
//! look-alike letters made ASCII. Letters match without regard to case, as section titles do:
//! `Status: Complete` carries the marker `COMPLETE`.

use std::ops::ControlFlow;

use super::visible::{walk, BlockKind, Reading};

/// Whether `text` carries the status `marker` (see the module documentation).
pub fn has_marker(text: &str, marker: &str) -> bool {
    let marker = fold(marker);
    if marker.is_empty() {
        return false;
    }
    // Markers stand near the top of long documents: the part up to the marker's block is read
    // first, and the whole document only when that part does not settle it.
    if let Some(head) = settled_head(text, &marker) {
        if shows_marker(head, &marker, true) {
            return true;
        }
    }
    shows_marker(text, &marker, false)
}

/// The part of `text` that ends at the first blank line after the first literal occurrence of
/// `marker`; `None` when there is none, or when the document may open with front matter.
///
/// CommonMark reads blocks line by line: whether a line is a paragraph's or a heading's, and what
/// container holds it, depends only on the lines up to it and the line after it (a setext
/// underline, a table's delimiter row). A paragraph or heading that closes before a blank line is
/// therefore the same block in this part as in the whole document, with the same inline text —
/// unless it uses a link reference whose definition comes later, which brackets show. Raw HTML
/// blocks and code fences can run past a blank line, so only paragraphs and headings without
/// brackets settle the question here.
fn settled_head<'t>(text: &'t str, marker: &str) -> Option<&'t str> {
    let body = super::visible::without_bom(text);
    if body.starts_with("---") {
        return None;
    }
    let at = body.find(marker)?;
    let mut line_start = body[at..].find('\n').map(|n| at + n + 1)?;
    while line_start < body.len() {
        let line_end = body[line_start..]
            .find('\n')
            .map_or(body.len(), |n| line_start + n);
        if body[line_start..line_end].trim().is_empty() {
            return Some(&body[..line_start]);
        }
        line_start = line_end + 1;
    }
    None
}

/// Whether `text`, read as a document, shows `marker` (already folded). With `settled_only`, only
/// paragraphs and headings whose visible text holds no bracket count (see [`settled_head`]).
fn shows_marker(text: &str, marker: &str, settled_only: bool) -> bool {
    let reading = Reading {
        front_matter: true,
        keep_struck: false,
    };
    // Reading only changes white space and characters beyond ASCII: an ASCII block without the
    // marker's text cannot show the marker (a marker holding white space is always read).
    let literal = !marker.contains(' ');
    walk(text, reading, |block| {
        if block.task == Some(false) || block.in_unchecked_task {
            return ControlFlow::Continue(());
        }
        if literal && block.text.is_ascii() && !contains_ignoring_case(block.text, marker) {
            return ControlFlow::Continue(());
        }
        if settled_only
            && (!matches!(block.kind, BlockKind::Text | BlockKind::Heading)
                || block.text.contains(['[', ']']))
        {
            return ControlFlow::Continue(());
        }
        let found = match block.kind {
            // A comment counts only when its whole content is the marker.
            BlockKind::Comment => unit_is_marker(block.text, marker),
            BlockKind::Row => false,
            BlockKind::Text
            | BlockKind::Heading
            | BlockKind::Cell
            | BlockKind::Html
            | BlockKind::FrontMatter => block
                .text
                .split('\n')
                .any(|line| unit_is_marker(line, marker)),
        };
        if found {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    })
    .is_break()
}

/// `text` as a reader sees it: invisible characters dropped, runs of any Unicode white space made
/// one space and trimmed, look-alike characters made their ASCII original.
pub(crate) fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    fold_into(&mut out, text);
    out
}

/// [`fold`], appended to `out`.
pub(crate) fn fold_into(out: &mut String, text: &str) {
    let start = out.len();
    if text.is_ascii() {
        // Only white space changes: the common case, made cheap.
        for word in text
            .split(|c: char| c.is_ascii_whitespace() || c == '\u{b}')
            .filter(|word| !word.is_empty())
        {
            if out.len() > start {
                out.push(' ');
            }
            out.push_str(word);
        }
        return;
    }
    let mut pending_space = false;
    for c in text.chars() {
        let Some(c) = seen_as(c) else {
            continue;
        };
        if c == ' ' {
            pending_space = out.len() > start;
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        out.push(c);
    }
}

/// The character a reader sees for `c`; `None` for one that shows nothing.
fn seen_as(c: char) -> Option<char> {
    Some(match c {
        // Zero-width and joining characters, direction marks, soft hyphens, variation selectors.
        '\u{ad}' | '\u{34f}' | '\u{61c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' => return None,
        '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' => return None,
        '\u{fe00}'..='\u{fe0f}' | '\u{feff}' | '\u{e0000}'..='\u{e007f}' => return None,
        '\u{2010}'..='\u{2013}' | '\u{2043}' | '\u{2212}' | '\u{fe63}' => '-',
        '\u{2015}' => '\u{2014}',
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
        c if c.is_whitespace() => ' ',
        c => look_alike(c),
    })
}

/// Cyrillic and Greek letters drawn like ASCII ones.
fn look_alike(c: char) -> char {
    match c {
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' => 'I',
        'Ј' => 'J',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'Ν' => 'N',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'У' | 'Υ' => 'Y',
        'Ζ' => 'Z',
        'а' => 'a',
        'с' => 'c',
        'е' => 'e',
        'і' => 'i',
        'ј' => 'j',
        'о' | 'ο' => 'o',
        'р' => 'p',
        'ѕ' => 's',
        'х' => 'x',
        'у' => 'y',
        c => c,
    }
}

/// Symbols that say "no", "not done" or "not sure": next to the marker they negate it.
const NEGATING: &[char] = &['❌', '❎', '✗', '✘', '✖', '🚫', '⛔', '☐', '?'];

/// Symbols that negate what follows them (`!EXEC-READY`), but not what precedes them.
const NEGATING_BEFORE: &[char] = &['!', '¬'];

/// The most words a label (`Status`, `Spec status`) may have.
const LABEL_WORDS: usize = 3;

/// Whether one unit of visible text is the marker (already folded): the marker alone or after a
/// label (`Status: MARKER`), with decoration before and after it.
fn unit_is_marker(unit: &str, marker: &str) -> bool {
    let unit = fold(unit);
    let lead_end = first_alphanumeric(&unit);
    // The marker alone, after decoration (which may be part of a marker that starts with one).
    if marker_at(&unit, lead_end, marker) {
        return true;
    }
    // `Label: MARKER`, where the label is a few words, possibly decorated.
    if !decoration_ok(&unit[..lead_end]) {
        return false;
    }
    let rest = &unit[lead_end..];
    // `Status: MARKER`, or `Login spec (MARKER)` with the bracket as the separator.
    let bracket = rest.find(['(', '[']).map(|index| (index, index));
    [separator(rest), bracket]
        .into_iter()
        .flatten()
        .any(|(label_end, value_start)| {
            let value = &rest[value_start..];
            label_ok(&rest[..label_end]) && marker_at(value, first_alphanumeric(value), marker)
        })
}

/// Whether `text` is decoration, then the marker starting at or before `limit` (the first letter
/// or digit of `text`), then an acceptable ending.
fn marker_at(text: &str, limit: usize, marker: &str) -> bool {
    let negated_from = negation_end(text);
    let is_match = |index: usize| {
        index < negated_from
            && text
                .get(index..)
                .and_then(|at| prefix_ignoring_case(at, marker))
                .is_some_and(|length| ending_ok(&text[index + length..]))
    };
    match marker.find(char::is_alphanumeric) {
        // The marker's first letter is the text's first letter: one place to look.
        Some(offset) => limit.checked_sub(offset).is_some_and(is_match),
        // A marker of symbols alone: look at its first few occurrences.
        None => text
            .match_indices(marker)
            .map(|(index, _)| index)
            .take_while(|index| *index <= limit)
            .take(8)
            .any(is_match),
    }
}

/// The length of the start of `text` that is `marker` but for case (`Complete` for `COMPLETE`),
/// as section titles are matched; `None` when `text` does not start with it.
fn prefix_ignoring_case(text: &str, marker: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    for wanted in marker.chars() {
        let (_, found) = chars.next()?;
        if found != wanted && !found.to_lowercase().eq(wanted.to_lowercase()) {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(at, _)| at))
}

/// Whether the ASCII `text` holds `marker` but for ASCII case.
fn contains_ignoring_case(text: &str, marker: &str) -> bool {
    let marker = marker.as_bytes();
    marker.is_empty()
        || text
            .as_bytes()
            .windows(marker.len())
            .any(|window| window.eq_ignore_ascii_case(marker))
}

/// The shortest prefix of `text` that holds a negating symbol or an unchecked box (`[ ]`); every
/// shorter prefix is acceptable decoration.
fn negation_end(text: &str) -> usize {
    let symbol = text
        .char_indices()
        .find(|(_, c)| NEGATING.contains(c) || NEGATING_BEFORE.contains(c))
        .map(|(index, c)| index + c.len_utf8());
    let boxes = ["[ ]", "[]"]
        .iter()
        .filter_map(|unchecked| text.find(unchecked).map(|index| index + unchecked.len()));
    symbol.into_iter().chain(boxes).min().unwrap_or(usize::MAX)
}

fn first_alphanumeric(text: &str) -> usize {
    text.find(char::is_alphanumeric).unwrap_or(text.len())
}

/// Decoration before a label or the marker: symbols, emoji, emphasis characters; nothing that
/// says "no", and no unchecked box drawn as `[ ]`.
fn decoration_ok(text: &str) -> bool {
    negation_end(text) > text.len()
}

/// What may follow the marker: decoration and punctuation (`.`, `✅`, `**`), a parenthetical
/// (`(approved by Ana)`), a date or time, or a comment after a spaced dash (` — approved`).
/// A word (`soon`, `-ish`), a question mark or a negating symbol makes it a mention.
fn ending_ok(text: &str) -> bool {
    // The marker must end where a word ends: `EXEC-READY-ish`, `EXEC-READY2` are other words.
    let unglued = text.trim_start_matches(['-', '_', '.', '/', '\'']);
    if unglued.starts_with(char::is_alphanumeric) {
        return false;
    }
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        let Some(first) = rest.chars().next() else {
            return true;
        };
        if let Some(close) = matching_close(first) {
            match closing_position(rest, first, close) {
                Some(end) => {
                    rest = &rest[end..];
                    continue;
                }
                // An unclosed parenthetical runs to the end.
                None => return true,
            }
        }
        let token_end = rest.find([' ', '(', '[']).unwrap_or(rest.len());
        let token = &rest[..token_end];
        if token_end > 0 && token.chars().all(|c| c == '-' || c == '—') {
            // ` - comment`, ` -- comment`, ` — comment`.
            return true;
        }
        let is_word = token.contains(char::is_alphanumeric) && !is_date_or_time(token);
        if token.contains(NEGATING) || is_word {
            return false;
        }
        rest = &rest[token_end.max(first.len_utf8())..];
    }
}

fn matching_close(open: char) -> Option<char> {
    match open {
        '(' => Some(')'),
        '[' => Some(']'),
        _ => None,
    }
}

/// The byte offset just past the bracket that closes the one `text` starts with.
fn closing_position(text: &str, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    for (index, c) in text.char_indices() {
        if c == open {
            depth += 1;
        } else if c == close {
            depth -= 1;
            if depth == 0 {
                return Some(index + c.len_utf8());
            }
        }
    }
    None
}

/// `2026-02-01`, `10:00Z`, `2026-02-01T10:00Z`, `1.2`: digits with date and time punctuation.
fn is_date_or_time(token: &str) -> bool {
    let token = token.trim_matches(|c: char| !c.is_alphanumeric());
    token.contains(|c: char| c.is_ascii_digit())
        && token.chars().all(|c| {
            c.is_ascii_digit() || matches!(c, '-' | ':' | '/' | '.' | ',' | '+' | 'T' | 'Z')
        })
}

/// Where the label ends and its value starts: at the first `:`, `=`, `|`, `—`, or spaced `-`.
fn separator(text: &str) -> Option<(usize, usize)> {
    let mut previous = ' ';
    for (index, c) in text.char_indices() {
        match c {
            ':' | '=' | '|' | '—' => return Some((index, index + c.len_utf8())),
            '-' if previous == ' ' => {
                let dashes = text[index..].len() - text[index..].trim_start_matches('-').len();
                let after = &text[index + dashes..];
                if after.is_empty() || after.starts_with(' ') {
                    return Some((index, index + dashes));
                }
            }
            _ => {}
        }
        previous = c;
    }
    None
}

/// A label is one to three plain words (`Status`, `Spec status`, `**Status**`), not a negation.
fn label_ok(label: &str) -> bool {
    let label = label.trim_matches(|c: char| !c.is_alphanumeric());
    let words: Vec<&str> = label.split(' ').filter(|w| !w.is_empty()).collect();
    !words.is_empty()
        && words.len() <= LABEL_WORDS
        && label.chars().all(|c| {
            c.is_alphanumeric() || matches!(c, ' ' | '-' | '_' | '/' | '&' | '.' | '\'' | '(' | ')')
        })
        && !words.iter().any(|word| {
            matches!(
                word.to_lowercase().as_str(),
                "not" | "no" | "never" | "non" | "isn't" | "isnt" | "without"
            )
        })
}

#[cfg(test)]
#[path = "marker_tests.rs"]
mod tests;
