use super::*;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str], input: Option<&[u8]>) -> Vec<u8> {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.invalid")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.invalid")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("git runs");
    let mut stdin = child.stdin.take().expect("stdin");
    if let Some(input) = input {
        stdin.write_all(input).expect("input written");
    }
    drop(stdin);
    let output = child.wait_with_output().expect("git finishes");
    assert!(output.status.success(), "git {args:?} failed");
    output.stdout
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).expect("utf-8")
}

/// A repository with `versions` versions each of three similar files, one commit per
/// version, repacked into deep delta chains.
fn deep_history(dir: &Path, versions: usize) {
    git(dir, &["init", "-q", "-b", "main", "."], None);
    let mut lines: Vec<String> = (0..300).map(|n| format!("let value_{n} = {n};")).collect();
    for version in 0..versions {
        for file in 0..3 {
            lines[(version * 7 + file * 13) % 300] = format!("let edited_{version}_{file};");
            std::fs::write(dir.join(format!("lib{file}.rs")), lines.join("\n"))
                .expect("file written");
        }
        git(dir, &["add", "."], None);
        git(
            dir,
            &["commit", "-q", "-m", &format!("version {version}")],
            None,
        );
    }
    git(dir, &["repack", "-adfq", "--depth=50", "--window=50"], None);
}

fn blobs(dir: &Path) -> Vec<String> {
    text(git(
        dir,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objecttype) %(objectname)",
        ],
        None,
    ))
    .lines()
    .filter_map(|line| line.strip_prefix("blob ").map(str::to_string))
    .collect()
}

fn read(reader: &mut PackChains, id: &str) -> Option<(gix_object::Kind, Vec<u8>)> {
    let id = gix_hash::ObjectId::from_hex(id.as_bytes()).expect("object id");
    let mut out = Vec::new();
    let kind = reader.object(&id, &mut out)?;
    Some((kind, out))
}

/// Every blob of `dir`, read through a reader keeping `cap` bytes, equals what git reads.
fn assert_every_blob_reads_as_git_reads(dir: &Path, cap: usize) {
    let objects = dir.join(".git/objects");
    let mut reader = PackChains::new(Arc::new(SharedPacks::open(&[objects], cap)));
    let ids = blobs(dir);
    assert!(ids.len() > 50, "the history has many blobs");
    // Twice: once filling the kept versions, once reading from them.
    for _ in 0..2 {
        for id in &ids {
            let (kind, data) = read(&mut reader, id).expect("the pack has the blob");
            assert_eq!(kind, gix_object::Kind::Blob);
            assert_eq!(data, git(dir, &["cat-file", "blob", id], None), "blob {id}");
        }
    }
}

fn deepest_chain(dir: &Path) -> usize {
    let pack = std::fs::read_dir(dir.join(".git/objects/pack"))
        .expect("pack directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|ext| ext == "idx"))
        .expect("a pack index");
    let listing = text(git(
        dir,
        &["verify-pack", "-v", pack.to_str().expect("path")],
        None,
    ));
    listing
        .lines()
        .filter_map(|line| line.strip_prefix("chain length = "))
        .filter_map(|rest| rest.split(':').next()?.trim().parse().ok())
        .max()
        .unwrap_or(0)
}

#[test]
fn blobs_deep_in_delta_chains_read_as_git_reads_them_with_room_for_every_version() {
    let dir = tempfile::tempdir().expect("temporary directory");
    deep_history(dir.path(), 40);
    assert!(
        deepest_chain(dir.path()) >= 10,
        "the repack made deep chains"
    );
    assert_every_blob_reads_as_git_reads(dir.path(), 64 * 1024 * 1024);
}

/// The blob at the end of the deepest delta chain of `dir`'s pack, and the chain's length.
fn deepest_blob(dir: &Path) -> (String, usize) {
    let pack = std::fs::read_dir(dir.join(".git/objects/pack"))
        .expect("pack directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|ext| ext == "idx"))
        .expect("a pack index");
    let listing = text(git(
        dir,
        &["verify-pack", "-v", pack.to_str().expect("path")],
        None,
    ));
    // `<id> blob <size> <size in pack> <offset> <depth> <base id>` for a delta.
    listing
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                [id, "blob", _, _, _, depth, _] => Some((id.to_string(), depth.parse().ok()?)),
                _ => None,
            }
        })
        .max_by_key(|(_, depth)| *depth)
        .expect("a blob stored as a delta")
}

/// Reading a blob deep in a chain keeps it and one in eight of the versions below it, not every
/// one: the versions nobody asked for crowded out those the next commits read again.
#[test]
fn a_blob_deep_in_a_chain_keeps_one_in_eight_of_the_versions_below_it() {
    let dir = tempfile::tempdir().expect("temporary directory");
    deep_history(dir.path(), 40);
    let (id, depth) = deepest_blob(dir.path());
    assert!(depth >= 16, "the repack made deep chains: {depth}");
    let shared = Arc::new(SharedPacks::open(
        &[dir.path().join(".git/objects")],
        64 * 1024 * 1024,
    ));
    let mut reader = PackChains::new(Arc::clone(&shared));
    let expected = git(dir.path(), &["cat-file", "blob", &id], None);
    let (_, data) = read(&mut reader, &id).expect("the pack has the blob");
    assert_eq!(data, expected);
    let kept = shared.decoded.lock().expect("kept versions").versions.len();
    // The one asked for, and every eighth of the `depth - 1` deltas below it.
    assert_eq!(kept, 1 + (depth - 1) / KEEP_EVERY, "chain of {depth}");
    // Read again, it is one of those kept.
    let (_, again) = read(&mut reader, &id).expect("the pack has the blob");
    assert_eq!(again, expected);
    assert_eq!(
        shared.decoded.lock().expect("kept versions").versions.len(),
        kept
    );
}

/// Reads every blob of `dir` once through packs keeping `cap` bytes, each compared with git's,
/// and returns the packs to look at what they kept.
fn read_every_blob_once(dir: &Path, cap: usize) -> Arc<SharedPacks> {
    let shared = Arc::new(SharedPacks::open(&[dir.join(".git/objects")], cap));
    let mut reader = PackChains::new(Arc::clone(&shared));
    let ids = blobs(dir);
    assert!(ids.len() > WALKS_JUDGED, "more blobs than walks judged");
    for id in &ids {
        let (_, data) = read(&mut reader, id).expect("the pack has the blob");
        assert_eq!(data, git(dir, &["cat-file", "blob", id], None), "blob {id}");
    }
    shared
}

/// Walks that each apply several deltas (same-named files chained deep, as a repack of a
/// merge-heavy history stores them) grow the cap of decoded versions and keep every other
/// version below the one asked for: the time is spent there, so the memory is.
#[test]
fn deep_walks_grow_the_versions_kept_and_keep_every_other_one() {
    let dir = tempfile::tempdir().expect("temporary directory");
    deep_history(dir.path(), 100);
    assert!(
        deepest_chain(dir.path()) >= 16,
        "the repack made deep chains"
    );
    let cap = 64 * 1024;
    let shared = read_every_blob_once(dir.path(), cap);
    let decoded = shared.decoded.lock().expect("kept versions");
    assert!(
        decoded.deltas > DEEP_WALK * decoded.walks,
        "{} deltas over {} walks",
        decoded.deltas,
        decoded.walks
    );
    assert_eq!(decoded.keep_every, DEEP_KEEP_EVERY);
    assert_eq!(decoded.versions.capacity(), cap * DEEP_GROWTH);
}

/// Walks of a delta or so each, as on git.git or a history of consecutive versions, keep the cap
/// and one in eight versions: the peak memory measured there does not move.
#[test]
fn shallow_walks_keep_the_cap_of_versions_kept() {
    let dir = tempfile::tempdir().expect("temporary directory");
    deep_history(dir.path(), 100);
    git(dir.path(), &["repack", "-adfq", "--depth=1"], None);
    assert_eq!(deepest_chain(dir.path()), 1, "chains of one delta");
    let cap = 64 * 1024;
    let shared = read_every_blob_once(dir.path(), cap);
    let decoded = shared.decoded.lock().expect("kept versions");
    assert!(decoded.walks >= WALKS_JUDGED, "{} walks", decoded.walks);
    assert_eq!(decoded.keep_every, KEEP_EVERY);
    assert_eq!(decoded.versions.capacity(), cap);
}

/// A blob stored whole and asked for is kept, as a version at the end of a chain is: the rules
/// of a commit read each of its files in turn, and each read inflated it again.
#[test]
fn a_whole_blob_asked_for_is_kept_for_the_next_read() {
    let dir = tempfile::tempdir().expect("temporary directory");
    deep_history(dir.path(), 1);
    // No deltas: each blob is stored whole.
    git(dir.path(), &["repack", "-adfq", "--window=0"], None);
    assert_eq!(deepest_chain(dir.path()), 0, "no delta chains");
    let shared = Arc::new(SharedPacks::open(
        &[dir.path().join(".git/objects")],
        64 * 1024 * 1024,
    ));
    let mut reader = PackChains::new(Arc::clone(&shared));
    let ids = blobs(dir.path());
    assert_eq!(ids.len(), 3, "three files of one version");
    for (read_so_far, id) in ids.iter().enumerate() {
        let expected = git(dir.path(), &["cat-file", "blob", id], None);
        let (_, data) = read(&mut reader, id).expect("the pack has the blob");
        assert_eq!(data, expected);
        let kept = shared.decoded.lock().expect("kept versions").versions.len();
        assert_eq!(kept, read_so_far + 1, "blob {id} kept");
    }
    // Read again, each is the one kept.
    for id in &ids {
        let (_, again) = read(&mut reader, id).expect("the pack has the blob");
        assert_eq!(again, git(dir.path(), &["cat-file", "blob", id], None));
    }
    assert_eq!(shared.decoded.lock().expect("kept").versions.len(), 3);
}

#[test]
fn blobs_read_as_git_reads_them_after_the_pages_of_the_packs_are_given_back() {
    let dir = tempfile::tempdir().expect("temporary directory");
    deep_history(dir.path(), 40);
    let shared = Arc::new(SharedPacks::open(&[dir.path().join(".git/objects")], 1));
    let mut reader = PackChains::new(Arc::clone(&shared));
    for id in blobs(dir.path()) {
        shared.give_back_pages();
        let (_, data) = read(&mut reader, &id).expect("the pack has the blob");
        assert_eq!(
            data,
            git(dir.path(), &["cat-file", "blob", &id], None),
            "blob {id}"
        );
    }
}

#[test]
fn blobs_deep_in_delta_chains_read_as_git_reads_them_when_versions_are_evicted() {
    let dir = tempfile::tempdir().expect("temporary directory");
    deep_history(dir.path(), 40);
    // Room for about two versions: chains are walked down again and again.
    assert_every_blob_reads_as_git_reads(dir.path(), 20 * 1024);
    // No room at all: each read decodes its whole chain.
    assert_every_blob_reads_as_git_reads(dir.path(), 1);
}

#[test]
fn ref_deltas_of_a_completed_thin_pack_read_as_git_reads_them() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (source, target) = (dir.path().join("source"), dir.path().join("target"));
    std::fs::create_dir_all(&source).expect("source directory");
    deep_history(&source, 12);
    let old = text(git(&source, &["rev-parse", "main~6"], None));
    let new = text(git(&source, &["rev-parse", "main"], None));
    std::fs::create_dir_all(&target).expect("target directory");
    git(&target, &["init", "-q", "--bare", "."], None);
    let target_objects = target.join("objects");
    // The receiving side of a push: a thin pack of the new commits against what the target
    // has, completed with the bases it refers to by id.
    let base_pack = git(
        &source,
        &["pack-objects", "--revs", "--stdout", "-q"],
        Some(format!("{}\n", old.trim()).as_bytes()),
    );
    git(&target, &["index-pack", "--stdin"], Some(&base_pack));
    let thin = git(
        &source,
        &["pack-objects", "--revs", "--thin", "--stdout", "-q"],
        Some(format!("{}\n^{}\n", new.trim(), old.trim()).as_bytes()),
    );
    git(
        &target,
        &["index-pack", "--stdin", "--fix-thin"],
        Some(&thin),
    );
    let mut reader = PackChains::new(Arc::new(SharedPacks::open(&[target_objects], 1)));
    let ids = text(git(
        &source,
        &[
            "rev-list",
            "--objects",
            "--no-object-names",
            &format!("{}..{}", old.trim(), new.trim()),
        ],
        None,
    ));
    let mut read_count = 0;
    for id in ids.lines() {
        let kind = text(git(&source, &["cat-file", "-t", id], None));
        if kind.trim() != "blob" {
            continue;
        }
        let (kind, data) = read(&mut reader, id).expect("a pack has the blob");
        assert_eq!(kind, gix_object::Kind::Blob);
        assert_eq!(
            data,
            git(&source, &["cat-file", "blob", id], None),
            "blob {id}"
        );
        read_count += 1;
    }
    assert!(read_count >= 10, "the pushed commits bring blobs");
}

#[test]
fn an_object_no_pack_has_is_left_to_the_other_readers() {
    let dir = tempfile::tempdir().expect("temporary directory");
    deep_history(dir.path(), 2);
    std::fs::write(dir.path().join("loose.txt"), "only loose\n").expect("file written");
    let loose = text(git(dir.path(), &["hash-object", "-w", "loose.txt"], None));
    let objects = dir.path().join(".git/objects");
    let mut reader = PackChains::new(Arc::new(SharedPacks::open(&[objects], 1024)));
    assert_eq!(read(&mut reader, loose.trim()), None);
}

#[test]
fn the_workers_of_a_check_share_the_packs_of_its_object_directories() {
    let dir = tempfile::tempdir().expect("temporary directory");
    deep_history(dir.path(), 2);
    let dirs = [dir.path().join(".git/objects")];
    let first = SharedPacks::for_dirs(&dirs, 1024);
    let second = SharedPacks::for_dirs(&dirs, 1024);
    assert!(Arc::ptr_eq(&first, &second));
    let other = [dir.path().join("elsewhere")];
    assert!(!Arc::ptr_eq(&first, &SharedPacks::for_dirs(&other, 1024)));
}

#[test]
fn blobs_in_the_packs_of_a_shared_clones_alternate_read_as_git_reads_them() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (source, clone) = (dir.path().join("source"), dir.path().join("clone"));
    std::fs::create_dir_all(&source).expect("source directory");
    deep_history(&source, 12);
    git(
        dir.path(),
        &["clone", "-q", "--shared", "source", "clone"],
        None,
    );
    let objects = clone.join(".git/objects");
    assert!(
        objects.join("info/alternates").exists(),
        "the clone borrows the source's objects"
    );
    let mut reader = PackChains::new(Arc::new(SharedPacks::open(&[objects], 1024 * 1024)));
    let ids = blobs(&clone);
    assert!(ids.len() > 10, "the history has blobs");
    for id in ids {
        let (kind, data) = read(&mut reader, &id).expect("the alternate's pack has the blob");
        assert_eq!(kind, gix_object::Kind::Blob);
        assert_eq!(
            data,
            git(&clone, &["cat-file", "blob", &id], None),
            "blob {id}"
        );
    }
}

/// A merge-base walk reads each commit's header from the first bytes of the commit: a header
/// the prefix cuts short (an octopus merge of twenty branches) is read from the whole commit,
/// and every header is the one libgit2 parses.
#[test]
fn packed_commit_headers_read_from_their_first_bytes_as_libgit2_parses_them() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path();
    deep_history(path, 2);
    let mut branches = Vec::new();
    for n in 0..20 {
        let branch = format!("topic-{n}");
        git(path, &["checkout", "-q", "-b", &branch, "main"], None);
        std::fs::write(path.join(format!("topic-{n}.txt")), "topic\n").expect("file written");
        git(path, &["add", "."], None);
        git(
            path,
            &["commit", "-q", "-m", &"long message ".repeat(100)],
            None,
        );
        branches.push(branch);
    }
    git(path, &["checkout", "-q", "main"], None);
    let mut merge = vec!["merge", "-q", "--no-edit"];
    merge.extend(branches.iter().map(String::as_str));
    git(path, &merge, None);
    git(path, &["repack", "-adq"], None);
    let repo = git2::Repository::open(path).expect("repository");
    let octopus = repo.head().expect("HEAD").peel_to_commit().expect("commit");
    assert_eq!(octopus.parent_count(), 20);
    let header_length = octopus.raw_header_bytes().len();
    assert!(
        header_length > crate::pack_reader::HEADER_PREFIX,
        "{header_length}"
    );

    let objects = path.join(".git/objects");
    let mut chains = PackChains::new(Arc::new(SharedPacks::open(
        std::slice::from_ref(&objects),
        1024,
    )));
    let stored = text(git(
        path,
        &[
            "cat-file",
            "--batch-all-objects",
            "--batch-check=%(objecttype) %(objectname) %(deltabase)",
        ],
        None,
    ));
    let null = "0".repeat(40);
    let whole_commits: Vec<&str> = stored
        .lines()
        .filter_map(|line| match line.split(' ').collect::<Vec<_>>()[..] {
            ["commit", id, base] if base == null => Some(id),
            _ => None,
        })
        .collect();
    assert!(!whole_commits.is_empty(), "the pack stores commits whole");
    for id in whole_commits {
        let whole = git(path, &["cat-file", "commit", id], None);
        let id = gix_hash::ObjectId::from_hex(id.as_bytes()).expect("id");
        let mut prefix = Vec::new();
        assert_eq!(
            chains.whole_commit_prefix(&id, 64, &mut prefix),
            Some(false)
        );
        assert_eq!(prefix, whole[..64]);
        let all = chains.whole_commit_prefix(&id, whole.len(), &mut prefix);
        assert_eq!((all, &prefix), (Some(true), &whole));
    }

    let reader = crate::pack_reader::PackReader::open_dirs(vec![objects]).expect("reader");
    let all = text(git(path, &["rev-list", "--all"], None));
    for id in all.lines() {
        let commit = repo
            .find_commit(git2::Oid::from_str(id).expect("id"))
            .expect("commit");
        let parsed = (commit.time().seconds(), commit.parent_ids().collect());
        assert_eq!(reader.commit_header(commit.id()), Some(parsed), "{id}");
    }
}
