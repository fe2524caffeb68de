//! Markdown read as a person reads it, to find status markers and the sections of an execplan.
//!
//! Real documents are written by people and agents with every kind of decoration, so the reading
//! goes through a CommonMark parser (with tables, strikethrough and task lists) and looks at the
//! visible text: lenient where a human would be (BOM, CRLF, `**bold**`, `Status:` labels, emoji,
//! invisible or look-alike characters, YAML front matter) and strict where a human would be (a
//! marker inside a sentence, struck through, in an unchecked task or in a code block is only a
//! mention).

mod entries;
mod html;
mod marker;
mod rendered;
mod reread;
mod restarts;
mod sections;
mod shape;
mod visible;

pub use entries::{entry_stamp, visible_entries};
pub(crate) use entries::{has_visible_entries, remembered_entries};
pub use marker::has_marker;
pub use rendered::renders_the_same;
pub(crate) use reread::Reading;
pub use sections::{
    headings, normalise_title, section_text, title_matches, titles_in_fences, Heading, Outline,
};
pub use shape::{has_open_box, shape, shape_with_records, Shape};
pub(crate) use visible::split_front_matter;
