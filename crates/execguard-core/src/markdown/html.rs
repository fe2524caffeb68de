//! Just enough HTML to know what a reader sees of a raw HTML block: its text, with tags removed,
//! block tags breaking lines, struck text marked and the content of code, scripts and styles left
//! out; and the content of each comment, for the deliberate `<!-- EXEC-READY -->` form.
//!
//! Every scan moves forward: an unclosed comment or tag ends the reading, so the cost stays linear.

/// An inline tag that changes what a reader sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum InlineTag {
    LineBreak,
    Strike { closing: bool },
}

/// What the inline HTML `raw` (one tag or comment) does to the text around it.
pub(crate) fn inline_tag(raw: &str) -> Option<InlineTag> {
    let tag = parse_tag(raw)?;
    match tag.name.as_str() {
        "br" => Some(InlineTag::LineBreak),
        "del" | "s" | "strike" => Some(InlineTag::Strike {
            closing: tag.closing,
        }),
        _ => None,
    }
}

/// Reads the raw HTML block `raw`: appends its visible text to `visible` (lines separated by `\n`)
/// and hands the content of every comment to `on_comment`.
pub(crate) fn read_block(
    raw: &str,
    keep_struck: bool,
    visible: &mut String,
    mut on_comment: impl FnMut(&str),
) {
    let mut rest = raw;
    let mut struck = 0usize;
    // Inside `<pre>`, `<script>`, `<style>`, ...: the name of the tag that ends it.
    let mut hidden_until: Option<String> = None;
    // Past the last `>` no tag can close: what follows is text, read without looking for one.
    let tags_end = raw.rfind('>').map_or(0, |last| last + 1);
    while let Some(open) = rest.find('<') {
        if hidden_until.is_none() && (struck == 0 || keep_struck) {
            decode_entities(&rest[..open], visible);
        }
        let from = &rest[open..];
        if let Some(comment) = from.strip_prefix("<!--") {
            let (content, after) = match comment.find("-->") {
                Some(end) => (&comment[..end], &comment[end + 3..]),
                None => (comment, ""),
            };
            on_comment(content);
            rest = after;
            continue;
        }
        let at = raw.len() - from.len();
        let Some(tag) = (at < tags_end).then(|| parse_tag(from)).flatten() else {
            if hidden_until.is_none() {
                visible.push('<');
            }
            rest = &from[1..];
            continue;
        };
        rest = &from[tag.len..];
        if let Some(name) = &hidden_until {
            if tag.closing && &tag.name == name {
                hidden_until = None;
            }
            continue;
        }
        match tag.name.as_str() {
            "pre" | "script" | "style" | "template" | "textarea" if !tag.closing => {
                hidden_until = Some(tag.name);
            }
            "del" | "s" | "strike" => {
                if tag.closing {
                    struck = struck.saturating_sub(1);
                } else {
                    struck += 1;
                }
                if keep_struck {
                    visible.push_str("~~");
                }
            }
            name if is_block_tag(name) => visible.push('\n'),
            _ => {}
        }
    }
    if hidden_until.is_none() && (struck == 0 || keep_struck) {
        decode_entities(rest, visible);
    }
}

struct ParsedTag {
    /// Lower-case tag name; empty for a declaration (`<!DOCTYPE ...>`, `<?...?>`).
    name: String,
    closing: bool,
    /// Length of the tag in bytes, up to and including its `>`.
    len: usize,
}

/// The tag at the start of `text` (`<name ...>`, `</name>`, `<!...>`, `<?...>`), if it is one.
fn parse_tag(text: &str) -> Option<ParsedTag> {
    let inner = text.strip_prefix('<')?;
    let (closing, inner) = match inner.strip_prefix('/') {
        Some(after) => (true, after),
        None => (false, inner),
    };
    let first = inner.chars().next()?;
    let declaration = !closing && (first == '!' || first == '?');
    if !first.is_ascii_alphabetic() && !declaration {
        return None;
    }
    let name: String = if declaration {
        String::new()
    } else {
        inner
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .map(|c| c.to_ascii_lowercase())
            .collect()
    };
    let end = text.find('>')?;
    Some(ParsedTag {
        name,
        closing,
        len: end + 1,
    })
}

fn is_block_tag(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "br"
            | "caption"
            | "center"
            | "dd"
            | "details"
            | "dialog"
            | "div"
            | "dl"
            | "dt"
            | "fieldset"
            | "figcaption"
            | "figure"
            | "footer"
            | "form"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "section"
            | "summary"
            | "table"
            | "tbody"
            | "td"
            | "tfoot"
            | "th"
            | "thead"
            | "tr"
            | "ul"
    )
}

/// Appends `text` with its character references decoded (`&nbsp;`, `&#8209;`, `&#x2011;`, and
/// the named ones that matter for reading a marker); an unknown reference stays as written.
fn decode_entities(text: &str, out: &mut String) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        // References are short; a `;` further away is not the end of this one.
        let end = after
            .char_indices()
            .take(32)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i);
        let decoded = end.and_then(|end| decode_reference(&after[..end]).map(|c| (c, end)));
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
}

fn decode_reference(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "nbsp" | "NonBreakingSpace" => '\u{a0}',
        "ensp" => '\u{2002}',
        "emsp" => '\u{2003}',
        "thinsp" => '\u{2009}',
        "zwsp" | "ZeroWidthSpace" => '\u{200b}',
        "zwnj" => '\u{200c}',
        "zwj" => '\u{200d}',
        "NoBreak" => '\u{2060}',
        "shy" => '\u{ad}',
        "hyphen" | "dash" => '\u{2010}',
        "ndash" => '\u{2013}',
        "mdash" => '\u{2014}',
        "minus" => '\u{2212}',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "colon" => ':',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(raw: &str) -> (String, Vec<String>) {
        let mut visible = String::new();
        let mut comments = Vec::new();
        read_block(raw, false, &mut visible, |c| comments.push(c.to_string()));
        (visible, comments)
    }

    #[test]
    fn text_without_tags_and_with_comments_apart() {
        let (visible, comments) =
            read("<div><b>Status:</b>&nbsp;EXEC&#x2011;READY<!-- note --></div>\n");
        assert_eq!(visible, "\nStatus:\u{a0}EXEC\u{2011}READY\n\n");
        assert_eq!(comments, [" note "]);
    }

    #[test]
    fn code_scripts_and_struck_text_are_not_visible() {
        let (visible, _) = read("<pre>\nEXEC-READY\n</pre><del>gone</del><p>kept</p>");
        assert_eq!(visible, "\nkept\n");
    }

    #[test]
    fn unclosed_constructs_end_the_reading() {
        assert_eq!(read("<!-- open\nEXEC-READY\n").1, [" open\nEXEC-READY\n"]);
        assert_eq!(read("a < b <c").0, "a < b <c");
        assert_eq!(read("&unknown; &#xZZ; &").0, "&unknown; &#xZZ; &");
    }

    #[test]
    fn inline_tags() {
        assert_eq!(inline_tag("<br/>"), Some(InlineTag::LineBreak));
        assert_eq!(
            inline_tag("</DEL>"),
            Some(InlineTag::Strike { closing: true })
        );
        assert_eq!(inline_tag("<!-- x -->"), None);
        assert_eq!(inline_tag("<span class=\"a\">"), None);
    }
}
