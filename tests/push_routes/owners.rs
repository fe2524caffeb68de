//! Who may freeze a spec (spec-freeze-owner): only the spec's owners, as `[server] spec-owners`
//! names them (else the override users), bring a commit that freezes or un-freezes a spec or
//! changes a design note. Client hooks say so as a warning.

use crate::common::server::*;
use crate::common::*;

const AGENT: &[(&str, &str)] = &[("GL_USERNAME", "agent")];
const ANA: &[(&str, &str)] = &[("GL_USERNAME", "ana")];
const BO: &[(&str, &str)] = &[("GL_USERNAME", "bo")];

/// A server whose pinned config makes ana the owner of every spec and bo of the payment specs.
fn owned_fixture() -> TestRepo {
    let repo = pushed_fixture();
    pin_server_config(
        &repo,
        "[server]\noverride-users = [\"root\"]\nspec-owners = [\"ana\", { paths = [\"specs/pay*.md\"], users = [\"bo\"] }]\n",
    );
    repo.git(["checkout", "-q", "-b", "exec/pay", "main"]);
    repo
}

#[test]
fn agent_freezing_its_own_spec_commit_by_commit_is_refused() {
    let repo = owned_fixture();
    commit_invented_feature(&repo);
    let run = assert_branch_push_refused(&repo, "exec/pay", AGENT, &["spec-freeze-owner"]);
    for text in [
        "freezes specs/pay.md",
        "only ana, bo may do that",
        "the pusher is `agent`",
        "only a human owner freezes a spec",
    ] {
        assert!(run.stderr.contains(text), "{text}: {run:#?}");
    }
    // The spec's owners bring the same commits in.
    for owner in [ANA, BO] {
        assert_branch_push_lands(&repo, "exec/pay", owner);
        push(&repo, &["origin", "--delete", "exec/pay"]).assert_ok();
    }
}

#[test]
fn an_owner_of_other_specs_may_not_freeze_this_one() {
    let repo = owned_fixture();
    repo.git(["checkout", "-q", "-b", "exec/search", "main"]);
    repo.write("specs/search.md", SPEC_FROZEN.replace("Login", "Search"));
    repo.commit_unchecked("Freeze the search spec");
    let run = assert_branch_push_refused(&repo, "exec/search", BO, &["spec-freeze-owner"]);
    assert!(run.stderr.contains("only ana may do that"), "{run:#?}");
    assert_branch_push_lands(&repo, "exec/search", ANA);
}

#[test]
fn unfreezing_a_spec_or_writing_a_design_note_is_the_owners_too() {
    let repo = owned_fixture();
    // A draft spec (no owner's act) and its design note: the note is the spec's owners' to write.
    repo.write(
        "specs/pay.md",
        "# Pay\n\nStatus: draft\n\nUsers pay by card.\n",
    );
    repo.write("designs/pay.md", "# Pay design\n\nTokenise cards.\n");
    repo.commit_unchecked("Design payments");
    let run = assert_branch_push_refused(&repo, "exec/pay", AGENT, &["spec-freeze-owner"]);
    assert!(
        run.stderr
            .contains("changes the design note designs/pay.md"),
        "{run:#?}"
    );
    assert_branch_push_lands(&repo, "exec/pay", BO);

    repo.git(["checkout", "-q", "exec/login"]);
    repo.write("specs/login.md", SPEC_DRAFT);
    repo.commit_unchecked(
        "Reopen the login spec\n\nExecguard-Override: frozen-spec: back to SPEC mode",
    );
    // Un-freezing is an override user's to push (root) and the spec owner's (ana): root alone
    // is not enough.
    let root = &[("GL_USERNAME", "root")];
    let run = assert_branch_push_refused(&repo, "exec/login", root, &["spec-freeze-owner"]);
    assert!(run.stderr.contains("un-freezes specs/login.md"), "{run:#?}");
}

#[test]
fn without_spec_owners_the_override_users_own_the_specs() {
    let repo = pushed_fixture();
    pin_server_config(&repo, "[server]\noverride-users = [\"ana\"]\n");
    repo.git(["checkout", "-q", "-b", "exec/pay", "main"]);
    commit_invented_feature(&repo);
    let run = assert_branch_push_refused(&repo, "exec/pay", AGENT, &["spec-freeze-owner"]);
    assert!(run.stderr.contains("only ana may do that"), "{run:#?}");
    assert_branch_push_lands(&repo, "exec/pay", ANA);
}

#[test]
fn client_hooks_warn_that_only_an_owner_may_freeze() {
    let repo = client_fixture();
    repo.git(["checkout", "-q", "-b", "exec/pay", "main"]);
    repo.write(
        "specs/pay.md",
        "# Pay\n\nEXEC-READY\n\nUsers pay by card.\n",
    );
    repo.git(["add", "-A"]);
    let run = repo.commit("Specify payments");
    run.assert_ok();
    assert!(
        run.stderr.contains("warning[spec-freeze-owner]"),
        "{run:#?}"
    );
    assert!(
        run.stderr
            .contains("the server will refuse the push unless one of them pushes it"),
        "{run:#?}"
    );
    assert_eq!(
        repo.git(["log", "-1", "--format=%s"]).trim(),
        "Specify payments"
    );
}
