#![allow(clippy::unwrap_used)]
//! Server-side enforcement over each transport: what the pre-receive hook does with each rule, with
//! merges, with a pinned config and overrides, and under concurrent pushes, as tables of push
//! scenarios (fixture, commits, push, verdict and `remote:` lines).

use crate::common;

use std::path::PathBuf;

use common::pushes::*;
use common::server::*;
use common::table::each_case;
use common::*;

// ---- pre-receive over file://: each rule ---------------------------------------------------

/// Each rule, broken by commits on `exec/login` of the pushed fixture and pushed over `file://`.
const EACH_RULE: &[(&str, MakeCommits)] = &[
    ("frozen-spec", |repo| {
        commit_spec_edit(repo, "Tweak the spec");
    }),
    ("frozen-design", |repo| {
        repo.append("designs/login.md", "New convention.\n");
        repo.commit_unchecked("Change the design");
    }),
    ("protected-path", |repo| {
        repo.append("backend/PLANS.md", "Sections are optional.\n");
        repo.commit_unchecked("Relax the rules");
    }),
    ("progress-update", |repo| {
        repo.append("src/auth.rs", "pub fn logout() {}\n");
        repo.commit_unchecked("Add logout");
    }),
    ("execplan-ready", |repo| {
        let plan = repo
            .read("plans/login-execplan.md")
            .replace("EXECPLAN-READY", "Status: draft");
        repo.write("plans/login-execplan.md", plan);
        repo.append("src/auth.rs", "pub fn logout() {}\n");
        repo.add_progress("Logout.");
        repo.commit_unchecked("Add logout");
    }),
    ("execplan-sections", |repo| {
        let plan = repo
            .read("plans/login-execplan.md")
            .replace("## Decision Log", "## Decisions");
        repo.write("plans/login-execplan.md", plan);
        repo.commit_unchecked("Rename a section");
    }),
    ("commit-size", |repo| {
        let big: String = (0..450)
            .map(|i| format!("pub const C{i}: u32 = {i};\n"))
            .collect();
        repo.write("src/consts.rs", big);
        repo.add_progress("Constants.");
        repo.commit_unchecked("Add constants");
    }),
    ("commit-message", |repo| {
        repo.write("docs/notes.md", "# Notes\n");
        repo.commit_unchecked(&"A".repeat(100));
    }),
];

#[test]
fn server_refuses_each_rule_pushed_over_file_url() {
    each_case(
        EACH_RULE,
        |(rule, _)| rule.to_string(),
        |(rule, make)| assert_server_refuses(rule, make),
    );
}

const OVER_FILE_URL: &[PushCase] = &[
    PushCase {
        name: "clean push of code with progress lands",
        fixture: pushed_fixture,
        steps: &[Step {
            make: |repo| {
                commit_clean_code(repo, "logout");
            },
            ..STEP
        }],
    },
    PushCase {
        name: "a new guard config no looser than the default lands; changing it is refused",
        fixture: pushed_fixture,
        steps: &[
            Step {
                make: |repo| {
                    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 400\n");
                    repo.commit_unchecked("Add the guard config");
                },
                ..STEP
            },
            Step {
                make: |repo| {
                    repo.write(".execguard.toml", "[rules.commit-size]\nmax-lines = 4000\n");
                    repo.commit_unchecked("Relax the guard");
                },
                verdict: Verdict::Refused(refused("guard-config")),
                ..STEP
            },
        ],
    },
];

#[test]
fn server_judges_pushes_over_file_url() {
    run_push_cases(OVER_FILE_URL);
}

// ---- pre-receive over git daemon -----------------------------------------------------------

#[test]
fn git_daemon_push_refuses_violation_and_lands_clean_commit() {
    let repo = pushed_fixture();
    let daemon = Daemon::start(&repo);
    repo.git(["remote", "add", "daemon", &daemon.url("server.git")]);
    let before = server_rev(&repo, "refs/heads/exec/login").unwrap();

    commit_spec_edit(&repo, "Tweak the spec");
    let run = push(&repo, &["daemon", "exec/login"]);
    assert_server_refused(&run, "frozen-spec");
    assert_eq!(
        server_rev(&repo, "refs/heads/exec/login"),
        Some(before.clone())
    );

    repo.git(["reset", "-q", "--hard", &before]);
    let head = commit_clean_code(&repo, "logout");
    let run = push(&repo, &["daemon", "exec/login"]);
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert_eq!(server_rev(&repo, "refs/heads/exec/login"), Some(head));
    drop(daemon);
    assert_server_sound(&repo);
}

// ---- merges --------------------------------------------------------------------------------

const MERGES: &[PushCase] = &[
    PushCase {
        name: "an evil merge editing the frozen spec is refused, and only it",
        fixture: pushed_fixture,
        steps: &[Step {
            make: |repo| {
                repo.git(["checkout", "-q", "-b", "side"]);
                repo.write("docs/side.md", "# Side\n");
                repo.commit_unchecked("Side notes");
                repo.git(["checkout", "-q", "exec/login"]);
                repo.write("docs/main.md", "# Main\n");
                repo.commit_unchecked("Main notes");
                repo.git(["merge", "-q", "--no-ff", "--no-commit", "side"]);
                repo.append("specs/login.md", "Slipped in during the merge.\n");
                repo.git(["add", "-A"]);
                repo.git(["commit", "-q", "--no-verify", "-m", "Merge side"]);
                assert_eq!(repo.parent_count("HEAD"), 2, "a merge commit");
            },
            verdict: Verdict::Refused(Refusal {
                findings: Findings::OnlyHead,
                ..refused("frozen-spec")
            }),
            ..STEP
        }],
    },
    PushCase {
        name: "a clean merge of a clean branch lands and is not flagged again",
        fixture: pushed_fixture,
        steps: &[Step {
            make: |repo| {
                // Two clean commits of 300 lines each: together they would exceed commit-size's
                // 400 lines, so judging the merge against its first parent alone would flag it.
                repo.git(["checkout", "-q", "-b", "side"]);
                for part in 0..2 {
                    let code: String = (0..300)
                        .map(|i| format!("pub const P{part}_{i}: u32 = {i};\n"))
                        .collect();
                    repo.write(&format!("src/part{part}.rs"), code);
                    repo.add_progress(&format!("Part {part}."));
                    repo.commit_unchecked(&format!("Add part {part}"));
                }
                repo.git(["checkout", "-q", "exec/login"]);
                repo.write("docs/main.md", "# Main\n");
                repo.commit_unchecked("Main notes");
                repo.merge_unchecked("side", "Merge side");
            },
            ..STEP
        }],
    },
];

#[test]
fn server_judges_merges() {
    run_push_cases(MERGES);
}

// ---- server config and overrides -----------------------------------------------------------

/// A server pinned to a config that lets `ana` override, and a commit that edits the frozen spec
/// with an override trailer.
fn override_fixture() -> TestRepo {
    let repo = pushed_fixture();
    pin_server_config(&repo, "[server]\noverride-users = [\"ana\"]\n");
    commit_spec_edit(
        &repo,
        "Amend the spec\n\nExecguard-Override: frozen-spec: approved in SPEC-1",
    );
    repo
}

const SERVER_CONFIG_AND_OVERRIDES: &[PushCase] = &[
    PushCase {
        name: "a pinned server config wins over the pushed config",
        fixture: pushed_fixture,
        steps: &[
            Step {
                make: |repo| {
                    pin_server_config(repo, "[rules.frozen-spec]\nenabled = true\n");
                    repo.write(".execguard.toml", "[rules.frozen-spec]\nenabled = false\n");
                    repo.commit_unchecked("Disable frozen-spec");
                    commit_spec_edit(repo, "Tweak the spec");
                },
                verdict: Verdict::Refused(refused("frozen-spec")),
                ..STEP
            },
            // Without the pin, the pushed config judges the later commit, so frozen-spec finds
            // nothing: the pin is what refused the spec edit. (guard-config still refuses the
            // looser config.)
            Step {
                make: |repo| {
                    server_git(repo, ["config", "--unset", "execguard.config"]).assert_ok();
                },
                verdict: Verdict::Refused(Refusal {
                    never_says: &["error[frozen-spec]"],
                    ..refused("guard-config")
                }),
                ..STEP
            },
        ],
    },
    PushCase {
        name: "an override trailer pushed by an override user lands",
        fixture: override_fixture,
        steps: &[Step {
            pusher: &[("GITEA_PUSHER_NAME", "ana")],
            ..STEP
        }],
    },
    PushCase {
        name: "an override trailer pushed by someone else is refused naming who may override",
        fixture: override_fixture,
        steps: &[Step {
            pusher: &[("REMOTE_USER", "mallory")],
            verdict: Verdict::Refused(Refusal {
                says: &["mallory", "only ana may override"],
                ..refused("frozen-spec")
            }),
            ..STEP
        }],
    },
    PushCase {
        name: "a GitLab push prefixes the refusal with GL-HOOK-ERR",
        fixture: pushed_fixture,
        steps: &[Step {
            make: SPEC_EDIT,
            pusher: &[("GL_ID", "user-42")],
            verdict: Verdict::Refused(Refusal {
                says: &["GL-HOOK-ERR: ", "GL-HOOK-ERR: error[frozen-spec]"],
                ..refused("frozen-spec")
            }),
            ..STEP
        }],
    },
];

#[test]
fn server_config_and_overrides_decide_the_verdict() {
    run_push_cases(SERVER_CONFIG_AND_OVERRIDES);
}

// ---- concurrency ---------------------------------------------------------------------------

#[test]
fn twenty_concurrent_pushes_each_get_the_right_verdict_and_leave_the_server_sound() {
    let repo = pushed_fixture();
    let url = server_url(&repo);
    let clones: Vec<(usize, PathBuf, String)> = (0..20)
        .map(|i| {
            let dir = repo.root.join(format!("clone-{i}"));
            repo.git_in(&repo.root, ["clone", "-q", &url, dir.to_str().unwrap()]);
            repo.git_in(
                &dir,
                [
                    "checkout",
                    "-q",
                    "-b",
                    &format!("w{i}"),
                    "origin/exec/login",
                ],
            );
            if i % 2 == 0 {
                std::fs::create_dir_all(dir.join("docs")).unwrap();
                std::fs::write(dir.join(format!("docs/w{i}.md")), format!("# W{i}\n")).unwrap();
            } else {
                let spec = dir.join("specs/login.md");
                let mut text = std::fs::read_to_string(&spec).unwrap();
                text.push_str(&format!("Edit {i}.\n"));
                std::fs::write(spec, text).unwrap();
            }
            repo.git_in(&dir, ["add", "-A"]);
            repo.git_in(
                &dir,
                ["commit", "-q", "--no-verify", "-m", &format!("Change {i}")],
            );
            let head = repo.git_in(&dir, ["rev-parse", "HEAD"]).trim().to_string();
            (i, dir, head)
        })
        .collect();

    let runs: Vec<(usize, String, Run)> = std::thread::scope(|scope| {
        let handles: Vec<_> = clones
            .iter()
            .map(|(i, dir, head)| {
                let repo = &repo;
                scope.spawn(move || {
                    let branch = format!("w{i}");
                    let run =
                        git_env_in(repo, dir, &[], &["push", "--no-verify", "origin", &branch]);
                    (*i, head.clone(), run)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    for (i, head, run) in &runs {
        let name = format!("refs/heads/w{i}");
        if i % 2 == 0 {
            run.assert_ok();
            assert_eq!(server_rev(&repo, &name), Some(head.clone()), "{run:#?}");
        } else {
            assert_server_refused(run, "frozen-spec");
            assert_eq!(
                count(&run.stderr, "execguard: refusing "),
                1,
                "each push is judged on its own: {run:#?}"
            );
            assert!(
                run.stderr.contains(&format!("refusing {name}: ")),
                "{run:#?}"
            );
            assert_eq!(server_rev(&repo, &name), None, "{run:#?}");
        }
    }
    assert_server_sound(&repo);
}
