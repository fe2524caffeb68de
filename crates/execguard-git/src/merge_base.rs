//! Merge bases as git computes them (`paint_down_to_common` and `remove_redundant` in git's
//! `commit-reach.c`), over commits parsed once per thread.
//!
//! libgit2 starts every merge-base walk from scratch and reads each commit of it again from
//! the packs. On a history where topics are merged long after they forked (git's own), the walks
//! of consecutive merges cover the same thousands of commits, and reading them again was nine
//! tenths of a range check; git keeps each commit it parsed for the whole process, and so does
//! this graph.

use std::cell::RefCell;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::PathBuf;

use git2::{Oid, Repository};

const PARENT1: u8 = 1;
const PARENT2: u8 = 2;
const STALE: u8 = 4;
const RESULT: u8 = 8;

/// Commits kept per thread before the graph starts over: about 100 bytes each, so at most
/// 20 MB, several times a long walk through git.git's history.
const MAX_COMMITS: usize = 200_000;

/// A commit as a walk needs it: its committer time and its parents.
struct Node {
    time: i64,
    parents: Box<[Oid]>,
}

/// The commits of one repository parsed so far.
#[derive(Default)]
struct Graph {
    /// The repository they were read from: a thread may open several (shallow clones among
    /// them, whose commits have fewer parents).
    repo: PathBuf,
    nodes: HashMap<Oid, Node>,
}

thread_local! {
    static GRAPH: RefCell<Graph> = RefCell::new(Graph::default());
}

impl Graph {
    fn for_repo(&mut self, repo: &Repository) {
        if self.repo != repo.path() || self.nodes.len() >= MAX_COMMITS {
            self.repo = repo.path().to_path_buf();
            self.nodes.clear();
        }
    }

    /// The commit `id`, read once: libgit2's parse applies a shallow clone's boundary.
    fn node(&mut self, repo: &Repository, id: Oid) -> Result<&Node, git2::Error> {
        if !self.nodes.contains_key(&id) {
            let commit = repo.find_commit(id)?;
            let node = Node {
                time: commit.time().seconds(),
                parents: commit.parent_ids().collect(),
            };
            self.nodes.insert(id, node);
        }
        // Inserted just above when missing.
        self.nodes
            .get(&id)
            .ok_or_else(|| git2::Error::from_str("a commit vanished from the walk"))
    }

    fn time(&mut self, repo: &Repository, id: Oid) -> Result<i64, git2::Error> {
        Ok(self.node(repo, id)?.time)
    }

    /// git's `paint_down_to_common`: walks down from `one` and `twos`, newest first, marking
    /// what each reaches, until only commits below a common one are left. Returns the common
    /// commits found, newest first, and every commit's marks.
    fn paint(
        &mut self,
        repo: &Repository,
        one: Oid,
        twos: &[Oid],
    ) -> Result<(Vec<Oid>, HashMap<Oid, u8>), git2::Error> {
        let mut marks: HashMap<Oid, u8> = HashMap::new();
        // Newest first; of commits with the same time, the first queued (git's prio_queue).
        let mut queue: BinaryHeap<(i64, Reverse<u64>, Oid)> = BinaryHeap::new();
        let mut queued = 0u64;
        let mut push = |queue: &mut BinaryHeap<_>, time: i64, id: Oid| {
            queue.push((time, Reverse(queued), id));
            queued += 1;
        };
        *marks.entry(one).or_default() |= PARENT1;
        push(&mut queue, self.time(repo, one)?, one);
        for &two in twos {
            *marks.entry(two).or_default() |= PARENT2;
            push(&mut queue, self.time(repo, two)?, two);
        }
        let mut found: Vec<(i64, Oid)> = Vec::new();
        while queue
            .iter()
            .any(|(_, _, id)| marks.get(id).copied().unwrap_or(0) & STALE == 0)
        {
            let Some((time, _, id)) = queue.pop() else {
                break;
            };
            let own = marks.get(&id).copied().unwrap_or(0);
            let mut flags = own & (PARENT1 | PARENT2 | STALE);
            if flags == PARENT1 | PARENT2 {
                if own & RESULT == 0 {
                    marks.insert(id, own | RESULT);
                    // After every commit at least as new (git's commit_list_insert_by_date).
                    let at = found.partition_point(|(other, _)| *other >= time);
                    found.insert(at, (time, id));
                }
                // The parents of a common commit are common, and no better.
                flags |= STALE;
            }
            let parents = self.node(repo, id)?.parents.clone();
            for parent in parents.iter() {
                let mark = marks.entry(*parent).or_default();
                if *mark & flags == flags {
                    continue;
                }
                *mark |= flags;
                push(&mut queue, self.time(repo, *parent)?, *parent);
            }
        }
        Ok((found.into_iter().map(|(_, id)| id).collect(), marks))
    }
}

/// Every merge base of `one` and `two`, as `git merge-base --all` lists them (newest first);
/// none for unrelated histories.
pub(crate) fn all_merge_bases(
    repo: &Repository,
    one: Oid,
    two: Oid,
) -> Result<Vec<Oid>, git2::Error> {
    if one == two {
        return Ok(vec![one]);
    }
    GRAPH.with(|graph| {
        let graph = &mut *graph.borrow_mut();
        graph.for_repo(repo);
        let (found, marks) = graph.paint(repo, one, &[two])?;
        let bases: Vec<Oid> = found
            .into_iter()
            .filter(|id| marks.get(id).copied().unwrap_or(0) & STALE == 0)
            .collect();
        if bases.len() < 2 {
            return Ok(bases);
        }
        remove_redundant(graph, repo, bases)
    })
}

/// git's `remove_redundant`: drops every base that is an ancestor of another; order is kept.
fn remove_redundant(
    graph: &mut Graph,
    repo: &Repository,
    bases: Vec<Oid>,
) -> Result<Vec<Oid>, git2::Error> {
    let mut redundant = vec![false; bases.len()];
    for i in 0..bases.len() {
        if redundant[i] {
            continue;
        }
        let others: Vec<usize> = (0..bases.len())
            .filter(|&j| j != i && !redundant[j])
            .collect();
        let twos: Vec<Oid> = others.iter().map(|&j| bases[j]).collect();
        let (_, marks) = graph.paint(repo, bases[i], &twos)?;
        let mark = |id: &Oid| marks.get(id).copied().unwrap_or(0);
        if mark(&bases[i]) & PARENT2 != 0 {
            redundant[i] = true;
        }
        for j in others {
            if mark(&bases[j]) & PARENT1 != 0 {
                redundant[j] = true;
            }
        }
    }
    Ok(bases
        .into_iter()
        .zip(redundant)
        .filter_map(|(id, redundant)| (!redundant).then_some(id))
        .collect())
}
