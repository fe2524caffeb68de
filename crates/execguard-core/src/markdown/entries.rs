//! The visible entries of a piece of a document, for telling whether a section gained one.

use std::ops::ControlFlow;

use super::marker::fold;
use super::visible::{walk, BlockKind, Reading};

/// The visible entries of `text` (a section of a document), in order: every paragraph, list item
/// text, heading, table row and the visible text of raw HTML, as a reader sees it and with white
/// space folded. A task item's entry starts with its box, `[ ]` or `[x]`. Comments, code blocks and
/// blank content are not entries.
pub fn visible_entries(text: &str) -> Vec<String> {
    let reading = Reading {
        front_matter: false,
        keep_struck: true,
    };
    let mut entries = Vec::new();
    let _ = walk(text, reading, |block| {
        let counts = matches!(
            block.kind,
            BlockKind::Text | BlockKind::Heading | BlockKind::Row | BlockKind::Html
        );
        let folded = fold(block.text);
        if counts && folded.contains(|c: char| !matches!(c, ' ' | '|')) {
            entries.push(match block.task {
                Some(true) => format!("[x] {folded}"),
                Some(false) => format!("[ ] {folded}"),
                None => folded,
            });
        }
        ControlFlow::Continue(())
    });
    entries
}

#[cfg(test)]
mod tests {
    use super::visible_entries;

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
    fn blank_content_is_no_entry() {
        assert!(visible_entries("\n<!-- -->\n\n- \n\n|  |  |\n|--|--|\n\n\u{200b}\n").is_empty());
    }
}
