//! The trail: every escalation, and the refusals the hooks record, appended as one JSON line to
//! `execguard/log.jsonl` inside the git directory (the common one, so that every worktree writes
//! one trail), never in the working tree, the index or the refs.
//!
//! Each record carries `prev`, the SHA-256 of the line before it (64 zeros for the first), so
//! that `execguard log --verify` finds a record edited or deleted. When the file grows past
//! [`MOST_BYTES`] it is renamed `log.<n>.jsonl` and a new one starts, whose first record carries
//! the hash of the last line of the one before: the chain runs across files.

pub mod time;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::{Map, Value};
use sha2::{Digest as _, Sha256};

/// The size past which the log is rotated.
pub const MOST_BYTES: u64 = 1 << 20;

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
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let n = name.strip_prefix("log.")?.strip_suffix(".jsonl")?;
            Some((n.parse().ok()?, entry.path()))
        })
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
    let dir = dir(git_dir);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the trail's folder {}", dir.display()))?;
    // Appends from concurrent hooks take turns, so that two records never claim one `prev`.
    let lock = dir.join("log.lock");
    let _guard = Lock::take(&lock)?;
    let last = read(git_dir)?.pop();
    let current = dir.join("log.jsonl");
    if std::fs::metadata(&current).is_ok_and(|m| m.len() >= MOST_BYTES) {
        let n = files(git_dir).len();
        let rotated = dir.join(format!("log.{n}.jsonl"));
        std::fs::rename(&current, &rotated)
            .with_context(|| format!("cannot rotate the trail to {}", rotated.display()))?;
    }
    let seq = last.as_ref().and_then(Record::seq).map_or(1, |s| s + 1);
    let mut record = Map::new();
    record.insert("seq".into(), seq.into());
    record.insert("time".into(), time::now_utc().into());
    record.extend(fields);
    record.insert(
        "prev".into(),
        last.map_or_else(|| GENESIS.to_string(), |r| hash(&r.line))
            .into(),
    );
    let line = serde_json::to_string(&record)?;
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&current)
        .with_context(|| format!("cannot open the trail {}", current.display()))?;
    file.write_all(format!("{line}\n").as_bytes())
        .with_context(|| format!("cannot write to the trail {}", current.display()))?;
    Ok(seq)
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
pub fn verify(records: &[Record]) -> Vec<Break> {
    let mut breaks = Vec::new();
    let mut prev_hash = GENESIS.to_string();
    let mut prev_seq: Option<u64> = None;
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
            })
        })
        .collect()
}
