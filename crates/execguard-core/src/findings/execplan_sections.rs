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
    /// A document the commit adds where plans are kept reads as another kind of document: a
    /// warning, not a refusal.
    NotAPlan(NotAPlan),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct MissingSections {
    /// The execplan.
    pub path: RepoPath,
    pub feature: String,
    /// The titles of the required sections it lacks.
    pub missing: Vec<String>,
    /// Those of `missing` that are headings inside a fenced code block: the plan is wrapped in a
    /// fence and renders as code.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub fenced: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SpecNotNamed {
    /// The execplan.
    pub path: RepoPath,
    pub feature: String,
    /// The spec it should name: the one with its stem, when one exists at that commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spec: Option<RepoPath>,
    /// The spec globs, for a plan whose feature has no spec by its stem.
    pub specs: String,
}

/// What a document in a plan folder is, when it is not a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "is", rename_all = "kebab-case")]
pub enum BesidePlans {
    /// Its title or file name names another kind of document (`M1 Findings: ...`,
    /// `backend-inventory-2026-07.md`).
    Named { called: String },
    /// A short stub that points at a plan kept elsewhere.
    Pointer,
    /// A runbook, prompt or other document that names another plan as the one it carries out
    /// (`Execution plan: docs/plan/x.md`).
    Serves {
        #[serde(skip_serializing_if = "Option::is_none")]
        called: Option<String>,
        plan: RepoPath,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct NotAPlan {
    /// The document, at a path the execplan layout matches.
    pub path: RepoPath,
    pub feature: String,
    /// What it reads as.
    #[serde(flatten)]
    pub is: BesidePlans,
    /// The required sections it has none of.
    pub sections: Vec<String>,
    /// The readiness marker it does not carry.
    pub marker: String,
}

impl ExecplanSections {
    pub(super) fn path(&self) -> &RepoPath {
        match self {
            ExecplanSections::MissingSections(found) => &found.path,
            ExecplanSections::SpecNotNamed(found) => &found.path,
            ExecplanSections::NotAPlan(found) => &found.path,
        }
    }

    /// Whether the finding is a warning: a document beside the plans is not refused.
    pub fn is_warning(&self) -> bool {
        matches!(self, ExecplanSections::NotAPlan(_))
    }

    pub(super) fn message(&self, about: &About) -> String {
        match self {
            ExecplanSections::MissingSections(found) => {
                let fenced = if found.fenced.is_empty() {
                    String::new()
                } else {
                    format!(
                        " {} inside a fenced code block, which renders as code, not as headings.",
                        if found.fenced.len() == found.missing.len() {
                            if found.missing.len() == 1 { "It is".to_string() } else { "They are".to_string() }
                        } else {
                            format!("{} {} there but", quoted(&found.fenced), if found.fenced.len() == 1 { "is" } else { "are" })
                        }
                    )
                };
                format!(
                    "{} leaves {} without the section{} {}.{fenced}",
                    about.subject,
                    found.path,
                    plural(found.missing.len()),
                    quoted(&found.missing)
                )
            }
            ExecplanSections::NotAPlan(found) => {
                let reads_as = match &found.is {
                    BesidePlans::Named { called } => format!("reads as {called}, not as a plan"),
                    BesidePlans::Pointer => {
                        "reads as a stub pointing at a plan kept elsewhere, not as a plan".to_string()
                    }
                    BesidePlans::Serves { called, plan } => format!(
                        "reads as {} serving the plan {plan}, not as a plan",
                        called.as_deref().unwrap_or("a document")
                    ),
                };
                let itself = match &found.is {
                    BesidePlans::Serves { plan, .. } => {
                        format!("names {plan} as the plan it carries out")
                    }
                    _ => "does not call itself a plan".to_string(),
                };
                format!(
                    "{} adds {} where execplans are kept, but it {reads_as}: it has none of the sections {}, no {} marker and no open task, and {itself}. It is not judged as a plan, and no work counts as planned under it.",
                    about.subject,
                    found.path,
                    quoted(&found.sections),
                    found.marker
                )
            }
            ExecplanSections::SpecNotNamed(found) => match &found.spec {
                Some(spec) => format!(
                    "{} leaves {} without a mention of its spec's path ({spec}).",
                    about.subject, found.path
                ),
                None => format!(
                    "{} leaves {} without a mention of a spec's path, and no spec named after feature {} exists there ({}).",
                    about.subject, found.path, found.feature, found.specs
                ),
            },
        }
    }

    pub(super) fn hint(&self) -> String {
        match self {
            ExecplanSections::MissingSections(found) if !found.fenced.is_empty() => format!(
                "Remove the fence around the plan in {} (the ```` ```md ```` line and its closing ```` ``` ````) so that its headings render as headings, and keep every required section.",
                found.path
            ),
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
            ExecplanSections::NotAPlan(found) => format!(
                "If {path} is not a plan, ask a human to list it in `[layout] not-planning` in the guard's config so that it is never read as one. If it is a plan, give it the sections {} (and title it as a plan): until then it is not a plan, and code written under it is unplanned work.",
                quoted(&found.sections),
                path = found.path
            ),
            ExecplanSections::SpecNotNamed(found) => match &found.spec {
                Some(spec) => format!(
                    "Name the spec the plan implements, for example `Spec: {spec}`, near the top of {plan}.",
                    plan = found.path
                ),
                None => format!(
                    "Name the spec the plan implements (a path matching {}) near the top of {}, for example `Spec: <path>`. If it implements no spec, stop and ask a human: only a human changes `require-spec-path` in `[rules.execplan-sections]`.",
                    found.specs, found.path
                ),
            },
        }
    }
}

/// `"A", "B"`.
fn quoted(titles: &[String]) -> String {
    titles
        .iter()
        .map(|title| format!("\"{title}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
