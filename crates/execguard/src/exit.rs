//! Exit codes, documented in one place (and in the README):
//!
//! - 0: clean, the commit or push may proceed;
//! - 1: violations were found, the commit or push is refused;
//! - 2: the check could not run (a broken config, an unreadable or unsupported repository, a bad
//!   argument), and the commit or push is refused all the same: the guard fails closed.

use std::process::ExitCode;

pub const CLEAN: u8 = 0;
pub const VIOLATIONS: u8 = 1;
pub const COULD_NOT_CHECK: u8 = 2;

/// Prints an error that stopped the check and returns exit code 2.
pub fn could_not_check(error: &anyhow::Error, refused: &str) -> ExitCode {
    let mut text = format!(
        "execguard: error: {}",
        execguard_git::without_error_codes(&error.to_string())
    );
    for cause in error.chain().skip(1) {
        let cause = execguard_git::without_error_codes(&cause.to_string());
        if !text.contains(&cause) {
            text.push_str(&format!(": {cause}"));
        }
    }
    text.push('\n');
    crate::render::eprint_always(&text);
    if !refused.is_empty() {
        crate::render::eprint_always(&format!(
            "execguard: the check could not run, so {refused} (exit code 2). Fix the problem above; do not bypass the hook.\n"
        ));
    }
    ExitCode::from(COULD_NOT_CHECK)
}
