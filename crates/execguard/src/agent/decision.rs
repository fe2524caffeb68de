//! The answer to one agent hook event, as every event's reader gives it, and the text of a
//! block.

/// The answer to one event.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Refuse the tool call (or the stop), with the reason the agent reads.
    Block(String),
    /// Allow, and give the session this text as context.
    Context(String),
}

/// The reason an agent reads: what was refused, by which rule, and that it must stop.
pub fn block_text(reasons: &[String], rules: &[&str]) -> String {
    let mut text = String::from("execguard: blocked:\n");
    for reason in reasons {
        text.push_str(&format!("  - {reason}\n"));
    }
    if rules.iter().all(|rule| *rule == super::shell::UNREADABLE) {
        text.push_str("execguard cannot tell what this command line writes. Rewrite it in plain shell syntax; if it must stay as it is, Stop and escalate to a human (`execguard escalate \"<question>\"`). Do not work around this.");
        return text;
    }
    text.push_str("These files and hooks are the human's decisions; only a human may change them. Stop and escalate to a human: run `execguard escalate \"<what you needed to change and why>\"`, then stop. Do not retry, and do not work around this with another tool, a shell command, another path or by turning the hooks off.");
    let explained: Vec<&&str> = rules
        .iter()
        .filter(|r| r.parse::<execguard_core::RuleId>().is_ok())
        .collect();
    if let Some(rule) = explained.first() {
        text.push_str(&format!(" `execguard explain {rule}` says why."));
    }
    text
}
