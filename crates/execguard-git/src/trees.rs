//! The rules' read access to both sides of a change: [`Snapshot`] (one side, as libgit2, the
//! index or an in-memory re-merge holds it) and [`GitTrees`], the core's [`Trees`] over them.

use execguard_core::{Entry, MergedMessages, RepoPath, Side, TreeError, Trees};
use git2::{Commit, ObjectType, Oid, Repository, Tree};

use crate::folders::Folders;
use crate::objects::{as_path, kind_of, tree_error};
use crate::read_cache::ReadCache;
use crate::remerge::Remerge;
use crate::revert::ancestors;
use crate::{case_folded, StagedIndex};

/// One side of a change, as libgit2 holds it.
pub(crate) enum Snapshot<'r> {
    /// Nothing: the base of a root commit or of the first commit on an unborn branch.
    Empty,
    Tree(Tree<'r>),
    /// The staged tree: the index, without intent-to-add entries.
    Staged(std::rc::Rc<StagedIndex>),
    /// A clean re-merge of a merge's parents, in memory.
    Remerge(Box<Remerge<'r>>),
}

/// Read access to both sides of a change, for the rules.
pub struct GitTrees<'r> {
    pub(crate) repo: &'r Repository,
    pub(crate) base: Snapshot<'r>,
    pub(crate) new: Snapshot<'r>,
    pub(crate) cache: Option<&'r ReadCache>,
    /// For a merge's sides: the folders the merge has read, which hold these trees' folders.
    pub(crate) folders: Option<std::rc::Rc<Folders<'r>>>,
}

impl<'r> GitTrees<'r> {
    fn side(&self, side: Side) -> &Snapshot<'r> {
        match side {
            Side::Base => &self.base,
            Side::New => &self.new,
        }
    }

    /// The commit whose tree is the base `base`: the one parent of `commit`, or for the staged
    /// change HEAD (its parent when amending). `None` when no such commit is at hand.
    fn base_commit(
        &self,
        commit: Option<&str>,
        base: Oid,
    ) -> Result<Option<Commit<'r>>, TreeError> {
        let found = match commit {
            Some(id) => {
                let Ok(id) = Oid::from_str(id) else {
                    return Ok(None);
                };
                let commit = self
                    .repo
                    .find_commit(id)
                    .map_err(tree_error(format!("commit {id}")))?;
                if commit.parent_count() != 1 {
                    return Ok(None);
                }
                commit.parent(0).ok()
            }
            None => {
                let head = self
                    .repo
                    .head()
                    .ok()
                    .and_then(|head| head.peel_to_commit().ok());
                match head {
                    Some(head) if head.tree_id() == base => Some(head),
                    Some(head) => head.parent(0).ok(),
                    None => None,
                }
            }
        };
        Ok(found.filter(|start| start.tree_id() == base))
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
            if let Some((data, kept_by_reader)) = cache.packed_blob(self.repo, oid) {
                // A blob from a pack is kept by the reader, with the versions around it.
                if !kept_by_reader {
                    cache.keep_blob(oid, &data);
                }
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

    fn has_blob(&self, id: &str) -> bool {
        let Ok(oid) = Oid::from_str(id) else {
            return true;
        };
        if let Snapshot::Remerge(remerge) = &self.base {
            if remerge.blob(oid).is_some() {
                return true;
            }
        }
        // An object store that cannot be asked is not taken to lack it: reading then fails.
        self.repo.odb().map_or(true, |odb| odb.exists(oid))
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
                let names = case_folded::matching(self.repo, self.folders.as_deref(), *tree, dir)
                    .map_err(tree_error(format!("{path}")))?;
                for (entry_name, id, is_tree) in names {
                    if is_tree {
                        let mut below = prefix.clone();
                        below.extend_from_slice(&entry_name);
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
        let own_dir = &path.as_bytes()[..path.as_bytes().len() - name.len()];
        let mut found = Vec::new();
        for (prefix, tree) in &level {
            let names = case_folded::matching(self.repo, self.folders.as_deref(), *tree, name)
                .map_err(tree_error(format!("{path}")))?;
            if names.is_empty() && prefix.as_slice() != own_dir {
                // No such file yet, but its folders are ones the base spells otherwise
                // (`INFRA/new.yaml` beside `infra/`): it is written into them.
                found.push(RepoPath::new([prefix.as_slice(), name].concat()));
            }
            for (entry_name, _, is_tree) in names {
                let mut full = prefix.clone();
                full.extend_from_slice(&entry_name);
                if !is_tree && full != path.as_bytes() {
                    found.push(RepoPath::new(full));
                }
            }
        }
        Ok(found)
    }

    fn undoes_an_earlier_commit(
        &self,
        commit: Option<&str>,
        paths: &[RepoPath],
    ) -> Result<Option<String>, TreeError> {
        let Snapshot::Tree(base) = &self.base else {
            return Ok(None);
        };
        let Some(start) = self.base_commit(commit, base.id())? else {
            return Ok(None);
        };
        let at = |side: Side, path: &RepoPath| {
            Ok(self.entry(side, path)?.map(|entry| (entry.kind, entry.id)))
        };
        let undo = ancestors::Undo {
            paths: paths.to_vec(),
            at: &at,
        };
        Ok(
            ancestors::undoes_an_ancestor(self.repo, start, &undo, ancestors::MOST_ANCESTORS)?
                .map(|id| id.to_string()),
        )
    }

    fn merged_messages(&self, commit: &str, most: usize) -> Result<MergedMessages, TreeError> {
        let id = Oid::from_str(commit).map_err(tree_error(format!("commit {commit}")))?;
        crate::merged_messages::merged_messages(self.repo, id, most)
    }

    fn held_blobs(
        &self,
        side: Side,
        ids: &[&str],
        counts: &dyn Fn(&RepoPath) -> bool,
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
        let walked = tree.walk(git2::TreeWalkMode::PreOrder, |root, entry| {
            if entry.kind() == Some(ObjectType::Blob)
                && wanted.contains(&entry.id())
                && counts(&RepoPath::new(
                    [root.as_bytes(), entry.name_bytes()].concat(),
                ))
            {
                wanted.remove(&entry.id());
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
