//! The shape of a plan: how many headings, list items and table rows it has, and how many open
//! checkboxes, for telling an annotation of a document from new work planned in it; and whether
//! a document has an open checkbox at all, for telling a plan from a note kept beside the plans.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::restarts::options;
use super::sections::Outline;
use super::visible::{split_front_matter, without_bom};

/// What a document is made of, as far as planning work goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// Headings outside the sections left out (their own headings are not counted either).
    pub headings: usize,
    /// List items and table rows (header rows too) outside the sections left out.
    pub items: usize,
    /// Unchecked task boxes (`- [ ]`) anywhere in the document, the sections left out included.
    pub open_boxes: usize,
}

/// The shape of the document `text`, leaving out the sections titled as one of `left_out` (with
/// their subsections; see [`Outline::section_range`]). Front matter is not part of it.
pub fn shape(text: &str, left_out: &[&str]) -> Shape {
    shape_with_records(text, left_out, |_| false)
}

/// The shape of `text` as [`shape`] reads it, with the sections whose heading's visible title
/// `is_record` takes for a record of what was done (their subsections with them) left out as
/// well, but for what reads as steps there: a numbered list's items, table rows, and a
/// subheading not itself titled as a record.
pub fn shape_with_records(
    text: &str,
    left_out: &[&str],
    is_record: impl Fn(&str) -> bool,
) -> Shape {
    let body = without_bom(text);
    let outline = Outline::of(body);
    let headings = outline.headings();
    let records: Vec<Range<usize>> = headings
        .iter()
        .enumerate()
        .filter(|(_, heading)| is_record(&heading.title))
        .map(|(at, heading)| {
            let end = headings[at + 1..]
                .iter()
                .find(|next| next.level <= heading.level)
                .map_or(body.len(), |next| next.start);
            heading.start..end
        })
        .collect();
    // The record headings' own lines.
    let record_titled: Vec<Range<usize>> = headings
        .iter()
        .filter(|heading| is_record(&heading.title))
        .map(|heading| heading.start..heading.body_start)
        .collect();
    let skipped: Vec<Range<usize>> = left_out
        .iter()
        .filter_map(|title| {
            let content = outline.section_range(title)?;
            let heading = outline.section_heading(title)?;
            Some(heading.start..content.end)
        })
        .collect();
    let (offset, rest) = match split_front_matter(body) {
        Some((_, rest)) => (body.len() - rest.len(), rest),
        None => (0, body),
    };
    let outside = |at: usize| !skipped.iter().any(|range| range.contains(&(at + offset)));
    let in_record = |at: usize| records.iter().any(|range| range.contains(&(at + offset)));
    let mut shape = Shape::default();
    // Whether each list open around the event is numbered.
    let mut lists: Vec<bool> = Vec::new();
    for (event, range) in Parser::new_ext(rest, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::List(first)) => lists.push(first.is_some()),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            event if is_open_box(&event) => shape.open_boxes += 1,
            Event::Start(Tag::Heading { .. }) if outside(range.start) => {
                let record = record_titled
                    .iter()
                    .any(|line| line.contains(&(range.start + offset)));
                shape.headings += usize::from(!record);
            }
            Event::Start(Tag::Item) if outside(range.start) => {
                let numbered = lists.last().copied().unwrap_or(false);
                shape.items += usize::from(numbered || !in_record(range.start));
            }
            Event::Start(Tag::TableRow | Tag::TableHead) if outside(range.start) => {
                shape.items += 1;
            }
            _ => {}
        }
    }
    shape
}

/// Whether `event` is an unchecked task box (`- [ ]`): work still ahead.
fn is_open_box(event: &Event<'_>) -> bool {
    matches!(event, Event::TaskListMarker(false))
}

/// Whether `text` has an unchecked task box anywhere: a plan has work ahead, a note records what
/// was found. Wider than [`shape`]'s count, which it answers only whether it is zero: front
/// matter is read as the rest of the file, and with task lists as the only extension a table
/// cannot take a box's line as its header. The reading stops at the first box.
pub fn has_open_box(text: &str) -> bool {
    Parser::new_ext(text, Options::ENABLE_TASKLISTS).any(|event| is_open_box(&event))
}

#[cfg(test)]
mod tests {
    use super::{has_open_box, shape, shape_with_records, Shape};

    const LIVING: &[&str] = &["Decision Log", "Outcomes & Retrospective"];

    #[test]
    fn headings_items_and_rows_count_outside_the_sections_left_out() {
        let text = "---\ntitle: x\n---\n# Plan\n\n> **Note.** later work replaced this.\n\n- a\n- [ ] b\n\n| h |\n|---|\n| r |\n\n## Decision Log\n\n- d\n\n### D2\n\n- [ ] e\n\n## Outcomes & retrospective\n\n- o\n";
        assert_eq!(
            shape(text, LIVING),
            Shape {
                headings: 1,
                items: 4,
                open_boxes: 2,
            }
        );
    }

    #[test]
    fn an_open_box_is_found_where_the_shape_does_not_count_it() {
        // In front matter, and as the header of a table within its list item.
        for text in [
            "---\ntodo:\n- [ ] later\n---\n# Findings\n",
            "# Findings\n\n- [ ] a | b\n  --- | ---\n",
        ] {
            assert!(has_open_box(text), "{text}");
            assert_eq!(shape(text, &[]).open_boxes, 0, "{text}");
        }
        assert!(has_open_box("# Plan\n\n- [x] done\n- [ ] next\n"));
        assert!(!has_open_box("# Findings\n\n- [x] checked\n- plain\n"));
    }

    #[test]
    fn banners_and_words_change_no_shape() {
        let old = "# Plan\n\n## Steps\n\n- one `a.rs`\n\n## Decision Log\n\n- d\n";
        let new = "# Plan\n\n> [!NOTE]\n> Superseded in part by #9.\n\nA paragraph.\n\n## Steps\n\n- one `b/`\n  (now two)\n\n## Decision Log\n\n- d\n\n  Superseded.\n\n- d2\n";
        assert_eq!(shape(old, LIVING), shape(new, LIVING));
    }

    fn review(title: &str) -> bool {
        title.starts_with("Review findings")
    }

    #[test]
    fn a_record_section_leaves_out_its_bullets_but_not_its_steps() {
        let old = "# Plan\n\n## Steps\n\n- one\n";
        let bullets = format!("{old}\n## Review findings & fixes\n\n- **High.** Fixed.\n\n  More.\n\n- **Low.** Fixed.\n");
        assert_eq!(
            shape_with_records(&bullets, LIVING, review),
            shape_with_records(old, LIVING, review)
        );
        // Without the reading, the same section grows the plan.
        assert_ne!(shape(&bullets, LIVING), shape(old, LIVING));
        for steps in [
            "\n## Review findings\n\n1. Add the logout.\n",
            "\n## Review findings\n\n| id | fix |\n|---|---|\n| A1 | x |\n",
            "\n## Review findings\n\n### Phase 2\n\nLater.\n",
            "\n## Review findings\n\n- [ ] Expire sessions.\n",
            "\n## Follow-up\n\n- Add the logout.\n",
        ] {
            let grown = format!("{old}{steps}");
            assert_ne!(
                shape_with_records(&grown, LIVING, review),
                shape_with_records(old, LIVING, review),
                "{steps}"
            );
        }
    }
}
