//! The visible entries of a piece of a document, for telling whether a section gained one.

use std::cell::RefCell;
use std::rc::Rc;

use super::marker::fold_into;
use super::reread::{reading, Reader, Reading, Rereads, KEPT};
use super::sections::headings;
use super::visible::{split_front_matter, walk_restarts, without_bom, Block, BlockKind};

/// The visible entries of `text` (a section of a document), in order: every paragraph, list item
/// text, heading, table row and the visible text of raw HTML, as a reader sees it and with white
/// space folded. A task item's entry starts with its box, `[ ]` or `[x]`. Comments, code blocks and
/// blank content are not entries.
pub fn visible_entries(text: &str) -> Vec<String> {
    EntryReader::read(without_bom(text))
        .found
        .into_iter()
        .map(|(_, entry)| entry.to_string())
        .collect()
}

/// The visible entries of `text`, as [`visible_entries`] gives them, read again only where `text`
/// differs from the last few texts asked about on this thread (see `reread.rs`).
pub(crate) fn remembered_entries(text: &str) -> Rc<Reading<Rc<str>>> {
    reading::<EntryReader>(&ENTRIES, without_bom(text))
}

/// Whether the document `text` has a visible entry (`!visible_entries(text).is_empty()`): a
/// plan emptied by a commit has none. Read again only where `text` differs from the last
/// document asked about on this thread: each commit of a range asks about its plan's new version.
pub(crate) fn has_visible_entries(text: &str) -> bool {
    let body = without_bom(text);
    // A top-level heading with visible text is an entry, and the outline the rules read anyway
    // (remembered) has it: its title is the heading's text, as the entry is, without the marks
    // of struck text. The outline leaves front matter out and the entries read it as Markdown,
    // so a document with front matter is read.
    let titled = || {
        headings(body)
            .iter()
            .any(|heading| heading.title.contains(|c: char| !matches!(c, ' ' | '|')))
    };
    if split_front_matter(body).is_none() && titled() {
        return true;
    }
    !reading::<EntryReader>(&DOCUMENTS, body).found.is_empty()
}

thread_local! {
    static ENTRIES: RefCell<Rereads<Rc<str>>> =
        const { RefCell::new(Rereads::new(KEPT, 2 << 20)) };
    // Whole documents, apart from the sections above: a text is read again from the last one
    // kept, which must be a version of the same kind of text to share most of it.
    static DOCUMENTS: RefCell<Rereads<Rc<str>>> = const { RefCell::new(Rereads::new(2, 2 << 20)) };
}

/// Reads the visible entries of a text. An entry is shared by the readings of versions of a
/// document that have it unchanged.
pub(crate) struct EntryReader;

impl Reader for EntryReader {
    type Item = Rc<str>;

    fn read(text: &str) -> Reading<Rc<str>> {
        let mut found = Vec::new();
        let (starts, references) = walk_restarts(text, true, |block, start| {
            if let Some(entry) = entry(block) {
                found.push((start, Rc::from(entry)));
            }
        });
        Reading {
            starts,
            found,
            references,
        }
    }
}

/// The entry a block of visible text gives, if any.
fn entry(block: &Block<'_>) -> Option<String> {
    let counts = matches!(
        block.kind,
        BlockKind::Text | BlockKind::Heading | BlockKind::Row | BlockKind::Html
    );
    if !counts {
        return None;
    }
    let mut entry = String::with_capacity(block.text.len() + 4);
    match block.task {
        Some(true) => entry.push_str("[x] "),
        Some(false) => entry.push_str("[ ] "),
        None => {}
    }
    let boxed = entry.len();
    fold_into(&mut entry, block.text);
    entry[boxed..]
        .contains(|c: char| !matches!(c, ' ' | '|'))
        .then_some(entry)
}

/// An entry (as [`visible_entries`] gives it) split into its stamp — its task box and the dates
/// and times it mentions — and the rest of its text. Two entries with the same rest and different
/// stamps are one entry whose box was ticked or whose timestamp changed.
///
/// A date is `YYYY-MM-DD` (or with `/` or `.`), optionally followed by `T` or a space and a time;
/// a time is `HH:MM`, optionally with seconds, fractions and a zone (`Z`, `UTC`, `+02:00`). The
/// rest drops them with the brackets they leave empty and the separators around them
/// (`(2026-02-03 21:05Z) one` and `2026-02-03: one` both leave `one`), with white space folded.
pub fn entry_stamp(entry: &str) -> (String, String) {
    let (mut stamp, text) = match entry.get(..4) {
        Some("[x] ") => (String::from("x"), &entry[4..]),
        Some("[ ] ") => (String::from(" "), &entry[4..]),
        _ => (String::from("-"), entry),
    };
    let bytes = text.as_bytes();
    let mut rest = String::with_capacity(text.len());
    let mut kept = 0;
    let mut at = 0;
    while at < bytes.len() {
        let boundary = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
        match boundary.then(|| timestamp_end(bytes, at)).flatten() {
            Some(end) => {
                rest.push_str(&text[kept..at]);
                stamp.push('\u{1f}');
                stamp.push_str(&text[at..end]);
                kept = end;
                at = end;
            }
            None => at += 1,
        }
    }
    rest.push_str(&text[kept..]);
    let mut rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    for empty in ["()", "( )", "[]", "[ ]"] {
        rest = rest.replace(empty, " ");
    }
    let separator = |c: char| c.is_whitespace() || ":-\u{2013}\u{2014}|,;@".contains(c);
    let rest = rest.split_whitespace().collect::<Vec<_>>().join(" ");
    (stamp, rest.trim_matches(separator).to_string())
}

/// The end of `count` to `max` ASCII digits from `at`, when there are at least `min`.
fn digits_end(bytes: &[u8], at: usize, min: usize, max: usize) -> Option<usize> {
    let count = bytes
        .get(at..)?
        .iter()
        .take(max)
        .take_while(|b| b.is_ascii_digit())
        .count();
    (count >= min).then_some(at + count)
}

/// The end of a date or time starting at `at` (see [`entry_stamp`]), when it is followed by no
/// letter or digit.
fn timestamp_end(bytes: &[u8], at: usize) -> Option<usize> {
    let end = match date_end(bytes, at) {
        Some(date) => match bytes.get(date) {
            Some(b'T' | b' ') => time_end(bytes, date + 1).unwrap_or(date),
            _ => date,
        },
        None => time_end(bytes, at)?,
    };
    let followed = bytes.get(end).is_some_and(u8::is_ascii_alphanumeric);
    (!followed).then_some(end)
}

fn date_end(bytes: &[u8], at: usize) -> Option<usize> {
    let year = digits_end(bytes, at, 4, 4)?;
    let separator = *bytes
        .get(year)
        .filter(|b| matches!(b, b'-' | b'/' | b'.'))?;
    let month = digits_end(bytes, year + 1, 1, 2)?;
    (bytes.get(month) == Some(&separator)).then_some(())?;
    let day = digits_end(bytes, month + 1, 1, 2)?;
    (!bytes.get(day).is_some_and(u8::is_ascii_digit)).then_some(day)
}

fn time_end(bytes: &[u8], at: usize) -> Option<usize> {
    let hour = digits_end(bytes, at, 1, 2)?;
    (bytes.get(hour) == Some(&b':')).then_some(())?;
    let mut end = digits_end(bytes, hour + 1, 2, 2)?;
    if bytes.get(end) == Some(&b':') {
        if let Some(seconds) = digits_end(bytes, end + 1, 2, 2) {
            end = seconds;
            if bytes.get(end) == Some(&b'.') {
                end = digits_end(bytes, end + 1, 1, 9).unwrap_or(end);
            }
        }
    }
    let zone_at = if bytes.get(end) == Some(&b' ') {
        end + 1
    } else {
        end
    };
    let rest = bytes.get(zone_at..).unwrap_or_default();
    for zone in [&b"UTC"[..], b"GMT", b"Z", b"am", b"pm", b"AM", b"PM"] {
        if rest.starts_with(zone) {
            return Some(zone_at + zone.len());
        }
    }
    if let Some(b'+' | b'-') = bytes.get(end) {
        if let Some(hours) = digits_end(bytes, end + 1, 2, 2) {
            let minutes_at = if bytes.get(hours) == Some(&b':') {
                hours + 1
            } else {
                hours
            };
            return Some(digits_end(bytes, minutes_at, 2, 2).unwrap_or(hours));
        }
    }
    Some(end)
}

#[cfg(test)]
mod tests {
    use super::{entry_stamp, has_visible_entries, visible_entries};

    #[test]
    fn entries_are_what_a_reader_sees() {
        let section = "\n- [x] (2026-02-03 21:05Z) *one*\n  continued\n- [ ] two\n\n  more about two\n\n<!-- note -->\n\n```\ncode\n```\n\n| a | b |\n|---|---|\n| c | ~~d~~ |\n\n### Sub\n\n1. three\n";
        assert_eq!(
            visible_entries(section),
            [
                "[x] (2026-02-03 21:05Z) one continued",
                "[ ] two",
                "more about two",
                "a | b",
                "c | ~~d~~",
                "Sub",
                "three",
            ]
        );
    }

    #[test]
    fn a_document_has_entries_as_visible_entries_finds_them() {
        let documents = [
            "# Title\n\nEXECPLAN-READY\n",
            "",
            "\n\n",
            "\u{feff}# Title\n",
            "<!-- only a comment -->\n",
            "# <!-- hidden -->\n",
            "# ~~struck~~\n",
            "# <del>struck</del>\n",
            "# |\n",
            "# \u{200b}\n",
            "# ![](image.png)\n",
            "# ![alt](image.png)\n",
            "# [](link)\n",
            "Title\n=====\n",
            "> # quoted\n",
            "```\n# code\n```\n",
            "    # indented code\n",
            "---\ntitle: x\n---\n# Title\n",
            "---\n```\n---\n# Title\n",
            "---\n```\n---\n",
            "- # listed\n",
            "<div>\n# html\n</div>\n",
            "| a |\n|---|\n",
        ];
        for document in documents {
            assert_eq!(
                has_visible_entries(document),
                !visible_entries(document).is_empty(),
                "{document:?}"
            );
        }
    }

    #[test]
    fn blank_content_is_no_entry() {
        assert!(visible_entries("\n<!-- -->\n\n- \n\n|  |  |\n|--|--|\n\n\u{200b}\n").is_empty());
    }

    #[test]
    fn stamps_are_boxes_dates_and_times() {
        let stamp = |entry: &str| entry_stamp(entry);
        assert_eq!(
            stamp("[x] (2026-02-03 21:05Z) one"),
            ("x\u{1f}2026-02-03 21:05Z".into(), "one".into())
        );
        assert_eq!(stamp("[ ] two").1, "two");
        assert_eq!(stamp("[ ] two").0, " ");
        assert_eq!(stamp("two"), ("-".into(), "two".into()));
        for entry in [
            "2026-02-03: one",
            "2026-02-03T21:05:00.5+02:00 - one",
            "one (2026/2/3)",
            "one — 21:05 UTC",
            "[21:05] one",
            "one @ 9:30am",
        ] {
            assert_eq!(stamp(entry).1, "one", "{entry:?}");
            assert!(stamp(entry).0.contains('\u{1f}'), "{entry:?}");
        }
        for entry in [
            "version 12026-02-03",
            "ticket 2026-02-031",
            "at 1:5",
            "x2026-02-03",
        ] {
            assert_eq!(stamp(entry).0, "-", "{entry:?}");
        }
        assert_eq!(stamp("a 2026-02-03 b 10:00Z c").1, "a b c");
        assert_eq!(stamp("").1, "");
        assert_eq!(stamp("é 2026-02-03 ü").1, "é ü");
    }
}
