//! `git daemon --enable=receive-pack`, as an admin starts it from a root shell: run as root, the
//! tests start it as root and it drops to `nobody` with `--user`/`--group`; run as another user,
//! it runs as that user. Either way it keeps an environment that is not its user's: HOME is a
//! directory its user cannot enter, and `USER`/`LOGNAME` say `root`.

use super::*;

pub struct DaemonServer {
    _service: Service,
    /// The HOME its user cannot enter, opened again when the server stops so that it can be removed.
    closed_home: PathBuf,
    port: u16,
    repository: PathBuf,
    pinned: PathBuf,
    /// The only identity a git daemon has: the user it runs as.
    user_name: String,
}

impl DaemonServer {
    /// Serves `client`'s branches in `project.git` under `root`, guarded, with a pinned config
    /// that lists the daemon's user.
    pub fn start(root: &ServerRoot, client: &TestRepo) -> Self {
        let user = unprivileged_user();
        let bin = root.install_binaries();
        let base = root.dir("daemon-repos", None);
        let repository = seeded_bare_repository(client, &bin, &base.join("project.git"), &user);
        let pinned = write_pinned(root, &user.name);
        pin(client, &repository, &pinned);

        // Root's HOME, with a global config in it, which the daemon's user cannot enter: mode 000
        // keeps out even its owner, when the daemon runs as the user who made it.
        let root_home = root.dir("root-home", None);
        std::fs::write(root_home.join(".gitconfig"), "[user]\n\tname = root\n").unwrap();
        set_mode(&root_home, 0o000);

        let exec_path = client.git(["--exec-path"]);
        let daemon = Path::new(exec_path.trim()).join("git-daemon");
        let (service, port) =
            Service::start_listening("git daemon", root.path.join("daemon.log"), |port| {
                let mut command = Command::new(&daemon);
                command
                    .env_clear()
                    .env("HOME", &root_home)
                    .env("USER", "root")
                    .env("LOGNAME", "root")
                    .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
                    .env("LANG", "C")
                    .current_dir(&root.path)
                    .arg("--enable=receive-pack")
                    .arg(format!("--base-path={}", base.display()))
                    .args(["--export-all", "--reuseaddr", "--informative-errors"])
                    .arg("--listen=127.0.0.1")
                    .arg(format!("--port={port}"));
                // Only root may change who runs the daemon.
                if running_as_root() {
                    command
                        .arg(format!("--user={}", user.name))
                        .arg(format!("--group={}", user.group));
                }
                command
            });
        Self {
            _service: service,
            closed_home: root_home,
            port,
            repository,
            pinned,
            user_name: user.name,
        }
    }
}

impl Drop for DaemonServer {
    fn drop(&mut self) {
        let open = std::fs::Permissions::from_mode(0o700);
        let _ = std::fs::set_permissions(&self.closed_home, open);
    }
}

impl GitServer for DaemonServer {
    fn kind(&self) -> &'static str {
        "git daemon"
    }

    fn repository(&self) -> &Path {
        &self.repository
    }

    fn pinned(&self) -> &Path {
        &self.pinned
    }

    fn listed(&self) -> &str {
        &self.user_name
    }

    fn other(&self) -> Option<&str> {
        None
    }

    fn remote(&self, _who: &str) -> (String, Vec<(String, String)>) {
        (
            format!("git://127.0.0.1:{}/project.git", self.port),
            Vec::new(),
        )
    }
}
