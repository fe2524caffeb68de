//! Linux through bubblewrap (`bwrap`), where the kernel refuses execguard a user namespace of its
//! own but lets bubblewrap make one (distributions that restrict unprivileged user namespaces ship
//! an AppArmor profile for it). The whole file system is bound as it is, each guarded path
//! read-only over it, and every capability is dropped, so that no process inside can unmount
//! those binds, even one that runs as root.

use std::ffi::OsString;
use std::path::Path;

/// The bubblewrap command line that runs `command` with `paths` read-only.
pub fn command_line(paths: &[&Path], command: &[OsString]) -> Vec<OsString> {
    let mut args: Vec<OsString> = [
        "--unshare-user",
        "--cap-drop",
        "ALL",
        "--die-with-parent",
        "--dev-bind",
        "/",
        "/",
    ]
    .iter()
    .map(OsString::from)
    .collect();
    for path in paths {
        args.push("--ro-bind".into());
        args.push(path.as_os_str().to_owned());
        args.push(path.as_os_str().to_owned());
    }
    args.push("--".into());
    args.extend(command.iter().cloned());
    args
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_guarded_path_is_bound_read_only_over_the_whole_file_system() {
        let line = command_line(
            &[
                Path::new("/repo/specs/login.md"),
                Path::new("/repo/.git/hooks"),
            ],
            &["claude".into(), "--resume".into()],
        );
        let text: Vec<&str> = line.iter().map(|a| a.to_str().unwrap_or("")).collect();
        assert_eq!(
            text.join(" "),
            "--unshare-user --cap-drop ALL --die-with-parent --dev-bind / / --ro-bind /repo/specs/login.md /repo/specs/login.md --ro-bind /repo/.git/hooks /repo/.git/hooks -- claude --resume"
        );
    }
}
