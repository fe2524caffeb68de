// `.ci/machine-state`, which CI runs around the tests: what they leave on the machine (a
// listening port, an enabled systemd unit, an account) fails the run, named.

use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use super::common::{Run, TestRepo};

fn machine_state() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.ci/machine-state")
}

fn run(repo: &TestRepo, path: Option<&str>, mode: &str, dir: &Path) -> Run {
    let mut command = repo.command(machine_state());
    if let Some(path) = path {
        command.env("PATH", path);
    }
    Run::from_command(command.arg(mode).arg(dir))
}

/// Stand-ins for `ss`, `getent` and `systemctl` that print the files `ports`, `accounts` and
/// `units` of `state` as the real ones print them: what a test cannot do to the machine (add an
/// account, enable a unit) it does to these files.
fn stand_ins(repo: &TestRepo, state: &Path) -> String {
    let dir = repo.root.join("stand-ins");
    std::fs::create_dir_all(&dir).unwrap();
    let scripts = [
        (
            "ss",
            format!(
                "#!/bin/sh\nwhile read -r port; do echo \"LISTEN 0 128 $port 0.0.0.0:*\"; done < '{}'\n",
                state.join("ports").display()
            ),
        ),
        (
            "getent",
            format!(
                "#!/bin/sh\nif [ $# -eq 1 ]; then cat '{0}'; else grep \"^$2:\" '{0}'; fi\n",
                state.join("accounts").display()
            ),
        ),
        (
            "systemctl",
            format!(
                "#!/bin/sh\nwhile read -r unit; do echo \"$unit enabled enabled\"; done < '{}'\n",
                state.join("units").display()
            ),
        ),
    ];
    for (name, text) in scripts {
        let script = dir.join(name);
        std::fs::write(&script, text).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    format!("{}:/usr/local/bin:/usr/bin:/bin", dir.display())
}

#[test]
fn machine_state_names_every_port_unit_and_account_left_behind() {
    let repo = TestRepo::new();
    let state = repo.root.join("machine");
    std::fs::create_dir_all(&state).unwrap();
    let write = |name: &str, text: &str| std::fs::write(state.join(name), text).unwrap();
    write("ports", "0.0.0.0:22\n");
    write("accounts", "root:x:0:0:root:/root:/bin/bash\n");
    write("units", "cron.service\n");
    let path = stand_ins(&repo, &state);
    let notes = repo.root.join("notes");

    let early = run(&repo, Some(&path), "compare", &notes);
    assert_eq!(early.code, Some(2), "{early:#?}");
    assert!(early.stderr.contains("nothing recorded"), "{early:#?}");

    run(&repo, Some(&path), "record", &notes).assert_ok();
    run(&repo, Some(&path), "compare", &notes).assert_ok();

    write("ports", "0.0.0.0:22\n127.0.0.1:8080\n");
    write(
        "accounts",
        "root:x:0:0:root:/root:/bin/bash\nsrv:x:999:999::/nonexistent:/bin/sh\n",
    );
    write("units", "cron.service\nnginx.service\n");
    let left = run(&repo, Some(&path), "compare", &notes);
    assert_eq!(left.code, Some(1), "{left:#?}");
    for line in [
        "the tests left a listening TCP port: 127.0.0.1:8080",
        "the tests left an enabled systemd unit: nginx.service",
        "the tests added an account: srv (srv:x:999:999::/nonexistent:/bin/sh)",
    ] {
        assert!(left.stderr.contains(line), "{line}: {left:#?}");
    }
    assert!(!left.stderr.contains("cron.service"), "{left:#?}");

    // Put back as it was, the machine passes.
    write("ports", "0.0.0.0:22\n");
    write("accounts", "root:x:0:0:root:/root:/bin/bash\n");
    write("units", "cron.service\n");
    run(&repo, Some(&path), "compare", &notes).assert_ok();
}

/// With the real `ss`: a port this test listens on is named, with the process that holds it.
/// (Other tests may open ports meanwhile, so only this one is asserted.)
#[test]
fn machine_state_names_a_real_listening_port_and_its_process() {
    let repo = TestRepo::new();
    let notes = repo.root.join("notes");
    run(&repo, None, "record", &notes).assert_ok();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let left = run(&repo, None, "compare", &notes);
    assert_eq!(left.code, Some(1), "{left:#?}");
    assert!(
        left.stderr
            .contains(&format!("the tests left a listening TCP port: {address} (")),
        "{left:#?}"
    );
    drop(listener);
    let after = run(&repo, None, "compare", &notes);
    assert!(!after.stderr.contains(&address), "{after:#?}");
}
