//! Merge bases as git computes them (`paint_down_to_common` and `remove_redundant` in git's
//! `commit-reach.c`), over commits parsed once per thread.
//!
//! libgit2 starts every merge-base walk from scratch and reads each commit of it again from
//! the packs. On a history where topics are merged long after they forked (git's own), the walks
//! of consecutive merges cover the same thousands of commits, and reading them again was nine
//! tenths of a range check; git keeps each commit it parsed for the whole process, and so does
//! this graph, shared by the worker threads (each read every commit again before).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::path::PathBuf;
use std::sync::{LazyLock, Mutex};

use git2::{Oid, Repository};

use crate::pack_reader::{self, PackReader};

const PARENT1: u8 = 1;
const PARENT2: u8 = 2;
const STALE: u8 = 4;
const RESULT: u8 = 8;

/// Commits kept before the graph starts over: about 80 bytes each, so at most 16 MB, several
/// times a long walk through git.git's history.
const MAX_COMMITS: usize = 200_000;

/// A commit as a walk needs it: its id, and once read, its committer time and its parents.
struct Node {
    id: Oid,
    parsed: Option<(i64, Box<[u32]>)>,
}

/// Object ids are hashes already: their first bytes are a good hash, and SipHash over all
/// twenty was a tenth of a walk.
#[derive(Default, Clone, Copy)]
struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8).take(1) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(word);
        }
    }

    fn write_usize(&mut self, _: usize) {}
}

type IdMap<V> = HashMap<Oid, V, std::hash::BuildHasherDefault<IdHasher>>;

/// The commits of one repository met so far, by dense index.
#[derive(Default)]
struct Graph {
    /// The repository they were read from: a thread may open several (shallow clones among
    /// them, whose commits have fewer parents).
    repo: PathBuf,
    index: IdMap<u32>,
    nodes: Vec<Node>,
    /// Whether a commit's parents are the ones its header lists: not so in a shallow clone or
    /// with grafts, whose parents only libgit2's parse applies.
    headers_tell_parents: bool,
}

static GRAPH: LazyLock<Mutex<Graph>> = LazyLock::new(|| Mutex::new(Graph::default()));

impl Graph {
    fn for_repo(&mut self, repo: &Repository) {
        if self.repo != repo.path() || self.nodes.len() >= MAX_COMMITS {
            self.repo = repo.path().to_path_buf();
            self.index.clear();
            self.nodes.clear();
            self.headers_tell_parents =
                !repo.is_shallow() && !repo.commondir().join("info").join("grafts").exists();
        }
    }

    fn index_of(&mut self, id: Oid) -> u32 {
        if let Some(&at) = self.index.get(&id) {
            return at;
        }
        let at = self.nodes.len() as u32;
        self.nodes.push(Node { id, parsed: None });
        self.index.insert(id, at);
        at
    }

    /// The time and parents of commit `at`, read once: from its header through `reader`
    /// where that says all, else by libgit2, whose parse applies a shallow clone's boundary.
    fn parse(&mut self, walk: &Walk<'_>, at: u32) -> Result<i64, git2::Error> {
        let node = &self.nodes[at as usize];
        if let Some((time, _)) = &node.parsed {
            return Ok(*time);
        }
        let id = node.id;
        let header = match walk.reader {
            Some(reader) if self.headers_tell_parents => reader.commit_header(id),
            _ => None,
        };
        let (time, parent_ids) = match header {
            Some(header) => header,
            None => {
                let commit = walk.repo.find_commit(id)?;
                (commit.time().seconds(), commit.parent_ids().collect())
            }
        };
        let parents: Box<[u32]> = parent_ids.into_iter().map(|id| self.index_of(id)).collect();
        self.nodes[at as usize].parsed = Some((time, parents));
        Ok(time)
    }

    fn parents(&self, at: u32) -> &[u32] {
        self.nodes[at as usize]
            .parsed
            .as_ref()
            .map_or(&[], |(_, parents)| parents)
    }

    /// git's `paint_down_to_common`: walks down from `one` and `twos`, newest first, marking
    /// what each reaches, until only commits below a common one are left. Returns the common
    /// commits found, newest first, and every commit's marks (by index).
    fn paint(
        &mut self,
        walk: &Walk<'_>,
        one: u32,
        twos: &[u32],
    ) -> Result<(Vec<u32>, Vec<u8>), git2::Error> {
        let mut marks: Vec<u8> = vec![0; self.nodes.len()];
        fn mark(marks: &mut Vec<u8>, at: u32) -> &mut u8 {
            if marks.len() <= at as usize {
                marks.resize(at as usize + 1, 0);
            }
            &mut marks[at as usize]
        }
        // Newest first; of commits with the same time, the first queued (git's prio_queue).
        let mut queue: BinaryHeap<(i64, Reverse<u64>, u32)> = BinaryHeap::new();
        let mut queued = 0u64;
        *mark(&mut marks, one) |= PARENT1;
        queue.push((self.parse(walk, one)?, Reverse(queued), one));
        for &two in twos {
            queued += 1;
            *mark(&mut marks, two) |= PARENT2;
            queue.push((self.parse(walk, two)?, Reverse(queued), two));
        }
        let mut found: Vec<(i64, u32)> = Vec::new();
        while queue
            .iter()
            .any(|(_, _, at)| marks.get(*at as usize).copied().unwrap_or(0) & STALE == 0)
        {
            let Some((time, _, at)) = queue.pop() else {
                break;
            };
            let own = *mark(&mut marks, at);
            let mut flags = own & (PARENT1 | PARENT2 | STALE);
            if flags == PARENT1 | PARENT2 {
                if own & RESULT == 0 {
                    *mark(&mut marks, at) |= RESULT;
                    // After every commit at least as new (git's commit_list_insert_by_date).
                    let place = found.partition_point(|(other, _)| *other >= time);
                    found.insert(place, (time, at));
                }
                // The parents of a common commit are common, and no better.
                flags |= STALE;
            }
            for i in 0..self.parents(at).len() {
                let parent = self.parents(at)[i];
                let parent_mark = mark(&mut marks, parent);
                if *parent_mark & flags == flags {
                    continue;
                }
                *parent_mark |= flags;
                queued += 1;
                queue.push((self.parse(walk, parent)?, Reverse(queued), parent));
            }
        }
        Ok((found.into_iter().map(|(_, at)| at).collect(), marks))
    }
}

/// Every merge base of `one` and `two`, as `git merge-base --all` lists them (newest first);
/// none for unrelated histories.
pub(crate) fn all_merge_bases(
    repo: &Repository,
    one: Oid,
    two: Oid,
) -> Result<Vec<Oid>, git2::Error> {
    merge_bases_many(repo, one, &[two])
}

/// The merge bases of `one` and a merge of all of `twos` (git's `get_merge_bases_many`, which
/// libgit2's recursive merge asks about a merge of merge bases), newest first.
pub(crate) fn merge_bases_many(
    repo: &Repository,
    one: Oid,
    twos: &[Oid],
) -> Result<Vec<Oid>, git2::Error> {
    if twos.contains(&one) {
        return Ok(vec![one]);
    }
    let reader = pack_reader::for_thread(repo);
    let walk = Walk {
        repo,
        reader: reader.as_deref(),
    };
    // A walk holds the graph: the workers' walks take turns, and each commit is read once.
    let mut graph = GRAPH
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let graph = &mut *graph;
    graph.for_repo(repo);
    let one = graph.index_of(one);
    let twos: Vec<u32> = twos.iter().map(|&two| graph.index_of(two)).collect();
    let (found, marks) = graph.paint(&walk, one, &twos)?;
    let bases: Vec<u32> = found
        .into_iter()
        .filter(|&at| marks.get(at as usize).copied().unwrap_or(0) & STALE == 0)
        .collect();
    let bases = if bases.len() < 2 {
        bases
    } else {
        remove_redundant(graph, &walk, bases)?
    };
    Ok(bases
        .into_iter()
        .map(|at| graph.nodes[at as usize].id)
        .collect())
}

/// Where a walk reads the commits it has not met yet.
struct Walk<'a> {
    repo: &'a Repository,
    reader: Option<&'a PackReader>,
}

/// git's `remove_redundant`: drops every base that is an ancestor of another; order is kept.
fn remove_redundant(
    graph: &mut Graph,
    walk: &Walk<'_>,
    bases: Vec<u32>,
) -> Result<Vec<u32>, git2::Error> {
    let mut redundant = vec![false; bases.len()];
    for i in 0..bases.len() {
        if redundant[i] {
            continue;
        }
        let others: Vec<usize> = (0..bases.len())
            .filter(|&j| j != i && !redundant[j])
            .collect();
        let twos: Vec<u32> = others.iter().map(|&j| bases[j]).collect();
        let (_, marks) = graph.paint(walk, bases[i], &twos)?;
        let mark = |at: u32| marks.get(at as usize).copied().unwrap_or(0);
        if mark(bases[i]) & PARENT2 != 0 {
            redundant[i] = true;
        }
        for j in others {
            if mark(bases[j]) & PARENT1 != 0 {
                redundant[j] = true;
            }
        }
    }
    Ok(bases
        .into_iter()
        .zip(redundant)
        .filter_map(|(at, redundant)| (!redundant).then_some(at))
        .collect())
}
