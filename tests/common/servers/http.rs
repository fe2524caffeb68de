//! Smart HTTP: nginx with basic auth in front of fcgiwrap running `git http-backend`, both as the
//! service user (`nobody` when the tests run as root: nginx's master stays root, as on a real
//! server, and its workers drop to `nobody`). nginx passes the authenticated name as
//! `REMOTE_USER`, which names the pusher.

use super::*;

/// The two basic-auth users and their passwords.
const USERS: [(&str, &str); 2] = [("alice", "alice-secret"), ("bo", "bo-secret")];

pub struct HttpServer {
    // Declared first: nginx stops before fcgiwrap.
    _nginx: Service,
    _fcgiwrap: Service,
    port: u16,
    repository: PathBuf,
    pinned: PathBuf,
}

impl HttpServer {
    pub fn start(root: &ServerRoot, client: &TestRepo) -> Self {
        require_program("/usr/sbin/nginx", "nginx");
        require_program("/usr/sbin/fcgiwrap", "fcgiwrap");
        let user = unprivileged_user();
        let bin = root.install_binaries();
        let base = root.dir("http-repos", None);
        let repository = seeded_bare_repository(client, &bin, &base.join("project.git"), &user);
        let pinned = write_pinned(root, USERS[0].0);
        pin(client, &repository, &pinned);

        // nginx reads `{PLAIN}` passwords as well as htpasswd's hashes; plain text keeps the test
        // free of a hashing tool.
        let htpasswd = root.path.join("htpasswd");
        let lines: String = USERS
            .iter()
            .map(|(name, password)| format!("{name}:{{PLAIN}}{password}\n"))
            .collect();
        std::fs::write(&htpasswd, lines).unwrap();
        set_mode(&htpasswd, 0o644);

        let run = root.dir("http-run", Some(&user));
        let socket = run.join("fcgiwrap.sock");
        let mut fcgiwrap = Command::new("timeout");
        fcgiwrap
            .arg("600")
            .args(as_user(&user))
            .arg("/usr/sbin/fcgiwrap")
            .args(["-c", "12", "-s"])
            .arg(format!("unix:{}", socket.display()))
            .env_clear()
            .env("PATH", "/usr/local/bin:/usr/bin:/bin");
        let fcgiwrap = Service::start("fcgiwrap", fcgiwrap, root.path.join("fcgiwrap.log"));
        wait_for_socket(&socket);

        let conf = root.path.join("nginx.conf");
        let (nginx, port) =
            Service::start_listening("nginx", root.path.join("nginx.log"), |port| {
                std::fs::write(
                    &conf,
                    nginx_conf(&root.path, port, &htpasswd, &socket, &base, &user),
                )
                .unwrap();
                let mut nginx = Command::new("/usr/sbin/nginx");
                nginx
                    .arg("-p")
                    .arg(&root.path)
                    .arg("-c")
                    .arg(&conf)
                    .arg("-e")
                    .arg(root.path.join("nginx-error.log"))
                    .env_clear();
                nginx
            });
        Self {
            _nginx: nginx,
            _fcgiwrap: fcgiwrap,
            port,
            repository,
            pinned,
        }
    }
}

/// Polls, bounded, for fcgiwrap's socket.
fn wait_for_socket(socket: &Path) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !socket.exists() {
        assert!(
            Instant::now() < deadline,
            "fcgiwrap never created {}",
            socket.display()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// nginx in the foreground, its files under `prefix`, serving every repository under `base` with
/// basic auth; the workers run as `user`.
fn nginx_conf(
    prefix: &Path,
    port: u16,
    htpasswd: &Path,
    socket: &Path,
    base: &Path,
    user: &ServiceUser,
) -> String {
    let prefix = prefix.display();
    // Only a master that runs as root can give its workers another user (nginx ignores the
    // directive otherwise, with a warning).
    let user = if running_as_root() {
        format!("user {} {};", user.name, user.group)
    } else {
        String::new()
    };
    format!(
        r#"daemon off;
{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/nginx-error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/client_body;
    fastcgi_temp_path {prefix}/fastcgi_temp;
    proxy_temp_path {prefix}/proxy_temp;
    uwsgi_temp_path {prefix}/uwsgi_temp;
    scgi_temp_path {prefix}/scgi_temp;
    client_max_body_size 0;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            auth_basic "git";
            auth_basic_user_file {htpasswd};
            fastcgi_pass unix:{socket};
            include /etc/nginx/fastcgi_params;
            fastcgi_param SCRIPT_FILENAME /usr/lib/git-core/git-http-backend;
            fastcgi_param GIT_PROJECT_ROOT {base};
            fastcgi_param GIT_HTTP_EXPORT_ALL "";
            fastcgi_param REMOTE_USER $remote_user;
            fastcgi_param PATH_INFO $uri;
        }}
    }}
}}
"#,
        htpasswd = htpasswd.display(),
        socket = socket.display(),
        base = base.display(),
    )
}

impl GitServer for HttpServer {
    fn kind(&self) -> &'static str {
        "nginx + git http-backend"
    }

    fn repository(&self) -> &Path {
        &self.repository
    }

    fn pinned(&self) -> &Path {
        &self.pinned
    }

    fn listed(&self) -> &str {
        USERS[0].0
    }

    fn other(&self) -> Option<&str> {
        Some(USERS[1].0)
    }

    fn remote(&self, who: &str) -> (String, Vec<(String, String)>) {
        let (name, password) = USERS
            .iter()
            .find(|(name, _)| *name == who)
            .expect("a known user");
        (
            format!(
                "http://{name}:{password}@127.0.0.1:{}/project.git",
                self.port
            ),
            Vec::new(),
        )
    }
}
