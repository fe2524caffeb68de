//! Runs a table of test cases: every row runs even when an earlier one fails, and the test then
//! fails naming each row that did.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `check` on every case of `cases`; `name` says which row a failure belongs to.
#[track_caller]
pub fn each_case<C>(cases: &[C], name: impl Fn(&C) -> String, check: impl Fn(&C)) {
    let mut failed = Vec::new();
    for case in cases {
        if catch_unwind(AssertUnwindSafe(|| check(case))).is_err() {
            failed.push(name(case));
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed (see the panics above): {failed:#?}",
        failed.len(),
        cases.len()
    );
}
