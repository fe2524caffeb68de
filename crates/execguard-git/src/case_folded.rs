//! Tree entries by folded name ([`RepoPath::name_key`]: case, Unicode normalisation, Windows'
//! trailing dots and spaces), for finding the paths a checkout on macOS or Windows would write
//! over. A tree asked about once is scanned; asked about again (the other
//! paths a commit adds to it), it is indexed once per thread.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use execguard_core::RepoPath;
use git2::{ObjectType, Oid, Repository};

/// One tree's entries: case-folded name to `(name, id, is a tree)`.
struct FoldedTree(HashMap<String, Vec<Entry>>);

/// A tree entry: its name, its id, and whether it is a tree.
pub(crate) type Entry = (Vec<u8>, Oid, bool);

/// The key a checkout compares names by (see [`RepoPath::name_key`]).
fn fold(name: &[u8]) -> String {
    RepoPath::name_key(name)
}

/// Whether `entry` is `name` for a checkout, `folded` being `fold(name)`: what looking `name` up
/// in the index answers. Two ASCII names without trailing dots or spaces are compared as they
/// are; only the others are folded.
fn same(entry: &[u8], name: &[u8], folded: &str) -> bool {
    let plain = |name: &[u8]| name.is_ascii() && !matches!(name.last(), Some(b'.' | b' '));
    if plain(entry) && plain(name) {
        return entry.eq_ignore_ascii_case(name);
    }
    fold(entry) == folded
}

/// Entries indexed at most, per thread, before the cache starts over: under 1 MB. A tree is asked
/// about again by the other paths a commit adds to it, and by the next commits while it is
/// unchanged; a range of commits that each change a large folder indexes a new tree each time, and
/// 100,000 entries (the earlier bound) kept 19 MB per worker of trees no commit would ask about
/// again.
const MAX_ENTRIES: usize = 4_096;

/// Trees indexed per thread, with the number of their entries; and the trees asked about once.
#[derive(Default)]
struct Indexed {
    trees: HashMap<Oid, Rc<FoldedTree>>,
    entries: usize,
    asked: HashSet<Oid>,
}

thread_local! {
    static INDEXED: RefCell<Indexed> = RefCell::new(Indexed::default());
}

/// The entries of tree `id` whose name is `name` ignoring case. The first time a tree is asked
/// about, its entries are compared one by one (a coding-agent event asks once); the second time,
/// they are indexed by case-folded name for the next questions (a commit adding many files).
pub(crate) fn matching(repo: &Repository, id: Oid, name: &[u8]) -> Result<Vec<Entry>, git2::Error> {
    let folded = fold(name);
    let found = INDEXED.with(|cache| cache.borrow().trees.get(&id).cloned());
    if let Some(index) = found {
        return Ok(lookup(&index, &folded));
    }
    let tree = repo.find_tree(id)?;
    let first_time = INDEXED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.asked.len() >= MAX_ENTRIES {
            cache.asked.clear();
        }
        cache.asked.insert(id)
    });
    if first_time {
        return Ok(tree
            .iter()
            .filter(|entry| same(entry.name_bytes(), name, &folded))
            .map(|entry| entry_of(&entry))
            .collect());
    }
    let mut index: HashMap<String, Vec<Entry>> = HashMap::new();
    for entry in tree.iter() {
        index
            .entry(fold(entry.name_bytes()))
            .or_default()
            .push(entry_of(&entry));
    }
    let index = Rc::new(FoldedTree(index));
    INDEXED.with(|cache| {
        let cache = &mut *cache.borrow_mut();
        if cache.entries + tree.len() > MAX_ENTRIES {
            cache.trees.clear();
            cache.entries = 0;
        }
        cache.entries += tree.len();
        cache.trees.insert(id, Rc::clone(&index));
    });
    Ok(lookup(&index, &folded))
}

fn entry_of(entry: &git2::TreeEntry<'_>) -> Entry {
    (
        entry.name_bytes().to_vec(),
        entry.id(),
        entry.kind() == Some(ObjectType::Tree),
    )
}

fn lookup(index: &FoldedTree, folded: &str) -> Vec<Entry> {
    index.0.get(folded).cloned().unwrap_or_default()
}
