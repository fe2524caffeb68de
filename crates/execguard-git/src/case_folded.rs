//! Tree entries by folded name ([`RepoPath::name_key`]: case, Unicode normalisation, Windows'
//! trailing dots and spaces), for finding the paths a checkout on macOS or Windows would write
//! over. A tree asked about once is scanned; asked about again (the other
//! paths a commit adds to it), it is indexed once per thread.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;

use execguard_core::RepoPath;
use git2::{ObjectType, Oid, Repository};

use crate::folders::Folders;

/// A tree entry: its name, its id, and whether it is a tree.
pub(crate) type Entry = (Vec<u8>, Oid, bool);

/// One tree's entries, findable by folded name: the hash of each entry's folded name beside its
/// position, sorted, so that a lookup is a binary search and building one allocates a few
/// vectors, not a string and a vector per entry (indexing `t/` of git.git, 2,600 entries, for
/// each merge was a tenth of a range check).
struct FoldedTree {
    /// `(hash of the folded name, position)`, in that order: a name's entries in tree order.
    keys: Vec<(u64, u32)>,
    /// Each entry's name, as `names[ends[i - 1]..ends[i]]`.
    names: Vec<u8>,
    ends: Vec<u32>,
    ids: Vec<(Oid, bool)>,
}

impl FoldedTree {
    fn of(tree: &git2::Tree<'_>) -> FoldedTree {
        let mut index = FoldedTree {
            keys: Vec::with_capacity(tree.len()),
            names: Vec::new(),
            ends: Vec::with_capacity(tree.len()),
            ids: Vec::with_capacity(tree.len()),
        };
        for (at, entry) in tree.iter().enumerate() {
            let name = entry.name_bytes();
            index.keys.push((name_hash(name), at as u32));
            index.names.extend_from_slice(name);
            index.ends.push(index.names.len() as u32);
            index
                .ids
                .push((entry.id(), entry.kind() == Some(ObjectType::Tree)));
        }
        index.keys.sort_unstable();
        index
    }

    fn name(&self, at: usize) -> &[u8] {
        let start = if at == 0 {
            0
        } else {
            self.ends[at - 1] as usize
        };
        &self.names[start..self.ends[at] as usize]
    }

    /// The entries whose folded name is `folded`, in tree order.
    fn lookup(&self, name: &[u8], folded: &str) -> Vec<Entry> {
        let hash = folded_hash(folded.as_bytes());
        let from = self.keys.partition_point(|(key, _)| *key < hash);
        self.keys[from..]
            .iter()
            .take_while(|(key, _)| *key == hash)
            .map(|&(_, at)| at as usize)
            // Two folded names may share a hash: each is compared.
            .filter(|&at| same(self.name(at), name, folded))
            .map(|at| {
                let (id, is_tree) = self.ids[at];
                (self.name(at).to_vec(), id, is_tree)
            })
            .collect()
    }

    fn len(&self) -> usize {
        self.ids.len()
    }
}

/// The hash of `fold(name)`; a plain ASCII name (see [`same`]) is folded while it is hashed.
fn name_hash(name: &[u8]) -> u64 {
    if is_plain(name) {
        hash_bytes(name.iter().map(u8::to_ascii_lowercase))
    } else {
        folded_hash(fold(name).as_bytes())
    }
}

fn folded_hash(folded: &[u8]) -> u64 {
    hash_bytes(folded.iter().copied())
}

/// FNV-1a: names are short, and a collision costs only a comparison.
fn hash_bytes(bytes: impl Iterator<Item = u8>) -> u64 {
    bytes.fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// An ASCII name without trailing dots or spaces: its folded name is its lowercase.
fn is_plain(name: &[u8]) -> bool {
    name.is_ascii() && !matches!(name.last(), Some(b'.' | b' '))
}

/// The key a checkout compares names by (see [`RepoPath::name_key`]).
fn fold(name: &[u8]) -> String {
    RepoPath::name_key(name)
}

/// Whether `entry` is `name` for a checkout, `folded` being `fold(name)`: what looking `name` up
/// in the index answers. Two ASCII names without trailing dots or spaces are compared as they
/// are; only the others are folded.
fn same(entry: &[u8], name: &[u8], folded: &str) -> bool {
    if is_plain(entry) && is_plain(name) {
        return entry.eq_ignore_ascii_case(name);
    }
    fold(entry) == folded
}

/// Entries indexed at most, per thread, before the cache starts over: under 1 MB (about 56 bytes
/// each). A tree is asked about again by the other paths a commit adds to it, and by the next
/// commits while it is unchanged; a range of commits that each change a large folder indexes a
/// new tree each time, and 100,000 entries (an earlier bound, at 190 bytes each) kept 19 MB per
/// worker of trees no commit would ask about again. 16,384 hold the few large folders a merge
/// asks about, against each of its parents, for the next merge.
const MAX_ENTRIES: usize = 16_384;

/// Trees remembered as asked about once, per thread, before that list starts over.
const MAX_ASKED: usize = 4_096;

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
/// `folders`, when given, are the folders a merge has read, which hold the trees its changes are
/// judged against.
pub(crate) fn matching<'r>(
    repo: &'r Repository,
    folders: Option<&Folders<'r>>,
    id: Oid,
    name: &[u8],
) -> Result<Vec<Entry>, git2::Error> {
    let folded = fold(name);
    let found = INDEXED.with(|cache| cache.borrow().trees.get(&id).cloned());
    if let Some(index) = found {
        return Ok(index.lookup(name, &folded));
    }
    let tree = match folders {
        Some(folders) => folders.tree(id)?,
        None => repo.find_tree(id)?,
    };
    let first_time = INDEXED.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.asked.len() >= MAX_ASKED {
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
    let index = Rc::new(FoldedTree::of(&tree));
    INDEXED.with(|cache| {
        let cache = &mut *cache.borrow_mut();
        if cache.entries + index.len() > MAX_ENTRIES {
            cache.trees.clear();
            cache.entries = 0;
        }
        cache.entries += index.len();
        cache.trees.insert(id, Rc::clone(&index));
    });
    Ok(index.lookup(name, &folded))
}

fn entry_of(entry: &git2::TreeEntry<'_>) -> Entry {
    (
        entry.name_bytes().to_vec(),
        entry.id(),
        entry.kind() == Some(ObjectType::Tree),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asked about once (scanned) and again (indexed), a tree answers every name with the
    /// entries whose folded name is that name's, in tree order.
    #[test]
    fn a_tree_indexed_by_folded_name_answers_as_its_scan_and_as_folding_each_name() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let repo = Repository::init_bare(dir.path()).expect("bare repository");
        let blob = repo.blob(b"x\n").expect("blob");
        let names: [&[u8]; 10] = [
            b"README.md",
            b"Readme.md",
            b"readme.md.",
            b"readme.md ",
            "café".as_bytes(),
            "cafe\u{301}".as_bytes(),
            "Straße".as_bytes(),
            b"STRASSE",
            b"\xffBad",
            b"other",
        ];
        let mut builder = repo.treebuilder(None).expect("tree builder");
        for name in names {
            builder
                .insert(
                    crate::objects::as_path(&RepoPath::new(name)),
                    blob,
                    0o100644,
                )
                .expect("entry added");
        }
        let tree = builder.write().expect("tree written");
        let listed: Vec<Vec<u8>> = repo
            .find_tree(tree)
            .expect("tree")
            .iter()
            .map(|entry| entry.name_bytes().to_vec())
            .collect();
        let mut asked: Vec<&[u8]> = names.to_vec();
        asked.extend([b"readme.MD".as_slice(), b"\xffbad", b"strasse", b"none"]);
        for name in asked {
            let expected: Vec<Vec<u8>> = listed
                .iter()
                .filter(|entry| fold(entry) == fold(name))
                .cloned()
                .collect();
            let names_of = |entries: Vec<Entry>| -> Vec<Vec<u8>> {
                entries.into_iter().map(|(name, _, _)| name).collect()
            };
            let scanned = names_of(matching(&repo, None, tree, name).expect("scanned"));
            let indexed = names_of(matching(&repo, None, tree, name).expect("indexed"));
            assert_eq!(scanned, expected, "{:?}", String::from_utf8_lossy(name));
            assert_eq!(indexed, expected, "{:?}", String::from_utf8_lossy(name));
        }
        assert!(INDEXED.with(|cache| cache.borrow().trees.contains_key(&tree)));
    }
}
