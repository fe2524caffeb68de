#![allow(clippy::unwrap_used)]
//! What a push adds, judged by the server's pre-receive hook: new branches and tags, deletions,
//! force pushes, commits the server has already, one commit on several refs. Each case is a push
//! scenario (fixture, commits, push, verdict and `remote:` lines).

use crate::common;

#[path = "push_refs/branches.rs"]
mod branches;

use common::pushes::*;
use common::server::*;
use common::*;

// ---- what a push adds: new refs, tags, deletions, force pushes -----------------------------

/// Puts the current branch on the server directly, as if it had been pushed before the hook
/// existed.
fn push_before_the_hook(repo: &TestRepo, branch: &str) {
    server_git(
        repo,
        [
            "fetch".as_ref(),
            "-q".as_ref(),
            repo.dir.as_os_str(),
            format!("{branch}:refs/heads/{branch}").as_ref(),
        ],
    )
    .assert_ok();
    assert_eq!(
        server_rev(repo, &format!("refs/heads/{branch}")),
        Some(repo.head())
    );
}

/// The fixture with `[scope] branches = ["exec/**"]` already on the server: narrowing the scope
/// loosens the guard, so it is part of the human's set-up.
fn scoped_fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write(".execguard.toml", "[scope]\nbranches = [\"exec/**\"]\n");
    repo.commit_unchecked("Scope to exec branches");
    setup_server(&repo);
    repo
}

/// The fixture with a second feature, frozen and planned, beside login.
fn two_features_fixture() -> TestRepo {
    let repo = TestRepo::new();
    repo.exec_fixture();
    repo.write_search_inputs();
    repo.commit_unchecked("Plan the search feature");
    setup_server(&repo);
    repo
}

const WHAT_A_PUSH_ADDS: &[PushCase] = &[
    PushCase {
        name: "new branch with a violating commit",
        fixture: pushed_fixture,
        steps: &[Step {
            make: |repo| {
                repo.git(["checkout", "-q", "-b", "feature/x"]);
                commit_spec_edit(repo, "Tweak the spec");
            },
            args: &["origin", "feature/x"],
            verdict: Verdict::Refused(refused("frozen-spec")),
            ..STEP
        }],
    },
    PushCase {
        name: "lightweight tag of a violating commit",
        fixture: pushed_fixture,
        steps: &[Step {
            make: |repo| {
                commit_spec_edit(repo, "Tweak the spec");
                repo.git(["tag", "v1"]);
            },
            args: &["origin", "refs/tags/v1"],
            verdict: Verdict::Refused(refused("frozen-spec")),
            ..STEP
        }],
    },
    PushCase {
        name: "annotated tag of a violating commit",
        fixture: pushed_fixture,
        steps: &[Step {
            make: |repo| {
                commit_spec_edit(repo, "Tweak the spec");
                repo.git(["tag", "-a", "v2", "-m", "Release 2"]);
            },
            args: &["origin", "refs/tags/v2"],
            verdict: Verdict::Refused(refused("frozen-spec")),
            ..STEP
        }],
    },
    // The refs of one push are walked together; each is still judged for what it adds itself.
    PushCase {
        name: "a branch and a tag pushed together are each judged for what they add",
        fixture: pushed_fixture,
        steps: &[Step {
            make: |repo| {
                repo.git(["checkout", "-q", "-b", "side"]);
                commit_spec_edit(repo, "Tweak the spec");
                repo.git(["tag", "v3"]);
                repo.git(["checkout", "-q", "exec/login"]);
                repo.append("src/auth.rs", "pub fn logout() {}\n");
                repo.add_progress("Logout.");
                repo.commit_unchecked("Add logout");
            },
            args: &["origin", "exec/login", "refs/tags/v3"],
            // The branch is refused only because the push is all-or-nothing.
            verdict: Verdict::Refused(Refusal {
                says: &[
                    "refusing refs/tags/v3",
                    "refusing refs/heads/exec/login too: nothing in it breaks a rule",
                ],
                ..refused("frozen-spec")
            }),
            ..STEP
        }],
    },
    PushCase {
        name: "branch deletion is allowed and checks nothing",
        fixture: pushed_fixture,
        steps: &[Step {
            make: |repo| {
                // A branch that reached the server before the hook, which the hook would refuse.
                repo.git(["checkout", "-q", "-b", "legacy"]);
                // A subject over the limit: a path the branch keeps (a frozen spec) would be
                // judged anyway, from the branch's old tip to its new one (branch-net-change).
                repo.write("docs/legacy.md", "# Legacy\n");
                repo.commit_unchecked(&"L".repeat(100));
                push_before_the_hook(repo, "legacy");
                repo.git(["fetch", "-q", "origin"]);
            },
            args: &["origin", "--delete", "legacy"],
            ..STEP
        }],
    },
    PushCase {
        name: "force push checks only the new commits",
        fixture: pushed_fixture,
        steps: &[
            Step {
                make: |repo| {
                    repo.git(["tag", "base"]);
                    commit_clean_code(repo, "logout");
                    repo.write("docs/a.md", "# A\n");
                    repo.commit_unchecked("Document a");
                },
                ..STEP
            },
            // A rewritten, clean history replaces the accepted one.
            Step {
                make: |repo| {
                    repo.git(["reset", "-q", "--hard", "base"]);
                    commit_clean_code(repo, "signout");
                    repo.write("docs/b.md", "# B\n");
                    repo.commit_unchecked("Document b");
                },
                args: &["--force", "origin", "exec/login"],
                ..STEP
            },
            // A forced push that adds a violating commit is refused.
            Step {
                make: |repo| {
                    repo.git(["reset", "-q", "--hard", "HEAD~1"]);
                    commit_spec_edit(repo, "Tweak the spec");
                },
                args: &["--force", "origin", "exec/login"],
                verdict: Verdict::Refused(Refusal {
                    findings: Findings::OnlyHead,
                    ..refused("frozen-spec")
                }),
                ..STEP
            },
        ],
    },
    PushCase {
        name: "commits already on the server are not rechecked",
        fixture: pushed_fixture,
        steps: &[Step {
            make: |repo| {
                repo.git(["checkout", "-q", "-b", "legacy"]);
                // A subject over the limit: a path the branch keeps (a frozen spec) would be
                // judged anyway, from the branch's old tip to its new one (branch-net-change).
                repo.write("docs/legacy.md", "# Legacy\n");
                repo.commit_unchecked(&"L".repeat(100));
                push_before_the_hook(repo, "legacy");
                // exec/login moves onto a history containing it, plus a clean commit: only that
                // is judged.
                commit_clean_code(repo, "logout");
            },
            args: &["origin", "HEAD:refs/heads/exec/login"],
            ..STEP
        }],
    },
    PushCase {
        name: "the same violating commit on two refs is reported once naming both refs",
        fixture: pushed_fixture,
        steps: &[Step {
            make: SPEC_EDIT,
            args: &["origin", "HEAD:refs/heads/a", "HEAD:refs/heads/b"],
            verdict: Verdict::Refused(Refusal {
                says: &["refusing refs/heads/a", "refusing refs/heads/b"],
                findings: Findings::Once,
                ..refused("frozen-spec")
            }),
            ..STEP
        }],
    },
    PushCase {
        name: "a commit pushed to out-of-scope and in-scope refs is refused for the in-scope one",
        fixture: scoped_fixture,
        steps: &[
            // Alone, the in-scope branch refuses it.
            Step {
                make: SPEC_EDIT,
                args: &["origin", "HEAD:refs/heads/exec/other"],
                verdict: Verdict::Refused(refused("frozen-spec")),
                ..STEP
            },
            // Together with an out-of-scope branch (which git sends first), it is still refused.
            Step {
                args: &[
                    "origin",
                    "HEAD:refs/heads/drafts",
                    "HEAD:refs/heads/exec/other",
                ],
                verdict: Verdict::Refused(Refusal {
                    says: &["refusing refs/heads/exec/other"],
                    ..refused("frozen-spec")
                }),
                ..STEP
            },
        ],
    },
    // Code with login's Progress: clean on a branch without a feature, not on exec/search.
    PushCase {
        name: "a commit pushed to two branches is judged for each branch's feature",
        fixture: two_features_fixture,
        steps: &[
            Step {
                make: |repo| {
                    commit_clean_code(repo, "logout");
                },
                args: &["origin", "HEAD:refs/heads/exec/search"],
                verdict: Verdict::Refused(refused("progress-update")),
                ..STEP
            },
            Step {
                args: &[
                    "origin",
                    "HEAD:refs/heads/a-misc",
                    "HEAD:refs/heads/exec/search",
                ],
                verdict: Verdict::Refused(refused("progress-update")),
                ..STEP
            },
        ],
    },
];

#[test]
fn server_judges_what_each_push_adds() {
    run_push_cases(WHAT_A_PUSH_ADDS);
}
