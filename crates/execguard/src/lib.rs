//! The execguard command line and git hooks. Binaries are thin: each parses what git gives its
//! hook and calls into [`staged`] or a subcommand.

pub mod agent;
pub mod commands;
pub mod commits;
pub mod exit;
pub mod install;
pub mod merges;
pub mod push;
pub mod render;
pub mod staged;
pub mod unreadable;
