//! Opening a repository: libgit2's process-wide tuning, discovery from a path or from git's hook
//! environment, and the refusal of repository formats libgit2 cannot read.

use std::path::Path;

use git2::{ErrorCode, Repository};

use crate::error::{read_err, Libgit2Error};
use crate::{pack_reader, GitError, Repo};

/// Process-wide libgit2 settings: objects are trusted on read as git trusts them, instead of
/// hashing every object again (a fifth of a range check's time), and pack files are mapped in
/// bounded windows so that a long history does not keep the whole pack resident. `start` is
/// where the repository is looked for (none: unknown); the first call decides for the process.
#[allow(unsafe_code)]
pub(crate) fn tune_libgit2(start: Option<&Path>) {
    static TUNED: std::sync::Once = std::sync::Once::new();
    TUNED.call_once(|| {
        let (window, mapped, cache) = if start.is_some_and(packs_are_large) {
            (LARGE_MWINDOW_SIZE, LARGE_MWINDOW_LIMIT, LARGE_OBJECT_CACHE)
        } else {
            (MWINDOW_SIZE, MWINDOW_LIMIT, OBJECT_CACHE)
        };
        git2::opts::strict_hash_verification(false);
        // Nothing execguard has libgit2 write is kept (see `keep_writes_in_memory`): a
        // criss-cross merge's merged base, written as trees, had every one of its thousands of
        // entries looked up in the packs first, a quarter of a range check on git's history.
        git2::opts::strict_object_creation(false);
        // SAFETY: libgit2's global options are not synchronised; these run once, before any
        // repository is opened or any other thread uses libgit2.
        unsafe {
            // A failure leaves libgit2's defaults in force, which are correct, only larger.
            let _ = git2::opts::set_mwindow_size(window);
            let _ = git2::opts::set_mwindow_mapped_limit(mapped);
            // Parsed trees and commits are cached; a long range would otherwise fill the
            // default 256 MiB.
            libgit2_sys::git_libgit2_opts(
                libgit2_sys::GIT_OPT_SET_CACHE_MAX_SIZE as std::ffi::c_int,
                cache as isize,
            );
            // libgit2 caches no tree over 4 KiB by default: a merge's lookups below a folder
            // of thousands of files (git's own t/) would parse that folder's tree every time.
            let _ = git2::opts::set_cache_object_limit(git2::ObjectType::Tree, TREE_CACHE_LIMIT);
            for level in unreadable_user_configs() {
                // No search path: libgit2 then finds no file at that level, as git does.
                let _ = git2::opts::set_search_path(level, "");
            }
        }
    });
}

/// The user-level config files (`~/.gitconfig`, `$XDG_CONFIG_HOME/git/config`) that exist but
/// cannot be read. git skips them; libgit2 refuses to open any repository, which would make a
/// hook run by a daemon that keeps its starter's HOME (root started `git daemon --user`) refuse
/// every push.
fn unreadable_user_configs() -> Vec<git2::ConfigLevel> {
    let home = std::env::var_os("HOME").filter(|home| !home.is_empty());
    let xdg = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|dir| !dir.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| home.as_ref().map(|home| Path::new(home).join(".config")));
    let candidates = [
        (
            git2::ConfigLevel::Global,
            home.map(|home| Path::new(&home).join(".gitconfig")),
        ),
        (
            git2::ConfigLevel::XDG,
            xdg.map(|dir| dir.join("git").join("config")),
        ),
    ];
    candidates
        .into_iter()
        .filter(|(_, path)| {
            path.as_ref().is_some_and(|path| {
                std::fs::metadata(path)
                    .is_err_and(|error| error.kind() == std::io::ErrorKind::PermissionDenied)
            })
        })
        .map(|(level, _)| level)
        .collect()
}

// Parsed commits and trees are asked for again by the next commit or two, not later. The workers'
// caches grow until their total reaches this, and a range of a few dozen commits never reached
// 2 MiB: every tree kept was heap touched for the first time, a page fault per 4 KiB, which cost
// more time than reading the few trees asked for again once the cache is full (40 commits of 10
// files: 28% fewer faults, 8% less CPU).
const OBJECT_CACHE: usize = 256 * 1024;

/// The object cache where the packs are large: the merges of such histories compare big trees,
/// read again from the cache.
const LARGE_OBJECT_CACHE: usize = 2 * 1024 * 1024;

/// The largest tree the object cache keeps: a folder of about 5,000 entries.
const TREE_CACHE_LIMIT: usize = 256 * 1024;
// libgit2 reads commits and trees; file contents of range and push checks go through
// `pack_reader`, so its windows can be small: their pages count towards the peak memory. A
// merge reads trees from all over a pack: in windows of 256 KiB, the 4 MiB mapped at most cover
// 16 places of it instead of 2, and a window given up unmaps an eighth of the pages (each
// unmapping interrupts the other worker's core), for the same pages mapped at most.
const MWINDOW_SIZE: usize = 256 * 1024;
const MWINDOW_LIMIT: usize = 4 * 1024 * 1024;

/// Packs this large (git.git's is 500 MB) hold histories whose merges read trees from all over
/// them: through 4 MiB of windows, libgit2 mapped and unmapped a window 60,000 times over
/// git.git's last 300 merges, most of a range check's system time. Larger windows took 1.2 s
/// of CPU off its 7.7 s, for 55 MB more at the peak (git itself peaks at 260 MB there).
const LARGE_PACKS: u64 = 256 * 1024 * 1024;
const LARGE_MWINDOW_SIZE: usize = 32 * 1024 * 1024;
const LARGE_MWINDOW_LIMIT: usize = 256 * 1024 * 1024;

/// Whether the packs of the repository at or above `start` (its alternates' included) reach
/// [`LARGE_PACKS`]. A guess made before libgit2 opens anything: it only sizes the windows and
/// the object cache.
fn packs_are_large(start: &Path) -> bool {
    let from_env = std::env::var_os("GIT_OBJECT_DIRECTORY")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("GIT_DIR").map(|dir| Path::new(&dir).join("objects")));
    from_env
        .or_else(|| objects_at_or_above(start))
        .is_some_and(|objects| packs_reach(&objects, LARGE_PACKS))
}

/// The object directory of the repository at or above `start`, worktree or bare.
fn objects_at_or_above(start: &Path) -> Option<std::path::PathBuf> {
    start.ancestors().find_map(|dir| {
        [dir.join(".git").join("objects"), dir.join("objects")]
            .into_iter()
            .find(|objects| objects.join("pack").is_dir())
    })
}

/// Whether the packs of `objects` and of its alternates add up to `size` bytes.
fn packs_reach(objects: &Path, size: u64) -> bool {
    let mut total = 0u64;
    for dir in crate::pack_chains::with_alternates(&[objects.to_path_buf()]) {
        let Ok(entries) = std::fs::read_dir(dir.join("pack")) else {
            continue;
        };
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|ext| ext == "pack") {
                total += entry.metadata().map_or(0, |meta| meta.len());
            }
        }
    }
    total >= size
}

/// Opens the repository from git's environment (`GIT_DIR`, `GIT_INDEX_FILE`, the quarantine
/// object directories of a push, ...), as a hook must.
pub fn open_from_env() -> Result<Repo, GitError> {
    tune_libgit2(std::env::current_dir().ok().as_deref());
    let repo = Repository::open_from_env().map_err(open_error)?;
    check_supported(&repo)?;
    keep_writes_in_memory(&repo)?;
    pack_reader::remember_env_dirs(&repo);
    Ok(Repo::from_git(repo))
}

/// Opens the repository containing `path`, searching upwards across file systems as
/// `Repository::discover` does, but in one pass: `discover` finds the git directory and then
/// opens it from scratch, checking every file of the layout twice.
pub fn open_at(path: &Path) -> Result<Repo, GitError> {
    tune_libgit2(Some(path));
    let no_ceiling: [&std::ffi::OsStr; 0] = [];
    let repo = Repository::open_ext(path, git2::RepositoryOpenFlags::CROSS_FS, no_ceiling)
        .map_err(|error| {
            if error.code() == ErrorCode::Owner {
                GitError::NotOwned {
                    path: path.to_path_buf(),
                }
            } else {
                open_error(error)
            }
        })?;
    check_supported(&repo)?;
    keep_writes_in_memory(&repo)?;
    Ok(Repo::from_git(repo))
}

/// Names the repository feature libgit2 could not read, and how to turn it off where git can.
fn open_error(error: git2::Error) -> GitError {
    let text = error.message().to_ascii_lowercase();
    if text.contains("objectformat") || text.contains("sha256") {
        GitError::Unsupported("the SHA-256 object format".into())
    } else if text.contains("refstorage") || text.contains("reftable") {
        GitError::Unsupported("the reftable ref storage".into())
    } else if text.contains("extension") {
        GitError::Unsupported(format!("a repository extension ({})", error.message()))
    } else {
        GitError::Open(Libgit2Error::from_git(error))
    }
}

/// Puts an in-memory object store in front of the repository's: libgit2's tree merge (the
/// re-merge of a merge whose sides rename files) writes every file it merges into the object
/// database, and the repository being checked must not change. Objects libgit2 writes land in
/// memory and are gone when the process ends; reads fall through to the repository's own
/// objects.
fn keep_writes_in_memory(repo: &Repository) -> Result<(), GitError> {
    let odb = repo.odb().map_err(read_err("the object database"))?;
    // Above the loose (1) and pack (2) backends, so that libgit2 writes to it first.
    odb.add_new_mempack_backend(1000)
        .map_err(read_err("an in-memory object store"))?;
    Ok(())
}

fn check_supported(repo: &Repository) -> Result<(), GitError> {
    let config = repo
        .config()
        .map_err(read_err("the repository's git config"))?;
    if let Ok(format) = config.get_string("extensions.objectformat") {
        if !format.eq_ignore_ascii_case("sha1") {
            return Err(GitError::Unsupported(format!("the {format} object format")));
        }
    }
    if let Ok(storage) = config.get_string("extensions.refstorage") {
        if !storage.eq_ignore_ascii_case("files") {
            return Err(GitError::Unsupported(format!("the {storage} ref storage")));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pack of `size` bytes in `objects/pack` (sparse: it takes no room on disk).
    fn pack(objects: &Path, size: u64) {
        std::fs::create_dir_all(objects.join("pack")).expect("pack folder");
        std::fs::File::create(objects.join("pack").join("pack-1.pack"))
            .and_then(|file| file.set_len(size))
            .expect("pack file");
    }

    #[test]
    fn large_windows_follow_the_size_of_the_packs_and_of_their_alternates() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let (small, large, borrower) = (
            dir.path().join("small"),
            dir.path().join("large"),
            dir.path().join("borrower"),
        );
        pack(&small.join(".git/objects"), 1024);
        pack(&large.join("objects"), LARGE_PACKS);
        std::fs::create_dir_all(borrower.join(".git/objects/info")).expect("info folder");
        std::fs::create_dir_all(borrower.join(".git/objects/pack")).expect("pack folder");
        std::fs::write(
            borrower.join(".git/objects/info/alternates"),
            format!("{}\n", large.join("objects").display()),
        )
        .expect("alternates");
        let large_at = |start: &Path| {
            objects_at_or_above(start).is_some_and(|objects| packs_reach(&objects, LARGE_PACKS))
        };
        assert!(!large_at(&small.join("src")));
        assert!(large_at(&large));
        assert!(large_at(&borrower));
    }
}
