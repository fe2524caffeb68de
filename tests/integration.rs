//! The end-to-end suites, one module each, in one test crate: they link once.
//! `cargo test --workspace` runs them all; `cargo test -p execguard --test integration <suite>::`
//! runs one suite (`agent_hook::`, `push_routes::`, ...).

#![allow(clippy::unwrap_used)]

mod common;
#[path = "support/sources.rs"]
mod sources;

mod adoption;
mod agent_hook;
mod agent_run;
mod agent_settings;
mod baseline_command;
mod case_folding;
mod check_range;
mod cli;
mod config;
mod counting;
mod crafted;
mod doctor;
mod findings;
mod git_boundary;
mod guard_config;
mod hints;
mod histories;
mod hook_entries;
mod hook_history;
mod hook_repositories;
mod hooks;
mod install;
mod layouts;
mod managers;
mod markers;
mod merges;
mod output;
mod pre_push;
mod push;
mod push_refs;
mod push_routes;
mod real_servers;
mod rules;
mod sections;
mod server_install;
mod server_messages;
mod shipping;
mod structure;
mod supervisor;
