//! execguard's git adapter: the only crate that knows libgit2.
//!
//! It opens the repository the way git's hooks expect, turns "the staged change" and "commit C
//! against its first parent" into the core's [`Change`], gives the rules read access to both trees
//! through [`GitTrees`], and finds which config judges a change. It never writes to the index, the
//! working tree, the refs or the object database.

use std::path::{Path, PathBuf};

use execguard_core::config::{Config, CONFIG_PATH};
use execguard_core::{Change, Entry, EntryKind, RepoPath, Side, TreeError, Trees};
use git2::ObjectType;
pub mod baseline;
mod case_folded;
mod merge;
mod pack_reader;
mod pushed;
mod renames;
mod revwalk;
mod staged;
mod tree_check;
mod tree_diff;

pub use git2::{ErrorCode, Oid, Repository, Tree};
pub use merge::{MergeParts, OtherParentTrees, ParentSide};
pub use pushed::{new_commits_per_tip, PushedTip};
pub use revwalk::{commits_in_range, promisor_remote, resolve_commit, RangeOptions, DEEPEN};
pub use staged::StagedIndex;
pub use tree_check::{MalformedTree, TreeProblem};

/// What `execguard install` sets in a repository's git config.
pub mod repo_config;

/// The repository could not be read or is not one execguard can judge.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot open the git repository: {0}")]
    Open(#[source] Libgit2Error),
    /// The repository belongs to another user and no `safe.directory` entry trusts it: git and
    /// libgit2 refuse to work in it. `path` is where the lookup started.
    #[error("{} belongs to another user, and git refuses to work in a repository another user owns (see `safe.directory` in git-config(1))", path.display())]
    NotOwned { path: PathBuf },
    #[error("this repository uses {0}, which execguard cannot read yet; the check cannot run")]
    Unsupported(String),
    #[error("cannot read {what}: {}", source.message())]
    Read {
        what: String,
        #[source]
        source: Libgit2Error,
    },
    /// An index with sparse directory entries. The way out keeps the sparse checkout and what is
    /// staged (`git read-tree` would reset the index, losing staged work).
    #[error("this repository uses a sparse index (index.sparse), which execguard cannot read yet; the check cannot run. Turn it off, keeping the sparse checkout and what is staged, with `git sparse-checkout reapply --no-sparse-index`")]
    SparseIndex,
    #[error("cannot read the index {path}: {reason}")]
    Index { path: String, reason: String },
    #[error("the index has unresolved conflicts ({0}); resolve them before checking")]
    Unmerged(String),
    #[error("cannot read the config file {path}: {source}")]
    ConfigFile {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Config(#[from] execguard_core::ConfigError),
    /// A tree git's fsck rejects (a name listed twice, a `.git` entry, ...): a checkout of it may
    /// not show what execguard reads, so it cannot be judged.
    #[error(transparent)]
    MalformedTree(Box<MalformedTree>),
    /// A range that names no commits, or a revision that is not in the repository.
    #[error("{0}")]
    Range(String),
    /// A parent of `commit` is not in the repository: the boundary of a shallow clone (`shallow`),
    /// or a history pruned below it. The commit cannot be judged against it, nor as a root.
    #[error("commit {commit} cannot be judged: its parent {parent} is not in this repository{}", if *shallow { format!(" (the clone is shallow there; {})", revwalk::DEEPEN) } else { String::new() })]
    MissingParent {
        commit: Oid,
        parent: Oid,
        shallow: bool,
    },
    #[error("cannot set {key} in the repository's git config: {}", source.message())]
    SetConfig {
        key: String,
        #[source]
        source: Libgit2Error,
    },
}

/// An error from libgit2, shown as its sentence alone: libgit2's own rendering appends
/// `; class=Odb (9); code=NotFound (-3)`, which tells a person nothing. The code and class stay
/// readable through [`std::ops::Deref`].
#[derive(Debug)]
pub struct Libgit2Error(pub git2::Error);

impl std::fmt::Display for Libgit2Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let message = self.0.message().trim().trim_end_matches('.');
        if message.is_empty() {
            f.write_str("libgit2 gave no reason")
        } else {
            f.write_str(message)
        }
    }
}

impl std::error::Error for Libgit2Error {}

impl std::ops::Deref for Libgit2Error {
    type Target = git2::Error;
    fn deref(&self) -> &git2::Error {
        &self.0
    }
}

impl From<git2::Error> for Libgit2Error {
    fn from(error: git2::Error) -> Self {
        Self(error)
    }
}

fn read_err(what: impl Into<String>) -> impl FnOnce(git2::Error) -> GitError {
    let what = what.into();
    move |source| GitError::Read {
        what,
        source: source.into(),
    }
}

/// Process-wide libgit2 settings: objects are trusted on read as git trusts them, instead of
/// hashing every object again (a fifth of a range check's time), and pack files are mapped in
/// bounded windows so that a long history does not keep the whole pack resident.
#[allow(unsafe_code)]
fn tune_libgit2() {
    static TUNED: std::sync::Once = std::sync::Once::new();
    TUNED.call_once(|| {
        git2::opts::strict_hash_verification(false);
        // SAFETY: libgit2's global options are not synchronised; these run once, before any
        // repository is opened or any other thread uses libgit2.
        unsafe {
            // A failure leaves libgit2's defaults in force, which are correct, only larger.
            let _ = git2::opts::set_mwindow_size(MWINDOW_SIZE);
            let _ = git2::opts::set_mwindow_mapped_limit(MWINDOW_LIMIT);
            // Parsed trees and commits are cached; a long range would otherwise fill the
            // default 256 MiB.
            libgit2_sys::git_libgit2_opts(
                libgit2_sys::GIT_OPT_SET_CACHE_MAX_SIZE as std::ffi::c_int,
                OBJECT_CACHE as isize,
            );
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

const OBJECT_CACHE: usize = 4 * 1024 * 1024;
// libgit2 reads commits and trees; file contents of range and push checks go through
// `pack_reader`, so its windows can be small.
const MWINDOW_SIZE: usize = 4 * 1024 * 1024;
const MWINDOW_LIMIT: usize = 8 * 1024 * 1024;

/// Opens the repository from git's environment (`GIT_DIR`, `GIT_INDEX_FILE`, the quarantine
/// object directories of a push, ...), as a hook must.
pub fn open_from_env() -> Result<Repository, GitError> {
    tune_libgit2();
    let repo = Repository::open_from_env().map_err(open_error)?;
    check_supported(&repo)?;
    pack_reader::remember_env_dirs(&repo);
    Ok(repo)
}

/// Opens the repository containing `path`.
pub fn open_at(path: &Path) -> Result<Repository, GitError> {
    tune_libgit2();
    let repo = Repository::discover(path).map_err(|error| {
        if error.code() == ErrorCode::Owner {
            GitError::NotOwned {
                path: path.to_path_buf(),
            }
        } else {
            open_error(error)
        }
    })?;
    check_supported(&repo)?;
    Ok(repo)
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
        GitError::Open(error.into())
    }
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

/// Bytes of a git path as a filesystem-style path for libgit2's lookups.
#[cfg(unix)]
fn as_path(path: &RepoPath) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(path.as_bytes()))
}

#[cfg(not(unix))]
fn as_path(path: &RepoPath) -> PathBuf {
    PathBuf::from(path.to_text())
}

fn kind_of(mode: u32) -> Option<EntryKind> {
    match mode {
        0o100644 | 0o100664 => Some(EntryKind::File),
        0o100755 => Some(EntryKind::Executable),
        0o120000 => Some(EntryKind::Symlink),
        0o160000 => Some(EntryKind::Submodule),
        _ => None,
    }
}

/// One side of a change, as libgit2 holds it.
pub enum Snapshot<'r> {
    /// Nothing: the base of a root commit or of the first commit on an unborn branch.
    Empty,
    Tree(Tree<'r>),
    /// The staged tree: the index, without intent-to-add entries.
    Staged(std::rc::Rc<StagedIndex>),
    /// A clean re-merge of a merge's parents, in memory.
    Remerge(Box<merge::Remerge<'r>>),
}

/// Read access to both sides of a change, for the rules.
pub struct GitTrees<'r> {
    repo: &'r Repository,
    base: Snapshot<'r>,
    new: Snapshot<'r>,
    cache: Option<&'r ReadCache>,
}

/// What one worker has read, kept across the commits it checks: consecutive commits share most
/// of their specs, execplans and code, so each is inflated from the pack once. Blobs are read
/// through a [`pack_reader::PackReader`], opened on the first read, whose cache of delta bases
/// outlives a commit; libgit2 reads what it does not find.
#[derive(Default)]
pub struct ReadCache {
    blobs: std::cell::RefCell<std::collections::HashMap<Oid, std::rc::Rc<[u8]>>>,
    blob_bytes: std::cell::Cell<usize>,
    listings: std::cell::RefCell<std::collections::HashMap<Oid, std::rc::Rc<[RepoPath]>>>,
    packs: std::cell::OnceCell<Option<std::rc::Rc<pack_reader::PackReader>>>,
}

impl ReadCache {
    /// Blobs larger than this are read each time.
    const MAX_BLOB: usize = 256 * 1024;
    /// When the cached blobs pass this, the cache starts over.
    const MAX_TOTAL: usize = 2 * 1024 * 1024;

    fn blob(&self, id: Oid) -> Option<std::rc::Rc<[u8]>> {
        self.blobs.borrow().get(&id).cloned()
    }

    /// Blob `id` as the pack reader finds it, `None` for libgit2 to read.
    fn packed_blob(&self, repo: &Repository, id: Oid) -> Option<Vec<u8>> {
        self.packs
            .get_or_init(|| pack_reader::for_thread(repo))
            .as_ref()?
            .blob(id)
    }

    fn keep_blob(&self, id: Oid, data: &[u8]) {
        if data.len() > Self::MAX_BLOB {
            return;
        }
        if self.blob_bytes.get() + data.len() > Self::MAX_TOTAL {
            self.blobs.borrow_mut().clear();
            self.blob_bytes.set(0);
        }
        self.blob_bytes.set(self.blob_bytes.get() + data.len());
        self.blobs.borrow_mut().insert(id, data.into());
    }
}

impl<'r> GitTrees<'r> {
    fn side(&self, side: Side) -> &Snapshot<'r> {
        match side {
            Side::Base => &self.base,
            Side::New => &self.new,
        }
    }

    fn entry_info(&self, id: Oid, mode: u32) -> Result<Option<Entry>, TreeError> {
        let Some(kind) = kind_of(mode) else {
            return Ok(None);
        };
        // A lookup only needs to know what is there; sizes belong to a change's new side.
        Ok(Some(Entry {
            kind,
            id: id.to_string(),
            size: None,
        }))
    }
}

fn tree_error(what: String) -> impl FnOnce(git2::Error) -> TreeError {
    move |e| TreeError {
        what,
        reason: e.message().to_string(),
    }
}

pub(crate) fn blob_size_git(repo: &Repository, id: Oid) -> Result<u64, GitError> {
    blob_size(repo, id).map_err(|e| GitError::Read {
        what: e.what,
        source: git2::Error::from_str(&e.reason).into(),
    })
}

fn blob_size(repo: &Repository, id: Oid) -> Result<u64, TreeError> {
    let odb = repo
        .odb()
        .map_err(tree_error("the object database".into()))?;
    let (size, _) = odb
        .read_header(id)
        .map_err(tree_error(format!("object {id}")))?;
    Ok(size as u64)
}

impl Trees for GitTrees<'_> {
    fn entry(&self, side: Side, path: &RepoPath) -> Result<Option<Entry>, TreeError> {
        match self.side(side) {
            Snapshot::Empty => Ok(None),
            Snapshot::Tree(tree) => match tree.get_path(&as_path(path)) {
                Ok(entry) if entry.kind() != Some(ObjectType::Tree) => {
                    self.entry_info(entry.id(), entry.filemode() as u32)
                }
                Ok(_) => Ok(None),
                Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
                Err(e) => Err(tree_error(format!("{path}"))(e)),
            },
            Snapshot::Staged(index) => match index.get(path.as_bytes()) {
                Some((mode, id)) => self.entry_info(id, mode),
                None => Ok(None),
            },
            Snapshot::Remerge(remerge) => match remerge.get(path.as_bytes()) {
                Some((mode, id)) => self.entry_info(id, mode),
                None => Ok(None),
            },
        }
    }

    fn blob(&self, id: &str) -> Result<Vec<u8>, TreeError> {
        let oid = Oid::from_str(id).map_err(tree_error(format!("object {id}")))?;
        if let Snapshot::Remerge(remerge) = &self.base {
            if let Some(data) = remerge.blob(oid) {
                return Ok(data.to_vec());
            }
        }
        if let Some(data) = self.cache.and_then(|c| c.blob(oid)) {
            return Ok(data.to_vec());
        }
        if let Some(cache) = self.cache {
            if let Some(data) = cache.packed_blob(self.repo, oid) {
                cache.keep_blob(oid, &data);
                return Ok(data);
            }
        }
        let blob = self
            .repo
            .find_blob(oid)
            .map_err(tree_error(format!("blob {id}")))?;
        if let Some(cache) = self.cache {
            cache.keep_blob(oid, blob.content());
        }
        Ok(blob.content().to_vec())
    }

    fn case_variants(&self, side: Side, path: &RepoPath) -> Result<Vec<RepoPath>, TreeError> {
        let Snapshot::Tree(root) = self.side(side) else {
            return Ok(Vec::new());
        };
        let components: Vec<&[u8]> = path.as_bytes().split(|&b| b == b'/').collect();
        let Some((name, dirs)) = components.split_last() else {
            return Ok(Vec::new());
        };
        // Every directory that matches so far, with its path.
        let mut level: Vec<(Vec<u8>, Oid)> = vec![(Vec::new(), root.id())];
        for dir in dirs {
            let mut next = Vec::new();
            for (prefix, tree) in &level {
                let names = case_folded::entries(self.repo, *tree)
                    .map_err(tree_error(format!("{path}")))?;
                for (entry_name, id, is_tree) in names.matching(dir) {
                    if is_tree {
                        let mut below = prefix.clone();
                        below.extend_from_slice(entry_name);
                        below.push(b'/');
                        next.push((below, id));
                    }
                }
            }
            if next.is_empty() {
                return Ok(Vec::new());
            }
            level = next;
        }
        let mut found = Vec::new();
        for (prefix, tree) in &level {
            let names =
                case_folded::entries(self.repo, *tree).map_err(tree_error(format!("{path}")))?;
            for (entry_name, _, is_tree) in names.matching(name) {
                let mut full = prefix.clone();
                full.extend_from_slice(entry_name);
                if !is_tree && full != path.as_bytes() {
                    found.push(RepoPath::new(full));
                }
            }
        }
        Ok(found)
    }

    fn held_blobs(
        &self,
        side: Side,
        ids: &[&str],
    ) -> Result<std::collections::HashSet<String>, TreeError> {
        let mut found = std::collections::HashSet::new();
        let Snapshot::Tree(tree) = self.side(side) else {
            return Ok(found);
        };
        let mut wanted = std::collections::HashSet::new();
        for id in ids {
            wanted.insert(Oid::from_str(id).map_err(tree_error(format!("object {id}")))?);
        }
        // One walk for all of them; it stops once each is found (libgit2 then reports the stop
        // as an error, which is the found case).
        let walked = tree.walk(git2::TreeWalkMode::PreOrder, |_, entry| {
            if entry.kind() == Some(ObjectType::Blob) && wanted.remove(&entry.id()) {
                found.insert(entry.id().to_string());
                if wanted.is_empty() {
                    return git2::TreeWalkResult::Abort;
                }
            }
            git2::TreeWalkResult::Ok
        });
        match walked {
            Ok(()) => Ok(found),
            Err(_) if wanted.is_empty() => Ok(found),
            Err(e) => Err(tree_error(format!("the tree {}", tree.id()))(e)),
        }
    }

    fn list(&self, side: Side, dir: &RepoPath) -> Result<Vec<RepoPath>, TreeError> {
        let mut prefix = dir.as_bytes().to_vec();
        if !prefix.is_empty() {
            prefix.push(b'/');
        }
        let mut found = Vec::new();
        match self.side(side) {
            Snapshot::Empty => {}
            Snapshot::Tree(tree) => {
                let subtree = if dir.as_bytes().is_empty() {
                    Some(tree.clone())
                } else {
                    match tree.get_path(&as_path(dir)) {
                        Ok(entry) if entry.kind() == Some(ObjectType::Tree) => Some(
                            self.repo
                                .find_tree(entry.id())
                                .map_err(tree_error(format!("{dir}")))?,
                        ),
                        _ => None,
                    }
                };
                if let Some(subtree) = subtree {
                    let cached = self
                        .cache
                        .and_then(|c| c.listings.borrow().get(&subtree.id()).cloned());
                    let listing = match cached {
                        Some(listing) => listing,
                        None => {
                            let mut raw = Vec::new();
                            subtree
                                .walk(git2::TreeWalkMode::PreOrder, |root, entry| {
                                    if entry.kind() != Some(ObjectType::Tree)
                                        && kind_of(entry.filemode() as u32).is_some()
                                    {
                                        let mut path = prefix.clone();
                                        path.extend_from_slice(root.as_bytes());
                                        path.extend_from_slice(entry.name_bytes());
                                        raw.push(RepoPath::new(path));
                                    }
                                    git2::TreeWalkResult::Ok
                                })
                                .map_err(tree_error(format!("{dir}")))?;
                            let listing: std::rc::Rc<[RepoPath]> = raw.into();
                            if let Some(cache) = self.cache {
                                cache
                                    .listings
                                    .borrow_mut()
                                    .insert(subtree.id(), listing.clone());
                            }
                            listing
                        }
                    };
                    found.extend(listing.iter().cloned());
                }
            }
            Snapshot::Remerge(remerge) => {
                found.extend(
                    remerge
                        .below(self.repo, dir.as_bytes())
                        .map_err(|e| TreeError {
                            what: format!("{dir}"),
                            reason: e.to_string(),
                        })?
                        .into_iter()
                        .filter(|(_, mode, _)| kind_of(*mode).is_some())
                        .map(|(path, _, _)| RepoPath::new(path)),
                );
            }
            Snapshot::Staged(index) => {
                found.extend(
                    index
                        .below(dir.as_bytes())
                        .into_iter()
                        .filter(|(_, mode, _)| kind_of(*mode).is_some())
                        .map(|(path, _, _)| RepoPath::new(path)),
                );
            }
        }
        Ok(found)
    }
}

/// The short name of the branch HEAD points at, also on an unborn branch; `None` when detached.
pub fn current_branch(repo: &Repository) -> Option<String> {
    let head = repo.find_reference("HEAD").ok()?;
    let target = head.symbolic_target()?;
    Some(
        target
            .strip_prefix("refs/heads/")
            .unwrap_or(target)
            .to_string(),
    )
}

/// git's comment character for messages (`core.commentString`, then `core.commentChar`).
pub fn comment_char(repo: &Repository) -> String {
    let config = repo.config().ok();
    let value = config.as_ref().and_then(|c| {
        c.get_string("core.commentString")
            .or_else(|_| c.get_string("core.commentChar"))
            .ok()
    });
    match value {
        Some(v) if !v.is_empty() && v != "auto" => v,
        _ => "#".to_string(),
    }
}

/// Where git runs this repository's hooks from: `core.hooksPath` (relative to the working tree's
/// top level, or to the git directory when bare), else the common git directory's `hooks`.
pub fn hooks_dir(repo: &Repository) -> Result<PathBuf, GitError> {
    let config = repo
        .config()
        .map_err(read_err("the repository's git config"))?;
    if let Ok(configured) = config.get_path("core.hooksPath") {
        if configured.is_absolute() {
            return Ok(configured);
        }
        let base = repo.workdir().unwrap_or_else(|| repo.path());
        return Ok(base.join(configured));
    }
    Ok(repo.commondir().join("hooks"))
}

/// A change ready to judge: the staged change, or one commit against its first parent (a root
/// commit against the empty tree, with its message), and the trees the rules read.
pub struct LoadedChange<'r> {
    pub change: Change,
    pub trees: GitTrees<'r>,
    /// The base tree, whose `.execguard.toml` judges the change; `None` on an unborn branch or
    /// for a root commit.
    pub base_tree: Option<Tree<'r>>,
    /// For a merge (two or more parents that each contribute something): what it takes from
    /// each and what it adds of its own. `change` is then its change against the first parent.
    pub merge: Option<MergeParts<'r>>,
}

/// The commit HEAD names; `None` on an unborn branch.
fn head_commit(repo: &Repository) -> Result<Option<git2::Commit<'_>>, GitError> {
    match repo.head() {
        Ok(head) => Ok(Some(head.peel_to_commit().map_err(read_err("HEAD"))?)),
        Err(e)
            if matches!(
                e.code(),
                git2::ErrorCode::UnbornBranch | git2::ErrorCode::NotFound
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(read_err("HEAD")(e)),
    }
}

/// The change the next commit would record: the index against HEAD (or, for `--amend`, against
/// HEAD's first parent). During a merge (`MERGE_HEAD`), the merge also gets its [`MergeParts`].
pub fn staged_change<'r>(
    repo: &'r Repository,
    index_file: Option<&Path>,
    amend: bool,
) -> Result<LoadedChange<'r>, GitError> {
    let index_path = match index_file {
        Some(path) => path.to_path_buf(),
        None => repo.path().join("index"),
    };
    let index = StagedIndex::open(&index_path)?;

    let head = head_commit(repo)?;
    // The commit being made: its parents decide the base and whether it is a merge.
    let mut parents: Vec<git2::Commit<'r>> = Vec::new();
    match (&head, amend) {
        (Some(head), true) => parents.extend(head.parents()),
        (Some(head), false) => {
            parents.push(head.clone());
            for id in merge_heads(repo) {
                parents.push(
                    repo.find_commit(id)
                        .map_err(read_err(format!("MERGE_HEAD {id}")))?,
                );
            }
        }
        (None, _) => {}
    }
    let parents = merge::effective_parents(repo, parents)?;
    let base_tree = match parents.first() {
        Some(parent) => Some(parent.tree().map_err(read_err("the base tree"))?),
        None => None,
    };
    let is_merge = parents.len() > 1;
    let mut files = staged::staged_files(repo, base_tree.as_ref(), &index)?;
    if !is_merge {
        renames::detect_renames(repo, &mut files)?;
    }
    let new = Snapshot::Staged(std::rc::Rc::new(index));
    let merge = if is_merge {
        Some(merge::merge_parts(repo, &parents, &new, &files)?)
    } else {
        None
    };

    let change = Change {
        commit: None,
        is_merge,
        branch: current_branch(repo),
        message: None,
        root: parents.is_empty(),
        files,
        label: None,
    };
    let trees = GitTrees {
        repo,
        base: base_tree.clone().map_or(Snapshot::Empty, Snapshot::Tree),
        new,
        cache: None,
    };
    Ok(LoadedChange {
        change,
        trees,
        base_tree,
        merge,
    })
}

fn merge_heads(repo: &Repository) -> Vec<Oid> {
    let Ok(text) = std::fs::read_to_string(repo.path().join("MERGE_HEAD")) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| Oid::from_str(line.trim()).ok())
        .collect()
}

/// Where the config that judges a change came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigOrigin {
    /// Given with `--config`.
    Explicit(PathBuf),
    /// `.execguard.toml` in the base tree (`HEAD:.execguard.toml`).
    BaseTree(String),
    /// The working tree's `.execguard.toml`, on an unborn branch.
    WorkingTree(PathBuf),
    /// No config anywhere: the embedded default.
    Default,
}

impl std::fmt::Display for ConfigOrigin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConfigOrigin::Explicit(path) => write!(f, "{} (--config)", path.display()),
            ConfigOrigin::BaseTree(name) => write!(f, "{name} (the base tree)"),
            ConfigOrigin::WorkingTree(path) => {
                write!(f, "{} (working tree, unborn branch)", path.display())
            }
            ConfigOrigin::Default => f.write_str("the embedded default config"),
        }
    }
}

/// Reads and validates a config file named outside the repository (`--config`, or the server's
/// pinned file); errors name the file.
pub fn read_config_file(path: &Path) -> Result<Config, GitError> {
    let text = std::fs::read_to_string(path).map_err(|source| GitError::ConfigFile {
        path: path.display().to_string(),
        source,
    })?;
    Ok(Config::parse(&path.display().to_string(), &text)?)
}

/// The config that judges a change whose base is `base_tree` (named `base_name` in messages):
/// `explicit` when given, else the base tree's `.execguard.toml`, else (no base) the working tree's,
/// else the embedded default.
pub fn load_config(
    repo: &Repository,
    base_tree: Option<&Tree<'_>>,
    base_name: &str,
    explicit: Option<&Path>,
) -> Result<(Config, ConfigOrigin), GitError> {
    if let Some(path) = explicit {
        let config = read_config_file(path)?;
        return Ok((config, ConfigOrigin::Explicit(path.to_path_buf())));
    }
    match base_tree {
        Some(tree) => {
            let Ok(entry) = tree.get_path(Path::new(CONFIG_PATH)) else {
                return Ok((Config::embedded_default(), ConfigOrigin::Default));
            };
            let name = format!("{base_name}:{CONFIG_PATH}");
            let blob = repo.find_blob(entry.id()).map_err(read_err(name.clone()))?;
            let text = String::from_utf8_lossy(blob.content());
            let config = Config::parse(&name, &text)?;
            Ok((config, ConfigOrigin::BaseTree(name)))
        }
        None => {
            let Some(workdir) = repo.workdir() else {
                return Ok((Config::embedded_default(), ConfigOrigin::Default));
            };
            let path = workdir.join(CONFIG_PATH);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    let config = Config::parse(CONFIG_PATH, &text)?;
                    Ok((config, ConfigOrigin::WorkingTree(path)))
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    Ok((Config::embedded_default(), ConfigOrigin::Default))
                }
                Err(source) => Err(GitError::ConfigFile {
                    path: path.display().to_string(),
                    source,
                }),
            }
        }
    }
}

/// Builds the change of commit `id` against its first parent. `branch` is the branch it lands on,
/// when known. A parent that is an ancestor of another contributes nothing; a merge of two or more
/// parents that do also gets its [`MergeParts`].
pub fn commit_change<'r>(
    repo: &'r Repository,
    id: Oid,
    branch: Option<&str>,
    cache: Option<&'r ReadCache>,
) -> Result<LoadedChange<'r>, GitError> {
    let commit = repo
        .find_commit(id)
        .map_err(read_err(format!("commit {id}")))?;
    let tree = commit
        .tree()
        .map_err(read_err(format!("the tree of {id}")))?;
    let parents = revwalk::present_parents(repo, &commit)?;
    let parents = merge::effective_parents(repo, parents)?;
    let base_tree = match parents.first() {
        Some(parent) => Some(
            parent
                .tree()
                .map_err(read_err(format!("the tree of {}", parent.id())))?,
        ),
        None => None,
    };
    let is_merge = parents.len() > 1;
    let mut files =
        tree_diff::tree_files(repo, base_tree.as_ref(), &tree).map_err(|e| e.in_commit(id))?;
    if !is_merge {
        renames::detect_renames(repo, &mut files)?;
    }
    let new = Snapshot::Tree(tree);
    let merge = if is_merge {
        Some(merge::merge_parts(repo, &parents, &new, &files)?)
    } else {
        None
    };
    let message = String::from_utf8_lossy(commit.message_raw_bytes()).into_owned();
    let change = Change {
        commit: Some(id.to_string()),
        is_merge,
        branch: branch.map(str::to_string),
        message: Some(message),
        root: parents.is_empty(),
        files,
        label: parents.is_empty().then(|| root_commit_label(id)),
    };
    let trees = GitTrees {
        repo,
        base: base_tree.clone().map_or(Snapshot::Empty, Snapshot::Tree),
        new,
        cache,
    };
    Ok(LoadedChange {
        change,
        trees,
        base_tree,
        merge,
    })
}

/// The name to use for the base of commit `id` in config error messages (`1a2b3c4^`).
pub fn parent_name(id: &str) -> String {
    format!("{}^", id.get(..7).unwrap_or(id))
}

/// Whether an object id is git's all-zero id (a new ref or a deletion), whatever its length.
pub fn is_zero_id(id: &str) -> bool {
    !id.is_empty() && id.bytes().all(|b| b == b'0')
}

/// Peels an object id (a commit or an annotated tag) to a commit; `None` when it names no commit
/// (a tag of a tree or a blob) or is not in the repository.
pub fn peel_to_commit(repo: &Repository, id: &str) -> Option<Oid> {
    let oid = Oid::from_str(id).ok()?;
    let object = repo.find_object(oid, None).ok()?;
    object.peel_to_commit().ok().map(|c| c.id())
}

/// A config pinned by the server admin with `git config execguard.config <path>`; a relative
/// path is taken from the git directory.
pub fn pinned_config_path(repo: &Repository) -> Option<PathBuf> {
    let config = repo.config().ok()?;
    let path = config.get_path("execguard.config").ok()?;
    Some(if path.is_absolute() {
        path
    } else {
        repo.path().join(path)
    })
}

/// The config that judges a commit whose first parent's tree is `base_tree`: the base tree's
/// `.execguard.toml`, else the embedded default. Unlike a staged change, a root commit never takes
/// a working tree's file.
pub fn load_commit_config(
    repo: &Repository,
    base_tree: Option<&Tree<'_>>,
    base_name: &str,
) -> Result<(Config, ConfigOrigin), GitError> {
    if base_tree.is_none() {
        return Ok((Config::embedded_default(), ConfigOrigin::Default));
    }
    load_config(repo, base_tree, base_name, None)
}

/// The config that judges a change to be committed on `base_tree`: `explicit` when given, else as
/// [`load_commit_config`] (the base tree's `.execguard.toml`, else the embedded default; never a
/// working tree's file).
pub fn load_commit_config_or(
    repo: &Repository,
    base_tree: Option<&Tree<'_>>,
    base_name: &str,
    explicit: Option<&Path>,
) -> Result<(Config, ConfigOrigin), GitError> {
    match explicit {
        Some(_) => load_config(repo, base_tree, base_name, explicit),
        None => load_commit_config(repo, base_tree, base_name),
    }
}

/// The id of the blob holding `.execguard.toml` in a tree, for caching parsed configs.
pub fn config_blob_id(tree: Option<&Tree<'_>>) -> Option<Oid> {
    tree?.get_path(Path::new(CONFIG_PATH)).ok().map(|e| e.id())
}

/// The remote-tracking ref prefixes (`refs/remotes/origin/`) of the remote git's pre-push hook
/// names: by its name, or — when a push goes to a URL — of every configured remote with that URL.
pub fn tracking_prefixes(repo: &Repository, remote: &str, url: Option<&str>) -> Vec<String> {
    let mut prefixes = Vec::new();
    if repo.find_remote(remote).is_ok() {
        prefixes.push(format!("refs/remotes/{remote}/"));
        return prefixes;
    }
    let wanted: Vec<String> = [Some(remote), url]
        .into_iter()
        .flatten()
        .map(normalise_url)
        .collect();
    if let Ok(names) = repo.remotes() {
        for name in names.iter().flatten() {
            let Ok(configured) = repo.find_remote(name) else {
                continue;
            };
            let urls = [configured.url(), configured.pushurl()];
            if urls
                .into_iter()
                .flatten()
                .any(|u| wanted.contains(&normalise_url(u)))
            {
                prefixes.push(format!("refs/remotes/{name}/"));
            }
        }
    }
    prefixes
}

/// A URL compared loosely: no trailing slash or `.git`, and `file://` the same as a plain path.
fn normalise_url(url: &str) -> String {
    let url = url.strip_prefix("file://").unwrap_or(url);
    let url = url.trim_end_matches('/');
    url.strip_suffix(".git").unwrap_or(url).to_string()
}

/// How messages name a root commit: it has no parent to compare with or to restore a path from.
fn root_commit_label(id: Oid) -> execguard_core::ChangeLabel {
    let short = execguard_core::engine::short(&id.to_string()).to_string();
    execguard_core::ChangeLabel {
        subject: format!("root commit {short}"),
        base: format!("the empty tree (root commit {short} has no parent)"),
        undo: format!("rework root commit {short} so that it does not add {{path}}"),
    }
}

/// The change from `old` to `new` (two commits, neither necessarily an ancestor of the other), as
/// one change with `old`'s tree as its base: what a non-fast-forward push does to a branch.
pub fn tips_change<'r>(
    repo: &'r Repository,
    old: Oid,
    new: Oid,
    branch: Option<&str>,
) -> Result<LoadedChange<'r>, GitError> {
    let tree_of = |id: Oid| {
        repo.find_commit(id)
            .and_then(|commit| commit.tree())
            .map_err(read_err(format!("the tree of {id}")))
    };
    let (old_tree, new_tree) = (tree_of(old)?, tree_of(new)?);
    let mut files =
        tree_diff::tree_files(repo, Some(&old_tree), &new_tree).map_err(|e| e.in_commit(new))?;
    renames::detect_renames(repo, &mut files)?;
    let change = Change {
        commit: Some(new.to_string()),
        branch: branch.map(str::to_string),
        files,
        ..Change::default()
    };
    let trees = GitTrees {
        repo,
        base: Snapshot::Tree(old_tree.clone()),
        new: Snapshot::Tree(new_tree),
        cache: None,
    };
    Ok(LoadedChange {
        change,
        trees,
        base_tree: Some(old_tree),
        merge: None,
    })
}

/// Whether `ancestor` is `descendant` or one of its ancestors.
pub fn is_ancestor(repo: &Repository, ancestor: Oid, descendant: Oid) -> Result<bool, GitError> {
    if ancestor == descendant {
        return Ok(true);
    }
    repo.graph_descendant_of(descendant, ancestor)
        .map_err(read_err(format!(
            "the history between {ancestor} and {descendant}"
        )))
}

/// The parents commit `id` records, as libgit2 reads them.
pub fn parent_ids(repo: &Repository, id: Oid) -> Result<Vec<Oid>, GitError> {
    let commit = repo
        .find_commit(id)
        .map_err(read_err(format!("commit {id}")))?;
    Ok(commit.parent_ids().collect())
}

/// The raw message of commit `id`.
pub fn commit_message(repo: &Repository, id: Oid) -> Result<String, GitError> {
    let commit = repo
        .find_commit(id)
        .map_err(read_err(format!("commit {id}")))?;
    Ok(String::from_utf8_lossy(commit.message_raw_bytes()).into_owned())
}

/// Every ref's name with its target peeled to a commit, for deciding which refs hide their
/// commits from a push; `filter` picks refs by name. Refs that name no commit are left out.
pub fn ref_tips(
    repo: &Repository,
    filter: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Oid)>, GitError> {
    ref_tips_matching(repo, "*", filter)
}

/// [`ref_tips`] over the refs whose names match `glob` (`refs/heads/*`): only those are read
/// from a repository's loose refs, however many others it keeps.
pub fn ref_tips_matching(
    repo: &Repository,
    glob: &str,
    filter: impl Fn(&str) -> bool,
) -> Result<Vec<(String, Oid)>, GitError> {
    let mut out = Vec::new();
    for reference in repo.references_glob(glob).map_err(read_err("the refs"))? {
        let Ok(reference) = reference else { continue };
        let Some(name) = reference.name() else {
            continue;
        };
        if !filter(name) {
            continue;
        }
        if let Ok(commit) = reference.peel_to_commit() {
            out.push((name.to_string(), commit.id()));
        }
    }
    Ok(out)
}

/// The tree of commit `id`'s first parent; `None` for a root commit.
pub fn first_parent_tree(repo: &Repository, id: Oid) -> Result<Option<Tree<'_>>, GitError> {
    let commit = repo
        .find_commit(id)
        .map_err(read_err(format!("commit {id}")))?;
    let Some(parent) = revwalk::present_parents(repo, &commit)?.into_iter().next() else {
        return Ok(None);
    };
    parent
        .tree()
        .map(Some)
        .map_err(read_err(format!("the tree of {}", parent.id())))
}

/// The id of the `.execguard.toml` blob in commit `id`'s own tree (the config that judges a
/// commit made on top of it); `None` when the tree has none.
pub fn commit_config_blob(repo: &Repository, id: Oid) -> Result<Option<Oid>, GitError> {
    let commit = repo
        .find_commit(id)
        .map_err(read_err(format!("commit {id}")))?;
    let tree = commit
        .tree()
        .map_err(read_err(format!("the tree of {id}")))?;
    Ok(config_blob_id(Some(&tree)))
}

/// Reads and validates the config held in blob `id`; `name` names it in errors
/// (`1a2b3c4:.execguard.toml`).
pub fn read_config_blob(repo: &Repository, id: Oid, name: &str) -> Result<Config, GitError> {
    let blob = repo.find_blob(id).map_err(read_err(name.to_string()))?;
    let text = String::from_utf8_lossy(blob.content());
    Ok(Config::parse(name, &text)?)
}

/// HEAD's tree alone, as the base side of a change whose new side is not read: enough to ask
/// whether a path may be written. An unborn branch has an empty base.
pub fn head_trees(repo: &Repository) -> Result<(Option<Tree<'_>>, GitTrees<'_>), GitError> {
    let tree = match head_commit(repo)? {
        Some(head) => Some(head.tree().map_err(read_err("HEAD's tree"))?),
        None => None,
    };
    let trees = GitTrees {
        repo,
        base: tree.clone().map_or(Snapshot::Empty, Snapshot::Tree),
        new: Snapshot::Empty,
        cache: None,
    };
    Ok((tree, trees))
}

/// The paths whose working-tree content differs from HEAD, staged or not, untracked files
/// included (ignored ones not). A working tree the agent is about to leave; not for hooks, which
/// judge the index.
pub fn worktree_changes(repo: &Repository) -> Result<Vec<RepoPath>, GitError> {
    let mut options = git2::StatusOptions::new();
    options
        .include_untracked(true)
        .recurse_untracked_dirs(true)
        .include_ignored(false)
        .exclude_submodules(true);
    let statuses = repo
        .statuses(Some(&mut options))
        .map_err(read_err("the working tree's status"))?;
    let mut out: Vec<RepoPath> = statuses
        .iter()
        .filter(|entry| entry.status() != git2::Status::CURRENT)
        .map(|entry| RepoPath::new(entry.path_bytes().to_vec()))
        .collect();
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod error_text_tests {
    use super::*;

    /// libgit2's own Display appends `; class=...; code=...`, which means nothing to a person.
    #[test]
    fn libgit2_errors_read_as_their_message_alone() {
        let source = || {
            git2::Error::new(
                git2::ErrorCode::NotFound,
                git2::ErrorClass::Config,
                "config value 'x' was not found",
            )
        };
        assert!(source().to_string().contains("class="));
        for error in [
            GitError::Open(Libgit2Error(source())),
            GitError::Read {
                what: "the repository's git config".into(),
                source: Libgit2Error(source()),
            },
            GitError::SetConfig {
                key: "receive.fsckObjects".into(),
                source: Libgit2Error(source()),
            },
        ] {
            let text = error.to_string();
            assert!(text.ends_with("config value 'x' was not found"), "{text}");
            assert!(
                !text.contains("class=") && !text.contains("code="),
                "{text}"
            );
        }
    }
}
