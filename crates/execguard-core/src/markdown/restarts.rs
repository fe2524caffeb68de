//! The parser's events, each with the restart point it opens, if any.
//!
//! A restart point is the start of a line where reading the document from there on gives what
//! reading the whole document gives from there on: the first line of a top-level block, and the
//! first line of an item of a top-level list. At such a line every block opened before it has been
//! closed (an item closes when the next item of its list starts), so what follows depends only on
//! the text from that line on. Two things reach further and are handled by the reader of a changed
//! document (`reread.rs`), not here:
//! - whether a line opens a block can depend on the line after it (a table whose header row
//!   interrupts a paragraph, in this parser);
//! - a link reference definition is used by links anywhere in the document: a text that defines
//!   one says so, and is then read whole.
//!
//! Whether the items of a list are spaced (a loose list) is a property of the whole list, but it
//! only wraps each item's text in a paragraph, which gives the same visible text.

use std::ops::Range;

use pulldown_cmark::{DefaultBrokenLinkCallback, Event, OffsetIter, Options, Parser, Tag};

/// The options every reading of a document uses.
pub(crate) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// The events of `text`, with their byte ranges and the restart point each opens (the offset of
/// the start of its line).
pub(crate) struct Events<'t> {
    text: &'t [u8],
    parser: OffsetIter<'t, DefaultBrokenLinkCallback>,
    /// Open blocks and inlines.
    depth: usize,
    /// Whether the open top-level block is a list.
    in_top_list: bool,
    /// The last restart point given (a list and its first item open on one line).
    last: Option<usize>,
}

impl<'t> Events<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            text: text.as_bytes(),
            parser: Parser::new_ext(text, options()).into_offset_iter(),
            depth: 0,
            in_top_list: false,
            last: None,
        }
    }

    /// Whether the text defines a link reference (known before the first event).
    pub fn defines_references(&self) -> bool {
        self.parser.reference_definitions().iter().next().is_some()
    }
}

impl<'t> Iterator for Events<'t> {
    type Item = (Event<'t>, Range<usize>, Option<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        let (event, range) = self.parser.next()?;
        let restart = match &event {
            Event::Start(tag) => {
                let restart = match self.depth {
                    0 => {
                        self.in_top_list = matches!(tag, Tag::List(_));
                        true
                    }
                    1 => self.in_top_list && matches!(tag, Tag::Item),
                    _ => false,
                };
                self.depth += 1;
                restart
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                false
            }
            // A thematic break is a top-level block without a start and an end.
            _ => self.depth == 0,
        };
        let restart = restart
            .then(|| line_start(self.text, range.start))
            .filter(|start| self.last.is_none_or(|last| *start > last));
        if restart.is_some() {
            self.last = restart;
        }
        Some((event, range, restart))
    }
}

/// Whether `byte` ends a line: CommonMark ends lines with `\n`, `\r\n` or a lone `\r`.
fn ends_line(byte: u8) -> bool {
    matches!(byte, b'\n' | b'\r')
}

/// The start of the line holding byte `at`.
pub(crate) fn line_start(text: &[u8], at: usize) -> usize {
    let at = at.min(text.len());
    text[..at]
        .iter()
        .rposition(|b| ends_line(*b))
        .map_or(0, |end| end + 1)
}

/// The start of the line after the one holding byte `at`; `None` when that line runs to the end
/// of the text without a line ending.
pub(crate) fn next_line(text: &[u8], at: usize) -> Option<usize> {
    let end = at + text.get(at..)?.iter().position(|b| ends_line(*b))?;
    match (text[end], text.get(end + 1)) {
        (b'\r', Some(b'\n')) => Some(end + 2),
        _ => Some(end + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restarts(text: &str) -> Vec<usize> {
        Events::new(text)
            .filter_map(|(_, _, restart)| restart)
            .collect()
    }

    #[test]
    fn restart_points_are_top_level_blocks_and_items_of_top_level_lists() {
        let text =
            "# A\n\npara\ngraph\n\n- one\n  - nested\n- two\n\n> - quoted\n> - list\n\n***\n";
        assert_eq!(restarts(text), [0, 5, 17, 34, 41, 62]);
        assert!(!Events::new(text).defines_references());
        assert!(Events::new("[a]: http://x\n").defines_references());
    }

    #[test]
    fn lines_end_as_commonmark_ends_them() {
        let text = b"a\r\nb\rc\nd";
        assert_eq!(line_start(text, 3), 3);
        assert_eq!(line_start(text, 5), 5);
        assert_eq!(next_line(text, 0), Some(3));
        assert_eq!(next_line(text, 3), Some(5));
        assert_eq!(next_line(text, 5), Some(7));
        assert_eq!(next_line(text, 7), None);
    }
}
