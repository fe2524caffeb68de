//! Why a tree is refused ([`TreeProblem`]) and the error that says where it was found
//! ([`MalformedTree`]), with names shown so that an invisible character cannot pass for `.git`.

use std::fmt;

use crate::object_id::ObjectId;

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
    pub commit: Option<ObjectId>,
    /// The directory it lists, empty for the root.
    pub path: Vec<u8>,
    pub tree: ObjectId,
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

fn short(id: ObjectId) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
            commit: Some("1a2b3c4d5e6f00000000000000000000000000aa".parse().unwrap()),
            path: b"specs".to_vec(),
            tree: "c811818352e0858bbe3ae12d3420370a7d29cee8".parse().unwrap(),
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
