//! `git daemon --enable=receive-pack`, started by root and running as the service user with
//! `--user`/`--group`. It keeps the environment it was started with: HOME is a directory only
//! root may enter, and `USER`/`LOGNAME` say `root`, as when an admin starts it from a root shell.

use super::*;

pub struct DaemonServer {
    _service: Service,
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
        let user = service_user();
        let bin = root.install_binaries();
        let base = root.dir("daemon-repos", None);
        let repository = seeded_bare_repository(client, &bin, &base.join("project.git"), user);
        let pinned = write_pinned(root, SERVICE_USER);
        pin(client, &repository, &pinned);

        // Root's HOME, which the daemon's user cannot enter, with a global config in it.
        let root_home = root.dir("root-home", None);
        std::fs::write(root_home.join(".gitconfig"), "[user]\n\tname = root\n").unwrap();
        set_mode(&root_home, 0o700);

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
                    .arg(format!("--port={port}"))
                    .arg(format!("--user={SERVICE_USER}"))
                    .arg(format!("--group={SERVICE_USER}"));
                command
            });
        Self {
            _service: service,
            port,
            repository,
            pinned,
            user_name: SERVICE_USER.to_string(),
        }
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
