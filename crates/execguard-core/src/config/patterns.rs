//! Compiled globs, path templates and branch patterns, each kept with the text it came from.

use std::fmt;

use globset::{Glob, GlobBuilder, GlobSet};
use regex::Regex;

use crate::model::RepoPath;

/// A compiled list of globs, kept with their source text for display.
#[derive(Clone)]
pub struct Globs {
    pub(super) patterns: Vec<String>,
    pub(super) set: GlobSet,
}

impl Globs {
    pub fn is_match(&self, path: &RepoPath) -> bool {
        self.set.is_match(path.to_text())
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

impl fmt::Debug for Globs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.patterns).finish()
    }
}

impl PartialEq for Globs {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

/// A path template holding `{feature}` once, such as `plans/{feature}-execplan.md`.
#[derive(Clone, Debug)]
pub struct Template {
    pub(super) text: String,
    pub(super) matcher: Regex,
}

impl Template {
    pub fn path_for(&self, feature: &str) -> RepoPath {
        RepoPath::from(self.text.replace("{feature}", feature).as_str())
    }

    /// The feature a path stands for, when it fits the template.
    pub fn feature_of(&self, path: &RepoPath) -> Option<String> {
        let text = std::str::from_utf8(path.as_bytes()).ok()?;
        self.matcher
            .captures(text)
            .map(|captures| captures["feature"].to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// The glob that finds specs; the feature is a spec's file stem.
#[derive(Clone, Debug)]
pub struct SpecGlob {
    text: String,
    matcher: globset::GlobMatcher,
    /// The directory below which every match lies (`specs` for `specs/**/*.md`).
    root: String,
}

impl SpecGlob {
    pub fn is_match(&self, path: &RepoPath) -> bool {
        self.matcher.is_match(path.to_text())
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

#[derive(Clone, Debug)]
pub struct BranchPatterns(pub(super) Vec<Regex>);

impl BranchPatterns {
    /// The feature named by a branch, from the first pattern that matches.
    pub fn feature_of(&self, branch: &str) -> Option<String> {
        self.0.iter().find_map(|regex| {
            regex
                .captures(branch)
                .and_then(|c| c.name("feature"))
                .map(|m| m.as_str().to_string())
        })
    }

    pub fn patterns(&self) -> Vec<&str> {
        self.0.iter().map(Regex::as_str).collect()
    }
}

impl PartialEq for BranchPatterns {
    fn eq(&self, other: &Self) -> bool {
        self.patterns() == other.patterns()
    }
}

pub(super) fn glob(pattern: &str) -> Result<Glob, String> {
    GlobBuilder::new(pattern)
        .literal_separator(true)
        .backslash_escape(true)
        .build()
        .map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()))
}

pub(super) fn spec_glob(pattern: &str) -> Result<SpecGlob, String> {
    let matcher = glob(pattern)?.compile_matcher();
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
