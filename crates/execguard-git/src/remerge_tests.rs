//! The re-merge against git's own merge (`git merge-tree --write-tree`, the ort strategy) over
//! generated merges: renames, directory renames, conflicts and criss-cross histories. Seeded, so
//! every run makes the same merges.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use git2::{Oid, Repository, Signature};

use super::remerge;

/// Merges generated and compared.
const MERGES: u64 = 200;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

type Files = BTreeMap<String, String>;

fn content(id: u64) -> String {
    (0..12).map(|k| format!("file {id} line {k}\n")).collect()
}

fn base_files(rng: &mut Rng, next_id: &mut u64) -> Files {
    let mut files = Files::new();
    for dir in ["lib/core", "lib/util", "docs", "src", "src/deep/er", ""] {
        for _ in 0..1 + rng.below(3) {
            *next_id += 1;
            let name = format!("f{next_id}.txt");
            let path = if dir.is_empty() {
                name
            } else {
                format!("{dir}/{name}")
            };
            files.insert(path, content(*next_id));
        }
    }
    files
}

fn dirs_of(files: &Files) -> Vec<String> {
    let mut dirs: Vec<String> = files
        .keys()
        .filter_map(|path| path.rsplit_once('/').map(|(dir, _)| dir.to_string()))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

fn pick(rng: &mut Rng, files: &Files) -> Option<String> {
    let keys: Vec<&String> = files.keys().collect();
    (!keys.is_empty()).then(|| keys[rng.below(keys.len())].clone())
}

fn edit(rng: &mut Rng, text: &str, tag: &str) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = rng.below(lines.len());
    lines[at] = format!("edited by {tag} {}", rng.next() % 1000);
    lines.iter().map(|line| format!("{line}\n")).collect()
}

const NEW_DIRS: &[&str] = &["lib/engine", "lib/tools", "pkg", "src/deep/est", "misc"];

/// One side's work on `files`: edits, additions, deletions, renames of files and of whole
/// directories.
fn work(rng: &mut Rng, files: &mut Files, next_id: &mut u64, tag: &str) {
    for _ in 0..1 + rng.below(4) {
        match rng.below(6) {
            0 | 1 => {
                if let Some(path) = pick(rng, files) {
                    let text = edit(rng, &files[&path], tag);
                    files.insert(path, text);
                }
            }
            2 => {
                *next_id += 1;
                let dirs = dirs_of(files);
                let dir = if rng.chance(70) && !dirs.is_empty() {
                    dirs[rng.below(dirs.len())].clone()
                } else {
                    NEW_DIRS[rng.below(NEW_DIRS.len())].to_string()
                };
                files.insert(format!("{dir}/f{next_id}.txt"), content(*next_id));
            }
            3 => {
                if let Some(path) = pick(rng, files) {
                    files.remove(&path);
                }
            }
            4 => {
                if let Some(path) = pick(rng, files) {
                    let text = files.remove(&path).unwrap_or_default();
                    let text = if rng.chance(50) {
                        edit(rng, &text, tag)
                    } else {
                        text
                    };
                    let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                    let dir = NEW_DIRS[rng.below(NEW_DIRS.len())];
                    files.insert(format!("{dir}/{name}"), text);
                }
            }
            _ => {
                let dirs = dirs_of(files);
                if dirs.is_empty() {
                    continue;
                }
                let from = dirs[rng.below(dirs.len())].clone();
                let to = NEW_DIRS[rng.below(NEW_DIRS.len())];
                if to.starts_with(&format!("{from}/")) {
                    continue;
                }
                let moved: Vec<String> = files
                    .keys()
                    .filter(|path| path.starts_with(&format!("{from}/")))
                    .cloned()
                    .collect();
                for path in moved {
                    let text = files.remove(&path).unwrap_or_default();
                    files.insert(format!("{to}{}", &path[from.len()..]), text);
                }
            }
        }
    }
}

fn commit(repo: &Repository, files: &Files, parents: &[Oid]) -> Oid {
    let mut index = git2::Index::new().expect("index");
    for (path, text) in files {
        // Most files are the same in every commit: hashed once, written once.
        let id = Oid::hash_object(git2::ObjectType::Blob, text.as_bytes()).expect("hash");
        if repo.find_blob(id).is_err() {
            repo.blob(text.as_bytes()).expect("blob");
        }
        index
            .add(&crate::virtual_base::entry(0o100644, id, path.as_bytes()))
            .expect("entry");
    }
    let tree = index.write_tree_to(repo).expect("tree");
    let tree = repo.find_tree(tree).expect("tree");
    let who = Signature::new("Test", "test@example.invalid", &git2::Time::new(0, 0)).expect("sig");
    let parents: Vec<git2::Commit<'_>> = parents
        .iter()
        .map(|id| repo.find_commit(*id).expect("parent"))
        .collect();
    let parents: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(None, &who, &who, "commit", &tree, &parents)
        .expect("commit")
}

fn git(dir: &Path, args: &[&str]) -> (bool, String) {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

/// git's merge of two commits: its tree's files, and the paths it reports conflicted (none for
/// a clean merge).
fn git_merge(dir: &Path, ours: Oid, theirs: Oid) -> (BTreeMap<String, Oid>, Vec<String>) {
    let (clean, out) = git(
        dir,
        &[
            "merge-tree",
            "--write-tree",
            &ours.to_string(),
            &theirs.to_string(),
        ],
    );
    let mut lines = out.lines();
    let tree = lines.next().expect("a tree").to_string();
    let mut conflicted: Vec<String> = Vec::new();
    if !clean {
        for line in lines.by_ref() {
            if line.is_empty() {
                break;
            }
            if let Some((_, path)) = line.split_once('\t') {
                conflicted.push(path.to_string());
            }
        }
    }
    conflicted.sort();
    conflicted.dedup();
    let (_, listing) = git(dir, &["ls-tree", "-r", &tree]);
    let files = listing
        .lines()
        .filter_map(|line| {
            let (meta, path) = line.split_once('\t')?;
            let id = meta.split(' ').nth(2)?;
            Some((path.to_string(), Oid::from_str(id).ok()?))
        })
        .collect();
    (files, conflicted)
}

fn our_merge(repo: &Repository, ours: Oid, theirs: Oid) -> BTreeMap<String, Oid> {
    let tree_of = |id: Oid| repo.find_commit(id).and_then(|c| c.tree()).expect("tree");
    let bases = crate::merge::merge_bases(repo, ours, theirs).expect("merge bases");
    let base = bases.map(|(base, _)| tree_of(base));
    let commits = [ours, theirs].map(|id| repo.find_commit(id).expect("commit"));
    let criss_cross = bases
        .filter(|(_, several)| *several)
        .map(|_| [&commits[0], &commits[1]]);
    let (merged, _) = remerge(
        repo,
        base.as_ref(),
        &tree_of(ours),
        &tree_of(theirs),
        criss_cross,
        std::rc::Rc::new(crate::folders::Folders::new(repo)),
    )
    .expect("the re-merge");
    merged
        .below(repo, b"")
        .expect("the re-merge's files")
        .into_iter()
        .map(|(path, _, id)| (String::from_utf8_lossy(&path).into_owned(), id))
        .collect()
}

/// A generated merge: base, two sides, and for a criss-cross history, two merges of the sides
/// in between.
fn generated(repo: &Repository, dir: &Path, seed: u64) -> (Oid, Oid, &'static str) {
    let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
    let mut next_id = 0;
    let base_files = base_files(&mut rng, &mut next_id);
    let base = commit(repo, &base_files, &[]);
    let (mut ours, mut theirs) = (base_files.clone(), base_files.clone());
    work(&mut rng, &mut ours, &mut next_id, "ours");
    work(&mut rng, &mut theirs, &mut next_id, "theirs");
    let (a, b) = (commit(repo, &ours, &[base]), commit(repo, &theirs, &[base]));
    if !rng.chance(15) {
        return (a, b, "two sides");
    }
    // Criss-cross: each side merges the other's work as git does, then works on.
    let (merged, conflicted) = git_merge(dir, a, b);
    if !conflicted.is_empty() {
        return (a, b, "two sides");
    }
    let merged: Files = merged
        .into_iter()
        .map(|(path, id)| {
            let blob = repo.find_blob(id).expect("a merged blob");
            (path, String::from_utf8_lossy(blob.content()).into_owned())
        })
        .collect();
    let (a2, b2) = (
        commit(repo, &merged, &[a, b]),
        commit(repo, &merged, &[b, a]),
    );
    let (mut ours, mut theirs) = (merged.clone(), merged);
    work(&mut rng, &mut ours, &mut next_id, "ours again");
    work(&mut rng, &mut theirs, &mut next_id, "theirs again");
    (
        commit(repo, &ours, &[a2]),
        commit(repo, &theirs, &[b2]),
        "criss-cross",
    )
}

#[test]
fn the_remerge_agrees_with_git_merge_ort() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (ok, _) = git(dir.path(), &["init", "-q", "--bare", "."]);
    assert!(ok, "git init");
    let repo = Repository::open(dir.path()).expect("the repository");
    let mut disagreements = Vec::new();
    let mut kinds = BTreeMap::new();
    for seed in 0..MERGES {
        let (ours, theirs, kind) = generated(&repo, dir.path(), seed);
        let (git_files, conflicted) = git_merge(dir.path(), ours, theirs);
        *kinds.entry((kind, conflicted.is_empty())).or_insert(0usize) += 1;
        let mine = our_merge(&repo, ours, theirs);
        let differs: Vec<&String> = git_files
            .keys()
            .chain(mine.keys())
            .filter(|path| {
                let (git_side, our_side) = (git_files.get(*path), mine.get(*path));
                git_side.is_none() != our_side.is_none()
                    || (git_side != our_side && !conflicted.contains(path))
            })
            .collect();
        if !differs.is_empty() {
            disagreements.push(format!("seed {seed} ({kind}): {differs:?}"));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {MERGES} merges differ from git's ({kinds:?}):\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// The merge bases the re-merge starts from, against `git merge-base --all`, order included,
/// over the same generated histories (a criss-cross one has two).
#[test]
fn merge_bases_agree_with_git_merge_base_all() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (ok, _) = git(dir.path(), &["init", "-q", "--bare", "."]);
    assert!(ok, "git init");
    let repo = Repository::open(dir.path()).expect("the repository");
    let mut several = 0;
    let mut disagreements = Vec::new();
    for seed in 0..MERGES {
        let (ours, theirs, kind) = generated(&repo, dir.path(), seed);
        let (_, listed) = git(
            dir.path(),
            &[
                "merge-base",
                "--all",
                &ours.to_string(),
                &theirs.to_string(),
            ],
        );
        let gits: Vec<Oid> = listed
            .lines()
            .map(|line| Oid::from_str(line).expect("an id"))
            .collect();
        let ours_found =
            crate::merge_base::all_merge_bases(&repo, ours, theirs).expect("the merge bases");
        if gits.len() > 1 {
            several += 1;
        }
        if gits != ours_found {
            disagreements.push(format!(
                "seed {seed} ({kind}): {gits:?} against {ours_found:?}"
            ));
        }
    }
    assert!(several > 0, "no generated history has several merge bases");
    assert!(
        disagreements.is_empty(),
        "{} of {MERGES} differ from git's:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// Consecutive merges of a history often share their merge bases, and a criss-cross merge's
/// merged base is then read back from those kept: a re-merge over the base kept is the re-merge
/// over the base built, on every generated criss-cross history.
#[test]
fn a_merged_base_read_back_re_merges_as_the_one_built() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let (ok, _) = git(dir.path(), &["init", "-q", "--bare", "."]);
    assert!(ok, "git init");
    let repo = Repository::open(dir.path()).expect("the repository");
    let mut criss_cross = 0;
    for seed in 0..MERGES {
        let (ours, theirs, kind) = generated(&repo, dir.path(), seed);
        if kind != "criss-cross" {
            continue;
        }
        criss_cross += 1;
        let built_before = crate::virtual_base::merged_bases_built();
        let built = our_merge(&repo, ours, theirs);
        let built_once = crate::virtual_base::merged_bases_built();
        assert!(
            built_once > built_before,
            "seed {seed}: a merged base is built"
        );
        assert_eq!(our_merge(&repo, ours, theirs), built, "seed {seed}");
        assert_eq!(
            crate::virtual_base::merged_bases_built(),
            built_once,
            "seed {seed}: the second re-merge reads the base kept"
        );
    }
    assert!(criss_cross > 0, "no generated history is a criss-cross one");
}
