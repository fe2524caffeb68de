//! Paths as the file system resolves them, without requiring that they exist.

use std::path::{Component, Path, PathBuf};

/// `path` with `.` and `..` taken out lexically.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` with every link among its existing leading directories resolved; what does not exist
/// yet is kept as written.
pub(crate) fn real(path: &Path) -> PathBuf {
    resolve_with(path, |existing| std::fs::canonicalize(existing).ok())
}

/// `path`, normalized, with its longest leading part that `lookup` resolves replaced by what it
/// resolves to; unchanged when no leading part resolves.
fn resolve_with(path: &Path, mut lookup: impl FnMut(&Path) -> Option<PathBuf>) -> PathBuf {
    let path = normalize(path);
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    loop {
        if let Some(mut out) = lookup(existing) {
            for part in rest.iter().rev() {
                out.push(part);
            }
            return out;
        }
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => return path.clone(),
        }
    }
}

/// [`real`] for many paths that share folders (the git directory, the home folder, the agents'
/// folders): each folder is resolved once, one `lstat` per component below an already resolved
/// one, where `canonicalize` reads every component again from the root, and a path that does not
/// exist is looked up again from each of its parents.
#[derive(Default)]
pub(crate) struct RealPaths {
    /// Paths looked up, by their normalized absolute spelling, and what they resolve to; `None`:
    /// missing (or a dangling link). A few dozen at most: a list compared byte by byte costs less
    /// than hashing paths component by component.
    known: Vec<(PathBuf, Option<PathBuf>)>,
}

impl RealPaths {
    /// What [`real`] returns for `path`.
    pub(crate) fn real(&mut self, path: &Path) -> PathBuf {
        if !path.is_absolute() {
            return real(path);
        }
        resolve_with(path, |existing| self.existing(existing))
    }

    /// The resolved form of the normalized absolute `path`, `None` when it does not exist.
    fn existing(&mut self, path: &Path) -> Option<PathBuf> {
        if let Some((_, known)) = self
            .known
            .iter()
            .find(|(seen, _)| seen.as_os_str() == path.as_os_str())
        {
            return known.clone();
        }
        let found = match (path.parent(), path.file_name()) {
            (Some(parent), Some(name)) => self.existing(parent).and_then(|parent| {
                let at = parent.join(name);
                match std::fs::symlink_metadata(&at) {
                    Ok(meta) if meta.file_type().is_symlink() => std::fs::canonicalize(&at).ok(),
                    Ok(_) => Some(at),
                    Err(_) => None,
                }
            }),
            // The root.
            _ => std::fs::canonicalize(path).ok(),
        };
        self.known.push((path.to_path_buf(), found.clone()));
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_folders_resolve_as_canonicalize_does() {
        let dir = tempfile::tempdir().expect("tempdir");
        let top = std::fs::canonicalize(dir.path()).expect("canonical");
        std::fs::create_dir_all(top.join("a/b")).expect("mkdir");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(top.join("a"), top.join("link")).expect("symlink");
            std::os::unix::fs::symlink(top.join("nowhere"), top.join("dangling")).expect("symlink");
        }
        let mut paths = RealPaths::default();
        for probe in [
            "a/b/file",
            "a/b",
            "a/missing/deeper/file",
            "link/b/file",
            "link/b",
            "link/../a/b",
            "dangling/file",
            "dangling",
            "a/b/../../link/b/x",
        ] {
            let path = top.join(probe);
            assert_eq!(paths.real(&path), real(&path), "{probe}");
        }
    }
}
