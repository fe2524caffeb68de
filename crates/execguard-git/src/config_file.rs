//! The few keys of git's config files that opening a repository for HEAD's files needs
//! ([`crate::head_repo`]): the repository's format and extensions, `core.bare`,
//! `core.worktree` and `core.hooksPath`. A file this reader is not sure of (an include, a value
//! it cannot read) is not guessed at: the caller opens the repository through libgit2 instead.

/// What one config file says about the keys read here; `None` where it does not say.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Keys {
    pub format_version: Option<String>,
    pub bare: Option<String>,
    pub worktree: Option<String>,
    pub hooks_path: Option<String>,
    /// `extensions.*`, names lowercased, in file order.
    pub extensions: Vec<(String, String)>,
}

/// Reads `text` (one config file). `None`: something this reader does not follow (an
/// `[include]` or `[includeIf]` section, a malformed line or value).
pub(crate) fn read(text: &[u8]) -> Option<Keys> {
    let text = std::str::from_utf8(text).ok()?;
    let mut keys = Keys::default();
    // The current section and subsection, lowercased section name.
    let mut section = String::new();
    let mut subsection: Option<String> = None;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let mut rest = line.trim_start();
        if rest.starts_with('[') {
            let close = rest.find(']')?;
            let header = &rest[1..close];
            (section, subsection) = parse_header(header)?;
            if section == "include" || section == "includeif" {
                return None;
            }
            rest = rest[close + 1..].trim_start();
        }
        if rest.is_empty() || rest.starts_with('#') || rest.starts_with(';') {
            continue;
        }
        let name_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let after = rest[name_end..].trim_start();
        let value = if after.is_empty() || after.starts_with('#') || after.starts_with(';') {
            // A key alone is true.
            "true".to_string()
        } else {
            let raw = after.strip_prefix('=')?;
            read_value(raw, &mut lines)?
        };
        if section.is_empty() {
            return None;
        }
        if subsection.is_some() {
            continue;
        }
        match (section.as_str(), name.as_str()) {
            ("core", "repositoryformatversion") => keys.format_version = Some(value),
            ("core", "bare") => keys.bare = Some(value),
            ("core", "worktree") => keys.worktree = Some(value),
            ("core", "hookspath") => keys.hooks_path = Some(value),
            ("extensions", _) => keys.extensions.push((name, value)),
            _ => {}
        }
    }
    Some(keys)
}

/// `section`, `section "subsection"` or the old `section.subsection`: the lowercased section
/// name and the subsection.
fn parse_header(header: &str) -> Option<(String, Option<String>)> {
    let header = header.trim();
    if let Some((name, quoted)) = header.split_once(char::is_whitespace) {
        let quoted = quoted.trim();
        let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
        if inner.contains(['\\', '"']) {
            return None;
        }
        return Some((section_name(name)?, Some(inner.to_string())));
    }
    match header.split_once('.') {
        Some((name, sub)) => Some((section_name(name)?, Some(sub.to_ascii_lowercase()))),
        None => Some((section_name(header)?, None)),
    }
}

fn section_name(name: &str) -> Option<String> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    valid.then(|| name.to_ascii_lowercase())
}

/// A value as git reads it: surrounding blanks dropped, quotes removed, `\"`, `\\`, `\n`, `\t`,
/// `\b` unescaped, a comment ended, a line ending in `\` continued on the next.
fn read_value<'t>(raw: &'t str, lines: &mut std::str::Lines<'t>) -> Option<String> {
    let mut value = String::new();
    // Blanks seen outside quotes, kept only when something follows them.
    let mut pending = String::new();
    let mut quoted = false;
    let mut line = raw;
    loop {
        let mut chars = line.chars();
        let mut continued = false;
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    value.push_str(&pending);
                    pending.clear();
                    quoted = !quoted;
                }
                '\\' => {
                    let Some(escaped) = chars.next() else {
                        continued = true;
                        break;
                    };
                    value.push_str(&pending);
                    pending.clear();
                    value.push(match escaped {
                        '"' | '\\' => escaped,
                        'n' => '\n',
                        't' => '\t',
                        'b' => '\u{8}',
                        _ => return None,
                    });
                }
                '#' | ';' if !quoted => break,
                c if c.is_whitespace() && !quoted => {
                    // git keeps each blank inside a value as one space.
                    if !value.is_empty() {
                        pending.push(' ');
                    }
                }
                c => {
                    value.push_str(&pending);
                    pending.clear();
                    value.push(c);
                }
            }
        }
        if !continued {
            break;
        }
        line = lines.next()?;
    }
    if quoted {
        return None;
    }
    Some(value)
}

/// git's reading of a boolean value; `None` for a value git would refuse.
pub(crate) fn boolean(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "yes" | "on" | "1" => Some(true),
        "false" | "no" | "off" | "0" | "" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_keys_and_values_as_git_does() {
        let text = b"[core]\n\trepositoryformatversion = 0\n\tbare = false\n\
            \thooksPath = \"my hooks\" # where\n[extensions]\n\tworktreeConfig\n\
            [remote \"origin\"]\n\thooksPath = elsewhere\n[Core] HooksPath = a\\\n b ; c\n";
        let keys = read(text).expect("a plain config");
        assert_eq!(keys.format_version.as_deref(), Some("0"));
        assert_eq!(keys.bare.as_deref(), Some("false"));
        assert_eq!(keys.hooks_path.as_deref(), Some("a b"));
        assert_eq!(
            keys.extensions,
            vec![("worktreeconfig".to_string(), "true".to_string())]
        );
    }

    #[test]
    fn includes_and_unreadable_values_are_not_guessed_at() {
        for text in [
            &b"[include]\n\tpath = other\n"[..],
            b"[includeIf \"gitdir:~/w/\"]\n\tpath = other\n",
            b"[core]\n\thooksPath = \"open\n",
            b"[core]\n\thooksPath = \\q\n",
            b"hooksPath = before any section\n",
            b"[core\n",
        ] {
            assert_eq!(read(text), None, "{}", String::from_utf8_lossy(text));
        }
    }
}
