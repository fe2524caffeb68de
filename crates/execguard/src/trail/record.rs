//! Writing the hooks' verdicts into the trail: each refusal, override honoured or refused and
//! `EXECGUARD_SKIP` of a report, or an agent hook's block. A trail that cannot be written is
//! reported on stderr; the verdict stands either way.

use std::path::Path;

use execguard_core::Report;
use serde_json::{Map, Value};

/// Who acts on a client: the committer git would name, else the user running the hook.
pub fn client_who() -> String {
    std::env::var("GIT_AUTHOR_NAME")
        .ok()
        .filter(|name| !name.trim().is_empty())
        .unwrap_or_else(|| crate::unix_user::current().display_name())
}

/// The feature the repository's current branch names, as the config at HEAD reads it.
pub fn branch_feature(repo: &execguard_git::Repo) -> Option<String> {
    feature_of_branch(repo, &execguard_git::current_branch(repo)?)
}

/// The feature `branch` names, as the config at HEAD reads branch names.
pub fn feature_of_branch(repo: &execguard_git::Repo, branch: &str) -> Option<String> {
    let tree = execguard_git::head_tree(repo).ok()?;
    let (config, _) = execguard_git::load_config(repo, tree.as_ref(), "HEAD", None).ok()?;
    config.layout.branch_patterns.feature_of(branch)
}

/// One record of the trail for every violation, override and skip of `report`.
pub fn report(git_dir: &Path, layer: &str, report: &Report, who: &str, feature: Option<&str>) {
    let mut records = Vec::new();
    for violation in &report.violations {
        let kind = if violation.refused_override.is_some() {
            "override-refused"
        } else {
            "refusal"
        };
        records.push((kind, violation, None));
    }
    for overridden in &report.overridden {
        records.push((
            "override-honoured",
            &overridden.violation,
            Some(overridden.reason.as_str()),
        ));
    }
    for skipped in &report.skipped {
        records.push(("skip", skipped, None));
    }
    let mut all = Vec::with_capacity(records.len());
    for (kind, violation, reason) in records {
        let mut fields = Map::new();
        fields.insert("layer".into(), layer.into());
        fields.insert("kind".into(), kind.into());
        fields.insert("rule".into(), violation.rule().as_str().into());
        if let Some(path) = violation.path() {
            fields.insert("path".into(), path.to_text().into());
        }
        if let Some(commit) = violation.commit() {
            fields.insert("commit".into(), commit.into());
        }
        if let Some(feature) = feature {
            fields.insert("feature".into(), feature.into());
        }
        fields.insert("who".into(), who.into());
        if let Some(reason) = reason {
            fields.insert("reason".into(), reason.into());
        }
        fields.insert("message".into(), violation.message().into());
        all.push(fields);
    }
    if all.is_empty() {
        return;
    }
    if let Err(error) = super::append_all(git_dir, all) {
        warn_unrecorded(&error);
    }
}

/// An agent hook's block: the rule is the first `[rule]` its text names.
pub fn agent_block(event: &str, reason: &str) {
    let Ok(Value::Object(event)) = serde_json::from_str::<Value>(event) else {
        return;
    };
    let Some(cwd) = event.get("cwd").and_then(Value::as_str) else {
        return;
    };
    let Ok(repo) = execguard_git::open_at(Path::new(cwd)) else {
        return;
    };
    let mut fields = Map::new();
    fields.insert("layer".into(), "agent-hook".into());
    fields.insert("kind".into(), "refusal".into());
    if let Some(rule) = first_rule(reason) {
        fields.insert("rule".into(), rule.into());
    }
    if let Some(feature) = branch_feature(&repo) {
        fields.insert("feature".into(), feature.into());
    }
    let session = event
        .get("session_id")
        .and_then(Value::as_str)
        .unwrap_or("?");
    fields.insert("who".into(), format!("agent session {session}").into());
    if let Some(name) = event.get("hook_event_name").and_then(Value::as_str) {
        fields.insert("event".into(), name.into());
    }
    fields.insert("message".into(), reason.into());
    append(repo.common_dir(), fields);
}

/// The first `[rule-id]` of a text that names a known rule.
fn first_rule(text: &str) -> Option<String> {
    text.split('[')
        .skip(1)
        .filter_map(|rest| rest.split_once(']').map(|(name, _)| name))
        .find(|name| name.parse::<execguard_core::RuleId>().is_ok())
        .map(str::to_string)
}

/// Appends, reporting a failure on stderr.
fn append(git_dir: &Path, fields: Map<String, Value>) {
    if let Err(error) = super::append(git_dir, fields) {
        warn_unrecorded(&error);
    }
}

fn warn_unrecorded(error: &anyhow::Error) {
    crate::render::eprint_line(&format!(
        "execguard: warning: this verdict could not be recorded in the trail ({error:#}); it stands all the same."
    ));
}

/// What `execguard run` did, for the trail: started guarded, started unguarded, refused to
/// start, or ended.
pub struct RunEvent<'a> {
    /// `run-guarded`, `run-unguarded`, `refusal` or `run-ended`.
    pub kind: &'a str,
    pub route: Option<&'a str>,
    pub program: &'a str,
    /// The read-only paths, as the summary shows them (relative to the working tree when inside).
    pub paths: &'a [String],
    pub exit_code: Option<u8>,
    pub message: String,
}

/// One record of the trail for `execguard run` in `repo`.
pub fn run(repo: &execguard_git::Repo, event: &RunEvent) {
    let mut fields = Map::new();
    fields.insert("layer".into(), "run".into());
    fields.insert("kind".into(), event.kind.into());
    if let Some(feature) = branch_feature(repo) {
        fields.insert("feature".into(), feature.into());
    }
    fields.insert(
        "who".into(),
        crate::unix_user::current().display_name().into(),
    );
    fields.insert("command".into(), event.program.into());
    if let Some(route) = event.route {
        fields.insert("route".into(), route.into());
    }
    if !event.paths.is_empty() {
        fields.insert("paths".into(), event.paths.to_vec().into());
    }
    if let Some(code) = event.exit_code {
        fields.insert("exit-code".into(), code.into());
    }
    fields.insert("message".into(), event.message.clone().into());
    append(repo.common_dir(), fields);
}
