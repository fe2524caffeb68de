//! Globs matched by walking their text, without compiling a regex: the syntax the built-in lists
//! and most configs use (literal text, `*` within a name, `**` as a whole component, classes of
//! ASCII characters and ranges such as `[0-9]`, `{a,b}` alternatives of plain text), matched as
//! globset matches it with `literal_separator`. Compiling the built-in `not-code` list into a
//! `GlobSet` was two fifths of the instructions of a one-commit check, paid again by every hook
//! and every range check. Anything else (`?`, `\` escapes, negated classes, `**` inside a name,
//! braces holding metacharacters, more than two `*` in a name) is left to globset.

/// One glob of the subset, split into its components.
#[derive(Clone, Debug)]
pub(super) struct TextGlob {
    components: Vec<Component>,
    /// Text every matching path starts with, texts one of which it ends with (any, when empty),
    /// and texts it contains: most paths are told apart by these alone.
    head: String,
    tails: Vec<String>,
    needles: Vec<String>,
}

#[derive(Clone, Debug)]
enum Component {
    /// `**`: any number of components (at least one at the end of the glob).
    AnyDepth,
    /// A name: matched against one component of the path.
    Name(Vec<Token>),
}

#[derive(Clone, Debug)]
enum Token {
    Text(String),
    /// `*`: any run of characters within the name.
    Star,
    /// `[...]`: one character in one of these inclusive ranges.
    Class(Vec<(char, char)>),
    /// `{a,b}`: one of these texts.
    Alternatives(Vec<String>),
}

/// More `*` in one name could make matching slow (each one is tried at every position).
const MAX_STARS_PER_NAME: usize = 2;

impl TextGlob {
    /// Every glob of `patterns` in the subset, or `None` when one is not.
    pub(super) fn of_list(patterns: &[String]) -> Option<Vec<TextGlob>> {
        patterns
            .iter()
            .map(|pattern| Self::parse(pattern))
            .collect()
    }

    /// `pattern` in the subset, or `None`.
    pub(super) fn parse(pattern: &str) -> Option<TextGlob> {
        if pattern.is_empty() {
            return None;
        }
        let mut components = Vec::new();
        for text in pattern.split('/') {
            let component = if text == "**" {
                if matches!(components.last(), Some(Component::AnyDepth)) {
                    return None;
                }
                Component::AnyDepth
            } else {
                Component::Name(name_tokens(text)?)
            };
            components.push(component);
        }
        let head = match components.first() {
            Some(Component::Name(tokens)) => match tokens.first() {
                Some(Token::Text(text)) => text.clone(),
                _ => String::new(),
            },
            _ => String::new(),
        };
        let tails = match components.last() {
            Some(Component::Name(tokens)) => match tokens.last() {
                Some(Token::Text(text)) => vec![text.clone()],
                Some(Token::Alternatives(texts)) => texts.clone(),
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        let needles = components
            .iter()
            .filter_map(|component| match component {
                Component::Name(tokens) => Some(tokens),
                Component::AnyDepth => None,
            })
            .flatten()
            .filter_map(|token| match token {
                Token::Text(text) => Some(text.clone()),
                _ => None,
            })
            .collect();
        Some(TextGlob {
            components,
            head,
            tails,
            needles,
        })
    }

    /// Whether `path` (components separated by `/`) matches.
    pub(super) fn is_match(&self, path: &str) -> bool {
        any_match(std::slice::from_ref(self), path)
    }
}

/// Whether `path` matches one of `globs`; the path is split into its components once, and only
/// when a glob's head, tails and needles fit it.
pub(super) fn any_match(globs: &[TextGlob], path: &str) -> bool {
    let mut parts: Option<Vec<&str>> = None;
    globs.iter().any(|glob| {
        if let [Component::AnyDepth] = glob.components.as_slice() {
            return true;
        }
        let fits = path.starts_with(&glob.head)
            && (glob.tails.is_empty() || glob.tails.iter().any(|tail| path.ends_with(tail)))
            && glob
                .needles
                .iter()
                .all(|needle| path.contains(needle.as_str()));
        if !fits {
            return false;
        }
        let parts = parts.get_or_insert_with(|| path.split('/').collect());
        components_match(&glob.components, parts)
    })
}

/// The tokens of one name, or `None` when it is outside the subset (or empty).
fn name_tokens(text: &str) -> Option<Vec<Token>> {
    if text.is_empty() {
        return None;
    }
    let mut tokens = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars();
    let mut stars = 0;
    while let Some(c) = chars.next() {
        let token = match c {
            '*' => {
                stars += 1;
                // `**` inside a name, or too many stars.
                if stars > MAX_STARS_PER_NAME || chars.as_str().starts_with('*') {
                    return None;
                }
                Token::Star
            }
            '[' => {
                let (class, rest) = class(chars.as_str())?;
                chars = rest.chars();
                class
            }
            '{' => {
                let (body, rest) = chars.as_str().split_once('}')?;
                let alternatives: Vec<String> = body.split(',').map(str::to_string).collect();
                if alternatives.iter().any(|text| !plain(text)) {
                    return None;
                }
                chars = rest.chars();
                Token::Alternatives(alternatives)
            }
            '?' | '\\' | ']' | '}' | ',' | '!' => return None,
            c => {
                literal.push(c);
                continue;
            }
        };
        if !literal.is_empty() {
            tokens.push(Token::Text(std::mem::take(&mut literal)));
        }
        tokens.push(token);
    }
    if !literal.is_empty() {
        tokens.push(Token::Text(literal));
    }
    Some(tokens)
}

/// Text with no metacharacter and no separator, not empty.
fn plain(text: &str) -> bool {
    !text.is_empty() && !text.contains(['*', '?', '[', ']', '{', '}', '\\', '!', ',', '/'])
}

/// A class after its `[`: ASCII letters, digits and ranges of them, not negated; and the text
/// after its `]`.
fn class(text: &str) -> Option<(Token, &str)> {
    let (body, rest) = text.split_once(']')?;
    let chars: Vec<char> = body.chars().collect();
    if chars.is_empty() || !chars.iter().all(|c| c.is_ascii_alphanumeric() || *c == '-') {
        return None;
    }
    let mut ranges = Vec::new();
    let mut at = 0;
    while at < chars.len() {
        match chars.get(at..at + 3) {
            Some(&[low, '-', high]) if low != '-' && high != '-' && low <= high => {
                ranges.push((low, high));
                at += 3;
            }
            _ if chars[at] == '-' => return None,
            _ => {
                ranges.push((chars[at], chars[at]));
                at += 1;
            }
        }
    }
    Some((Token::Class(ranges), rest))
}

fn components_match(components: &[Component], parts: &[&str]) -> bool {
    match components.split_first() {
        None => parts.is_empty(),
        // At the end, `**` is `/.*` after what came before: at least one component, maybe empty.
        Some((Component::AnyDepth, [])) => !parts.is_empty(),
        Some((Component::AnyDepth, rest)) => {
            (0..=parts.len()).any(|skipped| components_match(rest, &parts[skipped..]))
        }
        Some((Component::Name(tokens), rest)) => match parts.split_first() {
            Some((part, others)) => name_matches(tokens, part) && components_match(rest, others),
            None => false,
        },
    }
}

fn name_matches(tokens: &[Token], name: &str) -> bool {
    match tokens.split_first() {
        None => name.is_empty(),
        Some((Token::Text(text), rest)) => name
            .strip_prefix(text.as_str())
            .is_some_and(|after| name_matches(rest, after)),
        Some((Token::Star, rest)) => name
            .char_indices()
            .map(|(at, _)| at)
            .chain([name.len()])
            .any(|at| name_matches(rest, &name[at..])),
        Some((Token::Class(ranges), rest)) => {
            let mut chars = name.chars();
            match chars.next() {
                Some(c) if ranges.iter().any(|&(low, high)| low <= c && c <= high) => {
                    name_matches(rest, chars.as_str())
                }
                _ => false,
            }
        }
        Some((Token::Alternatives(texts), rest)) => texts.iter().any(|text| {
            name.strip_prefix(text.as_str())
                .is_some_and(|after| name_matches(rest, after))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::patterns::glob;

    const PATTERNS: &[&str] = &[
        "**",
        "**/*.md",
        "*.md",
        "specs/*.md",
        "specs/**/*.md",
        "specs/**",
        "**/specs/**",
        "a/**/b",
        "**/README.md",
        "backend/PLANS.md",
        "**/LICENSE*",
        ".aider*",
        ".aider*/**",
        "**/*.gen.*",
        "**/*.{png,jpg,jpeg}",
        "**/wal/[0-9][0-9][0-9]",
        "**/01*/{index,tombstones,meta.json}",
        "**/01*/chunks/**",
        "**/skills/*/agents/openai.yaml",
        "release/*",
        "main",
        "x[a-c]y",
        "[ab]*",
        "*a*",
        "a*b*c",
    ];

    const OUTSIDE: &[&str] = &[
        "a?b", "\\*.md", "[!a]*", "[^a]*", "a**", "**a/b", "{a,*}", "{a,b/c}", "a/", "/a", "a//b",
        "", "**/**", "*a*b*c", "[a-]", "[]", "[a", "{a",
    ];

    const PATHS: &[&str] = &[
        "",
        "a",
        "a/",
        "/a",
        "a//b",
        "a/b",
        "a/x/b",
        "a/x/y/b",
        "ab",
        "README.md",
        "x/README.md",
        "xREADME.md",
        "README.mdx",
        ".md",
        "x/.md",
        "notes.md",
        "specs/login.md",
        "specs/a/login.md",
        "specs/",
        "specs",
        "x/specs/y",
        "xspecs/y",
        "backend/PLANS.md",
        "a/backend/PLANS.md",
        "LICENSE",
        "docs/LICENSE-MIT",
        "LICENSES/x",
        ".aider.chat.history.md",
        ".aider",
        ".aiderx/y/z",
        "a/.aider",
        "src/routeTree.gen.ts",
        "gen.ts",
        "x.gen.",
        "img/a.png",
        "a.jpeg",
        "a.jpg.txt",
        "png",
        ".png",
        "prometheus/wal/000",
        "wal/123",
        "wal/12",
        "wal/1234",
        "wal/12a",
        "data/01ABC/index",
        "01/meta.json",
        "01x/meta.jsonx",
        "01x/chunks/000001",
        "01x/chunks",
        "skills/s/agents/openai.yaml",
        "a/skills/s/t/agents/openai.yaml",
        "release/1.0",
        "release/1.0/x",
        "release",
        "main",
        "mainx",
        "xby",
        "xdy",
        "b-thing",
        "aaa",
        "zzz",
        "aXbYc",
        "acb",
        "é.md",
        "dir/é",
    ];

    /// Every glob of the subset matches exactly the paths globset matches, and compiles in
    /// globset; every glob outside it is left to globset.
    #[test]
    fn text_globs_match_what_globset_matches() {
        let mut lists: Vec<&str> = PATTERNS.to_vec();
        for list in [
            crate::config::DEFAULT_NOT_CODE,
            crate::config::DEFAULT_CLOSED_PLANS,
            crate::config::DEFAULT_SHELVED_PLANS,
            crate::config::DEFAULT_NOT_PLANNING,
            crate::config::DEFAULT_UNPLANNED_EXCLUDE,
        ] {
            lists.extend_from_slice(list);
        }
        for pattern in lists {
            let text = TextGlob::parse(pattern)
                .unwrap_or_else(|| panic!("{pattern} is matched by its text"));
            let compiled = glob(pattern)
                .unwrap_or_else(|error| panic!("{error}"))
                .compile_matcher();
            for path in PATHS {
                assert_eq!(
                    text.is_match(path),
                    compiled.is_match(path),
                    "{pattern} against {path:?}"
                );
            }
        }
        for pattern in OUTSIDE {
            assert!(TextGlob::parse(pattern).is_none(), "{pattern}");
        }
    }
}
