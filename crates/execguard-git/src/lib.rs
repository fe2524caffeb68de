//! execguard's git adapter: the only crate that knows libgit2.
//!
//! It opens the repository the way git's hooks expect, turns "the staged change" and "commit C
//! against its first parent" into the core's [`Change`](execguard_core::Change), gives the rules
//! read access to both trees through [`GitTrees`], and finds which config judges a change. It
//! never writes to the index, the working tree or the object database, and writes refs only in
//! a receiving repository, under `refs/execguard/` (the server's records of deleted branches).
//!
//! One module per concern, each opening with what it owns: `open` opens and tunes libgit2,
//! `trees` reads both sides of a change, `change` builds the change to judge (`staged`,
//! `tree_diff`, `renames`, `merge`, `merge_base`, `remerge`, `virtual_base` and `revert` supply its
//! parts), `tree_check` refuses what
//! git's fsck refuses, `config` finds the config that judges a change, `revwalk` walks the commit
//! graph, `pushed` finds what a push adds, `remote` what another side already has, `head` reads
//! HEAD and the working tree, `head_repo` opens a repository for HEAD's files without libgit2's
//! refs and config (`config_file` reads the few keys it needs), `sources` the revisions a git command would write the working
//! tree from, [`repo_config`] the repository's git config, `bookkeeping` the server's own
//! records; `read_cache` keeps what a
//! worker has read across the commits it checks; `objects` and `error` sit at the bottom, with
//! `repo` and `object_id`, the handles ([`Repo`], [`RepoTree`], [`ObjectId`]) that keep libgit2's
//! types out of this crate's interface.

pub mod baseline;
mod bookkeeping;
pub mod branch_history;
mod case_folded;
mod change;
mod config;
mod config_file;
mod dir_renames;
mod error;
mod folders;
mod head;
mod head_repo;
mod history;
mod merge;
mod merge_base;
mod merge_file;
mod merged_messages;
mod object_id;
mod objects;
mod open;
mod pack_chains;
mod pack_reader;
mod pushed;
mod read_cache;
mod remerge;
mod remote;
mod rename_relevance;
mod renames;
mod repo;
pub mod repo_config;
mod revert;
mod revwalk;
mod sources;
mod staged;
mod tree_check;
mod tree_diff;
mod tree_problem;
mod trees;
mod virtual_base;

pub use bookkeeping::{
    default_branch, ref_commit, remember_deleted, remembered_tip, DELETED_PREFIX,
};
pub use change::{commit_change, first_parent_change, staged_change, tips_change, LoadedChange};
pub use config::{
    commit_config_blob, config_blob_id, load_commit_config, load_commit_config_or, load_config,
    load_head_config, parent_name, pinned_config_path, read_config_blob, read_config_file,
    ConfigOrigin,
};
pub use error::{without_error_codes, GitError, Libgit2Error, DEEPEN};
pub use head::{
    current_branch, head_branch_and_trees, head_commit_id, head_paths, head_tree, head_trees,
};
pub use head_repo::{open_head, HeadRepo};
pub use history::{
    blob_in_commit, first_parent_history, held_in_commit, paths_in_commit, CommitInfo,
};
pub use merge::{MergeParts, OtherParentTrees, ParentSide};
pub use object_id::{BadObjectId, ObjectId};
pub use open::{open_at, open_from_env};
pub use pushed::{new_commits_per_tip, PushedTip};
pub use read_cache::ReadCache;
pub use remote::{ref_tips, ref_tips_matching, tracking_prefixes};
pub use repo::{Repo, RepoTree};
pub use repo_config::{comment_char, hooks_dir};
pub use revwalk::{
    commit_message, commits_in_range, first_parent_tree, has_commit, is_ancestor, is_zero_id,
    parent_ids, peel_to_commit, promisor_remote, resolve_commit, RangeOptions,
};
pub use sources::{
    commit_named, differing_paths, first_parent, merge_base_with_head, tracked_extensions,
    worktree_status,
};
pub use staged::StagedIndex;
pub use tree_problem::{MalformedTree, TreeProblem};
pub use trees::GitTrees;
// The pack reader's tests build trees by hand; the modules name `trees::Snapshot` itself.
#[cfg(test)]
use trees::Snapshot;
