//! `[rules.progress-update]`: the section, when the entry must come, whose commits are exempt,
//! and the sizes a fix or a merge's resolution may have without an entry.

use regex::Regex;
use toml::Spanned;

use super::error::ConfigError;
use super::patterns::Globs;
use super::raw::RawProgressUpdate;
use super::validator::Validator;

#[derive(Clone, Debug, PartialEq)]
pub struct ProgressUpdateConfig {
    pub section: String,
    /// Whether the entry must come in the code's own commit, or may come anywhere in the push.
    pub within: Within,
    /// Regexes over a commit's author, `Name <email>`: such commits need no entry (dependency
    /// bots).
    pub exempt_authors: Patterns,
    /// Regexes over each trailer line of a commit's message, `Key: value`: a commit with a
    /// matching trailer needs no entry.
    pub exempt_trailers: Patterns,
    /// A commit changing at most this many lines of code in at most `small_fix_files` code files
    /// needs no entry; 0 turns it off.
    pub small_fix_lines: u64,
    pub small_fix_files: u64,
    /// A merge's resolution (what it adds beyond a clean re-merge of its parents) needs an entry
    /// only when it writes more lines of new code than this (blank lines, comments and lines of
    /// either side are not new code).
    pub merge_resolution_lines: u64,
    /// Which code commits need an entry.
    pub require: Require,
    /// Under [`Require::PlannedWork`], a commit no execplan names is refused as complex work
    /// above this many changed lines of code, or above `unplanned_max_files` code files.
    pub unplanned_max_lines: u64,
    pub unplanned_max_files: u64,
    /// Under [`Require::PlannedWork`], a commit no execplan names that writes more than
    /// `unplanned_spread_lines` lines of code in files of at least `unplanned_spread_folders`
    /// folders is refused as complex work: a change across modules, smaller than the limits.
    pub unplanned_spread_lines: u64,
    pub unplanned_spread_folders: u64,
    /// Code left out of the unplanned size: tests, fixtures and snapshots, which grow with any
    /// routine fix and say nothing of how many modules the work spans.
    pub unplanned_exclude: Globs,
    /// Whether unplanned complex work, a guess from size, refuses the change or is a warning.
    pub unplanned_verdict: UnplannedVerdict,
    /// Under [`Require::PlannedWork`], whether a missing entry of work planned only because it
    /// touches an open execplan, and within the unplanned limits, refuses the change or is a
    /// warning (`plan-touch-small-work`): editing a plan's prose beside a small fix is not yet
    /// work under that plan.
    pub plan_touch_small_work: UnplannedVerdict,
}

/// What becomes of unplanned complex work (`unplanned-complex-work`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum UnplannedVerdict {
    /// Reported as a warning (by the hooks, in CI's annotations and reports), never refused:
    /// size tells complex work from routine work only so well.
    #[default]
    Warn,
    /// Refused, like any finding.
    Refuse,
}

impl UnplannedVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            UnplannedVerdict::Refuse => "refuse",
            UnplannedVerdict::Warn => "warn",
        }
    }
}

/// Which code commits need a Progress entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Require {
    /// Every code commit above the small-fix thresholds: the EXEC discipline.
    #[default]
    EveryCodeCommit,
    /// Only planned work: a feature is named for it (trailer, branch), or it touches an execplan
    /// (under `within = "push"`, its push or range does). Other code is refused only when it is
    /// larger than the unplanned limits.
    PlannedWork,
}

impl Require {
    pub fn as_str(self) -> &'static str {
        match self {
            Require::EveryCodeCommit => "every-code-commit",
            Require::PlannedWork => "planned-work",
        }
    }
}

/// The defaults of `unplanned-max-lines` and `unplanned-max-files`: "several hundred lines" or
/// "several modules", the words teams that plan only complex work use for it.
pub const DEFAULT_UNPLANNED_MAX_LINES: u64 = 200;
pub const DEFAULT_UNPLANNED_MAX_FILES: u64 = 6;

/// The defaults of `unplanned-spread-lines` and `unplanned-spread-folders`: the smallest real
/// breach replayed wrote 107 lines of code in five folders (a sign-in gate on three flows); the
/// routine fixes of one module that pass 100 lines keep to one or two folders.
pub const DEFAULT_UNPLANNED_SPREAD_LINES: u64 = 100;
pub const DEFAULT_UNPLANNED_SPREAD_FOLDERS: u64 = 3;

/// The default of `unplanned-exclude`: where the major languages keep tests, fixtures and
/// snapshots, by folder and by file name.
pub const DEFAULT_UNPLANNED_EXCLUDE: &[&str] = &[
    // Test folders: Rust, Python, Go, Java, Clojure, JavaScript (Jest), Ruby (RSpec), end-to-end,
    // and Swift packages and .NET solutions, which capitalise the folder (globs match case).
    "**/tests/**",
    "**/test/**",
    "**/Tests/**",
    "**/__tests__/**",
    "**/__mocks__/**",
    "**/spec/**",
    "**/e2e/**",
    // Fixtures and snapshots.
    "**/testdata/**",
    "**/fixtures/**",
    "**/__snapshots__/**",
    "**/*.snap",
    // Test files by name: Go, Clojure, Rust (`foo_test.go`, `foo_test.cljs`, `foo_tests.rs`),
    // JavaScript and TypeScript (`foo.test.ts`, `foo.spec.tsx`), Python, Ruby, Java, C#.
    "**/*_test.*",
    "**/*_tests.*",
    "**/*.test.*",
    "**/*.spec.*",
    "**/test_*.py",
    "**/*_spec.rb",
    "**/*Test.java",
    "**/*Tests.cs",
];

/// Where a code commit's Progress entry may come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Within {
    /// In the same commit.
    #[default]
    Commit,
    /// In any commit of the same push or range, before or after the code's own; pre-commit and
    /// commit-msg warn instead of refusing.
    Push,
}

impl Within {
    pub fn as_str(self) -> &'static str {
        match self {
            Within::Commit => "commit",
            Within::Push => "push",
        }
    }
}

/// A list of regexes, compared by their text.
#[derive(Clone, Debug, Default)]
pub struct Patterns {
    texts: Vec<String>,
    compiled: Vec<Regex>,
}

impl Patterns {
    pub fn texts(&self) -> &[String] {
        &self.texts
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// The first pattern that matches `text`.
    pub fn find(&self, text: &str) -> Option<&str> {
        self.compiled
            .iter()
            .zip(&self.texts)
            .find(|(regex, _)| regex.is_match(text))
            .map(|(_, text)| text.as_str())
    }
}

impl PartialEq for Patterns {
    fn eq(&self, other: &Self) -> bool {
        self.texts == other.texts
    }
}

/// The default of `merge-resolution-lines`: a resolution that writes any line of new code of its
/// own is work, and says so in Progress.
pub const DEFAULT_MERGE_RESOLUTION_LINES: u64 = 0;

impl Validator<'_> {
    pub(super) fn progress_update(
        &self,
        raw: RawProgressUpdate,
    ) -> Result<ProgressUpdateConfig, ConfigError> {
        let key = |name: &str| format!("rules.progress-update.{name}");
        let within = self.choice(
            &key("within"),
            raw.within,
            [Within::Commit, Within::Push],
            Within::as_str,
        )?;
        let require = self.choice(
            &key("require"),
            raw.require,
            [Require::EveryCodeCommit, Require::PlannedWork],
            Require::as_str,
        )?;
        let unplanned_verdict = self.choice(
            &key("unplanned-complex-work"),
            raw.unplanned_complex_work,
            [UnplannedVerdict::Warn, UnplannedVerdict::Refuse],
            UnplannedVerdict::as_str,
        )?;
        let plan_touch_small_work = self.choice(
            &key("plan-touch-small-work"),
            raw.plan_touch_small_work,
            [UnplannedVerdict::Warn, UnplannedVerdict::Refuse],
            UnplannedVerdict::as_str,
        )?;
        Ok(ProgressUpdateConfig {
            unplanned_verdict,
            plan_touch_small_work,
            section: self.non_empty(&key("section"), raw.section, "Progress")?,
            within,
            exempt_authors: self.patterns(&key("exempt-authors"), raw.exempt_authors)?,
            exempt_trailers: self.patterns(&key("exempt-trailers"), raw.exempt_trailers)?,
            small_fix_lines: self.count(&key("small-fix-lines"), raw.small_fix_lines, 0)?,
            small_fix_files: self.count(&key("small-fix-files"), raw.small_fix_files, 1)?,
            merge_resolution_lines: self.count(
                &key("merge-resolution-lines"),
                raw.merge_resolution_lines,
                DEFAULT_MERGE_RESOLUTION_LINES,
            )?,
            require,
            unplanned_max_lines: self.count(
                &key("unplanned-max-lines"),
                raw.unplanned_max_lines,
                DEFAULT_UNPLANNED_MAX_LINES,
            )?,
            unplanned_max_files: self.count(
                &key("unplanned-max-files"),
                raw.unplanned_max_files,
                DEFAULT_UNPLANNED_MAX_FILES,
            )?,
            unplanned_spread_lines: self.count(
                &key("unplanned-spread-lines"),
                raw.unplanned_spread_lines,
                DEFAULT_UNPLANNED_SPREAD_LINES,
            )?,
            unplanned_spread_folders: self.count(
                &key("unplanned-spread-folders"),
                raw.unplanned_spread_folders,
                DEFAULT_UNPLANNED_SPREAD_FOLDERS,
            )?,
            unplanned_exclude: self.globs(
                &key("unplanned-exclude"),
                raw.unplanned_exclude,
                DEFAULT_UNPLANNED_EXCLUDE,
            )?,
        })
    }

    /// One of two named values, the first the default: `expected "a" or "b"` otherwise.
    fn choice<T: Copy>(
        &self,
        key: &str,
        value: Option<Spanned<String>>,
        options: [T; 2],
        name: fn(T) -> &'static str,
    ) -> Result<T, ConfigError> {
        let Some(value) = value else {
            return Ok(options[0]);
        };
        options
            .into_iter()
            .find(|option| name(*option) == value.get_ref().as_str())
            .ok_or_else(|| {
                self.error(
                    value.span(),
                    format!(
                        "{key}: expected \"{}\" or \"{}\", found \"{}\"",
                        name(options[0]),
                        name(options[1]),
                        value.get_ref()
                    ),
                )
            })
    }

    /// A whole number that may be 0.
    fn count(
        &self,
        key: &str,
        value: Option<Spanned<i64>>,
        default: u64,
    ) -> Result<u64, ConfigError> {
        match value {
            None => Ok(default),
            Some(v) => u64::try_from(*v.get_ref()).map_err(|_| {
                self.error(
                    v.span(),
                    format!("{key}: must be a whole number, 0 or more"),
                )
            }),
        }
    }

    fn patterns(
        &self,
        key: &str,
        value: Option<Vec<Spanned<String>>>,
    ) -> Result<Patterns, ConfigError> {
        let mut out = Patterns::default();
        for item in value.unwrap_or_default() {
            let text = item.get_ref();
            if text.trim().is_empty() {
                return Err(self.error(item.span(), format!("{key}: must not be empty")));
            }
            let regex = Regex::new(text).map_err(|e| {
                self.error(item.span(), format!("{key}: invalid regex `{text}`: {e}"))
            })?;
            out.texts.push(text.clone());
            out.compiled.push(regex);
        }
        Ok(out)
    }
}
