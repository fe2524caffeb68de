#![allow(clippy::unwrap_used)]
//! Real git servers, set up as the README's "Real servers, step by step" describes, each judged
//! on the same cases: gitolite behind sshd, nginx + fcgiwrap + `git http-backend`, and
//! `git daemon`. They need the packages `tests/prerequisites.sh` installs, and no account of their
//! own: the servers run as the user who runs the tests, and, run as root, drop to `nobody` where
//! they can. Regressions these set-ups showed come with a test that needs neither.

use crate::common;

use common::server::{
    assert_branch_push_refused, commit_spec_edit, pin_server_config, pushed_fixture,
};
use common::servers::cases::{run_all, run_selected};
use common::servers::daemon::DaemonServer;
use common::servers::gitolite::{GitoliteServer, HookKind};
use common::servers::http::HttpServer;
use common::servers::ServerRoot;
use common::TestRepo;

/// The client: the EXEC fixture on `exec/login`, with no hooks of its own.
fn client() -> TestRepo {
    let client = TestRepo::new();
    client.exec_fixture();
    client
}

#[test]
fn git_daemon_as_an_unprivileged_user_judges_every_case() {
    let client = client();
    let root = ServerRoot::new("daemon");
    let server = DaemonServer::start(&root, &client);
    run_all(&client, &server);
}

#[test]
fn smart_http_behind_nginx_judges_every_case() {
    let client = client();
    let root = ServerRoot::new("http");
    let server = HttpServer::start(&root, &client);
    run_all(&client, &server);
}

#[test]
fn gitolite_over_ssh_with_a_common_hook_judges_every_case() {
    let client = client();
    let root = ServerRoot::new("gitolite");
    let Some(server) = GitoliteServer::start(&root, &client, HookKind::Common) else {
        return;
    };
    run_all(&client, &server);
}

/// A common hook also runs for gitolite-admin, where a `gitolite.conf` change would count as code
/// without a Progress entry: the admin must still be able to change the server's configuration.
#[test]
fn gitolite_admin_changes_pass_the_common_hook() {
    let client = client();
    let root = ServerRoot::new("gitolite");
    let Some(server) = GitoliteServer::start(&root, &client, HookKind::Common) else {
        return;
    };
    let conf = format!("{}\nrepo scratch\n    RW+ = admin\n", server.conf());
    let run = server.push_conf(&client, &conf, "Add a scratch repository");
    run.assert_ok();
    assert!(!run.stderr.contains("error["), "{run:#?}");
    assert!(
        server.home().join("repositories/scratch.git").is_dir(),
        "gitolite applied the change: {run:#?}"
    );
}

#[test]
fn gitolite_repo_specific_hook_judges_its_repository() {
    let client = client();
    let root = ServerRoot::new("gitolite");
    let Some(server) = GitoliteServer::start(&root, &client, HookKind::RepoSpecific) else {
        return;
    };
    run_selected(
        &client,
        &server,
        |case| ["clean", "frozen-spec", "override-by-another-pusher"].contains(&case.name),
        false,
    );
}

/// Regression: with no forge naming the pusher, the hook took `$USER`, which a daemon keeps from
/// whoever started it and which anyone can set. The pusher is the user the hook runs as.
#[test]
fn pusher_without_a_forge_is_the_process_user_not_dollar_user() {
    let repo = pushed_fixture();
    pin_server_config(&repo, "[server]\noverride-users = [\"mallory\"]\n");
    commit_spec_edit(
        &repo,
        "Amend the login spec\n\nExecguard-Override: frozen-spec: approved by mallory",
    );
    let me = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    let me = String::from_utf8_lossy(&me.stdout).trim().to_string();
    assert_ne!(me, "mallory");
    let run = assert_branch_push_refused(
        &repo,
        "exec/login",
        &[("USER", "mallory"), ("LOGNAME", "mallory")],
        &["frozen-spec"],
    );
    assert!(
        run.stderr
            .contains(&format!("the pusher `{me}` is not allowed to override")),
        "{run:#?}"
    );
}
