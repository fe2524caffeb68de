//! The visible text of a document, block by block, as a CommonMark parser reads it.
//!
//! What a reader sees is what counts: emphasis, inline code and links give their text, tags and
//! comments of raw HTML give nothing, code blocks give nothing, a line break separates lines.

use std::cell::Cell;
use std::ops::ControlFlow;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::html::{self, InlineTag};
use super::restarts::{options, Events};

/// Where a block of visible text comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BlockKind {
    /// A paragraph, or the text of a tight list item; its lines are separated by `\n`.
    Text,
    Heading,
    /// One cell of a table.
    Cell,
    /// A whole table row, its cells joined by ` | `.
    Row,
    /// The visible text of a raw HTML block; its lines are separated by `\n`.
    Html,
    /// The content of an HTML comment that stands as a block of its own.
    Comment,
    /// The YAML front matter; its lines are separated by `\n`.
    FrontMatter,
}

/// A block of visible text.
#[derive(Debug)]
pub(crate) struct Block<'t> {
    pub kind: BlockKind,
    pub text: &'t str,
    /// The checkbox a task list item opens this block with.
    pub task: Option<bool>,
    /// Whether the innermost list item holding the block is an unchecked task.
    pub in_unchecked_task: bool,
}

/// How to read a document.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Reading {
    /// Whether a leading `---` block is YAML front matter (only at the top of a whole document).
    pub front_matter: bool,
    /// Whether struck text is kept, wrapped in `~~`; otherwise it is not visible text.
    pub keep_struck: bool,
}

/// Calls `visit` with every block of visible text of `text`, in order, until it breaks.
pub(crate) fn walk(
    text: &str,
    reading: Reading,
    mut visit: impl FnMut(&Block<'_>) -> ControlFlow<()>,
) -> ControlFlow<()> {
    let mut body = without_bom(text);
    if reading.front_matter {
        if let Some((front, rest)) = split_front_matter(body) {
            visit(&Block {
                kind: BlockKind::FrontMatter,
                text: front,
                task: None,
                in_unchecked_task: false,
            })?;
            body = rest;
        }
    }
    let mut walker = Walker::new(reading.keep_struck);
    for event in Parser::new_ext(body, options()) {
        walker.event(event, &mut visit)?;
    }
    walker.flush(&mut visit)
}

/// Like [`walk`] over `body` (a text without its BOM and front matter), calling `visit` with each
/// block and the restart point it follows (see `restarts.rs`; 0 before the first). Returns the
/// restart points, ascending, and whether the text defines a link reference.
pub(crate) fn walk_restarts(
    body: &str,
    keep_struck: bool,
    mut visit: impl FnMut(&Block<'_>, usize),
) -> (Vec<usize>, bool) {
    let events = Events::new(body);
    let references = events.defines_references();
    let mut walker = Walker::new(keep_struck);
    let mut starts = Vec::new();
    let current = Cell::new(0);
    let mut forward = |block: &Block<'_>| {
        visit(block, current.get());
        ControlFlow::Continue(())
    };
    for (event, _, restart) in events {
        if let Some(start) = restart {
            // Every block before a restart point has ended, and given its text, by now.
            let _ = walker.flush(&mut forward);
            current.set(start);
            starts.push(start);
        }
        let _ = walker.event(event, &mut forward);
    }
    let _ = walker.flush(&mut forward);
    (starts, references)
}

/// The document without a leading byte order mark.
pub(crate) fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// Splits off YAML front matter: a first line `---` and a later line `---` or `...`. Returns the
/// lines between them and the rest of the document.
pub(crate) fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let first_end = text.find('\n')?;
    if text[..first_end].trim_end() != "---" {
        return None;
    }
    let mut start = first_end + 1;
    while start < text.len() {
        let end = text[start..].find('\n').map_or(text.len(), |n| start + n);
        if matches!(text[start..end].trim_end(), "---" | "...") {
            let rest = text.get(end + 1..).unwrap_or("");
            return Some((&text[first_end + 1..start], rest));
        }
        start = end + 1;
    }
    None
}

struct Walker {
    keep_struck: bool,
    /// The visible text of the open block.
    buffer: String,
    kind: BlockKind,
    task: Option<bool>,
    /// The checkbox of every open list item, innermost last.
    items: Vec<Option<bool>>,
    /// The cells of the open table row.
    row: String,
    /// Depth of Markdown strikethrough, and of `<del>`-like inline tags in the open block.
    struck: usize,
    html_struck: usize,
    in_code_block: bool,
    /// The raw text of the open HTML block.
    html: Option<String>,
}

impl Walker {
    fn new(keep_struck: bool) -> Self {
        Self {
            keep_struck,
            buffer: String::new(),
            kind: BlockKind::Text,
            task: None,
            items: Vec::new(),
            row: String::new(),
            struck: 0,
            html_struck: 0,
            in_code_block: false,
            html: None,
        }
    }

    fn in_unchecked_task(&self) -> bool {
        self.items.last() == Some(&Some(false))
    }

    fn event(
        &mut self,
        event: Event<'_>,
        visit: &mut impl FnMut(&Block<'_>) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        match event {
            Event::Start(tag) => self.start(tag, visit)?,
            Event::End(tag) => self.end(tag, visit)?,
            Event::Text(text) | Event::Code(text) => self.push_text(&text),
            Event::Html(raw) => match &mut self.html {
                Some(html) => html.push_str(&raw),
                None => self.inline_html(&raw),
            },
            Event::InlineHtml(raw) => self.inline_html(&raw),
            Event::SoftBreak | Event::HardBreak => self.push_text("\n"),
            Event::TaskListMarker(checked) => {
                self.task = Some(checked);
                if let Some(item) = self.items.last_mut() {
                    *item = Some(checked);
                }
            }
            Event::Rule => self.flush(visit)?,
            Event::InlineMath(_) | Event::DisplayMath(_) | Event::FootnoteReference(_) => {}
        }
        ControlFlow::Continue(())
    }

    fn start(
        &mut self,
        tag: Tag<'_>,
        visit: &mut impl FnMut(&Block<'_>) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        match tag {
            Tag::Emphasis
            | Tag::Strong
            | Tag::Superscript
            | Tag::Subscript
            | Tag::Link { .. }
            | Tag::Image { .. } => {}
            Tag::Strikethrough => {
                self.struck += 1;
                if self.keep_struck {
                    self.buffer.push_str("~~");
                }
            }
            Tag::Heading { .. } => {
                self.flush(visit)?;
                self.kind = BlockKind::Heading;
            }
            Tag::TableCell => {
                self.flush(visit)?;
                self.kind = BlockKind::Cell;
            }
            Tag::TableHead | Tag::TableRow => {
                self.flush(visit)?;
                self.row.clear();
            }
            Tag::Item => {
                self.flush(visit)?;
                self.items.push(None);
            }
            Tag::CodeBlock(_) => {
                self.flush(visit)?;
                self.in_code_block = true;
            }
            Tag::HtmlBlock => {
                self.flush(visit)?;
                self.html = Some(String::new());
            }
            Tag::Paragraph
            | Tag::BlockQuote(_)
            | Tag::List(_)
            | Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::Table(_)
            | Tag::MetadataBlock(_) => self.flush(visit)?,
        }
        ControlFlow::Continue(())
    }

    fn end(
        &mut self,
        tag: TagEnd,
        visit: &mut impl FnMut(&Block<'_>) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        match tag {
            TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image => {}
            TagEnd::Strikethrough => {
                self.struck = self.struck.saturating_sub(1);
                if self.keep_struck {
                    self.buffer.push_str("~~");
                }
            }
            TagEnd::TableCell => {
                if !self.row.is_empty() {
                    self.row.push_str(" | ");
                }
                self.row.push_str(&self.buffer);
                self.flush(visit)?;
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                self.flush(visit)?;
                visit(&Block {
                    kind: BlockKind::Row,
                    text: &self.row,
                    task: None,
                    in_unchecked_task: false,
                })?;
                self.row.clear();
            }
            TagEnd::Item => {
                self.flush(visit)?;
                self.items.pop();
            }
            TagEnd::CodeBlock => self.in_code_block = false,
            TagEnd::HtmlBlock => {
                if let Some(raw) = self.html.take() {
                    self.html_block(&raw, visit)?;
                }
            }
            _ => self.flush(visit)?,
        }
        ControlFlow::Continue(())
    }

    fn push_text(&mut self, text: &str) {
        if self.in_code_block {
            return;
        }
        if (self.struck > 0 || self.html_struck > 0) && !self.keep_struck {
            return;
        }
        self.buffer.push_str(text);
    }

    /// Inline HTML gives no text of its own: a `<br>` breaks the line, `<del>`, `<s>` and
    /// `<strike>` strike through, everything else (comments too) is invisible.
    fn inline_html(&mut self, raw: &str) {
        match html::inline_tag(raw) {
            Some(InlineTag::LineBreak) => self.push_text("\n"),
            Some(InlineTag::Strike { closing: false }) => {
                self.html_struck += 1;
                if self.keep_struck {
                    self.buffer.push_str("~~");
                }
            }
            Some(InlineTag::Strike { closing: true }) if self.html_struck > 0 => {
                self.html_struck -= 1;
                if self.keep_struck {
                    self.buffer.push_str("~~");
                }
            }
            Some(InlineTag::Strike { closing: true }) | None => {}
        }
    }

    fn html_block(
        &mut self,
        raw: &str,
        visit: &mut impl FnMut(&Block<'_>) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        let in_unchecked_task = self.in_unchecked_task();
        let mut visible = String::new();
        let mut comments = Vec::new();
        html::read_block(raw, self.keep_struck, &mut visible, |comment| {
            comments.push(comment.to_string());
        });
        for comment in &comments {
            visit(&Block {
                kind: BlockKind::Comment,
                text: comment,
                task: None,
                in_unchecked_task,
            })?;
        }
        visit(&Block {
            kind: BlockKind::Html,
            text: &visible,
            task: None,
            in_unchecked_task,
        })
    }

    /// Hands the open block to `visit` (when it has any text) and starts a new one.
    fn flush(&mut self, visit: &mut impl FnMut(&Block<'_>) -> ControlFlow<()>) -> ControlFlow<()> {
        let result = if self.buffer.is_empty() && self.task.is_none() {
            ControlFlow::Continue(())
        } else {
            visit(&Block {
                kind: self.kind,
                text: &self.buffer,
                task: self.task,
                in_unchecked_task: self.in_unchecked_task(),
            })
        };
        self.buffer.clear();
        self.kind = BlockKind::Text;
        self.task = None;
        self.html_struck = 0;
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str, keep_struck: bool) -> Vec<(BlockKind, String, Option<bool>, bool)> {
        let mut out = Vec::new();
        let reading = Reading {
            front_matter: true,
            keep_struck,
        };
        let _ = walk(text, reading, |block| {
            out.push((
                block.kind,
                block.text.to_string(),
                block.task,
                block.in_unchecked_task,
            ));
            ControlFlow::Continue(())
        });
        out
    }

    #[test]
    fn blocks_give_their_visible_text() {
        let doc = "---\nstatus: x\n---\n# **Title**\n\nA *b* `c`\n[d](http://e) <b>f</b>\n\n```\ncode\n```\n\n    indented\n";
        let found = blocks(doc, false);
        let texts: Vec<(BlockKind, &str)> = found.iter().map(|b| (b.0, b.1.as_str())).collect();
        assert_eq!(
            texts,
            [
                (BlockKind::FrontMatter, "status: x\n"),
                (BlockKind::Heading, "Title"),
                (BlockKind::Text, "A b c\nd f"),
            ]
        );
    }

    #[test]
    fn tasks_cells_rows_and_html_blocks() {
        let doc = "- [ ] a\n  - [x] b\n\n| k | v |\n|---|---|\n| s | ~~t~~ u |\n\n<div>\n<p>x</p><!-- y -->\n</div>\n";
        let found = blocks(doc, false);
        assert_eq!(found[0], (BlockKind::Text, "a".into(), Some(false), true));
        assert_eq!(found[1], (BlockKind::Text, "b".into(), Some(true), false));
        let rest: Vec<(BlockKind, &str)> = found[2..].iter().map(|b| (b.0, b.1.as_str())).collect();
        assert_eq!(
            rest,
            [
                (BlockKind::Cell, "k"),
                (BlockKind::Cell, "v"),
                (BlockKind::Row, "k | v"),
                (BlockKind::Cell, "s"),
                (BlockKind::Cell, " u"),
                (BlockKind::Row, "s |  u"),
                (BlockKind::Comment, " y "),
                (BlockKind::Html, "\n\n\nx\n\n\n\n"),
            ]
        );
        let kept = blocks("~~a~~ <del>b</del> c\n", true);
        assert_eq!(kept[0].1, "~~a~~ ~~b~~ c");
    }

    #[test]
    fn front_matter_needs_a_closing_line() {
        assert_eq!(
            split_front_matter("---\na: b\n---\nrest"),
            Some(("a: b\n", "rest"))
        );
        assert_eq!(
            split_front_matter("---\r\na: b\r\n...\r\n"),
            Some(("a: b\r\n", ""))
        );
        assert_eq!(split_front_matter("---\na: b\n"), None);
        assert_eq!(split_front_matter("# x\n---\n"), None);
    }
}
