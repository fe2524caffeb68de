//! `execplan-sections`: an execplan without a required section, or without its spec's path.

use serde::Serialize;

use super::{plural, About};
use crate::model::RepoPath;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ExecplanSections {
    /// The plan lacks required sections.
    MissingSections(MissingSections),
    /// The plan names no spec.
    SpecNotNamed(SpecNotNamed),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct MissingSections {
    /// The execplan.
    pub path: RepoPath,
    pub feature: String,
    /// The titles of the required sections it lacks.
    pub missing: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SpecNotNamed {
    /// The execplan.
    pub path: RepoPath,
    pub feature: String,
    /// The spec it should name.
    pub spec: RepoPath,
}

impl ExecplanSections {
    pub(super) fn path(&self) -> &RepoPath {
        match self {
            ExecplanSections::MissingSections(found) => &found.path,
            ExecplanSections::SpecNotNamed(found) => &found.path,
        }
    }

    pub(super) fn message(&self, about: &About) -> String {
        match self {
            ExecplanSections::MissingSections(found) => format!(
                "{} leaves {} without the section{} {}.",
                about.subject,
                found.path,
                plural(found.missing.len()),
                found
                    .missing
                    .iter()
                    .map(|m| format!("\"{m}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ExecplanSections::SpecNotNamed(found) => format!(
                "{} leaves {} without a mention of its spec's path ({}).",
                about.subject, found.path, found.spec
            ),
        }
    }

    pub(super) fn hint(&self) -> String {
        match self {
            ExecplanSections::MissingSections(found) => format!(
                "Add {} as `## <title>` heading{} in {} and keep {} current.",
                found
                    .missing
                    .iter()
                    .map(|m| format!("`## {m}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                plural(found.missing.len()),
                found.path,
                if found.missing.len() == 1 { "it" } else { "them" }
            ),
            ExecplanSections::SpecNotNamed(found) => format!(
                "Name the spec the plan implements, for example `Spec: {spec}`, near the top of {plan}.",
                spec = found.spec,
                plan = found.path
            ),
        }
    }
}
