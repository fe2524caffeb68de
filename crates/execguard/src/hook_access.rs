//! Whether the user a server runs hooks as can reach and run the hook's binary. git runs a hook as
//! the user serving the push, usually the repository's owner; a binary under a home that user
//! cannot enter (`/root/.cargo/bin` with `/root` at mode 0700) makes the hook refuse every push.

use std::path::{Path, PathBuf};

use crate::unix_user::User;

/// The permission bits and owner of one file or directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Permissions {
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

/// Whether `user` may search a directory or execute a file with `permissions`, as the kernel
/// decides it from the mode bits (access control lists aside). Root needs an execute bit only
/// on a file.
pub fn may_execute(permissions: Permissions, user: &User, is_dir: bool) -> bool {
    if user.uid == 0 {
        return is_dir || permissions.mode & 0o111 != 0;
    }
    let bit = if permissions.uid == user.uid {
        0o100
    } else if user.groups.contains(&permissions.gid) {
        0o010
    } else {
        0o001
    };
    permissions.mode & bit != 0
}

/// What stops `user` from running `binary`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    /// The directory the user cannot enter, or the binary itself.
    pub path: PathBuf,
    pub permissions: Permissions,
    pub is_dir: bool,
}

impl Blocked {
    /// `cannot enter /root (mode 0700, owner uid 0)`.
    pub fn describe(&self) -> String {
        let owner = crate::unix_user::by_id(self.permissions.uid).display_name();
        format!(
            "cannot {} {} (mode {:04o}, owned by {owner})",
            if self.is_dir { "enter" } else { "run" },
            self.path.display(),
            self.permissions.mode & 0o7777,
        )
    }
}

/// The first directory on the way to `binary` (an absolute path), or the binary itself, that
/// `user` cannot enter or run; `None` when nothing is in the way or a path cannot be read.
#[cfg(unix)]
pub fn first_blocked(binary: &Path, user: &User) -> Option<Blocked> {
    use std::os::unix::fs::MetadataExt;
    let mut steps: Vec<&Path> = binary.ancestors().skip(1).collect();
    steps.reverse();
    for (path, is_dir) in steps
        .into_iter()
        .map(|dir| (dir, true))
        .chain([(binary, false)])
    {
        let metadata = std::fs::metadata(path).ok()?;
        let permissions = Permissions {
            mode: metadata.mode(),
            uid: metadata.uid(),
            gid: metadata.gid(),
        };
        if !may_execute(permissions, user, is_dir) {
            return Some(Blocked {
                path: path.to_path_buf(),
                permissions,
                is_dir,
            });
        }
    }
    None
}

#[cfg(not(unix))]
pub fn first_blocked(_binary: &Path, _user: &User) -> Option<Blocked> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(uid: u32, groups: &[u32]) -> User {
        User {
            uid,
            name: Some("git".into()),
            groups: groups.to_vec(),
        }
    }

    const ROOT_HOME: Permissions = Permissions {
        mode: 0o40700,
        uid: 0,
        gid: 0,
    };

    #[test]
    fn a_home_at_0700_keeps_other_users_out() {
        assert!(!may_execute(ROOT_HOME, &user(1000, &[1000]), true));
        assert!(may_execute(ROOT_HOME, &user(0, &[0]), true));
    }

    #[test]
    fn the_owner_group_and_others_each_use_their_own_bit() {
        let dir = Permissions {
            mode: 0o40710,
            uid: 1000,
            gid: 50,
        };
        assert!(may_execute(dir, &user(1000, &[1000]), true));
        assert!(may_execute(dir, &user(1001, &[1001, 50]), true));
        assert!(!may_execute(dir, &user(1002, &[1002]), true));
        // The owner's bit alone decides for the owner, even when others may enter.
        let others_only = Permissions {
            mode: 0o40001,
            uid: 1000,
            gid: 50,
        };
        assert!(!may_execute(others_only, &user(1000, &[50]), true));
        assert!(may_execute(others_only, &user(1002, &[1002]), true));
    }

    #[test]
    fn root_needs_an_execute_bit_on_a_file_only() {
        let file = Permissions {
            mode: 0o100644,
            uid: 0,
            gid: 0,
        };
        assert!(!may_execute(file, &user(0, &[0]), false));
        assert!(may_execute(file, &user(0, &[0]), true));
    }
}
