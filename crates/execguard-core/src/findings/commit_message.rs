//! `commit-message`: a message without a subject, with a long subject, or with a malformed
//! override trailer.

use std::fmt;

use serde::Serialize;

use super::About;
use crate::trailers::OVERRIDE_TRAILER;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum CommitMessage {
    /// The message has no subject line.
    NoSubject,
    /// The subject line is a blank left to fill (`___`, `<subject>`), not a summary.
    PlaceholderSubject { subject: String },
    /// The subject line is longer than the limit.
    SubjectTooLong(SubjectTooLong),
    /// An `Execguard-Override` trailer without a known rule and a reason.
    BadOverride(OverrideProblem),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct SubjectTooLong {
    /// The subject's length in characters.
    pub length: usize,
    pub max_subject: usize,
}

/// Why an `Execguard-Override` trailer's value overrides nothing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct OverrideProblem {
    /// The trailer's value.
    pub value: String,
    #[serde(flatten)]
    pub problem: OverrideFault,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "problem", content = "name", rename_all = "kebab-case")]
pub enum OverrideFault {
    /// No `:` after the rule id.
    NoReason,
    /// The value names no known rule.
    UnknownRule(String),
    /// The reason after the rule id is blank.
    BlankReason,
    /// The reason is a placeholder (`___`, `<reason>`, `TODO`), not a human's reason.
    PlaceholderReason(String),
}

impl fmt::Display for OverrideProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = &self.value;
        match &self.problem {
            OverrideFault::NoReason => write!(
                f,
                "`{OVERRIDE_TRAILER}: {value}` has no reason; write `{OVERRIDE_TRAILER}: <rule-id>: <reason>`"
            ),
            OverrideFault::UnknownRule(rule) => {
                write!(f, "`{OVERRIDE_TRAILER}: {value}` names an unknown rule `{rule}`")
            }
            OverrideFault::BlankReason => {
                write!(f, "`{OVERRIDE_TRAILER}: {value}` gives no reason")
            }
            OverrideFault::PlaceholderReason(reason) => write!(
                f,
                "`{OVERRIDE_TRAILER}: {value}` gives `{reason}`, a blank left to fill, not a reason"
            ),
        }
    }
}

impl CommitMessage {
    pub(super) fn message(&self, about: &About) -> String {
        match self {
            CommitMessage::NoSubject => format!("{} has no subject line.", about.subject),
            CommitMessage::PlaceholderSubject { subject } => format!(
                "the subject line of {} is `{subject}`, a blank left to fill, not a summary.",
                about.subject
            ),
            CommitMessage::SubjectTooLong(found) => format!(
                "the subject line of {} is {} characters long; the limit is {}.",
                about.subject, found.length, found.max_subject
            ),
            CommitMessage::BadOverride(problem) => format!("{problem}."),
        }
    }

    pub(super) fn hint(&self) -> String {
        match self {
            CommitMessage::NoSubject => {
                "Write a one-line summary of the change as the first line of the message."
                    .to_string()
            }
            CommitMessage::PlaceholderSubject { .. } => "Replace the blank with a one-line summary of the change.".to_string(),
            CommitMessage::SubjectTooLong(_) => "Shorten the first line to a summary and move the detail to the body, after a blank line.".to_string(),
            CommitMessage::BadOverride(OverrideProblem {
                problem: OverrideFault::PlaceholderReason(_),
                ..
            }) => "An override is a human's act: the human who approves the exception replaces the blank with why (who approved it, where), and commits. An agent does not fill it in: stop and escalate (`execguard escalate \"<question>\"`), and give the human the command.".to_string(),
            CommitMessage::BadOverride(_) => format!(
                "Write `{OVERRIDE_TRAILER}: <rule-id>: <reason>` with a rule id from `execguard explain --list`; an override without a valid rule and reason overrides nothing."
            ),
        }
    }
}

/// Whether `text` is a blank left to fill rather than words of its own: `___`, `...`, `<reason>`,
/// `[subject]`, `TODO` and the like.
pub fn is_placeholder(text: &str) -> bool {
    let text = text.trim();
    if text.is_empty() {
        return false;
    }
    let bracketed = [('<', '>'), ('[', ']'), ('{', '}')]
        .iter()
        .any(|(open, close)| text.starts_with(*open) && text.ends_with(*close));
    let blank = text.chars().all(|c| "_-.…?*".contains(c));
    let word = text
        .trim_matches(|c: char| !c.is_alphanumeric())
        .to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "reason",
        "todo",
        "tbd",
        "fixme",
        "xxx",
        "placeholder",
        "your reason",
        "reason here",
        "n/a",
    ];
    bracketed || blank || WORDS.contains(&word.as_str())
}
