//! `execguard escalate`: the agent's way to stop and ask. `execguard escalate [--feature F]
//! "<question>"` records the question in the trail (see [`crate::trail`]), with the agent session
//! that asks it; while it is open the Stop hook lets that session (and no other) stop without a
//! new Progress entry, and `execguard status` shows it. A human closes it with `execguard escalate --resolve ID "<decision>"`.

use std::path::PathBuf;

use anyhow::bail;
use clap::Args;
use serde_json::{Map, Value};

use crate::trail;

#[derive(Debug, Args)]
pub struct EscalateArgs {
    /// The question for the human (with `--resolve`, the decision).
    #[arg(value_name = "TEXT")]
    pub text: String,
    /// The feature the question is about (default: the one the current branch names).
    #[arg(long, value_name = "FEATURE", conflicts_with = "resolve")]
    pub feature: Option<String>,
    /// Close the open escalation ID with the decision given.
    #[arg(long, value_name = "ID")]
    pub resolve: Option<u64>,
    /// The repository (default: the one containing the current directory).
    #[arg(long, value_name = "PATH")]
    pub repo: Option<PathBuf>,
}

pub fn run(args: &EscalateArgs, config: Option<&std::path::Path>) -> anyhow::Result<()> {
    let repo = super::open_repo(args.repo.as_deref(), None)?;
    let git_dir = repo.common_dir().to_path_buf();
    let text = args.text.trim();
    if text.is_empty() {
        bail!("the text is empty: say what the human must decide (or, with --resolve, what was decided)");
    }
    let who = crate::unix_user::current().display_name();
    let mut fields = Map::new();
    if let Some(id) = args.resolve {
        let records = trail::read(&git_dir)?;
        if !trail::open_escalations(&records)
            .iter()
            .any(|open| open.id == id)
        {
            let open: Vec<String> = trail::open_escalations(&records)
                .iter()
                .map(|e| e.id.to_string())
                .collect();
            bail!(
                "no open escalation has the id {id} (open: {}); `execguard status` lists them",
                if open.is_empty() {
                    "none".to_string()
                } else {
                    open.join(", ")
                }
            );
        }
        fields.insert("layer".into(), "escalate".into());
        fields.insert("kind".into(), "resolution".into());
        fields.insert("resolves".into(), id.into());
        fields.insert("who".into(), who.into());
        fields.insert("message".into(), text.into());
        trail::append(&git_dir, fields)?;
        crate::render::print(&format!("execguard: escalation {id} resolved.\n"));
        return Ok(());
    }
    let feature = match &args.feature {
        Some(feature) => Some(feature.clone()),
        None => branch_feature(&repo, config),
    };
    fields.insert("layer".into(), "escalate".into());
    fields.insert("kind".into(), "escalation".into());
    if let Some(feature) = &feature {
        fields.insert("feature".into(), feature.clone().into());
    }
    if let Some(head) = execguard_git::head_commit_id(&repo) {
        fields.insert("commit".into(), Value::String(head.to_string()));
    }
    fields.insert("who".into(), who.into());
    let session = agent_session();
    if let Some(session) = &session {
        fields.insert("session".into(), session.clone().into());
    }
    fields.insert("message".into(), text.into());
    let id = trail::append(&git_dir, fields)?;
    let unbound = if session.is_none() {
        format!(" No agent session is named ({} unset), so this question lets no agent's Stop hook through.", SESSION_VARS.join(" and "))
    } else {
        String::new()
    };
    crate::render::print(&format!(
        "execguard: escalation {id} recorded{}. Stop now and wait for the human's decision; a human closes it with `execguard escalate --resolve {id} \"<decision>\"`.{unbound}\n",
        feature.map(|f| format!(" for {f}")).unwrap_or_default()
    ));
    Ok(())
}

/// The variables the agent hosts set, for the commands their agent runs, to the `session_id`
/// their hook events carry: Claude Code (2.1.132 and later) and Codex.
pub const SESSION_VARS: [&str; 2] = ["CLAUDE_CODE_SESSION_ID", "CODEX_THREAD_ID"];

/// The agent session this command runs in, as its host names it; `None` outside an agent.
fn agent_session() -> Option<String> {
    SESSION_VARS.iter().find_map(|name| {
        std::env::var(name)
            .ok()
            .map(|value| value.trim().to_string())
            .filter(|value| !value.is_empty())
    })
}

/// The feature the current branch names, as the config at HEAD reads branch names.
fn branch_feature(repo: &execguard_git::Repo, config: Option<&std::path::Path>) -> Option<String> {
    let tree = execguard_git::head_tree(repo).ok()?;
    let (config, _) = execguard_git::load_config(repo, tree.as_ref(), "HEAD", config).ok()?;
    let branch = execguard_git::current_branch(repo)?;
    config.layout.branch_patterns.feature_of(&branch)
}
