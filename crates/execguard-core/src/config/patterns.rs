//! Compiled globs, path templates and branch patterns, each kept with the text it came from.

use std::cell::RefCell;
use std::fmt;
use std::sync::OnceLock;

use globset::{Glob, GlobBuilder, GlobSet, GlobSetBuilder};
use regex::Regex;

use super::glob_text::{any_match, TextGlob};
use super::template::{feature_between, Template};
use crate::memo::{remembered, TextMemo};
use crate::model::RepoPath;

pub(super) use super::spec_glob::spec_glob;
pub use super::spec_glob::SpecGlob;

/// A compiled list of globs, kept with their source text for display.
#[derive(Clone)]
pub struct Globs {
    pub(super) patterns: Vec<String>,
    /// Compiled when the config is validated, for a list the config gives; on first use, for a
    /// built-in list (compiling them all was a fifth of loading the config, which every hook and
    /// every coding-agent event pays, and most are not used by a given check). A test compiles
    /// every built-in list.
    set: OnceLock<GlobSet>,
    /// The globs with every component folded as a checkout compares names
    /// ([`RepoPath::name_key`]), compiled on first use: see [`Globs::is_match_checked_out`].
    folded: OnceLock<Option<GlobSet>>,
    /// The list matched by its text, when every glob is in the subset [`TextGlob`] reads (the
    /// built-in lists are): compiling them was most of what a one-commit check or an agent hook
    /// event spends on the config.
    /// Read on first use for a built-in list, like the compiled set.
    text: OnceLock<Option<Vec<TextGlob>>>,
}

impl Globs {
    /// A list the config gives, compiled now unless it is matched by its text: an error names
    /// the glob that does not compile.
    pub(super) fn compiled(patterns: Vec<String>) -> Result<Globs, (usize, String)> {
        let text = TextGlob::of_list(&patterns);
        let set = OnceLock::new();
        if text.is_none() {
            let _ = set.set(Self::compile(&patterns)?);
        }
        Ok(Globs {
            text: OnceLock::from(text),
            patterns,
            set,
            folded: OnceLock::new(),
        })
    }

    /// A built-in list, compiled on first use. Debug builds (the tests, which load the built-in
    /// config many times) compile it here too, so a built-in glob that does not compile fails them.
    pub(super) fn built_in(patterns: &[&str]) -> Globs {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        debug_assert!(
            Self::compile(&patterns).is_ok(),
            "built-in globs {patterns:?} compile"
        );
        Globs {
            text: OnceLock::new(),
            patterns,
            set: OnceLock::new(),
            folded: OnceLock::new(),
        }
    }

    /// The set of `patterns`; an error gives the index of the glob at fault (the length of the
    /// list when the set as a whole does not compile) and why.
    pub(super) fn compile(patterns: &[String]) -> Result<GlobSet, (usize, String)> {
        let mut builder = GlobSetBuilder::new();
        for (at, pattern) in patterns.iter().enumerate() {
            builder.add(glob(pattern).map_err(|message| (at, message))?);
        }
        builder
            .build()
            .map_err(|error| (patterns.len(), error.to_string()))
    }

    pub fn is_match(&self, path: &RepoPath) -> bool {
        let path = path.to_text();
        match self.text() {
            Some(text) => any_match(text, &path),
            None => self.set().is_match(path),
        }
    }

    /// Whether `path` matches, or names a matching path on macOS or Windows: compared with every
    /// component folded ([`RepoPath::name_key`]: case, Unicode normalisation, trailing dots and
    /// spaces), so that `INFRA/new.yaml` matches `infra/**` and `backend/planſ.md` matches
    /// `backend/PLANS.md`. A path already lower-case ASCII is matched as it is.
    pub fn is_match_checked_out(&self, path: &RepoPath) -> bool {
        if self.is_match(path) {
            return true;
        }
        let bytes = path.as_bytes();
        let plain = bytes
            .iter()
            .all(|&b| b.is_ascii() && !b.is_ascii_uppercase())
            && !bytes
                .split(|&b| b == b'/')
                .any(|name| matches!(name.last(), Some(b'.' | b' ')));
        if plain {
            return false;
        }
        let folded_set = self.folded.get_or_init(|| {
            let folded: Vec<String> = self.patterns.iter().map(|p| fold_path(p)).collect();
            Self::compile(&folded).ok()
        });
        match folded_set {
            Some(set) => set.is_match(fold_path(&path.to_text())),
            None => false,
        }
    }

    /// Whether a name that is not a path (a branch) matches.
    pub fn is_match_name(&self, name: &str) -> bool {
        match self.text() {
            Some(text) => any_match(text, name),
            None => self.set().is_match(name),
        }
    }

    fn text(&self) -> Option<&[TextGlob]> {
        self.text
            .get_or_init(|| TextGlob::of_list(&self.patterns))
            .as_deref()
    }

    fn set(&self) -> &GlobSet {
        self.set.get_or_init(|| {
            Self::compile(&self.patterns).expect("every built-in glob list compiles (tested)")
        })
    }

    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }
}

/// A path (or a glob: its metacharacters are ASCII punctuation, which folding leaves alone) with
/// every component folded as a checkout compares names.
fn fold_path(path: &str) -> String {
    path.split('/')
        .map(|name| RepoPath::name_key(name.as_bytes()))
        .collect::<Vec<_>>()
        .join("/")
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

/// Where one kind of planning document lives: one template or more, first the one new documents
/// go to, and the paths excluded from all of them (`[layout] not-planning`).
#[derive(Clone, Debug)]
pub struct Templates {
    pub(super) templates: Vec<Template>,
    pub(super) exclude: Globs,
}

impl Templates {
    /// Where the document of `feature` goes by the first template.
    pub fn path_for(&self, feature: &str) -> RepoPath {
        self.templates
            .first()
            .map_or_else(|| RepoPath::from(feature), |t| t.path_for(feature))
    }

    /// Every path the document of `feature` has by a template that fixes it (one without `**`),
    /// in the templates' order.
    pub fn paths_for(&self, feature: &str) -> Vec<RepoPath> {
        self.templates
            .iter()
            .filter_map(|t| t.exact_path_for(feature))
            .collect()
    }

    /// Where the document of `feature` is, by the first template that finds it: `exists` asks
    /// whether a path is there, `list` gives every file below a folder (for `**` templates).
    pub fn find<E>(
        &self,
        feature: &str,
        mut exists: impl FnMut(&RepoPath) -> Result<bool, E>,
        mut list: impl FnMut(&RepoPath) -> Result<Vec<RepoPath>, E>,
    ) -> Result<Option<RepoPath>, E> {
        for template in &self.templates {
            if let Some(path) = template.exact_path_for(feature) {
                if exists(&path)? {
                    return Ok(Some(path));
                }
                continue;
            }
            let Some(root) = template.search_root() else {
                continue;
            };
            let mut found: Vec<RepoPath> = list(&RepoPath::from(root))?
                .into_iter()
                .filter(|path| {
                    !self.exclude.is_match(path)
                        && template.feature_of(path).as_deref() == Some(feature)
                })
                .collect();
            found.sort();
            if let Some(path) = found.into_iter().next() {
                return Ok(Some(path));
            }
        }
        Ok(None)
    }

    /// The templates, in order.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The feature a path stands for, when it fits a template and is not excluded.
    pub fn feature_of(&self, path: &RepoPath) -> Option<String> {
        let feature = self.templates.iter().find_map(|t| t.feature_of(path))?;
        (!self.exclude.is_match(path)).then_some(feature)
    }

    /// The folders below which every document lies, without repeats.
    pub fn folders(&self) -> Vec<String> {
        let mut folders: Vec<String> = Vec::new();
        for folder in self.templates.iter().map(Template::folder) {
            if !folders.contains(&folder) {
                folders.push(folder);
            }
        }
        folders
    }

    /// The templates' texts.
    pub fn texts(&self) -> Vec<&str> {
        self.templates.iter().map(Template::as_str).collect()
    }

    /// The templates for messages: `plans/{feature}-execplan.md` or `a.md, b.md`.
    pub fn as_str(&self) -> String {
        self.texts().join(", ")
    }

    /// The templates for people: `plans/<feature>-execplan.md` (or several, joined by "or"),
    /// where `<feature>` reads as the placeholder it is rather than as a path to type.
    pub fn in_words(&self) -> String {
        self.texts()
            .iter()
            .map(|text| text.replace("{feature}", "<feature>"))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}

impl PartialEq for Templates {
    fn eq(&self, other: &Self) -> bool {
        self.templates == other.templates && self.exclude == other.exclude
    }
}

/// The globs that find specs, less the excluded paths.
#[derive(Clone, Debug)]
pub struct SpecGlobs {
    pub(super) globs: Vec<SpecGlob>,
    pub(super) exclude: Globs,
}

impl SpecGlobs {
    pub fn is_match(&self, path: &RepoPath) -> bool {
        self.globs.iter().any(|g| g.is_match(path)) && !self.exclude.is_match(path)
    }

    /// The directories below which every spec lies, without repeats.
    pub fn roots(&self) -> Vec<&str> {
        let mut roots: Vec<&str> = Vec::new();
        for glob in &self.globs {
            if !roots.contains(&glob.root()) {
                roots.push(glob.root());
            }
        }
        roots
    }

    pub fn texts(&self) -> Vec<&str> {
        self.globs.iter().map(SpecGlob::as_str).collect()
    }

    /// The globs for messages: `specs/**/*.md` or `a/*.md, b/*.md`.
    pub fn as_str(&self) -> String {
        self.texts().join(", ")
    }
}

impl PartialEq for SpecGlobs {
    fn eq(&self, other: &Self) -> bool {
        self.globs == other.globs && self.exclude == other.exclude
    }
}

/// The states that mark a document (a frozen spec, a ready execplan): any one of them counts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Markers(pub(super) Vec<String>);

impl Markers {
    /// Whether `text` carries one of the markers, read as `markdown::has_marker` reads one.
    pub fn found_in(&self, text: &str) -> bool {
        // A plan is asked about as the new side of one commit and the base of the next.
        remembered(&MARKER_VERDICTS, text, &self.0.join("\n"), |text| {
            self.0
                .iter()
                .any(|marker| crate::markdown::has_marker(text, marker))
        })
    }

    pub fn list(&self) -> &[String] {
        &self.0
    }

    /// The first marker, the one hints tell people to write.
    pub fn first(&self) -> &str {
        self.0.first().map_or("", String::as_str)
    }

    /// Every marker, in the order the config lists them.
    pub fn names(&self) -> &[String] {
        &self.0
    }
}

thread_local! {
    static MARKER_VERDICTS: RefCell<TextMemo<bool>> =
        const { RefCell::new(TextMemo::new(8, 256 * 1024)) };
}

/// `EXEC-READY`, or `APPROVED or COMPLETED` for several.
impl fmt::Display for Markers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join(" or "))
    }
}

#[derive(Clone, Debug)]
pub struct BranchPatterns(pub(super) Vec<BranchPattern>);

/// A pattern of `[layout] branch-patterns`. The usual shape, `^exec/(?P<feature>[^/]+)$` (plain
/// text around the feature, anchored at both ends), is matched by its text: compiling the three
/// default patterns into regexes was two fifths of loading the config, which every hook and
/// every coding-agent event pays.
#[derive(Clone, Debug)]
pub(super) enum BranchPattern {
    /// `^{before}(?P<feature>[^/]+){after}$`, with `before` and `after` plain text.
    Around {
        pattern: String,
        before: String,
        after: String,
    },
    Regex(Regex),
}

impl BranchPattern {
    /// The pattern, read as the plain shape when it has it. `None` when it must be compiled.
    pub(super) fn around(pattern: &str) -> Option<BranchPattern> {
        let inner = pattern.strip_prefix('^')?.strip_suffix('$')?;
        let (before, after) = inner.split_once("(?P<feature>[^/]+)")?;
        let plain = |text: &str| !text.chars().any(regex_syntax::is_meta_character);
        (plain(before) && plain(after)).then(|| BranchPattern::Around {
            pattern: pattern.to_string(),
            before: before.to_string(),
            after: after.to_string(),
        })
    }

    pub(super) fn feature_of(&self, branch: &str) -> Option<String> {
        match self {
            BranchPattern::Around { before, after, .. } => feature_between(branch, before, after),
            BranchPattern::Regex(regex) => regex
                .captures(branch)
                .and_then(|c| c.name("feature"))
                .map(|m| m.as_str().to_string()),
        }
    }

    fn as_str(&self) -> &str {
        match self {
            BranchPattern::Around { pattern, .. } => pattern,
            BranchPattern::Regex(regex) => regex.as_str(),
        }
    }
}

impl BranchPatterns {
    /// The feature named by a branch, from the first pattern that matches.
    pub fn feature_of(&self, branch: &str) -> Option<String> {
        self.0.iter().find_map(|pattern| pattern.feature_of(branch))
    }

    pub fn patterns(&self) -> Vec<&str> {
        self.0.iter().map(BranchPattern::as_str).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_lists_match_what_the_compiled_globs_match() {
        let lists: [&[&str]; 8] = [
            &["backend/PLANS.md"],
            &["**"],
            &["**/README.md", "**/TEMPLATE.md"],
            &["**/docs/x.md", "a b/c.txt", "**/.env"],
            crate::config::DEFAULT_NOT_PLANNING,
            crate::config::DEFAULT_NOT_CODE,
            crate::config::DEFAULT_CLOSED_PLANS,
            crate::config::DEFAULT_SHELVED_PLANS,
        ];
        let paths = [
            "backend/PLANS.md",
            "backend/PLANS.mdx",
            "xbackend/PLANS.md",
            "a/backend/PLANS.md",
            "README.md",
            "a/README.md",
            "a/b/README.md",
            "aREADME.md",
            "a/xREADME.md",
            "README.md/x",
            "docs/x.md",
            "q/docs/x.md",
            "qdocs/x.md",
            "a b/c.txt",
            ".env",
            "x/.env",
            "x.env",
            "main",
            "exec/login",
            "",
            "src/lib.rs",
            "Cargo.lock",
            "a/Cargo.lock",
            ".github/workflows/ci.yml",
            "LICENSE-MIT",
            "img/logo.png",
            "x/prometheus/data/01/index",
            "data/wal/00000001",
            "plans/completed/login-execplan.md",
            "plans/completed",
        ];
        // Each list matches every path as globset compiles it; by name too where read as text.
        let matches_as_compiled = |list: &[&str], globs: &Globs| {
            let patterns: Vec<String> = list.iter().map(|p| p.to_string()).collect();
            let compiled = Globs::compile(&patterns).expect("compiles");
            for path in paths {
                assert_eq!(
                    globs.is_match(&RepoPath::from(path)),
                    compiled.is_match(path),
                    "{list:?} against {path}"
                );
                if globs.text().is_some() {
                    assert_eq!(
                        globs.is_match_name(path),
                        compiled.is_match(path),
                        "{list:?} against the name {path}"
                    );
                }
            }
        };
        for list in lists {
            let globs = Globs::built_in(list);
            assert!(globs.text().is_some(), "{list:?} is matched as text");
            matches_as_compiled(list, &globs);
        }
        // One glob outside the subset `TextGlob` reads: the list is compiled, and matches the same.
        for list in [&["specs/?.md"][..], &["**/README.md", "[!a]*"], &["\\*.md"]] {
            let globs = Globs::built_in(list);
            assert!(globs.text().is_none(), "{list:?} is compiled");
            matches_as_compiled(list, &globs);
        }
    }
}
