//! The trail: every escalation, and the refusals the hooks record, appended as one JSON line to
//! `execguard/log.jsonl` inside the git directory (the common one, so that every worktree writes
//! one trail), never in the working tree, the index or the refs.
//!
//! Each record carries `prev`, the SHA-256 of the line before it (64 zeros for the first), so
//! that `execguard log --verify` finds a record edited or deleted. When the file grows past
//! [`MOST_BYTES`] it is renamed `log.<n>.jsonl` and a new one starts, whose first record carries
//! the hash of the last line of the one before: the chain runs across files. Past [`MOST_FILES`]
//! rotated files the oldest is deleted, and `log.anchor` keeps the sequence number and hash the
//! next record must follow, so that the chain still verifies from there.

pub mod record;
pub mod time;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

/// The size past which the log is rotated.
pub const MOST_BYTES: u64 = 1 << 20;

/// The rotated files kept.
pub const MOST_FILES: usize = 8;

/// The `prev` of the first record of a trail.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the trail, as read back: its fields and the line itself.
#[derive(Clone, Debug)]
pub struct Record {
    pub fields: Map<String, Value>,
    pub line: String,
    /// The file it was read from.
    pub file: PathBuf,
}

impl Record {
    pub fn text(&self, key: &str) -> Option<&str> {
        self.fields.get(key).and_then(Value::as_str)
    }

    pub fn seq(&self) -> Option<u64> {
        self.fields.get("seq").and_then(Value::as_u64)
    }
}

/// Where the trail of the repository whose (common) git directory is `git_dir` lives.
pub fn dir(git_dir: &Path) -> PathBuf {
    git_dir.join("execguard")
}

/// The trail's files, oldest first: the rotated ones by number, then `log.jsonl`.
pub fn files(git_dir: &Path) -> Vec<PathBuf> {
    let dir = dir(git_dir);
    let mut rotated: Vec<(u64, PathBuf)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|entry| Some((number(&entry.path())?, entry.path())))
        .collect();
    rotated.sort();
    let mut out: Vec<PathBuf> = rotated.into_iter().map(|(_, path)| path).collect();
    let current = dir.join("log.jsonl");
    if current.exists() {
        out.push(current);
    }
    out
}

/// Every record of the trail, oldest first. A line that is not a JSON object is an error: the
/// trail was damaged.
pub fn read(git_dir: &Path) -> anyhow::Result<Vec<Record>> {
    let mut out = Vec::new();
    for file in files(git_dir) {
        let text = std::fs::read_to_string(&file)
            .with_context(|| format!("cannot read the trail {}", file.display()))?;
        for (n, line) in text.lines().enumerate() {
            let fields: Map<String, Value> = serde_json::from_str(line).with_context(|| {
                format!("{} line {}: not a trail record", file.display(), n + 1)
            })?;
            out.push(Record {
                fields,
                line: line.to_string(),
                file: file.clone(),
            });
        }
    }
    Ok(out)
}

/// The hex SHA-256 of a line of the trail.
pub fn hash(line: &str) -> String {
    Sha256::digest(line.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Appends a record (the fields given, after `seq`, `time` and before `prev`) and returns its
/// sequence number. Rotates the file first when it is past [`MOST_BYTES`].
pub fn append(git_dir: &Path, fields: Map<String, Value>) -> anyhow::Result<u64> {
    let seqs = append_all(git_dir, vec![fields])?;
    Ok(seqs.last().copied().unwrap_or_default())
}

/// Appends records in order, as [`append`] would one after the other, under one lock and with
/// one read of the last line: a range check records each of its violations (1,149 over git's
/// last 300 merges), and each of those appends created the lock file and read the whole file
/// again. Returns their sequence numbers.
pub fn append_all(git_dir: &Path, records: Vec<Map<String, Value>>) -> anyhow::Result<Vec<u64>> {
    let dir = dir(git_dir);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the trail's folder {}", dir.display()))?;
    // Appends from concurrent hooks take turns, so that two records never claim one `prev`.
    let lock = dir.join("log.lock");
    let _guard = Lock::take(&lock)?;
    let mut last = last_line(git_dir)?;
    let current = dir.join("log.jsonl");
    let mut size = std::fs::metadata(&current).map_or(0, |m| m.len());
    let mut file: Option<std::fs::File> = None;
    let mut seqs = Vec::with_capacity(records.len());
    for fields in records {
        if size >= MOST_BYTES {
            file = None;
            rotate(git_dir, &current)?;
            size = 0;
        }
        let seq = last
            .as_ref()
            .and_then(|(fields, _)| fields.get("seq").and_then(Value::as_u64))
            .map_or(1, |s| s + 1);
        let mut record = Map::new();
        record.insert("seq".into(), seq.into());
        record.insert("time".into(), time::now_utc().into());
        record.extend(fields);
        record.insert(
            "prev".into(),
            last.as_ref()
                .map_or_else(|| GENESIS.to_string(), |(_, line)| hash(line))
                .into(),
        );
        let line = serde_json::to_string(&record)?;
        let writer = match &mut file {
            Some(writer) => writer,
            None => file.insert(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&current)
                    .with_context(|| format!("cannot open the trail {}", current.display()))?,
            ),
        };
        writer
            .write_all(format!("{line}\n").as_bytes())
            .with_context(|| format!("cannot write to the trail {}", current.display()))?;
        size += line.len() as u64 + 1;
        seqs.push(seq);
        last = Some((record, line));
    }
    Ok(seqs)
}

/// The newest record of the trail, read from the newest file alone.
fn last_line(git_dir: &Path) -> anyhow::Result<Option<(Map<String, Value>, String)>> {
    let Some(file) = files(git_dir).pop() else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("cannot read the trail {}", file.display()))?;
    let Some(line) = text.lines().last() else {
        return Ok(None);
    };
    let fields = serde_json::from_str(line)
        .with_context(|| format!("{}: its last line is not a trail record", file.display()))?;
    Ok(Some((fields, line.to_string())))
}

/// Renames the current file to the next `log.<n>.jsonl`, and deletes the oldest rotated files
/// past [`MOST_FILES`], anchoring the chain at the first record left.
fn rotate(git_dir: &Path, current: &Path) -> anyhow::Result<()> {
    let dir = dir(git_dir);
    let rotated: Vec<PathBuf> = files(git_dir)
        .into_iter()
        .filter(|file| file != current)
        .collect();
    let next = rotated
        .last()
        .and_then(|last| number(last))
        .map_or(1, |n| n + 1);
    let target = dir.join(format!("log.{next}.jsonl"));
    std::fs::rename(current, &target)
        .with_context(|| format!("cannot rotate the trail to {}", target.display()))?;
    let excess = (rotated.len() + 1).saturating_sub(MOST_FILES);
    for old in rotated.iter().take(excess) {
        let text = std::fs::read_to_string(old)
            .with_context(|| format!("cannot read the trail {}", old.display()))?;
        if let Some(last) = text.lines().last() {
            let fields: Map<String, Value> = serde_json::from_str(last)
                .with_context(|| format!("{}: not a trail record", old.display()))?;
            let mut anchor = Map::new();
            anchor.insert(
                "seq".into(),
                fields.get("seq").cloned().unwrap_or(Value::Null),
            );
            anchor.insert("hash".into(), hash(last).into());
            std::fs::write(dir.join("log.anchor"), serde_json::to_string(&anchor)?)
                .with_context(|| format!("cannot write {}", dir.join("log.anchor").display()))?;
        }
        std::fs::remove_file(old)
            .with_context(|| format!("cannot delete the old trail {}", old.display()))?;
    }
    Ok(())
}

/// The number of a rotated file `log.<n>.jsonl`.
fn number(path: &Path) -> Option<u64> {
    path.file_name()?
        .to_str()?
        .strip_prefix("log.")?
        .strip_suffix(".jsonl")?
        .parse()
        .ok()
}

/// The point the oldest kept record follows: the sequence number and hash of the last record
/// deleted by rotation, else none (the trail starts at its first record).
pub fn anchor(git_dir: &Path) -> anyhow::Result<Option<(u64, String)>> {
    let path = dir(git_dir).join("log.anchor");
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Ok(None);
    };
    let fields: Map<String, Value> = serde_json::from_str(&text)
        .with_context(|| format!("{}: not an anchor of the trail", path.display()))?;
    match (
        fields.get("seq").and_then(Value::as_u64),
        fields.get("hash").and_then(Value::as_str),
    ) {
        (Some(seq), Some(hash)) => Ok(Some((seq, hash.to_string()))),
        _ => anyhow::bail!("{}: not an anchor of the trail", path.display()),
    }
}

/// A broken link of the chain: where, and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Break {
    pub file: PathBuf,
    pub seq: Option<u64>,
    pub what: String,
}

/// Every place where the chain breaks: a record whose `prev` is not the hash of the line before
/// it (that line was edited, or records between were deleted), or a sequence number that skips.
/// `anchor` is where the oldest kept record must follow on (see [`anchor`]).
pub fn verify(records: &[Record], anchor: Option<(u64, String)>) -> Vec<Break> {
    let mut breaks = Vec::new();
    let (mut prev_seq, mut prev_hash) = match anchor {
        Some((seq, hash)) => (Some(seq), hash),
        None => (None, GENESIS.to_string()),
    };
    for record in records {
        let seq = record.seq();
        if record.text("prev") != Some(prev_hash.as_str()) {
            breaks.push(Break {
                file: record.file.clone(),
                seq,
                what: match prev_seq {
                    Some(before) => format!("does not follow record {before}: record {before} was edited, or records after it were deleted"),
                    None => "is not the first record of the trail: the records before it were deleted".to_string(),
                },
            });
        } else if seq != Some(prev_seq.map_or(1, |s| s + 1)) {
            breaks.push(Break {
                file: record.file.clone(),
                seq,
                what: "has a sequence number out of order: it was edited".to_string(),
            });
        }
        prev_hash = hash(&record.line);
        prev_seq = seq;
    }
    breaks
}

/// An exclusive lock file, removed when dropped. A lock left by a process that died is taken
/// over after a few seconds.
struct Lock(PathBuf);

impl Lock {
    fn take(path: &Path) -> anyhow::Result<Lock> {
        for _ in 0..200 {
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
            {
                Ok(_) => return Ok(Lock(path.to_path_buf())),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    std::thread::sleep(std::time::Duration::from_millis(25));
                }
                Err(e) => return Err(e).with_context(|| format!("cannot lock {}", path.display())),
            }
        }
        let _ = std::fs::remove_file(path);
        Ok(Lock(path.to_path_buf()))
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// An escalation still open: raised and not resolved.
#[derive(Clone, Debug)]
pub struct Escalation {
    pub id: u64,
    pub feature: Option<String>,
    pub question: String,
    pub who: String,
    pub time: String,
    /// The agent session that raised it, as its host names it to commands it runs.
    pub session: Option<String>,
}

/// The escalations raised in `records` that no later record resolves, oldest first.
pub fn open_escalations(records: &[Record]) -> Vec<Escalation> {
    let resolved: std::collections::HashSet<u64> = records
        .iter()
        .filter(|r| r.text("kind") == Some("resolution"))
        .filter_map(|r| r.fields.get("resolves").and_then(Value::as_u64))
        .collect();
    records
        .iter()
        .filter(|r| r.text("kind") == Some("escalation"))
        .filter_map(|r| {
            let id = r.seq()?;
            (!resolved.contains(&id)).then(|| Escalation {
                id,
                feature: r.text("feature").map(str::to_string),
                question: r.text("message").unwrap_or_default().to_string(),
                who: r.text("who").unwrap_or_default().to_string(),
                time: r.text("time").unwrap_or_default().to_string(),
                session: r.text("session").map(str::to_string),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(n: usize) -> Map<String, Value> {
        let mut fields = Map::new();
        fields.insert("kind".into(), "refusal".into());
        fields.insert(
            "message".into(),
            format!("{n}: {}", "x".repeat(20_000)).into(),
        );
        fields
    }

    /// A report's records written at once land as one append after the other would: numbered
    /// on, chained, rotated where the file fills up.
    #[test]
    fn records_appended_together_chain_and_rotate_as_single_appends_do() {
        let git_dir = tempfile::tempdir().expect("temporary directory");
        let git_dir = git_dir.path();
        append(git_dir, record(0)).expect("first record");
        // About 3 MB in 20 kB records: the batch crosses the rotation size twice.
        let seqs = append_all(git_dir, (1..=150).map(record).collect()).expect("records");
        assert_eq!(seqs, (2..=151).collect::<Vec<u64>>());
        assert_eq!(append(git_dir, record(151)).expect("last record"), 152);
        let files = files(git_dir);
        assert_eq!(files.len(), 3, "{files:?}");
        for file in &files[..2] {
            assert!(std::fs::metadata(file).expect("a file").len() >= MOST_BYTES);
        }
        let records = read(git_dir).expect("the trail");
        assert_eq!(records.len(), 152);
        assert_eq!(verify(&records, None), Vec::new());
        assert!(records[100]
            .text("message")
            .unwrap_or_default()
            .starts_with("100: "));
    }
}
