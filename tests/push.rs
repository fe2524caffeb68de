#![allow(clippy::unwrap_used)]
//! Push-side and server-side enforcement: pre-push, pre-receive and range checks.

mod common;
