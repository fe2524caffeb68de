//! `execguard explain <rule>`: prints a rule's documentation.

use clap::Args;
use execguard_core::{RuleId, ALL_RULES};

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id, such as `frozen-spec`.
    #[arg(required_unless_present = "list")]
    pub rule: Option<String>,
    /// List every rule with a one-line summary.
    #[arg(long)]
    pub list: bool,
}

pub fn run(args: &ExplainArgs) -> anyhow::Result<()> {
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
    crate::render::print(rule.doc());
    Ok(())
}
