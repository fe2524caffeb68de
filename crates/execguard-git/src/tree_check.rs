//! What git's fsck refuses in a tree, checked on every tree a commit brings in.
//!
//! A crafted tree can read one way to execguard and check out another way: with `login.md`
//! listed twice in `specs/`, a lookup finds the first entry (the frozen original) while a checkout
//! writes the second (the edited copy). An entry git treats as `.git` on some file system can
//! plant a repository's hooks or config in a clone. git's fsck refuses such trees; so does this
//! module, for the trees the tree comparison reads anyway, so that a commit that holds one cannot
//! be judged at all. The checks follow git's fsck of a tree entry: order and uniqueness (a file
//! and a directory of one name are duplicates too), empty names, `/`, `.`, `..`, the names git
//! treats as `.git` (any case; NTFS short names, trailing dots and spaces, alternate streams and
//! backslash-separated components; HFS+ ignorable code points), and modes git does not write.

use std::cmp::Ordering;
use std::fmt;

use git2::Oid;

use crate::GitError;

mod dotgit;

use dotgit::is_dotgit;

/// Why a tree is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TreeProblem {
    /// Two entries share a name: twice the same kind, or a file and a directory.
    Duplicate {
        name: Vec<u8>,
        file_and_directory: bool,
    },
    /// `name` is listed after `previous`, against git's order of tree entries.
    NotSorted {
        previous: Vec<u8>,
        name: Vec<u8>,
    },
    EmptyName,
    /// A name holding `/`: an entry names one path component.
    Slash {
        name: Vec<u8>,
    },
    /// `.` or `..`.
    DotName {
        name: Vec<u8>,
    },
    /// `.git`, or a name some file system or git's checkout treats as `.git`.
    DotGit {
        name: Vec<u8>,
    },
    /// A mode git never writes.
    UnknownMode {
        name: Vec<u8>,
        mode: u32,
    },
    /// The tree object itself is malformed.
    Unparsable {
        reason: String,
    },
}

impl fmt::Display for TreeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TreeProblem::Duplicate {
                name,
                file_and_directory: false,
            } => write!(f, "lists `{}` twice", shown(name)),
            TreeProblem::Duplicate {
                name,
                file_and_directory: true,
            } => write!(
                f,
                "lists `{}` both as a file and as a directory",
                shown(name)
            ),
            TreeProblem::NotSorted { previous, name } => write!(
                f,
                "is not in git's order: `{}` is listed after `{}`",
                shown(name),
                shown(previous)
            ),
            TreeProblem::EmptyName => f.write_str("has an entry with an empty name"),
            TreeProblem::Slash { name } => {
                write!(f, "has an entry whose name holds `/` (`{}`)", shown(name))
            }
            TreeProblem::DotName { name } => write!(f, "has an entry named `{}`", shown(name)),
            TreeProblem::DotGit { name } if name.as_slice() == b".git" => {
                f.write_str("has an entry named `.git`")
            }
            TreeProblem::DotGit { name } => write!(
                f,
                "has an entry `{}` that git treats as `.git` (case-insensitive, NTFS or HFS+ file systems)",
                shown(name)
            ),
            TreeProblem::UnknownMode { name, mode } => {
                write!(f, "gives `{}` the mode {mode:o}, which git never writes", shown(name))
            }
            TreeProblem::Unparsable { reason } => {
                write!(f, "cannot be parsed as a tree ({reason})")
            }
        }
    }
}

/// A tree git's fsck rejects, and where it was found.
#[derive(Debug)]
pub struct MalformedTree {
    /// The commit whose tree holds it, once known.
    pub commit: Option<Oid>,
    /// The directory it lists, empty for the root.
    pub path: Vec<u8>,
    pub tree: Oid,
    pub problem: TreeProblem,
}

impl fmt::Display for MalformedTree {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(commit) = self.commit {
            write!(f, "commit {}: ", short(commit))?;
        }
        if self.path.is_empty() {
            f.write_str("the root tree")?;
        } else {
            write!(f, "the tree of `{}`", shown(&self.path))?;
        }
        write!(
            f,
            " ({}) {}; git fsck rejects such a tree, and what a clone checks out from it may not be what execguard judged",
            short(self.tree),
            self.problem
        )
    }
}

impl std::error::Error for MalformedTree {}

impl GitError {
    /// Names the commit a malformed tree belongs to; any other error is returned as it is.
    pub(crate) fn in_commit(self, commit: Oid) -> Self {
        match self {
            GitError::MalformedTree(mut malformed) => {
                malformed.commit.get_or_insert(commit);
                GitError::MalformedTree(malformed)
            }
            other => other,
        }
    }
}

pub(crate) fn malformed(path: &[u8], tree: Oid, problem: TreeProblem) -> GitError {
    GitError::MalformedTree(Box::new(MalformedTree {
        commit: None,
        path: path.to_vec(),
        tree,
        problem,
    }))
}

/// Reads the new tree `id` at `path`; a tree libgit2 cannot parse is malformed, not unreadable.
pub(crate) fn find_new_tree<'r>(
    repo: &'r git2::Repository,
    path: &[u8],
    id: Oid,
) -> Result<git2::Tree<'r>, GitError> {
    repo.find_tree(id).map_err(|error| {
        if error.class() == git2::ErrorClass::Tree {
            malformed(
                path,
                id,
                TreeProblem::Unparsable {
                    reason: error.message().to_string(),
                },
            )
        } else {
            crate::error::read_err(format!("tree {id}"))(error)
        }
    })
}

/// Checks every entry of `tree`, the directory `path` of a new side.
pub(crate) fn check_tree(tree: &git2::Tree<'_>, path: &[u8]) -> Result<(), GitError> {
    check_listing(tree.len(), |index| tree.get(index))
        .map_err(|problem| malformed(path, tree.id(), problem))
}

fn short(id: Oid) -> String {
    let mut text = id.to_string();
    text.truncate(7);
    text
}

/// A name for a message: printable characters as they are, anything else (control characters,
/// invisible code points, bytes that are not UTF-8) escaped, so `.git\u{200c}` does not read as
/// `.git`; a very long name is cut short.
fn shown(name: &[u8]) -> String {
    use std::fmt::Write as _;
    const LONGEST: usize = 120;
    let mut out = String::with_capacity(name.len().min(LONGEST + 3));
    let mut rest = name;
    while !rest.is_empty() {
        if out.len() >= LONGEST {
            out.push_str("...");
            break;
        }
        let (decoded, size) = bstr::decode_utf8(rest);
        match decoded {
            Some(c)
                if c.is_ascii_graphic() || c == ' ' || (!c.is_ascii() && c.is_alphanumeric()) =>
            {
                out.push(c)
            }
            Some(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            None => {
                for byte in &rest[..size.max(1)] {
                    let _ = write!(out, "\\x{byte:02x}");
                }
            }
        }
        rest = &rest[size.max(1)..];
    }
    out
}

/// One entry of a listing, as the checks need it.
pub(crate) trait ListedEntry {
    fn name(&self) -> &[u8];
    /// The mode as written in the tree, not normalised.
    fn raw_mode(&self) -> u32;
}

impl ListedOwned {
    fn as_listed(&self) -> Listed<'_> {
        Listed {
            name: &self.name,
            mode: self.mode,
        }
    }
}

impl ListedEntry for git2::TreeEntry<'_> {
    fn name(&self) -> &[u8] {
        self.name_bytes()
    }

    fn raw_mode(&self) -> u32 {
        self.filemode_raw() as u32
    }
}

const DIRECTORY: u32 = 0o040000;

/// The modes git writes; `100664` is one early versions of git wrote, which git's fsck accepts.
fn known_mode(mode: u32) -> bool {
    matches!(
        mode,
        0o100644 | 0o100755 | 0o100664 | 0o120000 | DIRECTORY | 0o160000
    )
}

/// Checks a listing of `len` entries, entry `index` given by `entry`: each entry alone, then each
/// against the one before it.
pub(crate) fn check_listing<E: ListedEntry>(
    len: usize,
    entry: impl Fn(usize) -> Option<E>,
) -> Result<(), TreeProblem> {
    // Files that a later directory of the same name would duplicate: they need not be adjacent,
    // as `a`, `a.txt`, `a/` shows (a directory sorts as if its name ended in `/`).
    let mut files_before: Vec<usize> = Vec::new();
    // The previous entry's name, copied: reading it again through libgit2 costs more.
    let mut previous = ListedOwned::default();
    for index in 0..len {
        let Some(current) = entry(index) else { break };
        let (name, mode) = (current.name(), current.raw_mode());
        check_entry(name, mode)?;
        if index > 0 {
            let current = Listed { name, mode };
            check_pair(
                &previous.as_listed(),
                index - 1,
                &current,
                &mut files_before,
                &entry,
            )?;
        }
        previous.name.clear();
        previous.name.extend_from_slice(name);
        previous.mode = mode;
    }
    Ok(())
}

/// An entry's name and mode, as the pair check reads them.
struct Listed<'a> {
    name: &'a [u8],
    mode: u32,
}

#[derive(Default)]
struct ListedOwned {
    name: Vec<u8>,
    mode: u32,
}

fn check_entry(name: &[u8], mode: u32) -> Result<(), TreeProblem> {
    let owned = || name.to_vec();
    if name.is_empty() {
        return Err(TreeProblem::EmptyName);
    }
    // One scan for both separators: names are short, two memchr calls cost more.
    let (mut slash, mut backslash) = (false, false);
    for &byte in name {
        slash |= byte == b'/';
        backslash |= byte == b'\\';
    }
    if slash {
        return Err(TreeProblem::Slash { name: owned() });
    }
    if name == b"." || name == b".." {
        return Err(TreeProblem::DotName { name: owned() });
    }
    if is_dotgit(name, backslash) {
        return Err(TreeProblem::DotGit { name: owned() });
    }
    if !known_mode(mode) {
        return Err(TreeProblem::UnknownMode {
            name: owned(),
            mode,
        });
    }
    Ok(())
}

/// A byte that sorts before the `/` a directory's name is compared with.
fn below_slash(byte: u8) -> bool {
    byte != 0 && byte < b'/'
}

/// `current` must sort strictly after `previous` (entry `previous_index`) and must not repeat
/// its name, nor the name of an earlier file when `current` is a directory.
fn check_pair<E: ListedEntry>(
    previous: &Listed<'_>,
    previous_index: usize,
    current: &Listed<'_>,
    files_before: &mut Vec<usize>,
    entry: &impl Fn(usize) -> Option<E>,
) -> Result<(), TreeProblem> {
    let (before, after) = (previous.name, current.name);
    let common = before.len().min(after.len());
    match before[..common].cmp(&after[..common]) {
        Ordering::Less => return Ok(()),
        Ordering::Greater => {
            return Err(TreeProblem::NotSorted {
                previous: before.to_vec(),
                name: after.to_vec(),
            })
        }
        Ordering::Equal => {}
    }
    let before_is_dir = previous.mode == DIRECTORY;
    let after_is_dir = current.mode == DIRECTORY;
    if before.len() == after.len() {
        return Err(TreeProblem::Duplicate {
            name: after.to_vec(),
            file_and_directory: before_is_dir != after_is_dir,
        });
    }
    // The byte each name is compared by after the common part; a directory's name ends in `/`.
    let next = |name: &[u8], dir: bool| name.get(common).copied().or(dir.then_some(b'/'));
    let (next_before, next_after) = (next(before, before_is_dir), next(after, after_is_dir));
    if next_before.is_none() && next_after.is_some_and(below_slash) {
        // A file `x` followed by `x.y`: a directory `x` may still come.
        files_before.push(previous_index);
    } else if next_after == Some(b'/') && next_before.is_some_and(below_slash) {
        // The directory `after` comes after names that extend it: was it listed as a file?
        while let Some(candidate) = files_before.pop() {
            let Some(file) = entry(candidate) else {
                continue;
            };
            let Some(rest) = after.strip_prefix(file.name()) else {
                continue;
            };
            match rest.first() {
                None => {
                    return Err(TreeProblem::Duplicate {
                        name: after.to_vec(),
                        file_and_directory: true,
                    })
                }
                Some(&byte) if below_slash(byte) => {
                    files_before.push(candidate);
                    break;
                }
                Some(_) => {}
            }
        }
    }
    match (next_before, next_after) {
        (None, _) => Ok(()),
        (Some(x), Some(y)) if x < y => Ok(()),
        _ => Err(TreeProblem::NotSorted {
            previous: before.to_vec(),
            name: after.to_vec(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake<'a>(&'a [u8], u32);

    impl ListedEntry for Fake<'_> {
        fn name(&self) -> &[u8] {
            self.0
        }
        fn raw_mode(&self) -> u32 {
            self.1
        }
    }

    const FILE: u32 = 0o100644;

    fn check(entries: &[(&str, u32)]) -> Result<(), TreeProblem> {
        check_listing(entries.len(), |i| {
            entries
                .get(i)
                .map(|(name, mode)| Fake(name.as_bytes(), *mode))
        })
    }

    fn duplicate(name: &str, file_and_directory: bool) -> Result<(), TreeProblem> {
        Err(TreeProblem::Duplicate {
            name: name.as_bytes().to_vec(),
            file_and_directory,
        })
    }

    #[test]
    fn a_listing_in_git_order_passes() {
        // `a.txt` sorts before the directory `a` (compared as `a/`), which sorts before `a0`.
        let listing = [
            ("a.txt", FILE),
            ("a", DIRECTORY),
            ("a0", FILE),
            ("b", 0o100755),
            ("c", 0o120000),
            ("d", 0o160000),
            ("e", 0o100664),
        ];
        assert_eq!(check(&listing), Ok(()));
    }

    #[test]
    fn a_name_listed_twice_is_a_duplicate() {
        assert_eq!(
            check(&[("login.md", FILE), ("login.md", FILE)]),
            duplicate("login.md", false)
        );
    }

    #[test]
    fn a_file_and_a_directory_of_one_name_are_duplicates_adjacent_or_not() {
        assert_eq!(
            check(&[("a", FILE), ("a", DIRECTORY)]),
            duplicate("a", true)
        );
        assert_eq!(
            check(&[
                ("a", FILE),
                ("a.b", FILE),
                ("a.b.c", FILE),
                ("a", DIRECTORY)
            ]),
            duplicate("a", true)
        );
        assert_eq!(
            check(&[
                ("a", FILE),
                ("a.b", FILE),
                ("a.b", DIRECTORY),
                ("a", DIRECTORY)
            ]),
            duplicate("a.b", true)
        );
        // A directory that only extends an earlier file's name is fine.
        assert_eq!(
            check(&[
                ("a", FILE),
                ("a.b", FILE),
                ("a.c", DIRECTORY),
                ("b", DIRECTORY)
            ]),
            Ok(())
        );
    }

    #[test]
    fn entries_out_of_order_are_refused() {
        assert_eq!(
            check(&[("b", FILE), ("a", FILE)]),
            Err(TreeProblem::NotSorted {
                previous: b"b".to_vec(),
                name: b"a".to_vec()
            })
        );
        // A directory `a` (as `a/`) sorts after the file `a.txt`, not before it.
        assert!(matches!(
            check(&[("a", DIRECTORY), ("a.txt", FILE)]),
            Err(TreeProblem::NotSorted { .. })
        ));
        // A file that is a prefix of the previous name comes too late.
        assert!(matches!(
            check(&[("ab", FILE), ("a", FILE)]),
            Err(TreeProblem::NotSorted { .. })
        ));
    }

    #[test]
    fn bad_names_and_modes_are_refused() {
        assert_eq!(check(&[("", FILE)]), Err(TreeProblem::EmptyName));
        assert!(matches!(
            check(&[("a/b", FILE)]),
            Err(TreeProblem::Slash { .. })
        ));
        for name in [".", ".."] {
            assert!(matches!(
                check(&[(name, DIRECTORY)]),
                Err(TreeProblem::DotName { .. })
            ));
        }
        assert!(matches!(
            check(&[("run.sh", 0o100600)]),
            Err(TreeProblem::UnknownMode { mode: 0o100600, .. })
        ));
    }

    #[test]
    fn messages_name_the_entry_and_show_invisible_characters() {
        let problem = TreeProblem::DotGit {
            name: ".g\u{200c}it".as_bytes().to_vec(),
        };
        assert!(problem.to_string().contains("`.g\\u{200c}it`"), "{problem}");
        assert_eq!(shown(b"a\xffb"), "a\\xffb");
        assert_eq!(shown("résumé.md".as_bytes()), "résumé.md");
        assert_eq!(shown(&[b'n'; 5000]).len(), 123);
        let malformed = MalformedTree {
            commit: Some(Oid::from_str("1a2b3c4d5e6f00000000000000000000000000aa").unwrap()),
            path: b"specs".to_vec(),
            tree: Oid::from_str("c811818352e0858bbe3ae12d3420370a7d29cee8").unwrap(),
            problem: TreeProblem::Duplicate {
                name: b"login.md".to_vec(),
                file_and_directory: false,
            },
        };
        let text = malformed.to_string();
        assert!(
            text.starts_with(
                "commit 1a2b3c4: the tree of `specs` (c811818) lists `login.md` twice;"
            ),
            "{text}"
        );
    }
}
