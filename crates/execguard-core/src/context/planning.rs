//! Which features a change works on, where a feature's planning documents are, and which spec a
//! plan implements.

use super::{Context, FeatureSource, Features, EXECPLAN_TRAILER};
use crate::config::{Layout, Markers};
use crate::model::{RepoPath, Side, TreeError};

/// The spec a plan implements, as the plan tells it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanSpec {
    /// The plan names this spec: on a `Spec:` line, else the first spec path it mentions.
    Named(RepoPath),
    /// The plan names none: the specs whose stem is the feature, perhaps none.
    ByStem(Vec<RepoPath>),
}

impl Context<'_> {
    /// The features this change works on, and how they were found: the `Execplan:` trailer, else
    /// the branch name (when that feature has an execplan), else the execplans whose Progress the
    /// change progresses (a new entry, a ticked box or a changed timestamp; not a rewording).
    pub fn features(&self) -> Result<Features, TreeError> {
        if let Some(found) = self.features.borrow().as_ref() {
            return Ok(found.clone());
        }
        let found = self.find_features()?;
        *self.features.borrow_mut() = Some(found.clone());
        Ok(found)
    }

    fn find_features(&self) -> Result<Features, TreeError> {
        if let Some(message) = &self.message {
            let named: Vec<String> = message
                .trailer_values(EXECPLAN_TRAILER)
                .into_iter()
                .flat_map(|v| v.split([',', ' ']).map(str::to_string).collect::<Vec<_>>())
                .filter(|v| !v.is_empty())
                .collect();
            if !named.is_empty() {
                return Ok((named, Some(FeatureSource::Trailer)));
            }
        }
        if let Some(feature) = self
            .change
            .branch
            .as_deref()
            .and_then(|b| self.config.layout.branch_patterns.feature_of(b))
        {
            if self.plan_for(Side::New, &feature)?.is_some()
                || self.plan_for(Side::Base, &feature)?.is_some()
            {
                return Ok((vec![feature], Some(FeatureSource::Branch)));
            }
        }
        let updated: Vec<String> = self
            .progress_updates()?
            .into_iter()
            .filter(|(_, change)| change.progressed)
            .map(|(feature, _)| feature)
            .collect();
        if updated.is_empty() {
            Ok((Vec::new(), None))
        } else {
            Ok((updated, Some(FeatureSource::UpdatedExecplan)))
        }
    }

    /// The specs for `feature` on `side`: every path matching the spec globs whose stem is
    /// `feature`.
    pub fn specs_for(&self, side: Side, feature: &str) -> Result<Vec<RepoPath>, TreeError> {
        let specs = &self.config.layout.specs;
        let mut found = Vec::new();
        for root in specs.roots() {
            for path in self.trees.list(side, &RepoPath::from(root))? {
                if specs.is_match(&path) && path.stem() == feature && !found.contains(&path) {
                    found.push(path);
                }
            }
        }
        Ok(found)
    }

    /// Whether the document at `path` on `side` carries one of `markers`.
    pub fn has_marker(
        &self,
        side: Side,
        path: &RepoPath,
        markers: &Markers,
    ) -> Result<bool, TreeError> {
        let Some(entry) = self.trees.entry(side, path)? else {
            return Ok(false);
        };
        if !entry.kind.is_blob() {
            return Ok(false);
        }
        // A spec keeps its content across most commits of a range: the verdict on a blob is
        // remembered by its id, which names the content.
        let key = (entry.id, markers.list().join("\n"));
        if let Some(found) = MARKER_VERDICTS.with(|memo| memo.borrow().get(&key).copied()) {
            return Ok(found);
        }
        let found = self
            .text(side, path)?
            .is_some_and(|text| markers.found_in(&text));
        MARKER_VERDICTS.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.len() >= MAX_MARKER_VERDICTS {
                memo.clear();
            }
            memo.insert(key, found);
        });
        Ok(found)
    }

    /// Whether any spec of `feature` is frozen on `side`; returns the first frozen one.
    pub fn frozen_spec(&self, side: Side, feature: &str) -> Result<Option<RepoPath>, TreeError> {
        for spec in self.specs_for(side, feature)? {
            if self.has_marker(side, &spec, &self.config.layout.spec_marker)? {
                return Ok(Some(spec));
            }
        }
        Ok(None)
    }

    /// The execplan of `feature` on `side`: the first of the execplan templates' paths that
    /// exists there (a `**` template's folder is listed).
    pub fn plan_for(&self, side: Side, feature: &str) -> Result<Option<RepoPath>, TreeError> {
        self.config.layout.execplans.find(
            feature,
            |path| Ok(self.trees.entry(side, path)?.is_some()),
            |root| self.trees.list(side, root),
        )
    }

    /// Where the execplan of `feature` is: as the change leaves it, else as the base has it, else
    /// where the first template puts a new one.
    pub fn plan_path(&self, feature: &str) -> Result<RepoPath, TreeError> {
        Ok(match self.plan_for(Side::New, feature)? {
            Some(plan) => plan,
            None => self
                .plan_for(Side::Base, feature)?
                .unwrap_or_else(|| self.config.layout.execplans.path_for(feature)),
        })
    }

    /// The spec the plan at `plan` implements, read from `plan_text`; the stem's specs on
    /// `side` when the text names none.
    pub fn plan_spec(
        &self,
        side: Side,
        feature: &str,
        plan: &RepoPath,
        plan_text: Option<&str>,
    ) -> Result<PlanSpec, TreeError> {
        if let Some(named) = plan_text.and_then(|text| named_spec(&self.config.layout, plan, text))
        {
            return Ok(PlanSpec::Named(named));
        }
        Ok(PlanSpec::ByStem(self.specs_for(side, feature)?))
    }
}

/// The spec a plan's text names: the first spec path on a line labelled `Spec:` (or `Specs:`,
/// `Specification:`, `Implements:`, with any emphasis), else the first spec path it mentions
/// anywhere. A path counts when it matches the spec globs, written from the repository's root or
/// relative to the plan (`../specs/x.md`), bare, in backticks or as a link's target.
pub fn named_spec(layout: &Layout, plan: &RepoPath, text: &str) -> Option<RepoPath> {
    let labelled = text
        .lines()
        .filter(|line| is_spec_line(line))
        .find_map(|line| first_spec_path(layout, plan, line));
    labelled.or_else(|| {
        text.lines()
            .find_map(|line| first_spec_path(layout, plan, line))
    })
}

fn is_spec_line(line: &str) -> bool {
    let plain: String = line
        .chars()
        .filter(|c| !matches!(c, '*' | '_' | '`'))
        .collect();
    let plain = plain.trim_start_matches(|c: char| {
        matches!(c, '#' | '>' | '-' | '+' | '|') || c.is_whitespace()
    });
    let Some((label, _)) = plain.split_once(':') else {
        return false;
    };
    matches!(
        label.trim().to_ascii_lowercase().as_str(),
        "spec" | "specs" | "specification" | "implements"
    )
}

fn first_spec_path(layout: &Layout, plan: &RepoPath, line: &str) -> Option<RepoPath> {
    line.split(|c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '`' | '('
                    | ')'
                    | '['
                    | ']'
                    | '<'
                    | '>'
                    | '"'
                    | '\''
                    | ','
                    | ';'
                    | '*'
                    | '|'
                    | '#'
                    | ':'
            )
    })
    .filter_map(|token| {
        let token = token.trim_end_matches(['.', '!', '?']);
        if token.is_empty() {
            return None;
        }
        let rooted = RepoPath::from(token.trim_start_matches("./").trim_start_matches('/'));
        if layout.specs.is_match(&rooted) {
            return Some(rooted);
        }
        relative_to(plan, token).filter(|path| layout.specs.is_match(path))
    })
    .next()
}

/// `token` read relative to the plan's folder, `..` resolved; `None` when it leaves the
/// repository.
pub(crate) fn relative_to(plan: &RepoPath, token: &str) -> Option<RepoPath> {
    let plan = plan.to_text();
    let mut parts: Vec<&str> = plan.split('/').collect();
    parts.pop();
    for part in token.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            other => parts.push(other),
        }
    }
    Some(RepoPath::from(parts.join("/").as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn named(config: &str, plan: &str, text: &str) -> Option<String> {
        let config = Config::parse("c.toml", config).unwrap();
        named_spec(&config.layout, &plan.into(), text).map(|p| p.to_text())
    }

    #[test]
    fn a_spec_line_wins_over_an_earlier_mention() {
        let text = "# Phase 2\n\nUnlike specs/auth.md, this is small.\n\n**Spec:** `specs/submission-manager.md`\n";
        assert_eq!(
            named("", "plans/submission-manager-phase2-execplan.md", text).as_deref(),
            Some("specs/submission-manager.md")
        );
    }

    #[test]
    fn a_mention_counts_when_no_line_is_labelled() {
        for text in [
            "Implements [the spec](specs/billing.md).\n",
            "See ./specs/billing.md.\n",
            "- Spec - specs/billing.md#scope\n",
        ] {
            assert_eq!(
                named("", "plans/x-execplan.md", text).as_deref(),
                Some("specs/billing.md"),
                "{text}"
            );
        }
    }

    #[test]
    fn a_path_relative_to_the_plan_counts() {
        let text = "Spec: [billing](../../specs/billing.md)\n";
        assert_eq!(
            named("", "docs/execplans/billing-v2.md", text).as_deref(),
            Some("specs/billing.md")
        );
        assert_eq!(named("", "plans/x.md", "Spec: ../../../specs/a.md\n"), None);
    }

    #[test]
    fn no_spec_path_names_nothing() {
        assert_eq!(
            named(
                "",
                "plans/x-execplan.md",
                "Spec: the login spec\nsrc/specs.md\n"
            ),
            None
        );
        assert_eq!(
            named("", "plans/x-execplan.md", "Spec: specs/README.md\n"),
            None,
            "an excluded path is not a spec"
        );
    }
}

/// Verdicts remembered per thread before the memo starts over.
const MAX_MARKER_VERDICTS: usize = 4096;

thread_local! {
    /// Whether a blob (by id) carries one of a list of markers: a pure function of the content,
    /// remembered across the commits one worker judges.
    static MARKER_VERDICTS: std::cell::RefCell<std::collections::HashMap<(String, String), bool>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}
