//! Linux, without any helper: this process enters a new user and mount namespace, binds each
//! guarded path onto itself read-only, then enters a second pair of namespaces. The kernel locks
//! mounts that a less privileged namespace inherits: from inside, they can neither be unmounted
//! nor made writable again, even by a process that is root there; and a process in a child user
//! namespace cannot reach the outer mounts through `/proc/<pid>/root` of the processes outside.
//! The command then runs as the same user, in the same directory, with the same environment.

use std::path::Path;

use nix::errno::Errno;
use nix::mount::{mount, MsFlags};
use nix::sched::{unshare, CloneFlags};
use nix::sys::statvfs::{statvfs, FsFlags};
use nix::unistd::{getgid, getuid};

/// Why the namespaces could not be made.
#[derive(Debug)]
pub enum Error {
    /// The kernel refuses this process a user namespace (a sysctl, an AppArmor restriction, a
    /// container's seccomp profile); nothing changed, so another route may be tried.
    Refused(Errno),
    /// A step after the namespace was entered failed: this process must not run the command.
    Failed { what: String, errno: Errno },
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Refused(errno) => write!(f, "the kernel refuses a new user namespace ({errno})"),
            Error::Failed { what, errno } => write!(f, "{what}: {errno}"),
        }
    }
}

impl std::error::Error for Error {}

/// Makes `paths` read-only for this process and every process it starts from now on. Must run
/// before this process starts any thread: the kernel gives user namespaces to single-threaded
/// processes only.
pub fn enter(paths: &[&Path], cwd: &Path) -> Result<(), Error> {
    let (uid, gid) = (getuid(), getgid());
    unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS).map_err(Error::Refused)?;
    map_ids(uid.as_raw(), gid.as_raw())?;
    // Nothing done here may reach the mounts outside.
    mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None::<&str>,
    )
    .map_err(|errno| failed("cannot make the mounts private", errno))?;
    for path in paths {
        read_only(path)?;
    }
    // The second pair: every mount above is now locked.
    unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS)
        .map_err(|errno| failed("cannot enter the inner user namespace", errno))?;
    map_ids(uid.as_raw(), gid.as_raw())?;
    // A working directory inside a guarded folder would still be the folder under the mount.
    std::env::set_current_dir(cwd).map_err(|e| Error::Failed {
        what: format!("cannot enter {} again", cwd.display()),
        errno: Errno::from_raw(e.raw_os_error().unwrap_or(0)),
    })
}

fn failed(what: &str, errno: Errno) -> Error {
    Error::Failed {
        what: what.to_string(),
        errno,
    }
}

/// The same user and group inside as outside.
fn map_ids(uid: u32, gid: u32) -> Result<(), Error> {
    let write = |file: &str, text: String| {
        std::fs::write(format!("/proc/self/{file}"), text).map_err(|e| Error::Failed {
            what: format!("cannot write /proc/self/{file}"),
            errno: Errno::from_raw(e.raw_os_error().unwrap_or(0)),
        })
    };
    write("setgroups", "deny".to_string())?;
    write("uid_map", format!("{uid} {uid} 1\n"))?;
    write("gid_map", format!("{gid} {gid} 1\n"))
}

/// Binds `path` onto itself, then makes that bind read-only, keeping the flags the kernel locks
/// on the mount it lies in (nosuid, nodev, noexec, atime).
fn read_only(path: &Path) -> Result<(), Error> {
    let what = |step: &str| format!("cannot {step} {}", path.display());
    mount(
        Some(path),
        path,
        None::<&str>,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        None::<&str>,
    )
    .map_err(|errno| failed(&what("bind"), errno))?;
    let kept = statvfs(path)
        .map_err(|errno| failed(&what("read the mount flags of"), errno))?
        .flags();
    let mut flags = MsFlags::MS_BIND | MsFlags::MS_REMOUNT | MsFlags::MS_RDONLY;
    for (has, flag) in [
        (FsFlags::ST_NOSUID, MsFlags::MS_NOSUID),
        (FsFlags::ST_NODEV, MsFlags::MS_NODEV),
        (FsFlags::ST_NOEXEC, MsFlags::MS_NOEXEC),
        (FsFlags::ST_NOATIME, MsFlags::MS_NOATIME),
        (FsFlags::ST_NODIRATIME, MsFlags::MS_NODIRATIME),
        (FsFlags::ST_RELATIME, MsFlags::MS_RELATIME),
    ] {
        if kept.contains(has) {
            flags |= flag;
        }
    }
    mount(None::<&str>, path, None::<&str>, flags, None::<&str>)
        .map_err(|errno| failed(&what("make read-only"), errno))
}
