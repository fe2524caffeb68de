//! `execguard explain <rule>`: prints a rule's documentation, and with `--config FILE` the rule
//! as that file configures it.

use std::path::Path;

use clap::Args;
use execguard_core::{Config, RuleId, ALL_RULES};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, such as `frozen-spec`.
    #[arg(required_unless_present = "list")]
    pub rule: Option<String>,
    /// List every rule with a one-line summary.
    #[arg(long)]
    pub list: bool,
}

/// `config` is the global `--config FILE`: the rule is then shown as that file configures it.
pub fn run(args: &ExplainArgs, config: Option<&Path>) -> anyhow::Result<()> {
    if args.list {
        let mut text = String::new();
        for rule in ALL_RULES {
            text.push_str(rule.summary());
            text.push('\n');
        }
        crate::render::print(&text);
        return Ok(());
    }
    let name = args.rule.as_deref().unwrap_or_default();
    let rule: RuleId = name.parse().map_err(|e| {
        anyhow::anyhow!(
            "{e}; the rules are: {}",
            ALL_RULES
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let mut text = rule.doc().to_string();
    if let Some(path) = config {
        let configured = execguard_git::read_config_file(path)?;
        text.push_str(&configured_section(&configured, rule, path));
    }
    crate::render::print(&text);
    Ok(())
}

/// The rule's `[rules.<id>]` table with every key as `path` sets it (defaults filled in).
fn configured_section(config: &Config, rule: RuleId, path: &Path) -> String {
    let full: toml::Table = toml::from_str(&config.to_toml()).unwrap_or_default();
    let table = full
        .get("rules")
        .and_then(|rules| rules.get(rule.as_str()))
        .and_then(|table| table.as_table())
        .cloned()
        .unwrap_or_default();
    let body = toml::to_string(&table).unwrap_or_default();
    format!(
        "\n## As configured by {}\n```toml\n[rules.{rule}]\n{body}```\n",
        path.display()
    )
}
