//! A path template of `[layout] designs` or `execplans`: `plans/{feature}-execplan.md`, with
//! `**` for any number of folders (`docs/exec-plans/**/PLAN_{feature}.md`), or a fixed file
//! without `{feature}` (`docs/PLAN.md`), the document of the one feature its file stem names.

use std::fmt;

use regex::Regex;

use crate::model::RepoPath;

/// A path template, checked when the config is validated.
#[derive(Clone)]
pub struct Template {
    pub(super) text: String,
    shape: Shape,
}

#[derive(Clone)]
enum Shape {
    /// `{feature}` once and no `**`: matched by the text around it, without a regex (most
    /// templates; every hook and coding-agent event asks about paths).
    Around { at: usize },
    /// No `{feature}`: one fixed file, the document of the feature its stem names.
    Fixed { feature: String },
    /// `**` stands for zero or more folders: matched by a regex.
    Folders { regex: Regex, root: String },
}

impl Template {
    /// Reads a template's text; an error says why it would match nothing or not what it seems.
    pub fn parse(text: &str) -> Result<Template, String> {
        let features = text.matches("{feature}").count();
        if features > 1 {
            return Err(format!("`{text}` must contain `{{feature}}` at most once"));
        }
        let rest = text.replace("{feature}", "");
        if rest.contains(['{', '}']) {
            return Err(format!(
                "`{text}` holds a `{{` or `}}` that is not `{{feature}}`, the only placeholder"
            ));
        }
        let segments: Vec<&str> = text.split('/').collect();
        if segments
            .iter()
            .any(|s| s.is_empty() || *s == "." || *s == "..")
        {
            return Err(format!(
                "`{text}` has an empty, `.` or `..` folder: write the path from the repository's root"
            ));
        }
        if segments.iter().any(|s| *s != "**" && s.contains('*')) {
            return Err(format!(
                "`{text}` has a `*` that is not a whole `**` folder: a template takes `{{feature}}` for the name and `**` for any number of folders, nothing else"
            ));
        }
        let folders = segments.contains(&"**");
        let template = |shape| Template {
            text: text.to_string(),
            shape,
        };
        if segments.last() == Some(&"**") {
            return Err(format!(
                "`{text}` ends in `**`: a template names a file, such as `docs/**/{{feature}}.md`"
            ));
        }
        if features == 0 {
            if folders {
                return Err(format!(
                    "`{text}` has `**` but no `{{feature}}`: a template without `{{feature}}` is one fixed file"
                ));
            }
            let feature = RepoPath::from(text).stem();
            return Ok(template(Shape::Fixed { feature }));
        }
        if !folders {
            let at = text.find("{feature}").unwrap_or(text.len());
            return Ok(template(Shape::Around { at }));
        }
        let mut pattern = String::from("^");
        for (i, segment) in segments.iter().enumerate() {
            if *segment == "**" {
                pattern.push_str("(?:[^/]+/)*");
                continue;
            }
            match segment.split_once("{feature}") {
                Some((before, after)) => {
                    pattern.push_str(&regex::escape(before));
                    pattern.push_str("(?P<feature>[^/]+)");
                    pattern.push_str(&regex::escape(after));
                }
                None => pattern.push_str(&regex::escape(segment)),
            }
            if i + 1 < segments.len() {
                pattern.push('/');
            }
        }
        pattern.push('$');
        let regex = Regex::new(&pattern).map_err(|e| format!("`{text}`: {e}"))?;
        let root = leading_folders(text);
        Ok(template(Shape::Folders { regex, root }))
    }

    /// Where the document of `feature` goes: `**` as no folder at all; a fixed file is itself.
    pub fn path_for(&self, feature: &str) -> RepoPath {
        let text = match &self.shape {
            Shape::Folders { .. } => self
                .text
                .split('/')
                .filter(|segment| *segment != "**")
                .collect::<Vec<_>>()
                .join("/"),
            _ => self.text.clone(),
        };
        RepoPath::from(text.replace("{feature}", feature).as_str())
    }

    /// The one path the document of `feature` has by this template, when the template fixes it
    /// (no `**`); `None` also for a fixed file of another feature.
    pub fn exact_path_for(&self, feature: &str) -> Option<RepoPath> {
        match &self.shape {
            Shape::Around { .. } => Some(self.path_for(feature)),
            Shape::Fixed { feature: own } => (own == feature).then(|| self.path_for(feature)),
            Shape::Folders { .. } => None,
        }
    }

    /// The folder below which every path of the template lies (empty for the root): the folders
    /// before the first one with `{feature}` or `**`.
    pub fn folder(&self) -> String {
        leading_folders(&self.text)
    }

    /// The folder below which every path of a `**` template lies (empty for the root); `None`
    /// for a template without `**`, whose paths are looked up directly.
    pub fn search_root(&self) -> Option<&str> {
        match &self.shape {
            Shape::Folders { root, .. } => Some(root),
            _ => None,
        }
    }

    /// The feature a path stands for, when it fits the template: the path is the template with
    /// `{feature}` replaced by a non-empty name without `/` (and each `**` by any number of
    /// folders); for a fixed file, the path itself, whose feature is its stem.
    pub fn feature_of(&self, path: &RepoPath) -> Option<String> {
        let text = std::str::from_utf8(path.as_bytes()).ok()?;
        match &self.shape {
            Shape::Around { at } => {
                let before = &self.text[..*at];
                let after = &self.text[*at + "{feature}".len()..];
                feature_between(text, before, after)
            }
            Shape::Fixed { feature } => (text == self.text).then(|| feature.clone()),
            Shape::Folders { regex, .. } => regex
                .captures(text)
                .and_then(|c| c.name("feature"))
                .map(|m| m.as_str().to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// The feature `text` names when it is `before`, a non-empty name without `/`, then `after`: what
/// `^before(?P<feature>[^/]+)after$` captures, for path templates and plain branch patterns.
pub(super) fn feature_between(text: &str, before: &str, after: &str) -> Option<String> {
    let feature = text.strip_prefix(before)?.strip_suffix(after)?;
    (!feature.is_empty() && !feature.contains('/')).then(|| feature.to_string())
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Template({:?})", self.text)
    }
}

impl PartialEq for Template {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

/// The folders of a template's text before its file name and before the first folder with
/// `{feature}` or `**`: where every path of the template lies (empty for the root).
fn leading_folders(text: &str) -> String {
    let segments: Vec<&str> = text.split('/').collect();
    segments[..segments.len().saturating_sub(1)]
        .iter()
        .take_while(|segment| **segment != "**" && !segment.contains("{feature}"))
        .copied()
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feature(template: &str, path: &str) -> Option<String> {
        Template::parse(template)
            .unwrap()
            .feature_of(&RepoPath::from(path))
    }

    #[test]
    fn double_star_stands_for_any_number_of_folders() {
        let t = "docs/exec-plans/**/PLAN_{feature}.md";
        for (path, found) in [
            ("docs/exec-plans/PLAN_login.md", Some("login")),
            ("docs/exec-plans/active/PLAN_login.md", Some("login")),
            ("docs/exec-plans/a/b/PLAN_x-y.md", Some("x-y")),
            ("docs/exec-plans/active/PLAN_.md", None),
            ("docs/exec-plans/active/plan_login.md", None),
            ("docs/other/PLAN_login.md", None),
            ("xdocs/exec-plans/PLAN_login.md", None),
        ] {
            assert_eq!(feature(t, path).as_deref(), found, "{path}");
        }
        let parsed = Template::parse(t).unwrap();
        assert_eq!(parsed.search_root(), Some("docs/exec-plans"));
        assert_eq!(
            parsed.path_for("x").to_text(),
            "docs/exec-plans/PLAN_x.md",
            "a new plan goes where `**` is no folder"
        );
        assert_eq!(parsed.exact_path_for("x"), None);
        assert_eq!(
            feature("**/{feature}/PLAN.md", "a/b/login/PLAN.md").as_deref(),
            Some("login")
        );
        assert_eq!(
            Template::parse("**/{feature}.md").unwrap().search_root(),
            Some("")
        );
        // Regex syntax in a folder name is text.
        assert_eq!(
            feature("d(1)+/**/{feature}.md", "d(1)+/x/a.md").as_deref(),
            Some("a")
        );
        assert_eq!(feature("d(1)+/**/{feature}.md", "d1/x/a.md"), None);
    }

    #[test]
    fn a_template_without_feature_is_one_fixed_file_named_by_its_stem() {
        let fixed = Template::parse("docs/PLAN.md").unwrap();
        assert_eq!(
            fixed.feature_of(&"docs/PLAN.md".into()).as_deref(),
            Some("PLAN")
        );
        assert_eq!(fixed.feature_of(&"docs/OTHER.md".into()), None);
        assert_eq!(fixed.exact_path_for("PLAN"), Some("docs/PLAN.md".into()));
        assert_eq!(fixed.exact_path_for("login"), None);
    }

    #[test]
    fn a_template_that_would_match_nothing_says_why() {
        for (text, why) in [
            ("plans/{feature}-{feature}.md", "at most once"),
            ("plans/{Feature}.md", "only placeholder"),
            ("plans/*/{feature}.md", "`*` that is not a whole `**`"),
            ("plans/**{feature}.md", "`*` that is not a whole `**`"),
            ("plans/{feature}/**", "ends in `**`"),
            ("plans/**/PLAN.md", "no `{feature}`"),
            ("plans//{feature}.md", "empty"),
        ] {
            let error = Template::parse(text).unwrap_err();
            assert!(error.contains(why), "{text}: {error}");
        }
    }
}
