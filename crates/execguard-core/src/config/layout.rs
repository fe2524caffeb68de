//! The `[layout]` table: where specs, design notes and execplans live, and what counts as code.

use std::ops::Range;

use regex::Regex;
use toml::Spanned;

use super::patterns::{spec_glob, BranchPatterns, Globs, SpecGlob, Template};
use super::{ConfigError, RawLayout, Validator};
use crate::model::RepoPath;

#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    pub specs: SpecGlob,
    pub designs: Template,
    pub execplans: Template,
    pub spec_marker: String,
    pub execplan_marker: String,
    pub code: Globs,
    pub not_code: Globs,
    pub branch_patterns: BranchPatterns,
}

impl Layout {
    /// Whether a path is code, as `progress-update` and `execplan-ready` see it: it matches
    /// `code`, not `not-code`, and is not a planning document. A script kept beside the plans
    /// (`plans/tool.py`) is code like any other.
    pub fn is_code(&self, path: &RepoPath) -> bool {
        self.code.is_match(path) && !self.not_code.is_match(path) && !self.is_planning(path)
    }

    /// Whether a path is a planning document: a spec (the spec glob), a design note or an
    /// execplan (their templates). Nothing else under `specs/`, `designs/` or `plans/` is.
    pub fn is_planning(&self, path: &RepoPath) -> bool {
        self.specs.is_match(path)
            || self.designs.feature_of(path).is_some()
            || self.execplans.feature_of(path).is_some()
    }
}

impl Validator<'_> {
    pub(super) fn layout(&self, raw: RawLayout) -> Result<Layout, ConfigError> {
        let specs = match raw.specs {
            None => spec_glob("specs/**/*.md").map_err(|m| self.error(0..0, m))?,
            Some(s) => spec_glob(s.get_ref())
                .map_err(|m| self.error(s.span(), format!("layout.specs: {m}")))?,
        };
        Ok(Layout {
            specs,
            designs: self.template("layout.designs", raw.designs, "designs/{feature}.md")?,
            execplans: self.template(
                "layout.execplans",
                raw.execplans,
                "plans/{feature}-execplan.md",
            )?,
            spec_marker: self.non_empty("layout.spec-marker", raw.spec_marker, "EXEC-READY")?,
            execplan_marker: self.non_empty(
                "layout.execplan-marker",
                raw.execplan_marker,
                "EXECPLAN-READY",
            )?,
            code: self.globs("layout.code", raw.code, &["**"])?,
            not_code: self.globs("layout.not-code", raw.not_code, DEFAULT_NOT_CODE)?,
            branch_patterns: self.branch_patterns(raw.branch_patterns)?,
        })
    }

    fn template(
        &self,
        key: &str,
        value: Option<Spanned<String>>,
        default: &str,
    ) -> Result<Template, ConfigError> {
        let (text, span) = match value {
            None => (default.to_string(), 0..0),
            Some(v) => (v.get_ref().clone(), v.span()),
        };
        if text.matches("{feature}").count() != 1 {
            return Err(self.error(
                span,
                format!("{key}: `{text}` must contain `{{feature}}` exactly once"),
            ));
        }
        let (before, after) = text.split_once("{feature}").unwrap_or((&text, ""));
        let pattern = format!(
            "^{}(?P<feature>[^/]+){}$",
            regex::escape(before),
            regex::escape(after)
        );
        let matcher = Regex::new(&pattern).map_err(|e| self.error(span, format!("{key}: {e}")))?;
        Ok(Template { text, matcher })
    }

    fn branch_patterns(
        &self,
        value: Option<Vec<Spanned<String>>>,
    ) -> Result<BranchPatterns, ConfigError> {
        let items: Vec<(String, Range<usize>)> = match value {
            None => DEFAULT_BRANCH_PATTERNS
                .iter()
                .map(|s| (s.to_string(), 0..0))
                .collect(),
            Some(list) => list
                .into_iter()
                .map(|s| (s.get_ref().clone(), s.span()))
                .collect(),
        };
        let mut out = Vec::new();
        for (pattern, span) in items {
            let regex = Regex::new(&pattern).map_err(|e| {
                self.error(
                    span.clone(),
                    format!("layout.branch-patterns: invalid regex `{pattern}`: {e}"),
                )
            })?;
            if !regex.capture_names().any(|name| name == Some("feature")) {
                return Err(self.error(
                    span,
                    format!("layout.branch-patterns: `{pattern}` has no `(?P<feature>...)` group"),
                ));
            }
            out.push(regex);
        }
        Ok(BranchPatterns(out))
    }
}

/// What is not code besides the planning documents: prose and the guard's own config.
pub const DEFAULT_NOT_CODE: &[&str] = &["**/*.md", ".execguard.toml"];

pub const DEFAULT_BRANCH_PATTERNS: &[&str] = &[
    "^exec/(?P<feature>[^/]+)$",
    "^feature/(?P<feature>[^/]+)$",
    "^feat/(?P<feature>[^/]+)$",
];

#[cfg(test)]
mod tests {
    use crate::config::Config;

    #[test]
    fn code_beside_the_plans_is_code_and_only_planning_markdown_is_planning() {
        let config = Config::embedded_default();
        let layout = &config.layout;
        for code in [
            "plans/tool.py",
            "specs/fixtures/login.json",
            "designs/diagram.svg",
            "src/main.rs",
        ] {
            assert!(layout.is_code(&code.into()), "{code} is code");
            assert!(!layout.is_planning(&code.into()), "{code} is not planning");
        }
        for planning in [
            "plans/login-execplan.md",
            "specs/login.md",
            "specs/auth/login.md",
            "designs/login.md",
        ] {
            assert!(
                layout.is_planning(&planning.into()),
                "{planning} is planning"
            );
            assert!(!layout.is_code(&planning.into()), "{planning} is not code");
        }
        for prose in ["README.md", "plans/notes.md", ".execguard.toml"] {
            assert!(!layout.is_code(&prose.into()), "{prose} is not code");
        }
    }

    #[test]
    fn a_planning_document_outside_not_code_is_still_not_code() {
        let config = Config::parse(
            "c.toml",
            "[layout]\nspecs = \"specs/**/*.txt\"\nnot-code = []\n",
        )
        .unwrap();
        assert!(!config.layout.is_code(&"specs/login.txt".into()));
        assert!(config.layout.is_code(&"specs/login.py".into()));
    }
}
