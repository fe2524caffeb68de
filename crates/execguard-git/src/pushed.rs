//! The commits a push adds to each of its refs, from one walk of the history for all of them.
//!
//! A walk that hides a server's refs costs in proportion to the refs it hides, and a push of
//! several refs once walked once per ref. Here the commits every pushed ref hides are hidden in a
//! single walk from all pushed tips; what one ref hides on top of those (its own old value, the
//! baselines it names, the tags a tag push hides) is subtracted in memory, over the commits that
//! walk found.

use std::collections::{HashMap, HashSet};

use crate::error::read_err;
use crate::{GitError, ObjectId, Repo};

/// The shallow boundary a push brings (`GIT_SHALLOW_FILE`, which receive-pack sets for its hooks
/// when a shallow clone pushes): commits whose parents the pusher did not send.
fn pushed_shallow_boundary() -> Vec<ObjectId> {
    let Some(path) = std::env::var_os("GIT_SHALLOW_FILE") else {
        return Vec::new();
    };
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter_map(|line| line.trim().parse().ok())
        .collect()
}

/// A history read that found no object, in a push from a shallow clone: the commits below its
/// boundary are neither on the receiving side nor in the push.
fn beyond_shallow_boundary(error: GitError) -> GitError {
    let not_found = matches!(&error, GitError::Read { source, .. } if source.is_not_found());
    let boundary = pushed_shallow_boundary();
    if not_found && !boundary.is_empty() {
        GitError::ShallowPush { boundary }
    } else {
        error
    }
}

/// One pushed ref: the commit it moves to and the commits that hide from it.
#[derive(Clone, Debug)]
pub struct PushedTip {
    pub tip: ObjectId,
    pub hidden: Vec<ObjectId>,
}

/// For each of `pushed`, the commits reachable from its tip and from none of its hidden commits,
/// oldest first.
pub fn new_commits_per_tip(
    repo: &Repo,
    pushed: &[PushedTip],
) -> Result<Vec<Vec<ObjectId>>, GitError> {
    let repo = repo.git();
    if pushed.is_empty() {
        return Ok(Vec::new());
    }
    // What every ref hides, hidden once in the walk.
    let mut common: HashSet<ObjectId> = pushed[0].hidden.iter().copied().collect();
    for tip in &pushed[1..] {
        let own: HashSet<ObjectId> = tip.hidden.iter().copied().collect();
        common.retain(|id| own.contains(id));
    }
    let common_set = common;
    let common: Vec<ObjectId> = common_set.iter().copied().collect();
    let tips: Vec<ObjectId> = pushed.iter().map(|p| p.tip).collect();
    let mut graph = Graph::default();
    let order = graph
        .walk(repo, &tips, &common)
        .map_err(beyond_shallow_boundary)?;
    // A commit a ref hides on its own may lie outside that walk and still reach commits inside
    // it (the old tip of a rewritten branch): its ancestors short of the common hidden commits
    // join the graph, to be subtracted, never listed.
    let mut outside: Vec<ObjectId> = Vec::new();
    let mut seen = HashSet::new();
    for tip in pushed {
        for id in &tip.hidden {
            if !graph.index.contains_key(id) && !common_set.contains(id) && seen.insert(*id) {
                outside.push(*id);
            }
        }
    }
    if !outside.is_empty() {
        graph
            .walk(repo, &outside, &common)
            .map_err(beyond_shallow_boundary)?;
    }
    let mut result = Vec::with_capacity(pushed.len());
    for tip in pushed {
        let reached = graph.ancestors([tip.tip].iter());
        let hidden = graph.ancestors(tip.hidden.iter());
        result.push(
            order
                .iter()
                .filter(|&&at| reached[at] && !hidden[at])
                .map(|&at| graph.ids[at])
                .collect(),
        );
    }
    Ok(result)
}

/// The commits walked so far with their parents among them.
#[derive(Default)]
struct Graph {
    ids: Vec<ObjectId>,
    index: HashMap<ObjectId, usize>,
    parents: Vec<Vec<ObjectId>>,
}

impl Graph {
    /// Adds the commits reachable from `starts` and from none of `hidden`; returns their
    /// positions, oldest first. A start or hidden id that names no commit is skipped.
    fn walk(
        &mut self,
        repo: &git2::Repository,
        starts: &[ObjectId],
        hidden: &[ObjectId],
    ) -> Result<Vec<usize>, GitError> {
        let mut walk = repo.revwalk().map_err(read_err("the history"))?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)
            .map_err(read_err("the history"))?;
        for id in starts {
            let _ = walk.push(id.git());
        }
        for id in hidden {
            // A hidden tip that is missing or not a commit hides nothing.
            let _ = walk.hide(id.git());
        }
        let mut order = Vec::new();
        for id in walk {
            let id = ObjectId::from_git(id.map_err(read_err("the history"))?);
            if let Some(&at) = self.index.get(&id) {
                order.push(at);
                continue;
            }
            let commit = repo
                .find_commit(id.git())
                .map_err(read_err(format!("commit {id}")))?;
            let at = self.ids.len();
            self.ids.push(id);
            self.index.insert(id, at);
            self.parents
                .push(commit.parent_ids().map(ObjectId::from_git).collect());
            order.push(at);
        }
        Ok(order)
    }

    /// Which walked commits are reachable from `starts` (each start included).
    fn ancestors<'a>(&self, starts: impl Iterator<Item = &'a ObjectId>) -> Vec<bool> {
        let mut marked = vec![false; self.ids.len()];
        let mut stack: Vec<usize> = starts
            .filter_map(|id| self.index.get(id).copied())
            .collect();
        while let Some(at) = stack.pop() {
            if std::mem::replace(&mut marked[at], true) {
                continue;
            }
            stack.extend(
                self.parents[at]
                    .iter()
                    .filter_map(|id| self.index.get(id).copied())
                    .filter(|&parent| !marked[parent]),
            );
        }
        marked
    }
}
