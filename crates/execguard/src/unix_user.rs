//! Unix users by id, from the system's user database (`getpwuid_r`, so NSS users count too): who
//! owns a repository, who runs execguard, and the groups a user is in.

/// A user as the user database knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub uid: u32,
    /// The login name; `None` for an id the database does not know.
    pub name: Option<String>,
    /// The primary group and every supplementary group; empty for an unknown id.
    pub groups: Vec<u32>,
}

impl User {
    /// The name, else `uid N`.
    pub fn display_name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| format!("uid {}", self.uid))
    }
}

/// The user whose permissions this process has (its effective id).
#[cfg(unix)]
pub fn current() -> User {
    #[allow(unsafe_code)]
    // SAFETY: geteuid takes no argument and cannot fail.
    let uid = unsafe { libc::geteuid() };
    by_id(uid)
}

/// The user who owns the file or directory at `path`.
#[cfg(unix)]
pub fn owner_of(path: &std::path::Path) -> Option<User> {
    use std::os::unix::fs::MetadataExt;
    let uid = std::fs::metadata(path).ok()?.uid();
    Some(by_id(uid))
}

#[cfg(not(unix))]
pub fn owner_of(_path: &std::path::Path) -> Option<User> {
    None
}

/// The user with id `uid`.
#[cfg(unix)]
pub fn by_id(uid: u32) -> User {
    match passwd_entry(uid) {
        Some((name, gid)) => {
            let groups = groups_of(&name, gid);
            User {
                uid,
                name: Some(name),
                groups,
            }
        }
        None => User {
            uid,
            name: None,
            groups: Vec::new(),
        },
    }
}

/// `(name, primary group)` of `uid`, or `None` when the database has no entry.
#[cfg(unix)]
#[allow(unsafe_code)]
fn passwd_entry(uid: u32) -> Option<(String, u32)> {
    let mut buffer = vec![0 as libc::c_char; 4096];
    loop {
        // SAFETY: every pointer refers to memory owned here for the duration of the call; the
        // buffer's length is passed with it.
        let mut entry: libc::passwd = unsafe { std::mem::zeroed() };
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let status = unsafe {
            libc::getpwuid_r(
                uid,
                &mut entry,
                buffer.as_mut_ptr(),
                buffer.len(),
                &mut found,
            )
        };
        if status == libc::ERANGE && buffer.len() < 1 << 20 {
            buffer.resize(buffer.len() * 4, 0);
            continue;
        }
        if status != 0 || found.is_null() || entry.pw_name.is_null() {
            return None;
        }
        // SAFETY: getpwuid_r succeeded, so pw_name points to a NUL-terminated string in buffer.
        let name = unsafe { std::ffi::CStr::from_ptr(entry.pw_name) }
            .to_string_lossy()
            .into_owned();
        return Some((name, entry.pw_gid));
    }
}

/// The primary group `gid` and every supplementary group of the user `name`.
#[cfg(unix)]
#[allow(unsafe_code)]
fn groups_of(name: &str, gid: u32) -> Vec<u32> {
    let Ok(c_name) = std::ffi::CString::new(name) else {
        return vec![gid];
    };
    let mut count: libc::c_int = 64;
    loop {
        let mut groups = vec![0 as libc::gid_t; usize::try_from(count).unwrap_or(64)];
        let asked = count;
        // SAFETY: `groups` holds `count` entries, and getgrouplist writes at most that many (it
        // reports the number it needs in `count` when they do not fit).
        let status =
            unsafe { libc::getgrouplist(c_name.as_ptr(), gid, groups.as_mut_ptr(), &mut count) };
        if status >= 0 {
            groups.truncate(usize::try_from(count).unwrap_or(0));
            if !groups.contains(&gid) {
                groups.push(gid);
            }
            return groups;
        }
        if count <= asked {
            // No progress: keep what is certain.
            return vec![gid];
        }
    }
}

#[cfg(not(unix))]
pub fn current() -> User {
    User {
        uid: 0,
        name: None,
        groups: Vec::new(),
    }
}

#[cfg(not(unix))]
pub fn by_id(uid: u32) -> User {
    User {
        uid,
        name: None,
        groups: Vec::new(),
    }
}
