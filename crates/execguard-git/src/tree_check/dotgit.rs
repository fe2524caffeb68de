//! The names git treats as `.git`, after its `is_ntfs_dotgit` and `is_hfs_dotgit`: what a
//! checkout on Windows or macOS (or any case-insensitive file system) would write into the
//! repository's own `.git` directory.

/// Whether git treats `name` as `.git` on some file system: the NTFS and HFS+ rules, and the
/// NTFS rule again for every component after a backslash (a separator on Windows).
pub(super) fn is_dotgit(name: &[u8], has_backslash: bool) -> bool {
    // Most names start with none of `.`, `g`, `G` or the first byte of an ignorable code point
    // (U+200C..U+206F, U+FEFF), and hold no backslash: they are decided without decoding.
    let may_start_dotgit = matches!(name.first(), Some(b'.' | b'g' | b'G' | 0xe2 | 0xef));
    (may_start_dotgit && (is_hfs_dotgit(name) || is_ntfs_dotgit(name)))
        || (has_backslash
            && name
                .split(|&byte| byte == b'\\')
                .skip(1)
                .any(is_ntfs_dotgit))
}

/// NTFS: `.git` or its short name `git~1`, in any case, followed only by dots and spaces (which
/// NTFS drops) up to the end, a separator or a `:` (an alternate data stream of `.git`).
fn is_ntfs_dotgit(name: &[u8]) -> bool {
    let rest = if name.len() >= 4 && name[..4].eq_ignore_ascii_case(b".git") {
        &name[4..]
    } else if name.len() >= 5 && name[..5].eq_ignore_ascii_case(b"git~1") {
        &name[5..]
    } else {
        return false;
    };
    for &byte in rest {
        match byte {
            b'\\' | b'/' | b':' => return true,
            b'.' | b' ' => {}
            _ => return false,
        }
    }
    true
}

/// Code points HFS+ ignores in names, so `.g\u{200c}it` is `.git` there.
fn hfs_ignores(c: char) -> bool {
    matches!(
        u32::from(c),
        0x200c..=0x200f | 0x202a..=0x202e | 0x206a..=0x206f | 0xfeff
    )
}

/// HFS+: `.git` in any case once the ignorable code points are dropped. As in git, a byte
/// sequence that is not UTF-8 (or U+FFFE, U+FFFF) ends the name.
fn is_hfs_dotgit(name: &[u8]) -> bool {
    let mut rest = name;
    let mut next = || -> Option<char> {
        loop {
            if rest.is_empty() {
                return None;
            }
            let (decoded, size) = bstr::decode_utf8(rest);
            rest = &rest[size.max(1)..];
            match decoded {
                None | Some('\u{fffe}') | Some('\u{ffff}') => {
                    rest = &[];
                    return None;
                }
                Some(c) if hfs_ignores(c) => {}
                Some(c) => return Some(c),
            }
        }
    };
    if next() != Some('.') {
        return false;
    }
    for wanted in ['g', 'i', 't'] {
        match next() {
            Some(c) if c.to_ascii_lowercase() == wanted => {}
            _ => return false,
        }
    }
    matches!(next(), None | Some('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dotgit(name: &[u8]) -> bool {
        is_dotgit(name, name.contains(&b'\\'))
    }

    #[test]
    fn names_git_treats_as_dotgit_are_refused() {
        for name in [
            ".git",
            ".GIT",
            ".Git",
            "git~1",
            "GIT~1",
            ".git.",
            ".git ",
            ".git. . ",
            "git~1...",
            ".git::$INDEX_ALLOCATION",
            ".git:stream",
            "x\\.git",
            "a\\b\\GIT~1",
            ".g\u{200c}it",
            "\u{feff}.git",
            ".GI\u{206f}T\u{200d}",
            ".git\u{ffff}",
        ] {
            assert!(dotgit(name.as_bytes()), "{name:?} is .git");
        }
        assert!(dotgit(b".git\xff"), "git ends the name at bad UTF-8");
    }

    #[test]
    fn names_that_only_resemble_dotgit_pass() {
        for name in [
            ".gitignore",
            ".gitmodules",
            ".github",
            "git",
            "git~2",
            "git~10",
            ".git-blame-ignore-revs",
            "x.git",
            "x\\y.git",
            ".g\u{200b}it",
            "\u{0147}.git",
            ".\u{0147}it",
        ] {
            assert!(!dotgit(name.as_bytes()), "{name:?} is not .git");
        }
        assert!(!dotgit(b".\xffgit"));
    }
}
