//! The lines of a document and its sections: which lines are code or front matter, where the ATX
//! headings are, and which lines a section spans.

/// One line of a document with what the block structure says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<'a> {
    /// The text without its line ending (and without a BOM on the first line).
    pub text: &'a str,
    /// Byte offset of the line in the document without its BOM.
    pub start: usize,
    /// Inside a fenced or indented code block, or in the fence lines themselves.
    pub in_code: bool,
    /// Inside YAML front matter (including its `---` delimiters).
    pub in_front_matter: bool,
}

/// Splits a document into lines, marking code blocks and front matter.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    let text = without_bom(text);
    let mut raw: Vec<&str> = Vec::new();
    let mut starts: Vec<usize> = Vec::new();
    let mut start = 0;
    for line in text.split('\n') {
        starts.push(start);
        start += line.len() + 1;
        raw.push(line.strip_suffix('\r').unwrap_or(line));
    }
    // A trailing newline does not start another line.
    if raw.last() == Some(&"") {
        raw.pop();
    }

    let front_matter_end = front_matter_end(&raw);
    let mut out = Vec::with_capacity(raw.len());
    let mut fence: Option<(char, usize)> = None;
    let mut previous_blank = true;
    let mut in_indented = false;
    for (index, text) in raw.iter().copied().enumerate() {
        if front_matter_end.is_some_and(|end| index <= end) {
            out.push(Line {
                text,
                start: starts[index],
                in_code: false,
                in_front_matter: true,
            });
            previous_blank = true;
            continue;
        }
        let blank = text.trim().is_empty();
        let in_code = if let Some((fence_char, fence_len)) = fence {
            if closes_fence(text, fence_char, fence_len) {
                fence = None;
            }
            true
        } else if let Some(opened) = opens_fence(text) {
            fence = Some(opened);
            in_indented = false;
            true
        } else if in_indented {
            if blank || indent_width(text) >= 4 {
                true
            } else {
                in_indented = false;
                false
            }
        } else if previous_blank && !blank && indent_width(text) >= 4 {
            in_indented = true;
            true
        } else {
            false
        };
        out.push(Line {
            text,
            start: starts[index],
            in_code,
            in_front_matter: false,
        });
        previous_blank = blank;
    }
    out
}

/// The document without a leading byte order mark.
pub(crate) fn without_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

fn front_matter_end(raw: &[&str]) -> Option<usize> {
    if raw.first().map(|line| line.trim_end()) != Some("---") {
        return None;
    }
    raw.iter()
        .enumerate()
        .skip(1)
        .find(|(_, line)| matches!(line.trim_end(), "---" | "..."))
        .map(|(index, _)| index)
}

fn indent_width(text: &str) -> usize {
    let mut width = 0;
    for c in text.chars() {
        match c {
            ' ' => width += 1,
            '\t' => width += 4 - width % 4,
            _ => break,
        }
    }
    width
}

fn opens_fence(text: &str) -> Option<(char, usize)> {
    if indent_width(text) > 3 {
        return None;
    }
    let trimmed = text.trim_start();
    let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = trimmed.chars().take_while(|c| *c == fence_char).count();
    // A backtick fence's info string may not contain backticks.
    (len >= 3 && !(fence_char == '`' && trimmed[len..].contains('`'))).then_some((fence_char, len))
}

fn closes_fence(text: &str, fence_char: char, fence_len: usize) -> bool {
    if indent_width(text) > 3 {
        return false;
    }
    let trimmed = text.trim();
    let len = trimmed.chars().take_while(|c| *c == fence_char).count();
    len >= fence_len && trimmed.len() == len * fence_char.len_utf8()
}

fn strip_emphasis(mut text: &str) -> &str {
    loop {
        let before = text;
        for wrapper in ["**", "__", "*", "_", "`", "~~"] {
            if let Some(inner) = text
                .strip_prefix(wrapper)
                .and_then(|t| t.strip_suffix(wrapper))
            {
                text = inner.trim();
            }
        }
        if text == before {
            return text;
        }
    }
}

/// An ATX heading found outside code and front matter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// Index of the heading line.
    pub line: usize,
    pub level: usize,
    pub title: String,
}

/// Every ATX heading (`#` to `######`) outside code blocks and front matter.
pub fn headings(lines: &[Line<'_>]) -> Vec<Heading> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| !line.in_code && !line.in_front_matter)
        .filter_map(|(index, line)| {
            let (level, title) = parse_heading(line.text)?;
            Some(Heading {
                line: index,
                level,
                title,
            })
        })
        .collect()
}

fn parse_heading(text: &str) -> Option<(usize, String)> {
    if indent_width(text) > 3 {
        return None;
    }
    let trimmed = text.trim_start();
    let level = trimmed.chars().take_while(|c| *c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &trimmed[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None;
    }
    let mut title = rest.trim();
    // A closing sequence of `#`s counts only when preceded by a space (or is the whole title).
    let without_closing = title.trim_end_matches('#');
    if without_closing.is_empty() || without_closing.ends_with([' ', '\t']) {
        title = without_closing.trim_end();
    }
    Some((level, title.to_string()))
}

/// Normalises a section title for comparison: case, spacing, emphasis and `and` versus `&`.
pub fn normalise_title(title: &str) -> String {
    let title = strip_emphasis(title.trim())
        .to_lowercase()
        .replace('&', " and ");
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .trim_end_matches(':')
        .trim()
        .to_string()
}

/// The line range (exclusive of the heading line) of the first section titled `title`, at
/// heading levels 2 to 4. The section ends at the next heading of the same or a higher level.
pub fn section_range(lines: &[Line<'_>], title: &str) -> Option<std::ops::Range<usize>> {
    let wanted = normalise_title(title);
    let all = headings(lines);
    let (position, found) = all
        .iter()
        .enumerate()
        .find(|(_, h)| (2..=4).contains(&h.level) && normalise_title(&h.title) == wanted)?;
    let end = all[position + 1..]
        .iter()
        .find(|h| h.level <= found.level)
        .map_or(lines.len(), |h| h.line);
    Some(found.line + 1..end)
}

/// The text of the first section titled `title` (as [`section_range`] finds it): from the line
/// after its heading to the end of the section, without the BOM of the document.
pub fn section_text<'a>(text: &'a str, title: &str) -> Option<&'a str> {
    let text = without_bom(text);
    let lines = lines(text);
    let range = section_range(&lines, title)?;
    let offset = |index: usize| lines.get(index).map_or(text.len(), |line| line.start);
    text.get(offset(range.start)..offset(range.end))
}

/// Whether the section range holds at least one entry: a non-blank line.
pub fn section_has_entry(lines: &[Line<'_>], range: std::ops::Range<usize>) -> bool {
    lines[range].iter().any(|line| !line.text.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_found_case_insensitively() {
        let doc = "---\ntitle: x\n---\n# Plan\n\n## progress ##\n- [x] one\n  more\n### Sub\n- two\n## Decision Log\n- d\n";
        let lines = lines(doc);
        let range = section_range(&lines, "Progress").expect("progress section");
        let texts: Vec<&str> = lines[range].iter().map(|l| l.text).collect();
        assert_eq!(texts, ["- [x] one", "  more", "### Sub", "- two"]);
        assert!(section_range(&lines, "decision log").is_some());
        assert!(section_range(&lines, "Outcomes").is_none());
    }

    #[test]
    fn headings_in_code_are_not_sections() {
        let doc = "# Plan\n```\n## Progress\n```\n";
        assert!(section_range(&lines(doc), "Progress").is_none());
    }

    #[test]
    fn ampersand_and_and_are_the_same_title() {
        assert_eq!(
            normalise_title("Surprises and Discoveries"),
            normalise_title("surprises & discoveries")
        );
    }

    #[test]
    fn level_one_and_five_are_not_sections() {
        assert!(section_range(&lines("# Progress\n- a\n"), "Progress").is_none());
        assert!(section_range(&lines("##### Progress\n- a\n"), "Progress").is_none());
        assert!(section_range(&lines("#### Progress\n- a\n"), "Progress").is_some());
    }

    #[test]
    fn section_text_spans_the_section_lines() {
        let doc = "\u{feff}# Plan\r\n## Progress\r\n- a\r\n\r\n- b\r\n## Next\r\n- c\r\n";
        assert_eq!(section_text(doc, "Progress"), Some("- a\r\n\r\n- b\r\n"));
        assert_eq!(section_text(doc, "Next"), Some("- c\r\n"));
        assert_eq!(section_text("## Progress", "Progress"), Some(""));
        assert_eq!(section_text("## Other\n", "Progress"), None);
    }

    #[test]
    fn lines_know_their_offsets() {
        let doc = "a\r\nbc\n\nd";
        let starts: Vec<usize> = lines(doc).iter().map(|l| l.start).collect();
        assert_eq!(starts, [0, 3, 6, 7]);
    }
}
