//! The globs that find specs (`[layout] specs`). The common syntax (`specs/**/*.md`) is matched
//! by walking its text (`glob_text`): compiling it into a regex was the largest part of loading
//! the config, which every hook and every coding-agent event pays, and matching through the
//! regex built a search cache on first use.

use super::glob_text::TextGlob;
use super::patterns::glob;
use crate::model::RepoPath;
/// The glob that finds specs; the feature is a spec's file stem.
#[derive(Clone, Debug)]
pub struct SpecGlob {
    text: String,
    matcher: Matcher,
    /// The directory below which every match lies (`specs` for `specs/**/*.md`).
    root: String,
}

#[derive(Clone, Debug)]
enum Matcher {
    Text(TextGlob),
    Glob(globset::GlobMatcher),
}

impl SpecGlob {
    pub fn is_match(&self, path: &RepoPath) -> bool {
        match &self.matcher {
            Matcher::Text(glob) => glob.is_match(&path.to_text()),
            Matcher::Glob(matcher) => matcher.is_match(path.to_text()),
        }
    }

    pub fn root(&self) -> &str {
        &self.root
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for SpecGlob {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

pub(crate) fn spec_glob(pattern: &str) -> Result<SpecGlob, String> {
    let matcher = match TextGlob::parse(pattern) {
        Some(text) => Matcher::Text(text),
        None => Matcher::Glob(glob(pattern)?.compile_matcher()),
    };
    let root = pattern
        .split('/')
        .take_while(|part| !part.contains(['*', '?', '[', '{', '\\']))
        .collect::<Vec<_>>();
    // The last literal component may be the file name itself.
    let root = if root.len() == pattern.split('/').count() {
        &root[..root.len().saturating_sub(1)]
    } else {
        &root[..]
    };
    Ok(SpecGlob {
        text: pattern.to_string(),
        matcher,
        root: root.join("/"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_syntax_matches_what_the_compiled_glob_matches() {
        let patterns = [
            "specs/**/*.md",
            "docs/specs/**/*.spec.md",
            "specs/**/*",
            "a b/**/*-spec.txt",
            "specs/*.md",
            "specs/**/{a,b}.md",
            "specs/**/*.[mM]d",
            "s*/**/*.md",
        ];
        let paths = [
            "specs/login.md",
            "specs/a/b/login.md",
            "specs/.md",
            "specs/login.mdx",
            "specs/login.md/x",
            "specs.md",
            "specs",
            "specs/",
            "xspecs/login.md",
            "other/specs/login.md",
            "docs/specs/a.spec.md",
            "docs/specs/x/a.spec.md",
            "docs/specs/a.md",
            "docs/specs/.spec.md",
            "a b/c/d-spec.txt",
            "a b/d-spec.txt",
            "a b/d-spec.txt/e",
            "Specs/login.md",
            "specs/x/.hidden.md",
            "specs//x.md",
            "specs/a//x.md",
            "specs/a.md",
            "specs/x/b.md",
            "specs/x/c.Md",
            "specs/x/c.MD",
            "s/x/y.md",
        ];
        for pattern in patterns {
            let fast = spec_glob(pattern).expect("compiles");
            assert!(
                matches!(fast.matcher, Matcher::Text(_)),
                "{pattern} is matched by its text"
            );
            let slow = glob(pattern).expect("compiles").compile_matcher();
            for path in paths {
                assert_eq!(
                    fast.is_match(&RepoPath::from(path)),
                    slow.is_match(path),
                    "{pattern} against {path}"
                );
            }
        }
        for pattern in ["specs/?.md", "specs/**/[!a]*.md", "specs/\\*.md"] {
            assert!(
                matches!(
                    spec_glob(pattern).expect("compiles").matcher,
                    Matcher::Glob(_)
                ),
                "{pattern} is compiled"
            );
        }
    }
}
