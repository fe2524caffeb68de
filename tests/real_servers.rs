#![allow(clippy::unwrap_used)]
//! Real git servers, set up as the README's "Real servers, step by step" describes, each judged
//! on the same cases: gitolite behind sshd, nginx + fcgiwrap + `git http-backend`, and
//! `git daemon`. They need root (to start the servers as an unprivileged user) and the packages
//! `.ci/run` installs.

mod common;

use common::servers::cases::run_all;
use common::servers::daemon::DaemonServer;
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
