//! gitolite behind its own sshd, as the user who runs the tests (an sshd that is not root can
//! let in only the user it runs as; run as root, sshd lets root in by key), with execguard as a common or a
//! repo-specific pre-receive hook (installed after the repository was imported) and the config
//! pinned from `gitolite.conf` through `GIT_CONFIG_KEYS`. Users are told apart by their ssh keys; gitolite passes the name as
//! `GL_USER`.

use super::*;

/// The users with a key: the admin, the pusher the pinned config lists, and another.
const ADMIN: &str = "admin";
const LISTED: &str = "alice";
const OTHER: &str = "bo";

/// How execguard's hook reaches the repository.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookKind {
    /// `$LOCAL_CODE/hooks/common/pre-receive`: every repository, gitolite-admin included.
    Common,
    /// `$LOCAL_CODE/hooks/repo-specific/execguard`, named by `option hook.pre-receive` of the
    /// repository in `gitolite.conf`.
    RepoSpecific,
}

pub struct GitoliteServer {
    _sshd: Service,
    port: u16,
    /// The account gitolite runs as, which every ssh URL names.
    user: ServiceUser,
    keys: PathBuf,
    home: PathBuf,
    admin_clone: PathBuf,
    repository: PathBuf,
    pinned: PathBuf,
}

impl GitoliteServer {
    /// The server, or `None` (saying why) where it cannot run: sshd runs a session's command
    /// through the login shell of the user it lets in, so a user whose shell refuses commands
    /// (`nologin`, `false`) cannot serve gitolite without an account made for it.
    pub fn start(root: &ServerRoot, client: &TestRepo, kind: HookKind) -> Option<Self> {
        require_program("/usr/sbin/sshd", "openssh-server");
        require_program("/usr/bin/ssh-keygen", "openssh-client");
        require_program("/usr/bin/gitolite", "gitolite3");
        let user = invoking_user();
        let shell = login_shell(&user.name);
        if shell.ends_with("nologin") || shell.ends_with("false") || shell.is_empty() {
            eprintln!(
                "gitolite over ssh: not run, since the login shell of {} is `{shell}`: sshd runs gitolite through it (run the tests as root, or as a user with a shell)",
                user.name
            );
            return None;
        }
        let user = &user;
        let bin = root.install_binaries();
        let keys = root.dir("keys", None);
        for name in [ADMIN, LISTED, OTHER] {
            keygen(&keys.join(name));
        }
        let home = root.dir("gitolite-home", Some(user));
        let admin_pub = home.join("admin.pub");
        std::fs::copy(keys.join("admin.pub"), &admin_pub).unwrap();
        chown(&admin_pub, user);
        run_as(
            user,
            &home,
            "gitolite",
            &["setup", "-pk", admin_pub.to_str().unwrap()],
        );
        // Let gitolite.conf pin execguard's config, and run hooks from $HOME/local.
        let rc_path = home.join(".gitolite.rc");
        let rc = std::fs::read_to_string(&rc_path).unwrap();
        let mut rc = rc
            .replace(
                "GIT_CONFIG_KEYS                 =>  '',",
                r"GIT_CONFIG_KEYS                 =>  'execguard\.config',",
            )
            .replace(
                r#"# LOCAL_CODE                =>  "$ENV{HOME}/local","#,
                r#"LOCAL_CODE                =>  "$ENV{HOME}/local","#,
            );
        assert!(
            rc.contains(r"'execguard\.config'") && rc.contains("\n        LOCAL_CODE"),
            "gitolite's rc has the lines this test edits: {rc}"
        );
        if kind == HookKind::RepoSpecific {
            rc = rc.replace("# 'repo-specific-hooks',", "'repo-specific-hooks',");
            assert!(rc.contains("\n            'repo-specific-hooks',"), "{rc}");
        }
        std::fs::write(&rc_path, rc).unwrap();
        // The hook is in place before gitolite is told to use it.
        let hook_dir = home.join(match kind {
            HookKind::Common => "local/hooks/common",
            HookKind::RepoSpecific => "local/hooks/repo-specific",
        });
        std::fs::create_dir_all(&hook_dir).unwrap();
        chown(&home.join("local"), user);
        let hook = hook_dir.join(match kind {
            HookKind::Common => "pre-receive",
            HookKind::RepoSpecific => "execguard",
        });

        let sshd = start_sshd(root, &home, user);
        let pinned = write_pinned(root, LISTED);
        let server = Self {
            port: sshd.1,
            _sshd: sshd.0,
            user: user.clone(),
            keys,
            home: home.clone(),
            admin_clone: client.root.join("gitolite-admin"),
            repository: home.join("repositories/project.git"),
            pinned,
        };

        // The admin adds the users and the repository, with the pinned config.
        let url = server.url("gitolite-admin");
        server
            .git(client, ADMIN, &client.root, &["clone", "-q", &url])
            .assert_ok();
        for name in [LISTED, OTHER] {
            std::fs::copy(
                server.keys.join(format!("{name}.pub")),
                server.admin_clone.join(format!("keydir/{name}.pub")),
            )
            .unwrap();
        }
        let conf = format!(
            "repo gitolite-admin\n    RW+ = {ADMIN}\n\nrepo project\n    RW+ = {ADMIN} {LISTED} {OTHER}\n    config execguard.config = {}\n",
            server.pinned.display()
        );
        server
            .push_conf(client, &conf, "Add the project")
            .assert_ok();
        assert!(server.repository.is_dir(), "gitolite created project.git");

        // The human's import, before the hook exists.
        let url = server.url("project");
        server
            .git(
                client,
                ADMIN,
                &client.dir,
                &["push", "-q", "--no-verify", &url, "main", "exec/login"],
            )
            .assert_ok();

        std::fs::write(
            &hook,
            format!(
                "#!/bin/sh\nexec {} hook pre-receive \"$@\"\n",
                bin.join("execguard").display()
            ),
        )
        .unwrap();
        set_mode(&hook, 0o755);
        chown(&home.join("local"), user);
        match kind {
            // gitolite links the common hooks into every repository.
            HookKind::Common => {
                run_as(user, &home, "gitolite", &["setup", "--hooks-only"]);
            }
            // The option links it into this repository.
            HookKind::RepoSpecific => {
                let guarded = conf.replace(
                    "    config execguard.config",
                    "    option hook.pre-receive = execguard\n    config execguard.config",
                );
                server
                    .push_conf(client, &guarded, "Guard the project")
                    .assert_ok();
            }
        }
        Some(server)
    }

    fn url(&self, repository: &str) -> String {
        format!(
            "ssh://{}@127.0.0.1:{}/{repository}",
            self.user.name, self.port
        )
    }

    fn ssh_command(&self, who: &str) -> String {
        format!(
            "ssh -F /dev/null -i {} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=30",
            self.keys.join(who).display()
        )
    }

    /// `git <args>` in `dir` as `who`, over ssh with `who`'s key, bounded in time.
    pub fn git(&self, client: &TestRepo, who: &str, dir: &Path, args: &[&str]) -> Run {
        let mut command = client.command("timeout");
        command
            .current_dir(dir)
            .arg(COMMAND_TIMEOUT_SECS.to_string())
            .arg("git")
            .args(args)
            .env("GIT_SSH_COMMAND", self.ssh_command(who));
        Run::from_command(&mut command)
    }

    /// Commits `conf` as the admin's `conf/gitolite.conf` and pushes it (the local hooks are
    /// bypassed; the server's hooks run).
    pub fn push_conf(&self, client: &TestRepo, conf: &str, message: &str) -> Run {
        std::fs::write(self.admin_clone.join("conf/gitolite.conf"), conf).unwrap();
        client.git_in(&self.admin_clone, ["add", "-A"]);
        client.git_in(
            &self.admin_clone,
            ["commit", "-q", "--no-verify", "-m", message],
        );
        self.git(
            client,
            ADMIN,
            &self.admin_clone,
            &["push", "--no-verify", "origin", "HEAD"],
        )
    }

    /// The admin's current `gitolite.conf`.
    pub fn conf(&self) -> String {
        std::fs::read_to_string(self.admin_clone.join("conf/gitolite.conf")).unwrap()
    }

    pub fn home(&self) -> &Path {
        &self.home
    }
}

/// `ssh-keygen` of an ed25519 key without a passphrase at `path`.
fn keygen(path: &Path) {
    let status = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C"])
        .arg(path.file_name().unwrap())
        .arg("-f")
        .arg(path)
        .status()
        .expect("ssh-keygen runs");
    assert!(status.success(), "ssh-keygen {}", path.display());
}

/// The login shell the user database gives `name`.
fn login_shell(name: &str) -> String {
    let output = Command::new("getent")
        .args(["passwd", name])
        .output()
        .expect("getent runs");
    let entry = String::from_utf8_lossy(&output.stdout);
    entry
        .trim()
        .rsplit(':')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// sshd on a free loopback port with its own host key, letting only `user` in, with the keys
/// gitolite writes in `home`; HOME of a session is `home`, not the user's own.
fn start_sshd(root: &ServerRoot, home: &Path, user: &ServiceUser) -> (Service, u16) {
    let root_login = if running_as_root() {
        // sshd's privilege separation directory, which the package creates only at boot; an
        // sshd that is not root neither separates privileges nor needs it.
        std::fs::create_dir_all("/run/sshd").unwrap();
        "prohibit-password"
    } else {
        "no"
    };
    let dir = root.dir("sshd", None);
    let host_key = dir.join("ssh_host_ed25519_key");
    keygen(&host_key);
    let config = dir.join("sshd_config");
    Service::start_listening("sshd", dir.join("sshd.log"), |port| {
        std::fs::write(
            &config,
            format!(
                "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\nAuthorizedKeysFile {}\nAllowUsers {}\nPermitRootLogin {root_login}\nSetEnv HOME={}\n{}",
                host_key.display(),
                dir.join("sshd.pid").display(),
                home.join(".ssh/authorized_keys").display(),
                user.name,
                home.display(),
                // The temporary directory is world-writable; a real home is not.
                "StrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\nMaxStartups 64\nMaxSessions 64\nLogLevel ERROR\n",
            ),
        )
        .unwrap();
        let mut command = Command::new("/usr/sbin/sshd");
        command
            .arg("-D")
            .arg("-e")
            .arg("-f")
            .arg(&config)
            .env_clear();
        command
    })
}

impl GitServer for GitoliteServer {
    fn kind(&self) -> &'static str {
        "gitolite over ssh"
    }

    fn repository(&self) -> &Path {
        &self.repository
    }

    fn pinned(&self) -> &Path {
        &self.pinned
    }

    fn listed(&self) -> &str {
        LISTED
    }

    fn other(&self) -> Option<&str> {
        Some(OTHER)
    }

    fn remote(&self, who: &str) -> (String, Vec<(String, String)>) {
        (
            self.url("project"),
            vec![("GIT_SSH_COMMAND".to_string(), self.ssh_command(who))],
        )
    }
}
