//! The execguard command line and git hooks. Binaries are thin: each parses what git gives its
//! hook and calls into [`staged`] or a subcommand.

pub mod agent;
pub mod commands;
pub mod commits;
pub mod doctor;
pub mod exit;
pub mod git_hooks;
pub mod guarded;
pub mod hook_access;
pub mod install;
pub mod managers;
pub mod merges;
pub mod output;
pub mod push;
pub mod render;
pub mod repair;
pub mod sandbox;
pub mod staged;
pub mod status_facts;
pub mod trail;
pub mod unix_user;
pub mod unreadable;
pub mod verbosity;
