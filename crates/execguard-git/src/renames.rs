//! Rename detection, bounded the way git bounds its own.
//!
//! Exact renames (identical content) are paired first, in linear time, whatever their number.
//! Inexact ones follow git's `diffcore-rename`: only when deleted × added paths stay within
//! git's default `diff.renameLimit` squared; a pair is scored only when its sizes could reach
//! the 50% threshold; and the score is the share of bytes the two blobs have in common, counted
//! over hashed chunks (each line, or 64 bytes without a line feed), so that scoring a pair is
//! linear in the two blobs. Hashes are fixed, not seeded: every machine pairs the same way.

use std::collections::HashMap;

use execguard_core::{Entry, FileChange};
use git2::{Oid, Repository};

use crate::error::read_err;
use crate::objects::blob_size_git;
use crate::GitError;

/// git's default `diff.renameLimit`: inexact detection is skipped when deleted × added paths
/// exceed its square.
const RENAME_LIMIT: usize = 1000;

/// git's default similarity threshold (`-M50%`), in percent.
const MIN_SCORE_PERCENT: u64 = 50;

/// Blobs larger than this take no part in inexact detection.
const MAX_INEXACT_BLOB: u64 = 1024 * 1024;

/// Pairs deleted and added paths into renames, as git's default rename detection does: identical
/// content first, then content at least half similar.
pub(crate) fn detect_renames(
    repo: &Repository,
    files: &mut Vec<FileChange>,
) -> Result<(), GitError> {
    let is_blob = |side: &Option<Entry>| side.as_ref().is_some_and(|e| e.kind.is_blob());
    let deleted: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].new.is_none() && is_blob(&files[i].old))
        .collect();
    let added: Vec<usize> = (0..files.len())
        .filter(|&i| files[i].old.is_none() && is_blob(&files[i].new))
        .collect();
    if deleted.is_empty() || added.is_empty() {
        return Ok(());
    }
    let id_of = |index: usize, old: bool| -> &str {
        let side = if old {
            &files[index].old
        } else {
            &files[index].new
        };
        side.as_ref().map_or("", |e| e.id.as_str())
    };

    // Exact renames: each added blob takes the first unpaired deleted path with its id.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (d, &index) in deleted.iter().enumerate().rev() {
        by_id.entry(id_of(index, true)).or_default().push(d);
    }
    let mut used_deleted = vec![false; deleted.len()];
    let mut used_added = vec![false; added.len()];
    for (a, &index) in added.iter().enumerate() {
        if let Some(d) = by_id.get_mut(id_of(index, false)).and_then(Vec::pop) {
            used_deleted[d] = true;
            used_added[a] = true;
            pairs.push((deleted[d], index));
        }
    }

    let sources: Vec<usize> = (0..deleted.len()).filter(|&d| !used_deleted[d]).collect();
    let targets: Vec<usize> = (0..added.len()).filter(|&a| !used_added[a]).collect();
    let candidates = sources.len().saturating_mul(targets.len());
    if candidates > 0 && candidates <= RENAME_LIMIT * RENAME_LIMIT {
        let mut source_blobs = Blobs::new(sources.len());
        let mut target_blobs = Blobs::new(targets.len());
        for (s, &d) in sources.iter().enumerate() {
            source_blobs.sizes[s] = size_of(repo, files[deleted[d]].old.as_ref())?;
        }
        for (t, &a) in targets.iter().enumerate() {
            target_blobs.sizes[t] = size_of(repo, files[added[a]].new.as_ref())?;
        }
        let mut scored: Vec<(u64, usize, usize)> = Vec::new();
        for (s, &d) in sources.iter().enumerate() {
            let Some(source_size) = source_blobs.sizes[s] else {
                continue;
            };
            for (t, &a) in targets.iter().enumerate() {
                let Some(target_size) = target_blobs.sizes[t] else {
                    continue;
                };
                let larger = source_size.max(target_size);
                let smaller = source_size.min(target_size);
                // Even if all of the smaller blob were copied, the score could not reach the
                // threshold.
                if larger == 0 || smaller * 100 < larger * MIN_SCORE_PERCENT {
                    continue;
                }
                let old = source_blobs.chunks(repo, s, id_of(deleted[d], true))?;
                let new = target_blobs.chunks(repo, t, id_of(added[a], false))?;
                let copied = common_bytes(old, new);
                if copied * 100 >= larger * MIN_SCORE_PERCENT {
                    // In parts per 100,000, as git scores (MAX_SCORE 60,000 there).
                    scored.push((copied * 100_000 / larger, d, a));
                }
            }
        }
        // Best score first; ties in path order, so the pairing never depends on the machine.
        scored.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
        for (_, d, a) in scored {
            if !used_deleted[d] && !used_added[a] {
                used_deleted[d] = true;
                used_added[a] = true;
                pairs.push((deleted[d], added[a]));
            }
        }
    }
    if pairs.is_empty() {
        return Ok(());
    }
    let mut remove = vec![false; files.len()];
    for (d, a) in pairs {
        let old = files[d].clone();
        files[a].renamed_from = Some(old.path);
        files[a].old = old.old;
        remove[d] = true;
    }
    let mut index = 0;
    files.retain(|_| {
        let keep = !remove[index];
        index += 1;
        keep
    });
    Ok(())
}

/// A blob's size when it may take part in inexact detection.
fn size_of(repo: &Repository, entry: Option<&Entry>) -> Result<Option<u64>, GitError> {
    let Some(entry) = entry else { return Ok(None) };
    let size = match entry.size {
        Some(size) => size,
        None => blob_size_git(repo, oid(&entry.id)?)?,
    };
    Ok((size <= MAX_INEXACT_BLOB).then_some(size))
}

fn oid(id: &str) -> Result<Oid, GitError> {
    Oid::from_str(id).map_err(read_err(id.to_string()))
}

/// The candidates of one side: sizes up front, chunk fingerprints read on first use.
struct Blobs {
    sizes: Vec<Option<u64>>,
    chunks: Vec<Option<Vec<(u64, u64)>>>,
}

impl Blobs {
    fn new(len: usize) -> Self {
        Self {
            sizes: vec![None; len],
            chunks: vec![None; len],
        }
    }

    fn chunks(
        &mut self,
        repo: &Repository,
        at: usize,
        id: &str,
    ) -> Result<&[(u64, u64)], GitError> {
        if self.chunks[at].is_none() {
            let oid = oid(id)?;
            let blob = repo
                .find_blob(oid)
                .map_err(read_err(format!("blob {oid}")))?;
            self.chunks[at] = Some(chunk_counts(blob.content()));
        }
        Ok(self.chunks[at].as_deref().unwrap_or_default())
    }
}

/// The blob cut into chunks (up to and including a line feed, or 64 bytes), as sorted
/// (hash, bytes) pairs with the bytes of equal chunks added up. In text, a carriage return
/// before a line feed is not counted, so that line endings do not decide a rename.
fn chunk_counts(data: &[u8]) -> Vec<(u64, u64)> {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let is_text = !data[..data.len().min(8000)].contains(&0);
    let mut counts: HashMap<u64, u64> = HashMap::new();
    let (mut hash, mut length) = (FNV_OFFSET, 0u64);
    for (at, &byte) in data.iter().enumerate() {
        if is_text && byte == b'\r' && data.get(at + 1) == Some(&b'\n') {
            continue;
        }
        hash = (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
        length += 1;
        if length == 64 || byte == b'\n' {
            *counts.entry(hash).or_default() += length;
            (hash, length) = (FNV_OFFSET, 0);
        }
    }
    if length > 0 {
        *counts.entry(hash).or_default() += length;
    }
    let mut sorted: Vec<(u64, u64)> = counts.into_iter().collect();
    sorted.sort_unstable();
    sorted
}

/// The bytes two blobs have in common, chunk by chunk: one merge of two sorted lists.
fn common_bytes(old: &[(u64, u64)], new: &[(u64, u64)]) -> u64 {
    let (mut i, mut j, mut common) = (0, 0, 0u64);
    while i < old.len() && j < new.len() {
        match old[i].0.cmp(&new[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                common += old[i].1.min(new[j].1);
                i += 1;
                j += 1;
            }
        }
    }
    common
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(old: &str, new: &str) -> u64 {
        let larger = old.len().max(new.len()) as u64;
        common_bytes(&chunk_counts(old.as_bytes()), &chunk_counts(new.as_bytes())) * 100 / larger
    }

    #[test]
    fn shared_lines_make_the_score() {
        let body: String = (0..100).map(|i| format!("line {i}\n")).collect();
        assert_eq!(score(&body, &body), 100);
        let edited = body.replace("line 7\n", "LINE 7\n");
        assert!(score(&body, &edited) >= 98, "{}", score(&body, &edited));
        let other: String = (0..100).map(|i| format!("other {i}\n")).collect();
        assert_eq!(score(&body, &other), 0);
        // Line endings do not matter.
        assert!(score(&body, &body.replace('\n', "\r\n")) >= 85);
    }

    #[test]
    fn long_lines_are_cut_into_64_byte_chunks() {
        let line = "x".repeat(640);
        let counts = chunk_counts(line.as_bytes());
        assert_eq!(counts, vec![(counts[0].0, 640)]);
    }
}
