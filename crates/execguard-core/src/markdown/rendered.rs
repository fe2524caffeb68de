//! Whether two versions of a document read the same once rendered: a formatting pass (lines
//! rewrapped, re-indented, blank lines or trailing spaces added or dropped, another list marker
//! or emphasis marker) changes nothing a reader sees.

use pulldown_cmark::{Event, Parser, Tag, TagEnd};

use super::restarts::options;
use super::visible::without_bom;

/// Whether `old` and `new` render to the same text, white space runs collapsed. Everything a
/// reader sees counts, code blocks, link targets, a task's box and struck text among them;
/// emphasis and heading levels do not.
pub fn renders_the_same(old: &str, new: &str) -> bool {
    old == new
        || rendered(old)
            .split_whitespace()
            .eq(rendered(new).split_whitespace())
}

/// The rendered text of `text`: each piece of text, and a space between blocks.
fn rendered(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for event in Parser::new_ext(without_bom(text), options()) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t);
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => out.push_str(&t),
            Event::FootnoteReference(t) => out.push_str(&t),
            Event::TaskListMarker(done) => out.push_str(if done { " [x] " } else { " [ ] " }),
            Event::Rule => out.push_str(" --- "),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            // A link or image shows where it goes; struck text is marked as such.
            Event::Start(Tag::Strikethrough) | Event::End(TagEnd::Strikethrough) => {
                out.push_str("~~");
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                out.push_str(" <");
                out.push_str(&dest_url);
                out.push_str("> ");
            }
            Event::Start(Tag::Emphasis | Tag::Strong | Tag::Superscript | Tag::Subscript)
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Superscript
                | TagEnd::Subscript
                | TagEnd::Link
                | TagEnd::Image,
            ) => {}
            // Every other tag opens or closes a block: its text stands apart.
            Event::Start(_) | Event::End(_) => out.push(' '),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::renders_the_same;

    const PLAN: &str = "# Plan\n\n## Progress\n\n- [x] Stage one: the parser, with its error recovery.\n- [ ] Stage two: *the* lexer.\n\n```sh\ncargo test\n```\n\nSee [the spec](specs/a.md).\n";

    #[test]
    fn a_formatting_pass_renders_the_same() {
        let reflowed = "# Plan\n\nProgress\n--------\n\n* [x] Stage one: the parser,\n  with its error recovery.   \n\n* [ ]   Stage two: _the_ lexer.\n\n\n```sh\ncargo   test\n```\n\nSee [the\nspec](specs/a.md).\n";
        assert!(renders_the_same(PLAN, reflowed));
    }

    #[test]
    fn what_a_reader_sees_changed_does_not() {
        for (from, to) in [
            (
                "Stage two: *the* lexer.",
                "Stage two: *the* lexer and docs.",
            ),
            ("- [ ] Stage two", "- [x] Stage two"),
            ("cargo test", "cargo test --all"),
            ("(specs/a.md)", "(specs/b.md)"),
            ("Stage one:", "~~Stage one:~~"),
            ("the parser,", "the parser,\n\n---\n"),
        ] {
            assert!(PLAN.contains(from), "{from}");
            assert!(!renders_the_same(PLAN, &PLAN.replace(from, to)), "{to}");
        }
    }
}
