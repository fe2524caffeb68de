//! Command substitutions that hold here-documents (`git commit -m "$(cat <<'EOF' ... EOF\n)"`,
//! the way Claude Code writes commit messages and pull request bodies). The parser's tokenizer
//! ends such a substitution at the first `)` of the here-document's text and writes its end tag
//! back quoted (`'EOF'`). So the extent of each such substitution is found here, in the line as
//! it was written, by the shell's own rules: quotes, backslashes, nested parentheses, and
//! here-document bodies that run from the line after their operator to the line holding only
//! their (unquoted) tag; the parser then reads the line with a placeholder in its place, and
//! each taken-out command line on its own where the placeholder stands.

/// A command line with its here-document substitutions taken out: `text` holds
/// `$(__execguard_substitution_N)` in their place (N counting on from the index given), and
/// `commands` the command lines they run, in that order.
pub(super) struct Split {
    pub(super) text: String,
    pub(super) commands: Vec<String>,
}

/// The name a taken-out substitution runs in the line given to the parser.
pub(super) const PLACEHOLDER: &str = "__execguard_substitution_";

/// Splits a command `line` when one of its `$(...)` holds a here-document; `None` when none
/// does, or when the line cannot be read this way (the parser then has its say).
pub(super) fn split_heredoc_substitutions(line: &str, first: usize) -> Option<Split> {
    if !line.contains("<<") || !line.contains("$(") {
        return None;
    }
    let chars: Vec<char> = line.chars().collect();
    let mut text = String::new();
    let mut commands = Vec::new();
    let mut pending: Vec<(String, bool)> = Vec::new();
    let mut i = 0;
    let mut double = false;
    while i < chars.len() {
        let c = chars[i];
        let from = i;
        match c {
            '\\' => i += 2,
            '\'' if !double => {
                i += 1;
                while *chars.get(i)? != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                double = !double;
                i += 1;
            }
            '$' if chars.get(i + 1) == Some(&'(') && chars.get(i + 2) != Some(&'(') => {
                let end = substitution_end(&chars, i + 2)?;
                let inner: String = chars[i + 2..end].iter().collect();
                if inner.contains("<<") {
                    text.push_str(&format!("$({PLACEHOLDER}{})", first + commands.len()));
                    commands.push(inner);
                } else {
                    text.extend(&chars[i..=end]);
                }
                i = end + 1;
                continue;
            }
            '<' if !double && chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') => {
                i += 2;
                let strip_tabs = chars.get(i) == Some(&'-');
                if strip_tabs {
                    i += 1;
                }
                while matches!(chars.get(i), Some(' ' | '\t')) {
                    i += 1;
                }
                let (tag, next) = here_tag(&chars, i)?;
                pending.push((tag, strip_tabs));
                i = next;
            }
            '\n' if !double => {
                i += 1;
                for (tag, strip_tabs) in pending.drain(..) {
                    i = body_end(&chars, i, &tag, strip_tabs)?;
                }
            }
            _ => i += 1,
        }
        text.extend(&chars[from..i.min(chars.len())]);
    }
    if commands.is_empty() {
        return None;
    }
    Some(Split { text, commands })
}

/// The index of the `)` that closes the command substitution whose text starts at `start`.
fn substitution_end(chars: &[char], start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut pending: Vec<(String, bool)> = Vec::new();
    let mut i = start;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' => i += 2,
            '\'' => {
                i += 1;
                while *chars.get(i)? != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '"' => i = double_quoted_end(chars, i + 1)? + 1,
            '$' if chars.get(i + 1) == Some(&'(') => {
                i = substitution_end(chars, i + 2)? + 1;
            }
            '(' => {
                depth += 1;
                i += 1;
            }
            ')' => {
                if depth == 0 {
                    return if pending.is_empty() { Some(i) } else { None };
                }
                depth -= 1;
                i += 1;
            }
            '<' if chars.get(i + 1) == Some(&'<') && chars.get(i + 2) != Some(&'<') => {
                i += 2;
                let strip_tabs = chars.get(i) == Some(&'-');
                if strip_tabs {
                    i += 1;
                }
                while matches!(chars.get(i), Some(' ' | '\t')) {
                    i += 1;
                }
                let (tag, next) = here_tag(chars, i)?;
                pending.push((tag, strip_tabs));
                i = next;
            }
            '\n' => {
                i += 1;
                for (tag, strip_tabs) in pending.drain(..) {
                    i = body_end(chars, i, &tag, strip_tabs)?;
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// The index of the `"` that closes a double-quoted string whose text starts at `start`.
fn double_quoted_end(chars: &[char], start: usize) -> Option<usize> {
    let mut i = start;
    loop {
        match *chars.get(i)? {
            '\\' => i += 2,
            '"' => return Some(i),
            '$' if chars.get(i + 1) == Some(&'(') => i = substitution_end(chars, i + 2)? + 1,
            _ => i += 1,
        }
    }
}

/// A here-document's tag as the end line must hold it (quotes removed), and where it ends.
fn here_tag(chars: &[char], start: usize) -> Option<(String, usize)> {
    let mut tag = String::new();
    let mut i = start;
    while let Some(&c) = chars.get(i) {
        match c {
            ' ' | '\t' | '\n' | ';' | '&' | '|' | '<' | '>' | '(' | ')' => break,
            '\\' => {
                tag.push(*chars.get(i + 1)?);
                i += 2;
            }
            '\'' | '"' => {
                i += 1;
                while *chars.get(i)? != c {
                    tag.push(chars[i]);
                    i += 1;
                }
                i += 1;
            }
            _ => {
                tag.push(c);
                i += 1;
            }
        }
    }
    (!tag.is_empty()).then_some((tag, i))
}

/// The index just past the line that ends a here-document whose body starts at `start`.
fn body_end(chars: &[char], start: usize, tag: &str, strip_tabs: bool) -> Option<usize> {
    let mut i = start;
    while i < chars.len() {
        let end = chars[i..]
            .iter()
            .position(|c| *c == '\n')
            .map_or(chars.len(), |at| i + at);
        let line: String = chars[i..end].iter().collect();
        let line = if strip_tabs {
            line.trim_start_matches('\t')
        } else {
            line.as_str()
        };
        if line == tag {
            return Some((end + 1).min(chars.len()));
        }
        i = end + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_here_document_in_a_substitution_is_one_command() {
        let line = "git commit -m \"$(cat <<'EOF'\nFix login (closes #12)\n\nIt's done.\nEOF\n)\" && cat <<X\nit's\nX\n";
        let split = split_heredoc_substitutions(line, 3).unwrap();
        assert_eq!(
            split.text,
            "git commit -m \"$(__execguard_substitution_3)\" && cat <<X\nit's\nX\n"
        );
        assert_eq!(
            split.commands,
            ["cat <<'EOF'\nFix login (closes #12)\n\nIt's done.\nEOF\n"]
        );
    }

    #[test]
    fn words_without_here_documents_are_left_to_the_parser() {
        assert!(split_heredoc_substitutions("echo \"$(date)\" <<EOF\nx\nEOF", 0).is_none());
        assert!(split_heredoc_substitutions("echo $((1 << 2))", 0).is_none());
        assert!(split_heredoc_substitutions("echo \"$(cat <<EOF\nnever ends\n)\"", 0).is_none());
    }
}
