//! Blob contents for checks of many commits, read from the packs through gitoxide.
//!
//! libgit2 keeps the delta bases it resolved in a small cache that it empties whole when full, so
//! in a history whose files are stored as long delta chains almost every read resolves its chain
//! again from the base. The packs of the repository's object directories are read by
//! [`crate::pack_chains`], which keeps the versions it decodes for all worker threads; what they
//! do not have (loose objects, alternates) is read through gitoxide's object database.
//!
//! The reader only ever answers with an object it found: when it cannot open the object
//! directories or does not have an object, libgit2 reads it, so a verdict never depends on which
//! of the readers read it.

use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Mutex;

use git2::{Oid, Repository};
use gix_object::Find;

use crate::pack_chains::{PackChains, SharedPacks};

/// The decoded versions a check keeps, in bytes, shared by its worker threads. Over 700 real-size
/// commits whose files are stored in chains of up to 50 deltas (`bench/bench.py`, `history-real`),
/// caps of 12, 16 and 32 MiB took 0.49, 0.45 and 0.43 s of CPU (git log: 0.38 s) for a peak of
/// 46, 51 and 63 MB; on 10,009 commits, 12 MiB keeps the peak at 62 MB (16 MiB: 66 MB, over the
/// 64 MiB the benchmark allows). libgit2 keeps its own 16 MiB of delta bases, for trees. Where
/// the reads walk deep chains, the cap grows (see [`crate::pack_chains`]).
const PACK_CACHE: usize = 12 * 1024 * 1024;

/// The delta bases each worker keeps, in bytes, for the objects the packs of the object
/// directories do not have (those of their alternates), read through gitoxide's object database.
const LOOSE_CACHE: usize = 2 * 1024 * 1024;

/// Bytes of a commit inflated for its header: `tree`, two `parent` lines, `author` and
/// `committer` take about 300. A longer header (an octopus merge, long names) is read whole.
pub(crate) const HEADER_PREFIX: usize = 512;

/// The object directories libgit2 read from git's environment for a repository opened from it
/// (a hook's, with the quarantine of a push), by git directory.
static FROM_ENV: Mutex<Vec<(PathBuf, Vec<PathBuf>)>> = Mutex::new(Vec::new());

/// Remembers where libgit2 looks for the objects of `repo`, opened from git's environment: the
/// `GIT_OBJECT_DIRECTORY` that replaces the repository's own, then each directory of
/// `GIT_ALTERNATE_OBJECT_DIRECTORIES`, split as libgit2 splits it.
pub(crate) fn remember_env_dirs(repo: &Repository) {
    let primary = std::env::var_os("GIT_OBJECT_DIRECTORY")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.commondir().join("objects"));
    let mut dirs = vec![primary];
    if let Some(alternates) = std::env::var_os("GIT_ALTERNATE_OBJECT_DIRECTORIES") {
        dirs.extend(std::env::split_paths(&alternates).filter(|p| !p.as_os_str().is_empty()));
    }
    if let Ok(mut known) = FROM_ENV.lock() {
        known.retain(|(git_dir, _)| git_dir != repo.path());
        known.push((repo.path().to_path_buf(), dirs));
    }
}

/// The object directories libgit2 reads for `repo`; each one's `info/alternates` is followed by
/// the reader as by libgit2.
fn object_dirs(repo: &Repository) -> Vec<PathBuf> {
    let from_env = FROM_ENV.lock().ok().and_then(|known| {
        known
            .iter()
            .find(|(git_dir, _)| git_dir == repo.path())
            .map(|(_, dirs)| dirs.clone())
    });
    from_env.unwrap_or_else(|| vec![repo.commondir().join("objects")])
}

thread_local! {
    /// The reader of this thread, and the object directories it reads: a parallel check hands
    /// its commits to a thread in many small runs, and the reader one run opened serves the
    /// next.
    static THREAD_READER: RefCell<Option<(Vec<PathBuf>, Rc<PackReader>)>> =
        const { RefCell::new(None) };
}

/// The reader of this thread for the object directories of `repo`, opened on first use; `None`
/// when they cannot be opened, and libgit2 reads everything.
pub(crate) fn for_thread(repo: &Repository) -> Option<Rc<PackReader>> {
    let dirs = object_dirs(repo);
    THREAD_READER.with(|slot| {
        let mut slot = slot.try_borrow_mut().ok()?;
        if let Some((known, reader)) = slot.as_ref() {
            if *known == dirs {
                return Some(reader.clone());
            }
        }
        let reader = Rc::new(PackReader::open_dirs(dirs.clone())?);
        *slot = Some((dirs, reader.clone()));
        Some(reader)
    })
}

/// One worker's gitoxide handles on the object directories of a repository, in libgit2's order.
pub(crate) struct PackReader {
    chains: RefCell<PackChains>,
    stores: Vec<gix_odb::Handle>,
    buffer: RefCell<Vec<u8>>,
}

impl PackReader {
    /// Opens `dirs`; `None` when one of them cannot be opened.
    pub(crate) fn open_dirs(dirs: Vec<PathBuf>) -> Option<PackReader> {
        let chains = PackChains::new(SharedPacks::for_dirs(&dirs, PACK_CACHE));
        let share = LOOSE_CACHE / dirs.len().max(1);
        let mut stores = Vec::with_capacity(dirs.len());
        for dir in dirs {
            let mut store = gix_odb::at(dir, gix_hash::Kind::Sha1).ok()?;
            store.set_pack_cache(move || {
                Box::new(gix_pack::cache::lru::MemoryCappedHashmap::new(share))
            });
            // The objects of a check do not change while it runs; an object not found is read
            // by libgit2, without rescanning the pack directories first.
            store.refresh_never();
            stores.push(store);
        }
        Some(PackReader {
            chains: RefCell::new(chains),
            stores,
            buffer: RefCell::new(Vec::new()),
        })
    }

    /// The contents of blob `id`, and whether the reader keeps it (it came from the packs of the
    /// object directories, whose decoded versions are kept, so a copy need not be); `None` when
    /// no directory has it as a blob (or it cannot be read here), for libgit2 to read.
    pub(crate) fn blob(&self, id: Oid) -> Option<(Vec<u8>, bool)> {
        let id = gix_hash::oid::try_from_bytes(id.as_bytes()).ok()?;
        let mut buffer = self.buffer.try_borrow_mut().ok()?;
        if let Ok(mut chains) = self.chains.try_borrow_mut() {
            match chains.object(id, &mut buffer) {
                Some(gix_object::Kind::Blob) => return Some((buffer.clone(), true)),
                Some(_) => return None,
                None => {}
            }
        }
        for store in &self.stores {
            match store.try_find(id, &mut buffer) {
                Ok(Some(data)) if data.kind == gix_object::Kind::Blob => {
                    return Some((data.data.to_vec(), false))
                }
                Ok(Some(_)) | Err(_) => return None,
                Ok(None) => {}
            }
        }
        None
    }

    /// The committer time and the parents of commit `id`, read from its header; `None` when no
    /// directory has it as a commit (or it cannot be read here), or its header is not in the
    /// form git writes, for libgit2 to read. A merge-base walk needs only these, and libgit2
    /// parsed each commit whole through its small windows over the packs.
    pub(crate) fn commit_header(&self, id: Oid) -> Option<(i64, Vec<Oid>)> {
        let id = gix_hash::oid::try_from_bytes(id.as_bytes()).ok()?;
        let mut buffer = self.buffer.try_borrow_mut().ok()?;
        if let Ok(mut chains) = self.chains.try_borrow_mut() {
            if let Some(whole) = chains.whole_commit_prefix(id, HEADER_PREFIX, &mut buffer) {
                if whole {
                    return commit_header(&buffer);
                }
                // Only complete lines: a header the prefix cuts short reads as no header, and
                // the whole commit is decoded below.
                let lines = buffer
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(&buffer[..0], |last| &buffer[..=last]);
                if let Some(header) = commit_header(lines) {
                    return Some(header);
                }
            }
            match chains.object(id, &mut buffer) {
                Some(gix_object::Kind::Commit) => return commit_header(&buffer),
                Some(_) => return None,
                None => {}
            }
        }
        for store in &self.stores {
            match store.try_find(id, &mut buffer) {
                Ok(Some(data)) if data.kind == gix_object::Kind::Commit => {
                    return commit_header(data.data)
                }
                Ok(Some(_)) | Err(_) => return None,
                Ok(None) => {}
            }
        }
        None
    }
}

/// The committer time and the parents of a commit object, when its header starts as git writes
/// it: `tree`, `parent` lines, `author`, then `committer` ending in `> <seconds> <zone>`.
/// Anything else is left to libgit2's parser, so that both never disagree.
fn commit_header(data: &[u8]) -> Option<(i64, Vec<Oid>)> {
    let mut lines = data.split(|&b| b == b'\n');
    let hex_id = |hex: &[u8]| {
        if hex.len() != 40 || !hex.iter().all(u8::is_ascii_hexdigit) {
            return None;
        }
        Oid::from_str(std::str::from_utf8(hex).ok()?).ok()
    };
    hex_id(lines.next()?.strip_prefix(b"tree ")?)?;
    let mut parents = Vec::new();
    let mut line = lines.next()?;
    while let Some(hex) = line.strip_prefix(b"parent ") {
        parents.push(hex_id(hex)?);
        line = lines.next()?;
    }
    line.strip_prefix(b"author ")?;
    let committer = lines.next()?.strip_prefix(b"committer ")?;
    let email_end = committer.iter().rposition(|&b| b == b'>')?;
    let when = committer[email_end + 1..].strip_prefix(b" ")?;
    let space = when.iter().position(|&b| b == b' ')?;
    let (seconds, zone) = (&when[..space], &when[space + 1..]);
    let zone_ok = zone.len() == 5
        && matches!(zone[0], b'+' | b'-')
        && zone[1..].iter().all(u8::is_ascii_digit);
    if seconds.is_empty()
        || seconds.len() > 18
        || !seconds.iter().all(u8::is_ascii_digit)
        || !zone_ok
    {
        return None;
    }
    let time = std::str::from_utf8(seconds).ok()?.parse().ok()?;
    Some((time, parents))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_with_blob(content: &[u8]) -> (tempfile::TempDir, Repository, Oid) {
        let dir = tempfile::tempdir().expect("temporary directory");
        let repo = Repository::init_bare(dir.path()).expect("bare repository");
        let id = repo.blob(content).expect("blob written");
        (dir, repo, id)
    }

    #[test]
    fn reads_a_blob_of_the_repository() {
        let (_dir, repo, id) = repo_with_blob(b"plan\n");
        let reader = for_thread(&repo).expect("object directory opens");
        // A loose object: the reader keeps no decoded copy of it.
        assert_eq!(reader.blob(id), Some((b"plan\n".to_vec(), false)));
    }

    #[test]
    fn an_object_it_does_not_have_is_left_to_libgit2() {
        let (_dir, _repo, id) = repo_with_blob(b"plan\n");
        let elsewhere = tempfile::tempdir().expect("temporary directory");
        let reader = PackReader::open_dirs(vec![elsewhere.path().to_path_buf()])
            .expect("empty object directory opens");
        assert_eq!(reader.blob(id), None);
    }

    #[test]
    fn a_blob_the_reader_does_not_have_is_read_by_libgit2() {
        use execguard_core::Trees;
        let (_dir, repo, id) = repo_with_blob(b"plan\n");
        let elsewhere = tempfile::tempdir().expect("temporary directory");
        let cache = crate::read_cache::ReadCache::default();
        let reader = PackReader::open_dirs(vec![elsewhere.path().to_path_buf()]);
        assert!(cache.packs.set(reader.map(Rc::new)).is_ok());
        let trees = crate::GitTrees {
            repo: &repo,
            base: crate::Snapshot::Empty,
            new: crate::Snapshot::Empty,
            cache: Some(&cache),
            folders: None,
        };
        assert_eq!(trees.blob(&id.to_string()).expect("blob read"), b"plan\n");
    }

    /// A merge commit, loose or packed, reads as libgit2 parses it.
    #[test]
    fn a_commit_header_reads_as_libgit2_parses_it() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let repo = Repository::init_bare(dir.path()).expect("bare repository");
        let tree = repo.treebuilder(None).expect("tree").write().expect("tree");
        let tree = repo.find_tree(tree).expect("tree");
        let at = |seconds| {
            git2::Signature::new(
                "A U Thor",
                "a@example.invalid",
                &git2::Time::new(seconds, -90),
            )
            .expect("signature")
        };
        let first = repo
            .commit(None, &at(1_000), &at(2_000), "first\n", &tree, &[])
            .expect("commit");
        let second = repo
            .commit(None, &at(1_500), &at(2_500), "second\n", &tree, &[])
            .expect("commit");
        let parents = [
            &repo.find_commit(first).expect("commit"),
            &repo.find_commit(second).expect("commit"),
        ];
        let merge = repo
            .commit(
                None,
                &at(3_000),
                &at(4_000),
                "merge\n\nbody\n",
                &tree,
                &parents,
            )
            .expect("commit");
        let expected = |id: Oid| {
            let commit = repo.find_commit(id).expect("commit");
            Some((
                commit.time().seconds(),
                commit.parent_ids().collect::<Vec<_>>(),
            ))
        };
        let reader = for_thread(&repo).expect("object directory opens");
        assert_eq!(reader.commit_header(merge), expected(merge));
        assert_eq!(
            reader.commit_header(merge).map(|(time, _)| time),
            Some(4_000)
        );
        assert_eq!(reader.commit_header(first), expected(first));
        // A blob is no commit.
        let blob = repo.blob(b"plan\n").expect("blob");
        assert_eq!(reader.commit_header(blob), None);
    }

    #[test]
    fn a_commit_header_not_in_gits_own_form_is_left_to_libgit2() {
        let tree = "tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n";
        let parent = "parent 8b137891791fe96927ad78e64b0aad7bded08bdc\n";
        let author = "author A <a@example.invalid> 1000 +0000\n";
        let good =
            format!("{tree}{parent}{author}committer C <c@example.invalid> 2000 -0130\n\nm\n");
        let parsed = commit_header(good.as_bytes()).expect("git's own form");
        assert_eq!(parsed.0, 2000);
        assert_eq!(parsed.1.len(), 1);
        for committer in [
            "committer C <c@example.invalid>  2000 +0000\n",
            "committer C <c@example.invalid> 2000\n",
            "committer C <c@example.invalid> 2000 +000\n",
            "committer C <c@example.invalid> -2000 +0000\n",
            "committer C c@example.invalid 2000 +0000\n",
        ] {
            let odd = format!("{tree}{parent}{author}{committer}\nm\n");
            assert_eq!(commit_header(odd.as_bytes()), None, "{committer}");
        }
        let short_parent = format!("{tree}parent 8b13789\n{author}committer C <c> 2 +0000\n");
        assert_eq!(commit_header(short_parent.as_bytes()), None);
        let no_author = format!("{tree}{parent}committer C <c> 2 +0000\n");
        assert_eq!(commit_header(no_author.as_bytes()), None);
    }

    #[test]
    fn an_object_that_is_not_a_blob_is_left_to_libgit2() {
        let (_dir, repo, _) = repo_with_blob(b"plan\n");
        let tree = repo.treebuilder(None).expect("tree").write().expect("tree");
        let reader = for_thread(&repo).expect("object directory opens");
        assert_eq!(reader.blob(tree), None);
    }
}
