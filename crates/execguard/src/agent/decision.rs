//! The answer to one agent hook event, as every event's reader gives it.

/// The answer to one event.
#[derive(Debug, PartialEq, Eq)]
pub enum Decision {
    Allow,
    /// Refuse the tool call (or the stop), with the reason the agent reads.
    Block(String),
    /// Allow, and give the session this text as context.
    Context(String),
}
