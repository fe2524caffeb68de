//! The hook entries of Claude Code's and Codex's project settings.
