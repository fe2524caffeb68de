//! The cases every real server runs: a clean push, each rule refused with a `remote:` message,
//! overrides from a listed and an unlisted pusher, ten concurrent pushes, and a broken or missing
//! pinned config. Each case pushes a new branch made from `exec/login`.

use std::panic::AssertUnwindSafe;

use super::super::server::{
    assert_bare_sound, bare_git, commit_clean_code, commit_spec_edit, leftovers,
};
use super::*;

/// Who pushes a case.
#[derive(Clone, Copy, Debug)]
pub enum Who {
    /// The pusher listed in `[server] override-users`.
    Listed,
    /// A pusher the config does not list.
    Other,
}

/// What the server must do with a case's push.
#[derive(Clone, Copy, Debug)]
pub enum Verdict {
    Lands,
    /// Refused, naming every one of these rules.
    Refused(&'static [&'static str]),
}

pub struct Case {
    pub name: &'static str,
    /// Makes the branch's commits on top of `exec/login`.
    pub make: fn(&TestRepo),
    pub who: Who,
    pub verdict: Verdict,
}

// The commits' dates are pinned, so each case's commits must differ in content or message to be
// new to the server.
const OVERRIDDEN_SPEC: &str =
    "Amend the login spec\n\nExecguard-Override: frozen-spec: passkeys approved by the product owner";
const OVERRIDDEN_SPEC_AGAIN: &str =
    "Amend the login spec again\n\nExecguard-Override: frozen-spec: passkeys approved by the product owner";

pub const CASES: &[Case] = &[
    Case {
        name: "clean",
        make: |repo| {
            commit_clean_code(repo, "logout");
        },
        who: Who::Listed,
        verdict: Verdict::Lands,
    },
    Case {
        name: "frozen-spec",
        make: |repo| {
            commit_spec_edit(repo, "Amend the login spec");
        },
        who: Who::Listed,
        verdict: Verdict::Refused(&["frozen-spec"]),
    },
    Case {
        name: "protected-path",
        make: |repo| {
            repo.append("backend/PLANS.md", "Plans may skip Progress.\n");
            repo.commit_unchecked("Relax the plan-writing rules");
        },
        who: Who::Listed,
        verdict: Verdict::Refused(&["protected-path"]),
    },
    Case {
        name: "progress-update",
        make: |repo| {
            repo.append("src/auth.rs", "pub fn reset() {}\n");
            repo.commit_unchecked("Add reset");
        },
        who: Who::Listed,
        verdict: Verdict::Refused(&["progress-update"]),
    },
    Case {
        name: "commit-size",
        make: |repo| {
            let big: String = (0..450)
                .map(|i| format!("pub const C{i}: u32 = {i};\n"))
                .collect();
            repo.write("src/consts.rs", big);
            repo.add_progress("Constants.");
            repo.commit_unchecked("Add constants");
        },
        who: Who::Listed,
        verdict: Verdict::Refused(&["commit-size"]),
    },
    Case {
        name: "guard-config",
        make: |repo| {
            repo.write(".execguard.toml", "[rules.frozen-spec]\nenabled = false\n");
            repo.commit_unchecked("Turn the spec freeze off");
        },
        who: Who::Listed,
        verdict: Verdict::Refused(&["guard-config"]),
    },
    Case {
        name: "override-by-listed-pusher",
        make: |repo| {
            commit_spec_edit(repo, OVERRIDDEN_SPEC);
        },
        who: Who::Listed,
        verdict: Verdict::Lands,
    },
    Case {
        name: "override-by-another-pusher",
        make: |repo| {
            commit_spec_edit(repo, OVERRIDDEN_SPEC_AGAIN);
        },
        who: Who::Other,
        verdict: Verdict::Refused(&["frozen-spec"]),
    },
];

/// Makes branch `name` from `exec/login` with `make`'s commits; returns its tip.
fn make_branch(client: &TestRepo, name: &str, make: fn(&TestRepo)) -> String {
    client.git(["checkout", "-q", "-B", name, "exec/login"]);
    make(client);
    client.head()
}

fn server_ref(client: &TestRepo, server: &dyn GitServer, branch: &str) -> Option<String> {
    let run = bare_git(
        client,
        server.repository(),
        [
            "rev-parse",
            "--verify",
            "-q",
            &format!("refs/heads/{branch}"),
        ],
    );
    run.ok().then(|| run.stdout.trim().to_string())
}

/// Asserts `run` (the push of `branch`, whose tip is `tip`) got `verdict`.
#[track_caller]
fn assert_verdict(
    client: &TestRepo,
    server: &dyn GitServer,
    branch: &str,
    tip: &str,
    run: &Run,
    verdict: Verdict,
) {
    assert!(!run.stderr.contains("panicked"), "{run:#?}");
    match verdict {
        Verdict::Lands => {
            run.assert_ok();
            assert!(!run.stderr.contains("error["), "{run:#?}");
            assert_eq!(
                server_ref(client, server, branch).as_deref(),
                Some(tip),
                "the server's {branch} is the pushed commit"
            );
        }
        Verdict::Refused(rules) => {
            for rule in rules {
                run.assert_refused(rule);
                assert!(
                    run.stderr.lines().any(|line| line.starts_with("remote: ")
                        && line.contains(&format!("error[{rule}]"))),
                    "the refusal reaches the pusher as a remote: line naming {rule}: {run:#?}"
                );
            }
            assert!(run.stderr.contains("pre-receive hook declined"), "{run:#?}");
            assert_eq!(
                server_ref(client, server, branch),
                None,
                "the refused branch was not created"
            );
        }
    }
}

/// Asserts the server's repository is sound once the server has finished with the push: over a
/// network, `git push` returns when the server has answered, while the server's receive-pack may
/// still be removing its quarantine directory. Whatever is still there after a few seconds was
/// left behind.
#[track_caller]
fn assert_settled(client: &TestRepo, server: &dyn GitServer) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !leftovers(server.repository()).is_empty() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_bare_sound(client, server.repository());
}

/// Runs one case, as `who`.
fn run_case(client: &TestRepo, server: &dyn GitServer, case: &Case) {
    let branch = format!("case/{}", case.name);
    let tip = make_branch(client, &branch, case.make);
    let (who, restore) = match case.who {
        Who::Listed => (server.listed().to_string(), None),
        Who::Other => match server.other() {
            Some(other) => (other.to_string(), None),
            None => {
                // One identity only: list someone else for this push (`root`, whose name the
                // daemon's environment carries in $USER and $LOGNAME).
                let before = std::fs::read_to_string(server.pinned()).unwrap();
                std::fs::write(server.pinned(), pinned_config_text("root")).unwrap();
                (server.listed().to_string(), Some(before))
            }
        },
    };
    let run = push_as(client, server, &who, &branch);
    if let Some(before) = restore {
        std::fs::write(server.pinned(), before).unwrap();
    }
    assert_verdict(client, server, &branch, &tip, &run, case.verdict);
    match (case.who, case.verdict) {
        (Who::Listed, Verdict::Lands) if case.name.starts_with("override") => assert!(
            run.stderr.contains("overridden[frozen-spec]"),
            "the override is reported: {run:#?}"
        ),
        (Who::Other, _) => {
            let identity = server.other().unwrap_or(server.listed());
            assert!(
                run.stderr.contains(&format!(
                    "the pusher `{identity}` is not allowed to override"
                )),
                "the refusal names the real pusher: {run:#?}"
            );
        }
        _ => {}
    }
    assert_settled(client, server);
}

/// Ten pushes at once to distinct branches, every other one breaking frozen-spec.
fn run_concurrent(client: &TestRepo, server: &dyn GitServer) {
    let branches: Vec<(String, String, Verdict)> = (0..10)
        .map(|i| {
            let name = format!("concurrent/{i}");
            if i % 2 == 0 {
                client.git(["checkout", "-q", "-B", &name, "exec/login"]);
                let tip = commit_clean_code(client, &format!("handler_{i}"));
                (name, tip, Verdict::Lands)
            } else {
                client.git(["checkout", "-q", "-B", &name, "exec/login"]);
                let tip = commit_spec_edit(client, &format!("Amend the spec, take {i}"));
                (name, tip, Verdict::Refused(&["frozen-spec"]))
            }
        })
        .collect();
    let runs: Vec<Run> = std::thread::scope(|scope| {
        let handles: Vec<_> = branches
            .iter()
            .map(|(name, _, _)| scope.spawn(|| push_as(client, server, server.listed(), name)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((name, tip, verdict), run) in branches.iter().zip(&runs) {
        assert_verdict(client, server, name, tip, run, *verdict);
    }
    assert_settled(client, server);
}

/// A pinned config that is broken, then missing, refuses every push, clean ones too, naming the
/// file; restored, the same push lands.
fn run_pinned_config_unusable(client: &TestRepo, server: &dyn GitServer) {
    let pinned = server.pinned();
    let good = std::fs::read_to_string(pinned).unwrap();
    let tip = make_branch(client, "case/pinned-unusable", |repo| {
        commit_clean_code(repo, "refresh");
    });
    let branch = "case/pinned-unusable";
    let parked = pinned.with_extension("parked");
    for what in ["broken", "missing"] {
        if what == "broken" {
            std::fs::write(pinned, "[server\noverride-users = [\n").unwrap();
        } else {
            std::fs::rename(pinned, &parked).unwrap();
        }
        let run = push_as(client, server, server.listed(), branch);
        let _ = std::fs::rename(&parked, pinned);
        std::fs::write(pinned, &good).unwrap();
        assert_eq!(
            run.code,
            Some(1),
            "a {what} pinned config refuses: {run:#?}"
        );
        assert!(
            run.stderr.contains("pre-receive hook declined")
                && run.stderr.contains("the push is refused")
                && run.stderr.contains(&pinned.display().to_string()),
            "a {what} pinned config refuses the push, naming the file: {run:#?}"
        );
        assert_eq!(server_ref(client, server, branch), None, "{what}");
        assert_settled(client, server);
    }
    let run = push_as(client, server, server.listed(), branch);
    assert_verdict(client, server, branch, &tip, &run, Verdict::Lands);
}

/// Runs every case against `server`, each to the end even when another fails, then fails naming
/// the cases that did.
pub fn run_all(client: &TestRepo, server: &dyn GitServer) {
    run_selected(client, server, |_| true, true);
}

/// Runs the cases `select` picks, and, with `everything`, the concurrent pushes and the
/// unusable pinned config too.
pub fn run_selected(
    client: &TestRepo,
    server: &dyn GitServer,
    select: impl Fn(&Case) -> bool,
    everything: bool,
) {
    let mut failed = Vec::new();
    let mut attempt = |name: &str, body: &dyn Fn()| {
        if std::panic::catch_unwind(AssertUnwindSafe(body)).is_err() {
            failed.push(name.to_string());
        }
    };
    for case in CASES.iter().filter(|case| select(case)) {
        attempt(case.name, &|| run_case(client, server, case));
    }
    if everything {
        attempt("ten concurrent pushes", &|| run_concurrent(client, server));
        attempt("broken or missing pinned config", &|| {
            run_pinned_config_unusable(client, server)
        });
    }
    assert!(
        failed.is_empty(),
        "{}: these cases failed (see above): {failed:?}",
        server.kind()
    );
}
