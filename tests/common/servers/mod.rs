//! Real git servers for end-to-end tests: gitolite behind sshd, nginx with fcgiwrap and
//! `git http-backend`, and `git daemon`. Each runs on 127.0.0.1 on a free port, in a temporary
//! directory, as the user who runs the tests (or, run as root, dropping its privileges to `nobody`
//! where the server can), and is stopped when its guard drops (also on a panic). No account is
//! added to the machine and no system service is touched. The same case list (`cases`) runs
//! against every one of them.

pub mod cases;
pub mod daemon;
pub mod gitolite;
pub mod http;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

use super::*;

/// The longest a push, a clone or a server's start may take before the test fails.
pub const COMMAND_TIMEOUT_SECS: u32 = 120;

/// An account a server runs as. The tests add no account to the machine: the servers run as the
/// user who runs the tests, and when that is root, the servers that drop their privileges
/// (`git daemon --user`, nginx's workers, fcgiwrap) drop them to `nobody`, which every Debian
/// system has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceUser {
    pub uid: u32,
    pub gid: u32,
    pub name: String,
    /// The name of its primary group.
    pub group: String,
}

/// Fails with what to install when a program the servers need is missing.
#[track_caller]
pub fn require_program(path: &str, package: &str) {
    assert!(
        Path::new(path).is_file(),
        "{path} is missing: the real-server tests need the Debian package `{package}` (`tests/prerequisites.sh` installs it: apt-get install {package})"
    );
}

/// `id <flag> [user]`, trimmed.
fn id(flag: &str, user: Option<&str>) -> String {
    let output = Command::new("id")
        .arg(flag)
        .args(user)
        .output()
        .expect("id runs");
    assert!(output.status.success(), "id {flag} {user:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

fn user_named(user: Option<&str>) -> ServiceUser {
    ServiceUser {
        uid: id("-u", user).parse().expect("a numeric uid"),
        gid: id("-g", user).parse().expect("a numeric gid"),
        name: id("-un", user),
        group: id("-gn", user),
    }
}

/// The user who runs the tests.
pub fn invoking_user() -> ServiceUser {
    user_named(None)
}

/// Whether the tests run as root.
pub fn running_as_root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// The user a server that can drop its privileges runs as: `nobody` when the tests run as root,
/// else the user who runs them.
pub fn unprivileged_user() -> ServiceUser {
    if running_as_root() {
        user_named(Some("nobody"))
    } else {
        invoking_user()
    }
}

/// A temporary directory the service user can enter (tempfile makes them private to their owner).
pub struct ServerRoot {
    _temp: tempfile::TempDir,
    pub path: PathBuf,
}

impl ServerRoot {
    pub fn new(kind: &str) -> Self {
        let temp = tempfile::Builder::new()
            .prefix(&format!("execguard-{kind}"))
            .tempdir()
            .expect("temp dir");
        let path = temp.path().to_path_buf();
        set_mode(&path, 0o755);
        Self { _temp: temp, path }
    }

    /// A new directory under the root, owned by `user` when given.
    pub fn dir(&self, name: &str, user: Option<&ServiceUser>) -> PathBuf {
        let dir = self.path.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        set_mode(&dir, 0o755);
        if let Some(user) = user {
            chown(&dir, user);
        }
        dir
    }

    /// Copies execguard's binary into `bin/`, where the service user may run them: cargo's
    /// target directory can live where it may not enter.
    pub fn install_binaries(&self) -> PathBuf {
        let bin = self.dir("bin", None);
        // The one binary serves every hook (`execguard hook pre-receive`).
        let target = bin.join("execguard");
        std::fs::copy(bin_dir().join("execguard"), &target).unwrap();
        set_mode(&target, 0o755);
        bin
    }
}

pub fn set_mode(path: &Path, mode: u32) {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `chown -R user:group path`.
pub fn chown(path: &Path, user: &ServiceUser) {
    let status = Command::new("chown")
        .arg("-R")
        .arg(format!("{}:{}", user.uid, user.gid))
        .arg(path)
        .status()
        .expect("chown runs");
    assert!(status.success(), "chown {}", path.display());
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A server process in its own process group: dropping the guard stops the whole group (nginx's
/// workers, fcgiwrap's children, sshd's sessions), politely first, then by force.
pub struct Service {
    name: &'static str,
    child: Child,
    log: PathBuf,
}

impl Service {
    /// Starts `command`, a server that listens on no port (or whose socket the caller waits for).
    pub fn start(name: &'static str, mut command: Command, log: PathBuf) -> Self {
        let file = std::fs::File::create(&log).unwrap();
        command
            .process_group(0)
            .stdin(std::process::Stdio::null())
            .stdout(file.try_clone().unwrap())
            .stderr(file);
        let child = command
            .spawn()
            .unwrap_or_else(|error| panic!("{name} does not start: {error}"));
        Self { name, child, log }
    }

    /// Starts the command `command_for(port)` builds for a free loopback port, and waits, bounded,
    /// until the port accepts connections. When the server exits first (the port was taken in
    /// between), another port is tried.
    pub fn start_listening(
        name: &'static str,
        log: PathBuf,
        mut command_for: impl FnMut(u16) -> Command,
    ) -> (Self, u16) {
        let mut why = String::new();
        for _attempt in 0..5 {
            let port = free_port();
            let mut service = Self::start(name, command_for(port), log.clone());
            match service.wait_for_port(port) {
                Ok(()) => return (service, port),
                // Dropping the guard stops whatever is left of it.
                Err(text) => why = text,
            }
        }
        panic!("{name} never listened: {why}");
    }

    fn wait_for_port(&mut self, port: u16) -> Result<(), String> {
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                return Err(format!(
                    "exited ({status}) before listening on port {port}: {}",
                    self.log_text()
                ));
            }
            if TcpStream::connect_timeout(&address, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!(
            "not listening on port {port} after 30 s: {}",
            self.log_text()
        ))
    }

    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn signal_group(&self, signal: nix::sys::signal::Signal) {
        // The child leads its own process group, so its id is the group's.
        let group = nix::unistd::Pid::from_raw(i32::try_from(self.child.id()).unwrap_or(i32::MAX));
        let _ = nix::sys::signal::killpg(group, signal);
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.signal_group(nix::sys::signal::Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if self.child.try_wait().ok().flatten().is_some() {
                // The leader is gone; make sure nothing of its group is left.
                self.signal_group(nix::sys::signal::Signal::SIGKILL);
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.signal_group(nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The command-line prefix that runs a program as `user`, with no supplementary group of root's;
/// nothing when `user` runs the tests already (only root may change who runs a program).
pub fn as_user(user: &ServiceUser) -> Vec<String> {
    if user.uid == nix::unistd::geteuid().as_raw() {
        return Vec::new();
    }
    vec![
        "setpriv".to_string(),
        format!("--reuid={}", user.uid),
        format!("--regid={}", user.gid),
        "--clear-groups".to_string(),
    ]
}

/// Runs `command` as `user`, with `home` as HOME and a plain PATH, and asserts it succeeded.
#[track_caller]
pub fn run_as(user: &ServiceUser, home: &Path, program: &str, args: &[&str]) -> Run {
    let mut command = Command::new("timeout");
    command
        .arg(COMMAND_TIMEOUT_SECS.to_string())
        .args(as_user(user))
        .arg(program)
        .args(args)
        .env_clear()
        .env("HOME", home)
        .env("USER", &user.name)
        .env("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
        .env("LANG", "C")
        .current_dir(home);
    let run = Run::from_command(&mut command);
    assert!(run.ok(), "{program} {args:?} as {}: {run:#?}", user.name);
    run
}

/// A bare repository seeded, before any hook exists, with every branch of `client` (the
/// human's import), then guarded with `execguard install --server` run from `bin`, and owned by
/// the service user.
pub fn seeded_bare_repository(
    client: &TestRepo,
    bin: &Path,
    dir: &Path,
    user: &ServiceUser,
) -> PathBuf {
    client.git_in(
        dir.parent().unwrap(),
        ["init", "-q", "--bare", dir.to_str().unwrap()],
    );
    client.git(["push", "-q", "--no-verify", dir.to_str().unwrap(), "--all"]);
    let run = Run::from_command(
        client
            .command(bin.join("execguard"))
            .current_dir(dir)
            .args(["install", "--server"]),
    );
    run.assert_ok();
    chown(dir, user);
    dir.to_path_buf()
}

/// `git -C <dir> config execguard.config <pinned>`.
pub fn pin(client: &TestRepo, repository: &Path, pinned: &Path) {
    super::server::bare_git(
        client,
        repository,
        [
            "config".as_ref(),
            "execguard.config".as_ref(),
            pinned.as_os_str(),
        ],
    )
    .assert_ok();
}

/// The pinned config every server uses: `listed` may override.
pub fn pinned_config_text(listed: &str) -> String {
    format!("[server]\noverride-users = [\"{listed}\"]\n")
}

/// Writes the pinned config readable by everyone and returns its path.
pub fn write_pinned(root: &ServerRoot, listed: &str) -> PathBuf {
    let path = root.path.join("pinned.toml");
    std::fs::write(&path, pinned_config_text(listed)).unwrap();
    set_mode(&path, 0o644);
    path
}

/// What every server under test offers the case list.
pub trait GitServer: Sync {
    /// The server's name in failure messages.
    fn kind(&self) -> &'static str;
    /// The guarded repository on disk.
    fn repository(&self) -> &Path;
    /// The file `execguard.config` pins.
    fn pinned(&self) -> &Path;
    /// The pusher the pinned config lists in `override-users`.
    fn listed(&self) -> &str;
    /// Another pusher, when the transport tells pushers apart (`git daemon` does not: every push
    /// is its service user's).
    fn other(&self) -> Option<&str>;
    /// The URL to push to as `who`, and the environment that makes the push `who`'s.
    fn remote(&self, who: &str) -> (String, Vec<(String, String)>);
}

/// `git push --no-verify <url> <branch>` as `who`, bounded in time. The client's own hooks are
/// bypassed, so the server is what judges.
pub fn push_as(client: &TestRepo, server: &dyn GitServer, who: &str, branch: &str) -> Run {
    let (url, env) = server.remote(who);
    let mut command = client.command("timeout");
    for name in super::server::PUSHER_VARS {
        command.env_remove(name);
    }
    command
        .arg(COMMAND_TIMEOUT_SECS.to_string())
        .args(["git", "push", "--no-verify", &url])
        .arg(format!("{branch}:refs/heads/{branch}"))
        .envs(env);
    Run::from_command(&mut command)
}
