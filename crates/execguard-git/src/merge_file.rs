//! The three-way merge of one file's contents held in memory, through libgit2's own file merge.
//!
//! libgit2's merge of files named by their ids reads each of the three versions through its
//! object database, whose 16 MiB of delta bases a range check shares with every tree it reads:
//! where files are stored in long delta chains, each version was rebuilt from the bottom of its
//! chain (a sixth of a merge-heavy range's time). The versions are read here through the
//! pack reader, which keeps the versions it decodes, and libgit2 merges the bytes.

use std::ffi::{c_char, c_int, c_uint, CString};

use git2::{Oid, Repository};

use crate::pack_reader;

/// A file merged: its content, and whether no region conflicted.
pub(crate) struct MergedFile {
    pub content: Vec<u8>,
    pub clean: bool,
}

/// The contents of blob `id`, through the pack reader when it has it, else through libgit2.
pub(crate) fn blob_content(repo: &Repository, id: Oid) -> Result<Vec<u8>, git2::Error> {
    if let Some((content, _)) = pack_reader::for_thread(repo).and_then(|reader| reader.blob(id)) {
        return Ok(content);
    }
    Ok(repo.find_blob(id)?.content().to_vec())
}

/// Merges the three contents (ancestor, ours, theirs) at `path` with their `modes`, as
/// libgit2's merge of the same three index entries does (its labels are the path), with
/// conflicting regions resolved by keeping both sides (`union`) or left conflicting.
pub(crate) fn merge_contents(
    path: &[u8],
    modes: [u32; 3],
    contents: &[Vec<u8>; 3],
    union: bool,
) -> Result<MergedFile, git2::Error> {
    // A path with a NUL byte cannot be in a tree; libgit2's index entries refuse it alike.
    let c_path = CString::new(path)
        .map_err(|_| git2::Error::from_str("a path holding a NUL byte cannot be merged"))?;
    merge_raw(&c_path, modes, contents, union)
}

#[allow(unsafe_code)]
fn merge_raw(
    path: &CString,
    modes: [u32; 3],
    contents: &[Vec<u8>; 3],
    union: bool,
) -> Result<MergedFile, git2::Error> {
    use libgit2_sys as raw;
    let input = |content: &Vec<u8>, mode: u32| raw::git_merge_file_input {
        version: 1,
        ptr: content.as_ptr().cast::<c_char>(),
        size: content.len(),
        path: path.as_ptr(),
        mode: mode as c_uint,
    };
    let inputs = [
        input(&contents[0], modes[0]),
        input(&contents[1], modes[1]),
        input(&contents[2], modes[2]),
    ];
    // SAFETY: the inputs point into `contents` and `path`, which outlive the call; the options
    // are initialised by libgit2 before use; the result is read, copied and freed once, here.
    unsafe {
        let mut options: raw::git_merge_file_options = std::mem::zeroed();
        if raw::git_merge_file_options_init(&mut options, 1) != 0 {
            return Err(git2::Error::from_str("libgit2's file merge options"));
        }
        if union {
            options.favor = raw::GIT_MERGE_FILE_FAVOR_UNION;
        }
        let mut result: raw::git_merge_file_result = std::mem::zeroed();
        let code: c_int =
            raw::git_merge_file(&mut result, &inputs[0], &inputs[1], &inputs[2], &options);
        if code < 0 {
            raw::git_merge_file_result_free(&mut result);
            return Err(git2::Error::last_error(code));
        }
        let content = if result.ptr.is_null() || result.len == 0 {
            Vec::new()
        } else {
            std::slice::from_raw_parts(result.ptr.cast::<u8>(), result.len).to_vec()
        };
        let clean = result.automergeable > 0;
        raw::git_merge_file_result_free(&mut result);
        Ok(MergedFile { content, clean })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::virtual_base::entry;

    /// Every pair of edits of a small file, clean, conflicting and both, with and without
    /// `union`, merges from bytes exactly as libgit2's merge of the same index entries.
    #[test]
    fn a_file_merged_from_its_bytes_is_the_one_libgit2_merges_from_the_index() {
        let dir = tempfile::tempdir().expect("temporary directory");
        let repo = Repository::init_bare(dir.path()).expect("bare repository");
        let base = "one\ntwo\nthree\nfour\nfive\nsix\n";
        let versions = [
            base,
            "one\nTWO\nthree\nfour\nfive\nsix\n",
            "one\ntwo\nthree\nfour\nFIVE\nsix\n",
            "one\n2\nthree\nfour\nfive\nsix\n",
            "zero\none\ntwo\nthree\nfour\nfive\nsix\nseven\n",
            "one\ntwo\nthree",
            // (No empty version: git2 cannot hand libgit2's empty merge result over.)
            "no newline at all",
        ];
        let ids: Vec<Oid> = versions
            .iter()
            .map(|text| repo.blob(text.as_bytes()).expect("blob"))
            .collect();
        let path = b"t/f0001.c";
        for (a, &ancestor) in ids.iter().enumerate() {
            for &ours in &ids {
                for &theirs in &ids {
                    for union in [false, true] {
                        let mut options = git2::MergeFileOptions::new();
                        if union {
                            options.favor(git2::FileFavor::Union);
                        }
                        let expected = repo
                            .merge_file_from_index(
                                &entry(0o100644, ancestor, path),
                                &entry(0o100755, ours, path),
                                &entry(0o100644, theirs, path),
                                Some(&mut options),
                            )
                            .expect("libgit2's merge");
                        let contents = [ancestor, ours, theirs]
                            .map(|id| blob_content(&repo, id).expect("blob read"));
                        let modes = [0o100644, 0o100755, 0o100644];
                        let found = merge_contents(path, modes, &contents, union)
                            .expect("merge from bytes");
                        let case = format!("ancestor {a}, {ours} and {theirs}, union {union}");
                        assert_eq!(found.content, expected.content(), "{case}");
                        assert_eq!(found.clean, expected.is_automergeable(), "{case}");
                    }
                }
            }
        }
    }
}
