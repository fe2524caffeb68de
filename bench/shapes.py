"""The repository shapes the benchmark measures besides its main wide and deep repositories:
index layouts for the pre-commit check, history shapes for the range check, a server with many
refs for the pre-receive hook. Every shape is generated deterministically through
`git fast-import` and git's plumbing; no work tree is checked out where none is needed."""

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

from gen import Stream, code_text, plan_text, spec_text

# Sizes per mode. Layouts: files and folders; histories: commits.
LAYOUT_SIZES = {
    "full": dict(flat_files=10_000, sibling_folders=1_200, sibling_files=60_000, nested_levels=12,
                 nested_per_folder=5, spread_files=20),
    "small": dict(flat_files=500, sibling_folders=60, sibling_files=600, nested_levels=5,
                  nested_per_folder=3, spread_files=8),
}
HISTORY_SIZES = {
    "full": dict(tiny_commits=3_000, plan_commits=1_000, plan_start_entries=2_000, wide_commits=500,
                 wide_files_per_commit=20, large_commits=500, large_file_lines=20_000,
                 merge_commits=1_000, refs=50_000, refs_base=2_000, refs_push=1_000,
                 real_commits=700),
    "small": dict(tiny_commits=150, plan_commits=60, plan_start_entries=200, wide_commits=40,
                  wide_files_per_commit=10, large_commits=30, large_file_lines=3_000,
                  merge_commits=80, refs=1_000, refs_base=100, refs_push=100, real_commits=160),
}


def features_tree(stream, count=10):
    tree = {}
    for i in range(count):
        tree[f"specs/f{i}.md"] = stream.blob(spec_text(f"f{i}"))
        tree[f"plans/f{i}-execplan.md"] = stream.blob(plan_text(f"f{i}", ["Plan written."]))
    return tree


# ---------------------------------------------------------------------------------------------
# Index layouts: a committed tree on `main`, branch `exec/f7` checked out in the index only, and a
# few staged files with a Progress update.


def layout_paths(kind, size):
    """The code files of one layout, in a deterministic order."""
    if kind == "flat":
        return [f"src/m{i}.rs" for i in range(size["flat_files"])]
    if kind == "siblings":
        folders, files = size["sibling_folders"], size["sibling_files"]
        per = max(1, files // folders)
        return [f"src/c{f}/m{i}.rs" for f in range(folders) for i in range(per)]
    if kind == "nested":
        levels, per = size["nested_levels"], size["nested_per_folder"]
        paths = []
        for leaf in range(2 ** levels):
            folder = "/".join(f"n{(leaf >> level) & 1}" for level in range(levels))
            paths.extend(f"src/{folder}/m{leaf}_{i}.rs" for i in range(per))
        return paths
    raise ValueError(kind)


def make_layout(env, path: Path, kind, size):
    """A repository of `kind` files with its index as `git read-tree` leaves it (a valid
    cache-tree) and nothing staged yet."""
    env.git(path.parent, "init", "-q", path.name)
    stream = Stream()
    tree = features_tree(stream)
    for index, relative in enumerate(layout_paths(kind, size)):
        tree[relative] = stream.blob(code_text(f"m{index}", 8, index))
    stream.commit("refs/heads/main", "Initial import", tree)
    env.run(["git", "fast-import", "--quiet"], path, stdin=stream.bytes())
    env.git(path, "update-ref", "refs/heads/exec/f7", "refs/heads/main")
    env.git(path, "symbolic-ref", "HEAD", "refs/heads/exec/f7")
    env.git(path, "read-tree", "HEAD")
    return path


def stage(env, path: Path, files):
    """Stages `files` (path -> bytes) through the index alone, as `git add` would."""
    lines = []
    for relative, data in files.items():
        oid = env.run(["git", "hash-object", "-w", "--stdin"], path, stdin=data).stdout.decode().strip()
        lines.append(f"100644 {oid}\t{relative}\n")
    env.run(["git", "update-index", "--index-info"], path, stdin="".join(lines).encode())


def staged_change(paths, count):
    """`count` code files spread evenly over `paths`, each gaining a function, and a Progress
    entry in the f7 execplan."""
    step = max(1, len(paths) // count)
    chosen = paths[::step][:count]
    files = {}
    for relative in chosen:
        index = paths.index(relative)
        files[relative] = code_text(f"m{index}", 8, index) + b"pub fn added() {}\n"
    files["plans/f7-execplan.md"] = plan_text("f7", ["Plan written.", "Added the helpers."])
    return files


def drop_cache_tree(env, path: Path):
    """Rewrites the index from HEAD without its cache-tree extension."""
    listing = env.git(path, "ls-tree", "-r", "-z", "HEAD").stdout
    (path / ".git" / "index").unlink()
    env.run(["git", "update-index", "-z", "--index-info"], path, stdin=listing)


LAYOUTS = [
    # (name, base layout, how the index is prepared, files staged, label)
    ("flat", "flat", None, 3, "flat: {flat_files:,} files in one folder"),
    ("siblings", "siblings", None, 3, "{sibling_folders:,} sibling folders, {sibling_files:,} files"),
    ("nested", "nested", None, 3, "nested {nested_levels} folders deep, {nested_files:,} files"),
    ("spread", "siblings", None, "spread", "{spread_files} files changed in as many folders"),
    ("no-cache-tree", "siblings", "no-cache-tree", 3, "index without a cache-tree (siblings)"),
    ("split-index", "siblings", "split-index", 3, "split index (siblings)"),
]


def layout(env, work: Path, name, size):
    """The repository of layout `name`, generated once; returns (path, label)."""
    for layout_name, base, prepare, staged, label in LAYOUTS:
        if layout_name == name:
            break
    else:
        raise ValueError(name)
    names = dict(size, nested_files=(2 ** size["nested_levels"]) * size["nested_per_folder"])
    path = work / f"layout-{name}"
    if path.exists():
        return path, label.format(**names)
    base_path = work / f"layout-base-{base}"
    if not base_path.exists():
        print(f"bench: generating the {base} layout", file=sys.stderr, flush=True)
        make_layout(env, base_path, base, size)
    shutil.copytree(base_path, path, symlinks=True)
    if prepare == "no-cache-tree":
        drop_cache_tree(env, path)
    elif prepare == "split-index":
        env.git(path, "update-index", "--split-index")
    count = size["spread_files"] if staged == "spread" else staged
    stage(env, path, staged_change(layout_paths(base, size), count))
    return path, label.format(**names)


# ---------------------------------------------------------------------------------------------
# History shapes, each on `main` from a set-up root; the range checked is root..main.


def entry_text(number, long=False):
    if long:
        return (f"Step {number}: moved the parser's error reporting into its own module, kept the "
                f"old messages, and added tests for each of the {number % 17 + 3} cases.")
    return f"Step {number}."


def code_lines(name, count, salt=0):
    return [f"pub fn {name}_{j}() -> u64 {{ {j * 7 + salt} }}" for j in range(count)]


def joined(lines):
    return ("\n".join(lines) + "\n").encode()


def prose(rng, words):
    vocabulary = ("the plan keeps its living sections current while the agent implements small "
                  "reviewable commits and escalates when intent is unclear").split()
    return " ".join(rng.choice(vocabulary) for _ in range(words))


def real_plan_text(feature, entries, seed):
    """An execplan of the size real ones reach (about 40 KB before Progress grows): long purpose
    and context sections, a decision log, and a Progress list of long entries."""
    rng = random.Random(seed)
    context = "\n\n".join(prose(rng, 60) for _ in range(25))
    decisions = "".join(f"- Decision: {prose(rng, 30)}\n  Rationale: {prose(rng, 25)}\n"
                        for _ in range(20))
    progress = "".join(f"- [x] ({stamp}) {text}\n" for stamp, text in entries)
    return (f"# {feature} execplan\n\nEXECPLAN-READY\n\nSpec: specs/{feature}.md\n\n"
            f"## Purpose / Big Picture\n\n{context}\n\n## Progress\n\n{progress}\n"
            f"## Surprises & Discoveries\n\n- {prose(rng, 40)}\n\n## Decision Log\n\n{decisions}\n"
            f"## Outcomes & Retrospective\n\nPending.\n\n## Context and Orientation\n\n{context}\n"
            ).encode()


def make_real_history(env, path: Path, size):
    """Commits of the size real EXEC repositories have: 200 code files of 150-600 lines, one to
    five of them edited per commit (a few lines here and there, sometimes a block appended), and
    execplans of about 40 KB whose Progress gains a long entry every commit; features change every
    150 commits. Packed by git afterwards, as a clone is (deltas up to 50 deep)."""
    env.git(path.parent, "init", "-q", path.name)
    rng = random.Random(11)
    stream = Stream()
    commits = size["real_commits"]
    features = [f"feature{i}" for i in range(commits // 150 + 1)]
    code = {f"src/m{i}/lib{j}.rs": [f"    let value_{i}_{j}_{k} = compute({k}); // {prose(rng, 6)}"
                                    for k in range(rng.randint(150, 600))]
            for i in range(40) for j in range(5)}
    entries = {feature: [("2026-01-01 10:00Z", "Plan written.")] for feature in features}
    tree = {}
    for feature in features:
        tree[f"specs/{feature}.md"] = stream.blob(
            f"# {feature}\n\nEXEC-READY\n\n{prose(rng, 200)}\n".encode())
        tree[f"plans/{feature}-execplan.md"] = stream.blob(
            real_plan_text(feature, entries[feature], feature))
    for name, lines in code.items():
        tree[name] = stream.blob(joined(lines))
    head = stream.commit("refs/heads/main", "Set up the features", tree)
    for number in range(1, commits):
        feature = features[number // 150]
        files = {}
        for name in rng.sample(sorted(code), rng.randint(1, 5)):
            lines = code[name]
            for _ in range(rng.randint(2, 30)):
                at = rng.randrange(len(lines))
                lines[at] = f"    let edited_{number}_{at} = compute({rng.randrange(1000)});"
            if rng.random() < 0.3:
                lines.extend(f"    let added_{number}_{k} = compute({k});"
                             for k in range(rng.randint(5, 60)))
            files[name] = stream.blob(joined(lines))
        stamp = f"2026-01-{1 + number % 28:02d} {number % 24:02d}:00Z"
        entries[feature].append((stamp, f"Step {number}: {prose(rng, 20)}"))
        files[f"plans/{feature}-execplan.md"] = stream.blob(
            real_plan_text(feature, entries[feature], feature))
        head = stream.commit("refs/heads/main", f"Step {number} of {feature}\n\n{prose(rng, 30)}",
                             files, parent=head)
    env.run(["git", "fast-import", "--quiet"], path, stdin=stream.bytes())
    env.git(path, "repack", "-adfq")
    env.git(path, "symbolic-ref", "HEAD", "refs/heads/main")
    return path


def make_history(env, path: Path, kind, size):
    """One history shape; see HISTORIES."""
    if kind == "real":
        return make_real_history(env, path, size)
    env.git(path.parent, "init", "-q", path.name)
    rng = random.Random(12)
    stream = Stream()
    tree = features_tree(stream, 1)
    feature = "f0"
    entries = ["Plan written."]
    long_entries = kind == "big-plan"
    if long_entries:
        entries += [entry_text(-i, long=True) for i in range(size["plan_start_entries"])]
    code_files, lines_per = {"tiny": (50, 40), "big-plan": (50, 40), "wide": (2_000, 20),
                             "large-files": (10, size["large_file_lines"]), "merges": (50, 40)}[kind]
    code = {f"src/m{i}.rs": code_lines(f"m{i}", lines_per, i) for i in range(code_files)}
    for name, lines in code.items():
        tree[name] = stream.blob(joined(lines))
    tree[f"plans/{feature}-execplan.md"] = stream.blob(plan_text(feature, entries))
    head = stream.commit("refs/heads/main", "Set up the feature", tree)
    commits = {"tiny": size["tiny_commits"], "big-plan": size["plan_commits"],
               "wide": size["wide_commits"], "large-files": size["large_commits"],
               "merges": size["merge_commits"]}[kind]
    touched_per = size["wide_files_per_commit"] if kind == "wide" else 1
    names = sorted(code)
    number = 0
    while number < commits:
        number += 1
        files = {}
        for name in rng.sample(names, touched_per):
            lines = code[name]
            for _ in range(2 if kind != "wide" else 1):
                at = rng.randrange(len(lines))
                lines[at] = f"pub fn edited_{number}_{at}() -> u64 {{ {rng.randrange(1000)} }}"
            files[name] = stream.blob(joined(lines))
        entries.append(entry_text(number, long_entries))
        files[f"plans/{feature}-execplan.md"] = stream.blob(plan_text(feature, entries))
        merge = None
        if kind == "merges" and number % 5 == 0:
            # A side branch of two commits off the current tip, each with its own Progress
            # entry, merged back with both entries.
            side = head
            for step in range(2):
                side_file = f"src/side{number}_{step}.rs"
                side_entries = entries[:-1] + [f"Side {number}.{s}." for s in range(step + 1)]
                side = stream.commit(
                    f"refs/heads/side{number}", f"Side work {number}.{step}",
                    {side_file: stream.blob(joined(code_lines(f"s{number}_{step}", 10))),
                     f"plans/{feature}-execplan.md": stream.blob(plan_text(feature, side_entries))},
                    parent=side)
                files[side_file] = stream.blob(joined(code_lines(f"s{number}_{step}", 10)))
            entries[-1:-1] = [f"Side {number}.0.", f"Side {number}.1."]
            files = {f"src/side{number}_{s}.rs": files[f"src/side{number}_{s}.rs"] for s in range(2)}
            files[f"plans/{feature}-execplan.md"] = stream.blob(plan_text(feature, entries))
            merge = side
        message = f"Step {number}" if merge is None else f"Merge side work {number}"
        head = stream.commit("refs/heads/main", message, files, parent=head, merge=merge)
    env.run(["git", "fast-import", "--quiet"], path, stdin=stream.bytes())
    env.git(path, "symbolic-ref", "HEAD", "refs/heads/main")
    return path


HISTORIES = [
    # (name, label)
    ("tiny", "{tiny_commits:,} two-file commits, growing execplan"),
    ("big-plan", "{plan_commits:,} commits, execplan of {plan_start_entries:,}+ long entries"),
    ("wide", "{wide_commits:,} commits of {wide_files_per_commit} files each"),
    ("large-files", "{large_commits:,} commits editing {large_file_lines:,}-line files"),
    ("merges", "{merge_commits:,} commits, a merge every fifth"),
    ("real", "{real_commits:,} real-size commits, 40 KB execplans, git-packed"),
]


def history(env, work: Path, name, size):
    label = dict(HISTORIES)[name].format(**size)
    path = work / f"history-{name}"
    if not path.exists():
        print(f"bench: generating the {name} history", file=sys.stderr, flush=True)
        make_history(env, path, name, size)
    root = env.git(path, "rev-list", "--max-parents=0", "main").stdout.decode().split()[0]
    return path, root, label


# ---------------------------------------------------------------------------------------------
# A server with many refs.


def add_refs(env, server: Path, targets, count):
    """`count` refs on `server`, half tags and half `refs/merge-requests/<n>/head`, pointing at
    `targets` in turn, packed as a forge packs them."""
    lines = []
    for i in range(count):
        target = targets[i % len(targets)]
        name = f"refs/tags/v{i}" if i % 2 == 0 else f"refs/merge-requests/{i}/head"
        lines.append(f"create {name} {target}\n")
    env.run(["git", "update-ref", "--stdin"], server, stdin="".join(lines).encode())
    env.git(server, "pack-refs", "--all")


# ---------------------------------------------------------------------------------------------
# One core busy.


class BusyCore:
    """A busy loop pinned to core 0 while the block runs, as on a CI runner or a server handling
    other pushes."""

    def __enter__(self):
        def pin():
            if hasattr(os, "sched_setaffinity"):
                os.sched_setaffinity(0, {0})
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"], preexec_fn=pin)
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()
        return False
