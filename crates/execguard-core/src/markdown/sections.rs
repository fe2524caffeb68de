//! The headings of a document and the sections they open, read as a CommonMark parser renders
//! them.
//!
//! A heading is an ATX (`## Progress`) or setext (`Progress` underlined with `===` or `---`)
//! heading at the top level of the document: one inside a code block is code, one inside a block
//! quote or a list item is quoted or listed material, and one in the YAML front matter is data, so
//! none of those is a heading. Its title is its visible text (`## **Progress**` is titled
//! `Progress`).
//!
//! A section runs from the line after its heading to the next top-level heading of the same or a
//! higher level (fewer `#`s), or to the end of the document: a `###` under `## Progress` belongs to
//! Progress, the next `##` or `#` ends it.

use std::cell::RefCell;
use std::ops::Range;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::marker::fold;
use super::reread::{reading, Reader, Reading, Rereads, KEPT};
use super::restarts::{self, Events};
use super::visible::{split_front_matter, without_bom};

/// A top-level heading of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#` or a `===` underline, 2 for `##` or a `---` underline, up to 6.
    pub level: usize,
    /// The visible text, as rendered.
    pub title: String,
    /// Byte offset (in the document without its BOM) of the start of the heading's first line.
    pub start: usize,
    /// Byte offset of the line after the heading: where its section's content starts.
    pub body_start: usize,
    /// The title as [`normalise_title`] makes it.
    normalised: String,
    /// The part before a slash set off by spaces, normalised, when the title has one: the title
    /// a bilingual plan writes first (`Progress / 진행 상황`).
    before_slash: Option<String>,
    /// Whether the title joins titles by `and` or `&` (`Tasks and Progress`).
    joined: bool,
}

/// The headings of a document, for finding its sections.
#[derive(Debug, Clone)]
pub struct Outline<'t> {
    /// The document without its BOM.
    text: &'t str,
    headings: Vec<Heading>,
}

impl<'t> Outline<'t> {
    /// Reads the top-level headings of `text` (in one pass of the parser).
    pub fn of(text: &'t str) -> Self {
        let text = without_bom(text);
        Self {
            text,
            headings: headings(text),
        }
    }

    pub fn headings(&self) -> &[Heading] {
        &self.headings
    }

    /// The byte range (in the document without its BOM) of the content of the section titled
    /// `title`, heading excluded. See [`title_matches`] for which headings carry a title (and
    /// [`joined_title_matches`] for a heading joining two titles by `and`); when several do, the shallowest wins (fewest `#`s), then an exact title over one with a
    /// parenthetical or suffix, then the first.
    pub fn section_range(&self, title: &str) -> Option<Range<usize>> {
        let wanted = normalise_title(title);
        let (position, found) = self
            .headings
            .iter()
            .enumerate()
            .filter(|(_, heading)| {
                title_matches(&heading.normalised, &wanted)
                    || (heading.joined && joined_title_matches(&heading.normalised, &wanted))
                    || heading
                        .before_slash
                        .as_deref()
                        .is_some_and(|before| title_matches(before, &wanted))
            })
            .min_by_key(|(position, heading)| {
                (heading.level, heading.normalised != wanted, *position)
            })?;
        let end = self.headings[position + 1..]
            .iter()
            .find(|heading| heading.level <= found.level)
            .map_or(self.text.len(), |heading| heading.start);
        Some(found.body_start..end.max(found.body_start))
    }

    /// The section titled `title` with its heading: from the heading's first line to the end of
    /// the section. A heading renamed or moved to another level is a change of it.
    pub fn section_with_heading(&self, title: &str) -> Option<&'t str> {
        let body = self.section_range(title)?;
        let heading = self
            .headings
            .iter()
            .find(|heading| heading.body_start == body.start)?;
        self.text.get(heading.start..body.end)
    }

    /// The content of the section titled `title` (see [`Outline::section_range`]).
    pub fn section_text(&self, title: &str) -> Option<&'t str> {
        self.text.get(self.section_range(title)?)
    }

    /// The heading of the section titled `title` (see [`Outline::section_range`]): its whole
    /// visible title may say more than `title` (`Todo (2026-03-14) — BUB-19`).
    pub fn section_heading(&self, title: &str) -> Option<&Heading> {
        let body = self.section_range(title)?;
        self.headings
            .iter()
            .find(|heading| heading.body_start == body.start)
    }
}

/// The text of the section titled `title` (see [`Outline::section_range`]): from the line after
/// its heading to the end of the section, without the BOM of the document.
pub fn section_text<'t>(text: &'t str, title: &str) -> Option<&'t str> {
    Outline::of(text).section_text(title)
}

/// Every top-level heading of `text` outside the YAML front matter, with offsets in the document
/// without its BOM.
pub fn headings(text: &str) -> Vec<Heading> {
    let text = without_bom(text);
    let (offset, body) = match split_front_matter(text) {
        Some((_, rest)) => (text.len() - rest.len(), rest),
        None => (0, text),
    };
    // The same plan is outlined by several rules of one commit, and again as the base of the next
    // commit, and one version differs from the next by a few lines: outlines are remembered, and
    // read again where they changed, per thread.
    let outline = reading::<OutlineReader>(&OUTLINES, body);
    outline
        .found
        .iter()
        .map(|(_, heading)| {
            let mut heading = heading.clone();
            OutlineReader::moved(&mut heading, offset as isize);
            heading
        })
        .collect()
}

thread_local! {
    static OUTLINES: RefCell<Rereads<Heading>> =
        const { RefCell::new(Rereads::new(KEPT, 2 << 20)) };
}

/// Reads the top-level headings of a text (without front matter).
pub(crate) struct OutlineReader;

impl Reader for OutlineReader {
    type Item = Heading;

    fn read(body: &str) -> Reading<Heading> {
        let events = Events::new(body);
        let references = events.defines_references();
        let mut starts = Vec::new();
        let mut found = Vec::new();
        let mut current = 0;
        // Open blocks and inlines; a heading is top-level when nothing is open at its start.
        let mut depth = 0usize;
        // The open top-level heading: its level, where it starts, and its visible text so far.
        let mut open: Option<(usize, Range<usize>, String)> = None;
        for (event, range, restart) in events {
            if let Some(start) = restart {
                current = start;
                starts.push(start);
            }
            match event {
                Event::Start(Tag::Heading { level, .. }) if depth == 0 => {
                    depth += 1;
                    open = Some((level as usize, range, String::new()));
                }
                Event::Start(_) => depth += 1,
                Event::End(TagEnd::Heading(_)) if depth == 1 => {
                    depth = 0;
                    if let Some((level, range, title)) = open.take() {
                        let heading = Heading {
                            level,
                            normalised: normalise_title(&title),
                            before_slash: before_slash(&title),
                            joined: joins_titles(&title),
                            title: fold(&title),
                            start: line_start(body, range.start),
                            body_start: next_line(body, range.end),
                        };
                        found.push((current, heading));
                    }
                }
                Event::End(_) => depth = depth.saturating_sub(1),
                Event::Text(text) | Event::Code(text) => {
                    if let Some((_, _, title)) = &mut open {
                        title.push_str(&text);
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    if let Some((_, _, title)) = &mut open {
                        title.push(' ');
                    }
                }
                _ => {}
            }
        }
        Reading {
            starts,
            found,
            references,
        }
    }

    fn moved(heading: &mut Heading, by: isize) {
        heading.start = heading.start.wrapping_add_signed(by);
        heading.body_start = heading.body_start.wrapping_add_signed(by);
    }
}

/// The start of the line holding byte `at` (lines end as CommonMark ends them).
fn line_start(text: &str, at: usize) -> usize {
    restarts::line_start(text.as_bytes(), at)
}

/// The start of the line after the one that ends at or holds byte `end - 1`: the parser's range of
/// a heading may or may not include its line ending.
fn next_line(text: &str, end: usize) -> usize {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    match (end.checked_sub(1).map(|last| bytes[last]), bytes.get(end)) {
        (None | Some(b'\n'), _) => end,
        (Some(b'\r'), Some(b'\n')) => end + 1,
        (Some(b'\r'), _) => end,
        _ => restarts::next_line(bytes, end).unwrap_or(bytes.len()),
    }
}

/// Which of `titles` are headings only inside a fenced code block of `text` (a plan wrapped
/// whole in ```` ```md ````): shown as code, they are not sections, and the author should be told
/// why they are missing.
pub fn titles_in_fences(text: &str, titles: &[String]) -> Vec<String> {
    use pulldown_cmark::{CodeBlockKind, Parser};
    let mut blocks: Vec<String> = Vec::new();
    let mut open: Option<String> = None;
    for event in Parser::new(without_bom(text)) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_))) => open = Some(String::new()),
            Event::Text(code) => {
                if let Some(block) = &mut open {
                    block.push_str(&code);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(open.take()),
            _ => {}
        }
    }
    titles
        .iter()
        .filter(|title| {
            blocks
                .iter()
                .any(|block| Outline::of(block).section_range(title).is_some())
        })
        .cloned()
        .collect()
}

/// Normalises a section title for comparison: visible characters folded (see the marker reading),
/// case, spacing, `and` versus `&` or `/` (`Surprises / Discoveries`), leading numbering (`3.`, `2.1`, `IV.`, `(a)`) and decoration,
/// and trailing punctuation (`Progress:`, `Progress.`) do not matter.
pub fn normalise_title(title: &str) -> String {
    let folded = fold(&fold(title).to_lowercase().replace(['&', '/'], " and "));
    // A slash reads as "and" or as "or" (`Files to create/modify` is written `Files To Create Or
    // Modify` in the same repository's plans): the two joining words name the same section.
    let folded = if folded.split(' ').any(|word| word == "or") {
        folded
            .split(' ')
            .map(|word| if word == "or" { "and" } else { word })
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        folded
    };
    let decoration = |c: char| !c.is_alphanumeric();
    let title = folded.trim_start_matches(decoration);
    let title = without_numbering(title).trim_start_matches(decoration);
    title
        .trim_end_matches(|c: char| !c.is_alphanumeric() && !matches!(c, ')' | ']'))
        .to_string()
}

/// The normalised title before the first slash set off by white space on both sides
/// (`Progress / 진행 상황`, a title and its translation), when there is text on both sides.
fn before_slash(title: &str) -> Option<String> {
    // Most titles hold no slash: read on every heading of every plan version, they skip the fold
    // (only text beyond ASCII can fold into one).
    if title.is_ascii() && !title.contains('/') {
        return None;
    }
    let folded = fold(title);
    let (before, after) = folded.split_once(" / ")?;
    let before = normalise_title(before);
    (!before.is_empty() && !after.trim().is_empty()).then_some(before)
}

/// `title` without a leading section number: a first word of digits and dots (`3`, `3.`, `2.1`),
/// or a roman numeral or a single letter followed by `.` or `)` (`iv.`, `b)`), when more follows.
fn without_numbering(title: &str) -> &str {
    let Some((first, rest)) = title.split_once(' ') else {
        return title;
    };
    let (word, punctuated) = match first.strip_suffix(['.', ')', ':']) {
        Some(word) => (word, true),
        None => (first, false),
    };
    let digits = word.starts_with(|c: char| c.is_ascii_digit())
        && word.chars().all(|c| c.is_ascii_digit() || c == '.');
    let letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    // Roman numerals up to XXXIX: enough for sections, and no ordinary word is made of them.
    let roman = !word.is_empty() && word.chars().all(|c| "ivx".contains(c));
    if (digits || punctuated && (letter || roman)) && !rest.trim().is_empty() {
        rest
    } else {
        title
    }
}

/// Whether a heading whose normalised title is `heading` carries the normalised title `wanted`:
/// it equals it, or starts with it followed by a parenthetical (`Progress (live)`), a colon
/// (`Progress: week 2`) or a dash set off by a space (`Decision Log — 2026`, `Progress - live`).
/// A longer word (`Progressive rollout`) or a hyphenated compound (`Progress-bar`) does not.
pub fn title_matches(heading: &str, wanted: &str) -> bool {
    if wanted.is_empty() {
        return false;
    }
    let Some(rest) = heading.strip_prefix(wanted) else {
        return false;
    };
    let spaced = rest.starts_with(' ');
    let rest = rest.trim_start();
    let mut chars = rest.chars();
    match chars.next() {
        None => true,
        Some('(' | '[' | ':' | '\u{2014}') => true,
        Some('-') => spaced || chars.next().is_some_and(|c| c == ' ' || c == '-'),
        Some(_) => false,
    }
}

/// Whether a heading whose title joins titles by `and` or `&` (`Tasks and Progress`, `Decisions &
/// Progress`; `joined` as [`joins_titles`] says) carries `wanted` as one of them: a plan keeping
/// two living sections under one heading keeps both. Either part may be the wanted one, and the
/// wanted title may itself hold `and` (`Surprises & Discoveries and Decision Log`); a part is
/// matched as [`title_matches`] matches a whole title, so `Tasks and Progress report` does not
/// carry `Progress`.
fn joined_title_matches(heading: &str, wanted: &str) -> bool {
    if wanted.is_empty() {
        return false;
    }
    let first = heading.strip_prefix(wanted).is_some_and(|rest| {
        rest.strip_prefix(" and ")
            .is_some_and(|other| !other.trim().is_empty())
    });
    first
        || heading
            .match_indices(" and ")
            .any(|(at, joint)| at > 0 && title_matches(&heading[at + joint.len()..], wanted))
}

/// Whether a heading's title joins titles by the word `and` or by `&`, as written: a slash
/// inside a word (`Progress/진행`) or `or` joins nothing here, though they normalise to `and`.
fn joins_titles(title: &str) -> bool {
    let lower = fold(title).to_lowercase();
    lower.contains('&') || lower.split(' ').any(|word| word == "and")
}

#[cfg(test)]
#[path = "sections_tests.rs"]
mod tests;
