#![allow(clippy::unwrap_used)]
//! Adoption without rewriting history: `[adoption] baseline` names the commits whose history
//! predates the guard, and pre-receive and `check --range` leave that history unjudged. The
//! server's verdicts are a table of push scenarios; `execguard baseline` is in
//! tests/baseline_command.rs.

use crate::common;

use std::collections::BTreeSet;

use common::legacy::*;
use common::pushes::*;
use common::server::*;
use common::*;

// ---- pre-receive ---------------------------------------------------------------------------

const MAIN: &[&str] = &["origin", "main"];
const ANA: &[(&str, &str)] = &[("REMOTE_USER", "ana")];
const OVERRIDE_BY_ANA: &str = "[server]\noverride-users = [\"ana\"]\n";
/// A config that turns the guard off.
const GUARD_OFF: &str =
    "[rules.guard-config]\nenabled = false\n\n[rules.frozen-spec]\nenabled = false\n";

fn legacy_fixture() -> TestRepo {
    legacy_repo().0
}

/// The pushed fixture on a server that lets `ana` override.
fn override_fixture() -> TestRepo {
    let repo = pushed_fixture();
    pin_server_config(&repo, OVERRIDE_BY_ANA);
    repo
}

/// An agent's spec edit, then a config naming that very commit as a baseline, committed with an
/// override trailer.
const BASELINE_OVER_OWN_COMMIT: MakeCommits = |repo| {
    let bad = commit_spec_edit(repo, "Tweak the spec");
    repo.write(".execguard.toml", baseline_config(&[&bad]));
    repo.commit_unchecked(
        "Record the baseline\n\nExecguard-Override: guard-config: the history predates the guard",
    );
};

/// The range check in CI refuses it too.
const RANGE_CHECK_REFUSES_GUARD_CONFIG: fn(&TestRepo) = |repo| {
    let run = repo.execguard(["check", "--range", "origin/exec/login..HEAD"]);
    run.assert_refused("guard-config");
};

/// A spec edit that turns the guard off, then a baseline naming it: the exempted history would
/// judge the commit that names it.
const BASELINE_OVER_GUARD_OFF: MakeCommits = |repo| {
    repo.append("specs/login.md", "Also support passkeys.\n");
    repo.write(".execguard.toml", GUARD_OFF);
    repo.commit_unchecked("Tweak the spec");
    let bad = repo.head();
    let config = format!("{GUARD_OFF}\n{}", baseline_config(&[&bad]));
    repo.write(".execguard.toml", config);
    repo.commit_unchecked("Record the baseline");
};

/// A range check from the server's tip judges the spec edit all the same.
const RANGE_CHECK_REFUSES_THE_SPEC_EDIT: fn(&TestRepo) = |repo| {
    let run = check_range(repo, "origin/exec/login..HEAD", None);
    run.assert_refused("frozen-spec");
    let bad = repo.git(["rev-parse", "HEAD~1"]);
    assert!(
        reported_commits(&run.stderr).contains(&short(&bad)),
        "{run:#?}"
    );
};

const REFUSED_AS_GUARD_CONFIG: Step = Step {
    make: BASELINE_OVER_OWN_COMMIT,
    pusher: &[("REMOTE_USER", "agent")],
    verdict: Verdict::Refused(Refusal {
        says: &["adoption.baseline"],
        ..refused("guard-config")
    }),
    then: RANGE_CHECK_REFUSES_GUARD_CONFIG,
    ..STEP
};

const GUARD_OFF_REFUSED: Step = Step {
    make: BASELINE_OVER_GUARD_OFF,
    pusher: &[("REMOTE_USER", "agent")],
    verdict: Verdict::Refused(refused("guard-config")),
    then: RANGE_CHECK_REFUSES_THE_SPEC_EDIT,
    ..STEP
};

const NEWLY_GUARDED_SERVER: &[PushCase] = &[
    PushCase {
        name: "an existing history is refused by a newly guarded server without a baseline",
        fixture: legacy_fixture,
        steps: &[Step {
            args: MAIN,
            verdict: Verdict::Refused(Refusal {
                findings: Findings::Includes(|repo| legacy(repo, 1)),
                ..refused("frozen-spec")
            }),
            ..STEP
        }],
    },
    PushCase {
        name: "a pinned baseline at the tip lets the existing history land",
        fixture: legacy_fixture,
        steps: &[
            Step {
                make: |repo| pin_server_config(repo, &baseline_config(&[&legacy(repo, 19)])),
                args: MAIN,
                ..STEP
            },
            // A bad commit on top is judged as usual, and only it.
            Step {
                make: |repo| {
                    commit_spec_edit(repo, "Amend the spec again");
                },
                args: MAIN,
                verdict: Verdict::Refused(Refusal {
                    findings: Findings::OnlyHead,
                    ..refused("frozen-spec")
                }),
                ..STEP
            },
        ],
    },
    PushCase {
        name: "an in-repo baseline committed with an override lands when a listed user pushes it",
        fixture: legacy_fixture,
        steps: &[
            // Anyone else's push carries a loosening nobody approved on this server; the history
            // behind the baseline is not judged.
            Step {
                make: |repo| {
                    pin_server_config(repo, OVERRIDE_BY_ANA);
                    commit_adoption(repo, &legacy(repo, 19));
                },
                args: MAIN,
                pusher: &[("REMOTE_USER", "mallory")],
                verdict: Verdict::Refused(Refusal {
                    findings: Findings::OnlyHead,
                    ..refused("guard-config")
                }),
                ..STEP
            },
            Step {
                args: MAIN,
                pusher: ANA,
                ..STEP
            },
            // A new bad commit on top is refused, even for ana (no trailer).
            Step {
                make: |repo| {
                    commit_spec_edit(repo, "Amend the spec again");
                },
                args: MAIN,
                pusher: ANA,
                verdict: Verdict::Refused(refused("frozen-spec")),
                ..STEP
            },
        ],
    },
    // Without a pinned config, the baseline the tip names still leaves the old history out (the
    // config at the baseline keeps guard-config on): only the adoption commit is judged, and no
    // override counts on such a server.
    PushCase {
        name: "an in-repo baseline on a server without a pinned config leaves only the adoption commit",
        fixture: legacy_fixture,
        steps: &[Step {
            make: |repo| {
                commit_adoption(repo, &legacy(repo, 19));
            },
            args: MAIN,
            pusher: ANA,
            verdict: Verdict::Refused(Refusal {
                findings: Findings::OnlyHead,
                says: &["20 commits reachable from adoption.baseline predate the guard"],
                ..refused("guard-config")
            }),
            ..STEP
        }],
    },
    PushCase {
        name: "an agent naming its own bad commit as a baseline is refused as guard-config",
        fixture: pushed_fixture,
        steps: &[REFUSED_AS_GUARD_CONFIG],
    },
    PushCase {
        name: "an agent naming its own bad commit as a baseline is refused as guard-config, pinned",
        fixture: override_fixture,
        steps: &[REFUSED_AS_GUARD_CONFIG],
    },
    PushCase {
        name: "a baseline over history that turns the guard off is refused",
        fixture: pushed_fixture,
        steps: &[GUARD_OFF_REFUSED],
    },
    PushCase {
        name: "a baseline over history that turns the guard off is refused, pinned",
        fixture: override_fixture,
        steps: &[GUARD_OFF_REFUSED],
    },
    PushCase {
        name: "a baseline the repository lacks hides nothing and says so",
        fixture: legacy_fixture,
        steps: &[Step {
            make: |repo| {
                pin_server_config(
                    repo,
                    &baseline_config(&["0123456789abcdef0123456789abcdef01234567"]),
                );
            },
            args: MAIN,
            verdict: Verdict::Refused(Refusal {
                says: &[
                    "adoption.baseline 0123456789abcdef0123456789abcdef01234567",
                    "exempts nothing",
                ],
                ..refused("frozen-spec")
            }),
            ..STEP
        }],
    },
    PushCase {
        name: "a malformed baseline is a config error naming the key",
        fixture: legacy_fixture,
        steps: &[Step {
            make: |repo| pin_server_config(repo, "[adoption]\nbaseline = [\"HEAD\"]\n"),
            args: MAIN,
            verdict: Verdict::CouldNotCheck(&["adoption.baseline", "server-config.toml:2:"]),
            ..STEP
        }],
    },
];

#[test]
fn a_newly_guarded_server_judges_only_what_the_baseline_leaves() {
    run_push_cases(NEWLY_GUARDED_SERVER);
}

// ---- check --range -------------------------------------------------------------------------

/// `execguard check --range RANGE --config PATH`.
fn check_range(repo: &TestRepo, range: &str, config: Option<&std::path::Path>) -> Run {
    let mut args: Vec<std::ffi::OsString> = vec!["check".into(), "--range".into(), range.into()];
    if let Some(path) = config {
        args.push("--config".into());
        args.push(path.into());
    }
    repo.execguard(args)
}

#[test]
fn a_range_check_reports_only_commits_after_the_baseline() {
    let (repo, ids) = legacy_repo();
    let adoption = commit_adoption(&repo, &ids[19]);
    let bad = commit_spec_edit(&repo, "Amend the spec again");
    let range = format!("{}..HEAD", ids[0]);
    // With a config the range cannot change, naming the baseline and who may override.
    let config = repo.root.join("ci-config.toml");
    std::fs::write(
        &config,
        format!(
            "[server]\noverride-users = [\"ana\"]\n\n{}",
            baseline_config(&[&ids[19]])
        ),
    )
    .unwrap();
    let run = check_range(&repo, &range, Some(&config));
    run.assert_refused("frozen-spec");
    // The adoption commit's trailer is honoured only for a listed pusher.
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&adoption), short(&bad)]),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("19 commits of the range predate the guard"),
        "{run:#?}"
    );
    let run = repo.execguard([
        "check".as_ref(),
        "--range".as_ref(),
        range.as_ref(),
        "--pusher".as_ref(),
        "ana".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
    ]);
    run.assert_refused("frozen-spec");
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&bad)]),
        "{run:#?}"
    );
    // Up to the adoption commit: refused for an unnamed pusher, clean for ana.
    let run = check_range(&repo, &format!("{}..{adoption}", ids[0]), Some(&config));
    run.assert_refused("guard-config");
    let run = repo.execguard([
        "check".as_ref(),
        "--range".as_ref(),
        format!("{}..{adoption}", ids[0]).as_ref(),
        "--pusher".as_ref(),
        "ana".as_ref(),
        "--config".as_ref(),
        config.as_os_str(),
    ]);
    run.assert_ok();
    // The README's audit of a history whose adoption commit lies inside the range.
    let audit = format!(
        "execguard check --range {}..HEAD --config .execguard.toml",
        ids[0]
    );
    let readme = readme();
    assert!(readme.contains("`execguard check --range <root>..HEAD --config .execguard.toml`"));
    let run = run_shell(&repo, &audit);
    run.assert_refused("frozen-spec");
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&adoption), short(&bad)]),
        "{run:#?}"
    );
    // Regression: without --config, `check --range <root>..HEAD` judged the whole old history
    // after `execguard baseline`. The baseline HEAD's config names counts: the config at the
    // baseline commit keeps guard-config on and lists no override user, so the adoption commit
    // that names it is judged (and reported: no pusher's override is honoured) and the old
    // history is not.
    let run = check_range(&repo, &range, None);
    run.assert_refused("frozen-spec");
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&adoption), short(&bad)]),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("19 commits of the range predate the guard"),
        "{run:#?}"
    );
    // The whole history, down to the root, likewise.
    let run = repo.execguard(["check", "--range", "HEAD", "--whole-history"]);
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&adoption), short(&bad)]),
        "{run:#?}"
    );
    // One old commit on its own is not judged either: the current branch's config names the
    // baseline it lies behind.
    let run = repo.execguard(["check", "--commit", &ids[3]]);
    run.assert_ok();
    assert!(run.stderr.contains("0 commits checked"), "{run:#?}");
}

#[test]
fn a_baseline_vouched_for_by_override_users_the_history_added_exempts_nothing() {
    let (repo, ids) = legacy_repo();
    // An agent lists itself as an override user in the history, then names that history as the
    // baseline with its own override: the range check with it as the pusher judges everything.
    repo.write(
        ".execguard.toml",
        "[server]\noverride-users = [\"agent\"]\n",
    );
    repo.commit_unchecked("Let the agent override");
    let listed = repo.head();
    commit_adoption(&repo, &listed);
    let run = repo.execguard([
        "check",
        "--range",
        &format!("{}..HEAD", ids[0]),
        "--pusher",
        "agent",
    ]);
    run.assert_refused("guard-config");
    assert!(
        reported_commits(&run.stderr).contains(&short(&listed)),
        "{run:#?}"
    );
    assert!(
        run.stderr.contains("lists override users (agent)"),
        "{run:#?}"
    );
}

#[test]
fn a_range_check_trusts_the_baselines_of_its_base() {
    let (repo, ids) = legacy_repo();
    // A second pre-guard branch, off the main history.
    repo.git(["checkout", "-q", "-b", "legacy-2", &ids[5]]);
    repo.append("specs/login.md", "Legacy requirement.\n");
    repo.commit_unchecked("Amend the spec on the old branch");
    let old_tip = repo.head();
    repo.git(["checkout", "-q", "main"]);
    repo.write(".execguard.toml", baseline_config(&[&ids[19], &old_tip]));
    repo.commit_unchecked(
        "Adopt execguard\n\nExecguard-Override: guard-config: adopting execguard on an existing history",
    );
    let adoption = repo.head();
    repo.merge_unchecked("legacy-2", "Merge the old branch");
    let run = check_range(&repo, &format!("{adoption}..HEAD"), None);
    run.assert_ok();
    assert!(
        run.stderr
            .contains("1 commit of the range predates the guard"),
        "{run:#?}"
    );
    // From a base without the baseline, the tip's baseline still leaves the old commit out, and
    // the adoption commit that names it is judged: its override is honoured for no pusher.
    let run = check_range(&repo, &format!("{}..HEAD", ids[19]), None);
    run.assert_refused("guard-config");
    assert_eq!(
        reported_commits(&run.stderr),
        BTreeSet::from([short(&adoption)]),
        "{run:#?}"
    );
}
