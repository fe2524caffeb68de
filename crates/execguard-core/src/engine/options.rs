//! How a check is run: which rules are skipped, how the message is cleaned, and whose override
//! trailers count.

use std::collections::BTreeSet;

use crate::config::Config;
use crate::context::Pusher;
use crate::rule_id::RuleId;

/// How a check is run.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Rules whose violations are set aside (`EXECGUARD_SKIP` in pre-commit).
    pub skip: BTreeSet<RuleId>,
    /// git's `core.commentChar`, for reading a message that git has not cleaned up yet (the
    /// commit-msg hook); `None` keeps every line, as for a recorded commit.
    pub comment_char: Option<String>,
    /// Whether `Execguard-Override` trailers are honoured.
    pub overrides: OverridePolicy,
    /// Who brings the change, for the rules that ask who may make it (spec-freeze-owner).
    pub pusher: Pusher,
}

/// Who may override a rule with a trailer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum OverridePolicy {
    /// Any commit's trailer is honoured (client hooks, which the committer runs).
    #[default]
    Honour,
    /// The pusher is not trusted to override (pre-receive): trailers are refused, and the message
    /// says who may override on the server.
    Refuse {
        pusher: String,
        allowed: Vec<String>,
    },
    /// A range or commit check in CI: trailers count only when `pusher` is listed in
    /// `[server] override-users` of the config that judges the change; `None` when no pusher
    /// was named, and then no trailer counts.
    ListedPusher { pusher: Option<String> },
}

impl OverridePolicy {
    /// Why a trailer is not honoured under this policy for a change judged by `config`, and what
    /// to do instead; `None` when it is honoured.
    pub(super) fn refusal(&self, config: &Config) -> Option<(String, String)> {
        match self {
            OverridePolicy::Honour => None,
            OverridePolicy::Refuse { pusher, allowed } => {
                let who = if allowed.is_empty() {
                    "no pusher may override on this server ([server] override-users is empty)"
                        .to_string()
                } else {
                    format!("only {} may override on this server", allowed.join(", "))
                };
                let next = if allowed.is_empty() {
                    "Remove the override and fix the cause; a trailer cannot get this commit onto this server.".to_string()
                } else {
                    format!(
                        "Ask {} to push this commit, or remove the override and fix the cause.",
                        allowed.join(" or ")
                    )
                };
                Some((
                    format!("the pusher `{pusher}` is not allowed to override: {who}"),
                    next,
                ))
            }
            OverridePolicy::ListedPusher { pusher } => {
                let allowed = &config.server.override_users;
                let who = if allowed.is_empty() {
                    "nobody may override, as `[server] override-users` of the config in force is empty"
                        .to_string()
                } else {
                    format!(
                        "only {} may override, as listed in `[server] override-users` of the config in force",
                        allowed.join(", ")
                    )
                };
                match pusher.as_deref().map(str::trim) {
                    Some(name) if !name.is_empty() => {
                        if allowed.iter().any(|user| user == name) {
                            return None;
                        }
                        let next = if allowed.is_empty() {
                            "Remove the override and fix the cause; no trailer counts under this config.".to_string()
                        } else {
                            format!(
                                "Ask {} to take this change over, or remove the override and fix the cause.",
                                allowed.join(" or ")
                            )
                        };
                        Some((format!("`{name}` is not allowed to override: {who}"), next))
                    }
                    _ => Some((
                        format!("no pusher was named, so no override is honoured; {who}"),
                        "Run `execguard check` with `--pusher NAME`, naming who proposes the change (the pull or merge request's author), or remove the override and fix the cause.".to_string(),
                    )),
                }
            }
        }
    }
}
