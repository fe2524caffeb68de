//! Tree entries by case-folded name, for finding the paths a case-insensitive checkout (macOS,
//! Windows) would write over. Each tree is indexed once per thread, however many added paths
//! ask about it.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use execguard_core::RepoPath;
use git2::{ObjectType, Oid, Repository};

/// One tree's entries: case-folded name to `(name, id, is a tree)`.
pub(crate) struct FoldedTree(HashMap<String, Vec<(Vec<u8>, Oid, bool)>>);

impl FoldedTree {
    /// The entries whose name is `name` ignoring case.
    pub(crate) fn matching<'a>(
        &'a self,
        name: &'a [u8],
    ) -> impl Iterator<Item = (&'a [u8], Oid, bool)> + 'a {
        self.0
            .get(&fold(name))
            .into_iter()
            .flatten()
            .filter(move |(entry, _, _)| RepoPath::same_ignoring_case(entry, name))
            .map(|(entry, id, is_tree)| (entry.as_slice(), *id, *is_tree))
    }
}

fn fold(name: &[u8]) -> String {
    match std::str::from_utf8(name) {
        Ok(text) => text.to_lowercase(),
        Err(_) => String::from_utf8_lossy(&name.to_ascii_lowercase()).into_owned(),
    }
}

/// Entries indexed at most, per thread, before the cache starts over: under 1 MB. A tree is asked
/// about again by the other paths a commit adds to it, and by the next commits while it is
/// unchanged; a range of commits that each change a large folder indexes a new tree each time, and
/// 100,000 entries (the earlier bound) kept 19 MB per worker of trees no commit would ask about
/// again.
const MAX_ENTRIES: usize = 4_096;

thread_local! {
    static INDEXED: RefCell<(HashMap<Oid, Rc<FoldedTree>>, usize)> =
        RefCell::new((HashMap::new(), 0));
}

/// The entries of tree `id`, by case-folded name.
pub(crate) fn entries(repo: &Repository, id: Oid) -> Result<Rc<FoldedTree>, git2::Error> {
    if let Some(found) = INDEXED.with(|cache| cache.borrow().0.get(&id).cloned()) {
        return Ok(found);
    }
    let tree = repo.find_tree(id)?;
    let mut folded: HashMap<String, Vec<(Vec<u8>, Oid, bool)>> = HashMap::new();
    for entry in tree.iter() {
        folded.entry(fold(entry.name_bytes())).or_default().push((
            entry.name_bytes().to_vec(),
            entry.id(),
            entry.kind() == Some(ObjectType::Tree),
        ));
    }
    let folded = Rc::new(FoldedTree(folded));
    INDEXED.with(|cache| {
        let (trees, entries) = &mut *cache.borrow_mut();
        if *entries + tree.len() > MAX_ENTRIES {
            trees.clear();
            *entries = 0;
        }
        *entries += tree.len();
        trees.insert(id, folded.clone());
    });
    Ok(folded)
}
