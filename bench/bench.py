#!/usr/bin/env python3
"""execguard's benchmark: execguard against git itself and the hook managers people use today.

Generates deterministic repositories (no downloads beyond the hook managers themselves), measures
medians of several runs after a warm-up, side by side in the same run, and writes a table with
each figure's peak memory.

    python3 bench/bench.py              # full mode: every shape at its full size
    python3 bench/bench.py --small      # every shape, small, for CI: the benchmark never rots
    python3 bench/bench.py --repo PATH  # the range and pre-commit checks on your own repository

Shapes: the pre-commit check on a wide repository, a flat folder of thousands of files, 1,200
sibling folders, deep nesting, changes spread over many folders, an index without a cache-tree
and a split index; the range check on a long EXEC history, many tiny commits, a large growing
execplan, wide commits, large files and merges, pull-request-sized ranges (the last 40 and 150
commits of the small-commit and of the real-size history), a 0.9 MB execplan rewritten by every
commit (reworded or reordered), and once more with one core kept busy (wall and CPU time); the range check on a merge-heavy history of git.git's shape, against git re-merging
every merge (`git log --first-parent --remerge-diff --numstat`); a push of 1,000 commits, also to four branches of a server with 50,000 refs; and
commit-size on inputs built to make counting slow or blind.

Options: --runs N (default 7; at least 5), --out FILE (default docs/benchmarks.md; `-` for stdout
only), --work DIR (keep the generated repositories there), --bin-dir DIR (execguard binaries;
default: build them with `cargo build --release`), --skip-managers, --only PART, --repo PATH with
--repo-commits N (default 500) and --repo-merges N (default 0: also the range of the last N
first-parent merges, as on the merge-heavy history).
"""

import argparse
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import rewrites
import shapes
import topics
from gen import Stream, code_text, plan_text, spec_text

ROOT = Path(__file__).resolve().parent.parent

SIZES = {
    # wide: files, files per folder; deep: commits; push: commits
    "full": dict(wide_files=100_000, per_dir=40, deep_commits=10_000, push_commits=1_000,
                 table_lines=120_000, swapped_files=400, long_line_bytes=500_000, nul_lines=15_000,
                 lock_packages=3_500),
    "small": dict(wide_files=2_000, per_dir=40, deep_commits=300, push_commits=100,
                  table_lines=12_000, swapped_files=40, long_line_bytes=100_000, nul_lines=1_500,
                  lock_packages=350),
}

# The pull-request-sized ranges: the last commits of the small-commit and the real-size history.
PULL_REQUEST_COMMITS = (40, 150)

TARGETS = {
    "pre-commit": 1.5,
    "range": 1.0,
    "range-cpu": 1.5,
    "pre-receive-added-seconds": 1.0,
    "memory-mib": 64,
    # commit-size on inputs made to be slow, against `git diff --numstat` on the same commit.
    "counting": 3.0,
    # One coding-agent hook event that is allowed, against `git rev-parse --show-toplevel`.
    "agent-hook": 2.0,
    # A range of merges, against `git log --first-parent --remerge-diff --numstat` on it.
    "merges": 1.5,
}


def short(revision):
    """A commit id shortened as git shortens it; another revision (`main~40`) as it is."""
    is_id = len(revision) == 40 and all(c in "0123456789abcdef" for c in revision)
    return revision[:7] if is_id else revision


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


class Env:
    """An isolated environment for git and the tools, as the tests use."""

    def __init__(self, work: Path, bin_dir: Path, tools_bin: Path):
        self.home = work / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / ".gitconfig").write_text(
            "[user]\n\tname = Bench Agent\n\temail = bench@example.invalid\n"
            "[init]\n\tdefaultBranch = main\n[core]\n\tautocrlf = false\n"
            "[gc]\n\tauto = 0\n[commit]\n\tgpgsign = false\n"
        )
        self.vars = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("GIT_") and k not in ("EXECGUARD_SKIP",)
        }
        self.vars.update(
            HOME=str(self.home),
            GIT_CONFIG_NOSYSTEM="1",
            GIT_CONFIG_GLOBAL=str(self.home / ".gitconfig"),
            GIT_AUTHOR_DATE="2026-01-01T00:00:00Z",
            GIT_COMMITTER_DATE="2026-01-01T00:00:00Z",
            PRE_COMMIT_HOME=str(work / "pre-commit-home"),
            PREK_HOME=str(work / "prek-home"),
            LC_ALL="C",
            PATH=os.pathsep.join([str(bin_dir), str(tools_bin), os.environ.get("PATH", "")]),
        )

    def run(self, args, cwd, check=True, stdin=None, capture=True):
        result = subprocess.run(
            args,
            cwd=cwd,
            env=self.vars,
            input=stdin,
            stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
            stderr=subprocess.PIPE if capture else subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise SystemExit(
                f"bench: {' '.join(map(str, args))} failed in {cwd} ({result.returncode}):\n"
                f"{(result.stderr or b'').decode(errors='replace')}"
            )
        return result

    def git(self, cwd, *args, **kw):
        return self.run(["git", *args], cwd, **kw)


def measure(env, args, cwd, runs, stdin=None, expect=0, before=None, after=None):
    """Median wall time of `args` over `runs` runs after one warm-up."""
    return measure_pair(env, args, None, cwd, runs, stdin, expect, before, after)[0], None


def measure_pair(env, args, baseline, cwd, runs, stdin=None, expect=0, before=None, after=None,
                 cpu=None):
    """Median wall times of `args` and of `baseline`, run alternately so that a machine that
    slows down or speeds up during the run affects both alike. With `cpu` (a list), the median
    CPU times (user plus system, all threads) of both are appended to it."""
    times = {0: [], 1: []}
    cpu_times = {0: [], 1: []}
    commands = [args] if baseline is None else [args, baseline]
    for index in range(runs + 1):
        for which, command in enumerate(commands):
            if before:
                before()
            start = time.perf_counter()
            code, stderr, usage = spawn(env, command, cwd, stdin)
            elapsed = time.perf_counter() - start
            if expect is not None and code != expect:
                raise SystemExit(
                    f"bench: {' '.join(map(str, command))} exited {code}, expected {expect}:\n"
                    f"{stderr.decode(errors='replace')[-2000:]}"
                )
            if after:
                after()
            if index > 0:  # the first round is a warm-up
                times[which].append(elapsed)
                cpu_times[which].append(usage.ru_utime + usage.ru_stime)
    medians = [statistics.median(times[w]) for w in range(len(commands))]
    if cpu is not None:
        cpu.extend(statistics.median(cpu_times[w]) for w in range(len(commands)))
    return medians if baseline is not None else [medians[0], None]


def spawn(env, args, cwd, stdin=None):
    """Runs `args` to the end; returns its exit code, its stderr and its resource usage."""
    process = subprocess.Popen(
        args,
        cwd=cwd,
        env=env.vars,
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if stdin is not None:
        try:
            process.stdin.write(stdin)
            process.stdin.close()
        except BrokenPipeError:  # a baseline that does not read its input
            pass
    stderr = process.stderr.read()
    process.stderr.close()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, stderr, usage


def peak_rss(env, args, cwd, stdin=None):
    """Peak resident memory (MiB) of one run of `args`. GNU time measures it where it is installed:
    a child forked from this Python process would otherwise report Python's own footprint."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if gnu_time:
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as report:
            spawn(env, [gnu_time, "-f", "%M", "-o", report.name, *args], cwd, stdin)
            return int(report.read().strip().splitlines()[-1]) / 1024
    _, _, usage = spawn(env, args, cwd, stdin)
    return usage.ru_maxrss / 1024


# ---------------------------------------------------------------------------------------------
# The main repositories and the commit-size inputs.


MANAGER_SCRIPT = b"""#!/bin/sh
# Refuses changes to backend/PLANS.md: the nearest rule a hook manager can express.
for path in "$@"; do
    if [ "$path" = "backend/PLANS.md" ]; then
        echo "backend/PLANS.md is protected" >&2
        exit 1
    fi
done
exit 0
"""

PRE_COMMIT_CONFIG = b"""repos:
  - repo: local
    hooks:
      - id: protect-plans
        name: protect backend/PLANS.md
        entry: sh bench-hooks/refuse-plans.sh
        language: system
        files: ^backend/PLANS\\.md$
"""

LEFTHOOK_CONFIG = b"""pre-commit:
  commands:
    protect-plans:
      glob: "backend/PLANS.md"
      run: sh bench-hooks/refuse-plans.sh {staged_files}
"""


def make_wide(env, path: Path, files: int, per_dir: int):
    """About `files` files in `files / per_dir` folders, specs and execplans among them, and a
    staged change of a few files including a Progress update, on branch exec/f7."""
    log(f"generating the wide repository ({files} files)")
    env.git(path.parent, "init", "-q", path.name)
    stream = Stream()
    tree = {}
    features = [f"f{i}" for i in range(max(10, files // 2000))]
    for feature in features:
        tree[f"specs/{feature}.md"] = stream.blob(spec_text(feature))
        tree[f"plans/{feature}-execplan.md"] = stream.blob(plan_text(feature, ["Plan written."]))
        tree[f"designs/{feature}.md"] = stream.blob(f"# {feature} design\n".encode())
    tree["backend/PLANS.md"] = stream.blob(b"# How to write an execplan\n")
    tree["bench-hooks/refuse-plans.sh"] = stream.blob(MANAGER_SCRIPT)
    tree[".pre-commit-config.yaml"] = stream.blob(PRE_COMMIT_CONFIG)
    tree["lefthook.yml"] = stream.blob(LEFTHOOK_CONFIG)
    code_files = files - len(tree)
    for index in range(code_files):
        folder, leaf = divmod(index, per_dir)
        top, sub = divmod(folder, 50)
        name = f"m{index}"
        tree[f"src/a{top}/b{sub}/{name}.rs"] = stream.blob(code_text(name, 8, index))
    stream.commit("refs/heads/main", "Initial import", tree)
    env.run(["git", "fast-import", "--quiet"], path, stdin=stream.bytes())
    env.git(path, "checkout", "-q", "-f", "main")
    env.git(path, "checkout", "-q", "-b", "exec/f7")
    stage_wide_change(path, env)
    return path


def stage_wide_change(path: Path, env):
    changed = ["src/a0/b0/m1.rs", "src/a0/b1/m45.rs", "src/a0/b2/m90.rs"]
    for relative in changed:
        target = path / relative
        if target.exists():
            with open(target, "ab") as handle:
                handle.write(b"pub fn added() {}\n")
    plan = path / "plans/f7-execplan.md"
    plan.write_bytes(plan_text("f7", ["Plan written.", "Added the helpers."]))
    env.git(path, "add", *[c for c in changed if (path / c).exists()], "plans/f7-execplan.md")


def make_deep(env, path: Path, commits: int):
    """About `commits` commits of EXEC work: code edits with Progress entries, occasional larger
    commits, a few merges. Features rotate every 200 commits, each with its own execplan."""
    log(f"generating the deep repository ({commits} commits)")
    env.git(path.parent, "init", "-q", path.name)
    rng = random.Random(7)
    stream = Stream()
    features = [f"feat{i}" for i in range(commits // 200 + 1)]
    code = {f"src/mod{i}.rs": [f"pub fn f{i}_{j}() -> u32 {{ {j} }}" for j in range(120)] for i in range(200)}
    entries = {feature: ["Plan written."] for feature in features}
    tree = {}
    for feature in features:
        tree[f"specs/{feature}.md"] = stream.blob(spec_text(feature))
        tree[f"plans/{feature}-execplan.md"] = stream.blob(plan_text(feature, entries[feature]))
    for name, lines in code.items():
        tree[name] = stream.blob(("\n".join(lines) + "\n").encode())
    root = stream.commit("refs/heads/main", "Set up the features", tree)
    head = root
    history = [root]
    for number in range(1, commits):
        feature = features[number // 200]
        files = {}
        touched = rng.sample(sorted(code), rng.randint(1, 3))
        for name in touched:
            lines = code[name]
            for _ in range(rng.randint(1, 6)):
                at = rng.randrange(len(lines))
                lines[at] = f"pub fn edited_{number}_{at}() -> u32 {{ {rng.randrange(1000)} }}"
            files[name] = stream.blob(("\n".join(lines) + "\n").encode())
        if number % 50 == 0:
            big = [f"pub const K{number}_{j}: u32 = {j};" for j in range(250)]
            files[f"src/gen/k{number}.rs"] = stream.blob(("\n".join(big) + "\n").encode())
        entries[feature].append(f"Step {number}: edited {', '.join(touched)}.")
        files[f"plans/{feature}-execplan.md"] = stream.blob(plan_text(feature, entries[feature]))
        merge = None
        if number % 1000 == 500:
            # A side branch off an earlier commit, merged back.
            side_file = f"src/side{number}.rs"
            side_blob = stream.blob(code_text(f"side{number}", 20))
            side_plan = stream.blob(plan_text(feature, entries[feature][:-1] + ["Side work."]))
            merge = stream.commit(
                f"refs/heads/side{number}",
                f"Side work {number}\n\nExecplan: {feature}",
                {side_file: side_blob, f"plans/{feature}-execplan.md": side_plan},
                parent=history[-5],
            )
            files[side_file] = side_blob
            # The merge keeps the side branch's entry beside its own.
            entries[feature].insert(len(entries[feature]) - 1, "Side work.")
            files[f"plans/{feature}-execplan.md"] = stream.blob(plan_text(feature, entries[feature]))
        message = f"Step {number} of {feature}" if merge is None else f"Merge side work {number}"
        head = stream.commit("refs/heads/main", message, files, parent=head, merge=merge)
        history.append(head)
    env.run(["git", "fast-import", "--quiet"], path, stdin=stream.bytes())
    env.git(path, "checkout", "-q", "-f", "main")
    return path


def table_text(lines, prefix):
    """`lines` distinct 8-byte lines: 120,000 of them stay under 1 MiB."""
    return "".join(f"{prefix}{i:06d}\n" for i in range(lines)).encode()


def repetitive_text(lines):
    """Code-like text of few distinct lines, the kind where a diff's matches are everywhere."""
    shapes = ["}", "", "    }", "        return x;", "    if (x) {", "{"]
    return "".join(shapes[(i * i + i // 7) % len(shapes)] + "\n" for i in range(lines)).encode()


def small_module(kind, index):
    return "".join(f'pub const {kind}_{index}_{j}: &str = "{kind} {index} {j}";\n' for j in range(3)).encode()


COUNTING_CASES = [
    # (branch, what the commit does, expected exit code of `execguard check --commit`)
    ("rewrite", "{table_lines:,}-line file, every line rewritten", 1),
    ("swap", "{swapped_files} deletions + {swapped_files} unrelated additions", 1),
    ("long-line", "one {long_line_kb} KB line added", 1),
    ("nul", "{nul_lines:,}-line code file with one NUL added", 1),
    ("moved", "{table_lines:,} repetitive lines, 100 moved (under the limits)", 0),
    ("lockfile", "{lock_kb} KB Cargo.lock added (a lockfile: under the limits)", 0),
    # Legal under a configured limit of a million lines: counted in full.
    ("legal-rewrite", "{table_lines:,}-line file, every line rewritten (max-lines raised)", 0),
    ("legal-reorder", "{table_lines:,}-line file, lines reordered (max-lines raised)", 0),
    ("legal-half", "{table_lines:,}-line file, every other line rewritten (max-lines raised)", 0),
]

RAISED_LIMITS = b"[rules.commit-size]\nmax-lines = 1000000\n"


def cargo_lock_text(packages):
    """A Cargo.lock as Cargo writes it."""
    parts = ["# This file is automatically @generated by Cargo.\n"
             "# It is not intended for manual editing.\nversion = 4\n"]
    for i in range(packages):
        parts.append(
            f'\n[[package]]\nname = "crate-{i}"\nversion = "1.{i}.0"\n'
            f'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
            f'checksum = "{i * 7919:064x}"\ndependencies = [\n "crate-{i // 2}",\n "serde",\n]\n'
        )
    return "".join(parts).encode()


def make_counting(env, path: Path, size):
    """A base commit, then one commit per input that once made commit-size slow or blind, each
    on its own branch with a Progress entry so that only commit-size judges it."""
    log("generating the commit-size inputs")
    env.git(path.parent, "init", "-q", path.name)
    stream = Stream()
    lines, swapped = size["table_lines"], size["swapped_files"]
    base = {
        "specs/f.md": stream.blob(spec_text("f")),
        "plans/f-execplan.md": stream.blob(plan_text("f", ["Plan written."])),
        "data/table.txt": stream.blob(table_text(lines, "a")),
        "data/repetitive.c": stream.blob(repetitive_text(lines)),
    }
    for i in range(swapped):
        base[f"src/old/m{i}.rs"] = stream.blob(small_module("OLD", i))
    root = stream.commit("refs/heads/main", "Set up the base", base)
    plan = stream.blob(plan_text("f", ["Plan written.", "Did the work."]))

    def case(branch, files, deletes=()):
        stream.commit(f"refs/heads/{branch}", f"Work on {branch}", {"plans/f-execplan.md": plan, **files},
                      parent=root, deletes=deletes)

    case("rewrite", {"data/table.txt": stream.blob(table_text(lines, "b"))})
    case("swap", {f"src/new/m{i}.rs": stream.blob(small_module("NEW", i)) for i in range(swapped)},
         deletes=[f"src/old/m{i}.rs" for i in range(swapped)])
    long_line = "".join(f"{i:09d}," for i in range(size["long_line_bytes"] // 10))
    case("long-line", {"src/table.js": stream.blob(f"export const T = [{long_line}];\n".encode())})
    body = bytearray(code_text("generated", size["nul_lines"]))
    body[len(body) // 2] = 0
    case("nul", {"src/generated.rs": stream.blob(bytes(body))})
    moved = repetitive_text(lines).splitlines(keepends=True)
    moved = moved[100:lines // 2] + moved[:100] + moved[lines // 2:]
    case("moved", {"data/repetitive.c": stream.blob(b"".join(moved))})
    case("lockfile", {"Cargo.lock": stream.blob(cargo_lock_text(size["lock_packages"]))})

    # The same table under a config that allows a million changed lines.
    legal = stream.commit("refs/heads/legal-base", "Raise the line limit",
                          {".execguard.toml": stream.blob(RAISED_LIMITS)}, parent=root)
    table = table_text(lines, "a").splitlines(keepends=True)
    reordered = list(table)
    random.Random(12).shuffle(reordered)
    half = [line if i % 2 else b"c" + line[1:] for i, line in enumerate(table)]
    for branch, data in (("legal-rewrite", table_text(lines, "b")), ("legal-reorder", b"".join(reordered)),
                         ("legal-half", b"".join(half))):
        stream.commit(f"refs/heads/{branch}", f"Work on {branch}",
                      {"plans/f-execplan.md": plan, "data/table.txt": stream.blob(data)}, parent=legal)
    env.run(["git", "fast-import", "--quiet"], path, stdin=stream.bytes())
    return path


# ---------------------------------------------------------------------------------------------


def build(bin_dir_arg):
    if bin_dir_arg:
        return Path(bin_dir_arg).resolve()
    log("building execguard (cargo build --release)")
    subprocess.run(["cargo", "build", "--release", "--quiet", "-p", "execguard"], cwd=ROOT, check=True)
    return ROOT / "target" / "release"


def install_managers(work: Path):
    """pre-commit, prek and lefthook from PyPI, in a virtual environment of the benchmark's own."""
    venv = work / "managers"
    if not (venv / "bin" / "pre-commit").exists():
        log("installing pre-commit, prek and lefthook from PyPI")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
             "pre-commit", "prek", "lefthook"],
            check=True,
        )
    return venv / "bin"


def tool_version(env, args, cwd):
    result = env.run(args, cwd, check=False)
    return (result.stdout or result.stderr).decode(errors="replace").strip().splitlines()[0]


class Bench:
    """One benchmark run: the environment, the binaries, the repositories and the rows."""

    def __init__(self, args, work, bin_dir, tools_bin):
        self.args = args
        self.size = SIZES["small" if args.small else "full"]
        self.work = work
        self.bin_dir = bin_dir
        self.tools_bin = tools_bin
        self.env = Env(work, bin_dir, tools_bin)
        self.eg = str(bin_dir / "execguard")
        self.rows = []
        self.manager_rows = []

    def row(self, name, figure, baseline_name, baseline, target, command, memory=None, ratio=None,
            cpu=None, added=None):
        self.rows.append(dict(name=name, figure=figure, baseline_name=baseline_name,
                              baseline=baseline, target=target, command=command, memory=memory,
                              ratio=ratio, cpu=cpu, added=added))

    def wide(self):
        path = self.work / "wide"
        if not path.exists():
            make_wide(self.env, path, self.size["wide_files"], self.size["per_dir"])
        return path

    def deep(self):
        path = self.work / "deep"
        if not path.exists():
            make_deep(self.env, path, self.size["deep_commits"])
        root = self.env.git(path, "rev-list", "--max-parents=0", "main").stdout.decode().split()[0]
        return path, root

    def pre_commit(self):
        """The pre-commit check on every index layout against `git diff --cached --numstat`."""
        wide, env, runs = self.wide(), self.env, self.args.runs
        log("measuring the pre-commit check")
        self.pre_commit_row("pre-commit check, wide repository", wide)
        size = shapes.LAYOUT_SIZES["small" if self.args.small else "full"]
        for name, *_ in shapes.LAYOUTS:
            path, label = shapes.layout(env, self.work, name, size)
            log(f"measuring the pre-commit check: {label}")
            self.pre_commit_row(f"pre-commit check, {label}", path)
        del runs

    def pre_commit_row(self, name, path):
        env, runs = self.env, self.args.runs
        hook = [str(self.bin_dir / "execguard"), "hook", "pre-commit"]
        ours, floor = measure_pair(env, hook, ["git", "diff", "--cached", "--numstat"], path, runs,
                                   expect=None)
        memory = peak_rss(env, hook, path)
        self.row(name, ours, "git diff --cached --numstat", floor, f"≤ {TARGETS['pre-commit']}×",
                 "execguard hook pre-commit", memory)

    def range(self):
        """A range check over every history shape against `git log --numstat --first-parent`,
        in wall time and CPU time, and once more with one core busy."""
        (deep, root), env = self.deep(), self.env
        count = int(env.git(deep, "rev-list", "--count", f"{root}..main").stdout)
        log(f"measuring the range check ({count} commits)")
        self.range_row(f"range check, {count:,} commits", deep, root)
        size = shapes.HISTORY_SIZES["small" if self.args.small else "full"]
        for name, _ in shapes.HISTORIES:
            path, first, label = shapes.history(env, self.work, name, size)
            log(f"measuring the range check: {label}")
            self.range_row(f"range check, {label}", path, first)
        # Pull-request-sized ranges: the last commits of a long history, where the fixed costs
        # of a run (process, repository handles, pack indexes, config) weigh most.
        for name in ("tiny", "real"):
            path, _, label = shapes.history(env, self.work, name, size)
            for commits in PULL_REQUEST_COMMITS:
                log(f"measuring the range check: the last {commits} of {label}")
                self.range_row(f"range check, last {commits} of {label}", path, f"main~{commits}")
        rewrite_size = rewrites.SIZES["small" if self.args.small else "full"]
        for kind, label in rewrites.KINDS:
            path = self.work / f"history-rewrite-{kind}"
            if not path.exists():
                log(f"generating the {kind} plan history")
                rewrites.make_rewrite_history(env, path, kind, rewrite_size)
            first = env.git(path, "rev-list", "--max-parents=0", "main").stdout.decode().split()[0]
            label = label.format(**rewrite_size)
            log(f"measuring the range check: {label}")
            self.range_row(f"range check, {label}", path, first)
        path, first, label = shapes.history(env, self.work, "tiny", size)
        if (os.cpu_count() or 1) > 1:
            log(f"measuring the range check with one core busy: {label}")
            with shapes.BusyCore():
                self.range_row(f"range check, {label}, one core busy", path, first)

    def merges(self):
        """The range check on a merge-heavy history of git.git's shape (see bench/topics.py):
        every commit judged, each merge against the clean re-merge of its parents, against
        `git log --first-parent --remerge-diff --numstat` (git re-merging every merge of the
        first-parent line) and `git log --numstat` (every commit); and `--first-parent`, each
        merge by its whole change, against `git log --first-parent --numstat`."""
        env, runs = self.env, self.args.runs
        size = topics.SIZES["small" if self.args.small else "full"]
        path = self.work / "history-topics"
        if not path.exists():
            log("generating the merge-heavy history")
            topics.make_topics_history(env, path, size)
        self.merge_rows(path, size["topic_merges"], f"{size['topic_files']:,}-file tree")

    def merge_rows(self, path, merges, what):
        """The rows of `merges`, over the last `merges` first-parent merges of `path`'s HEAD."""
        env, runs = self.env, self.args.runs
        listed = env.git(path, "rev-list", "--first-parent", "--merges", f"--max-count={merges + 1}",
                         "HEAD").stdout.decode().split()
        base, tip = listed[-1], env.git(path, "rev-parse", "HEAD").stdout.decode().strip()
        count = int(env.git(path, "rev-list", "--count", f"{base}..{tip}").stdout)
        span = f"{base}..{tip}"
        label = f"last {len(listed) - 1:,} first-parent merges of {what} ({count:,} commits)"
        log(f"measuring the range check on merges: {label}")
        command = [self.eg, "check", "--range", span]
        cpu = []
        ours, floor = measure_pair(env, command,
                                   ["git", "log", "--first-parent", "--remerge-diff", "--numstat", span],
                                   path, runs, expect=None, cpu=cpu)
        memory = peak_rss(env, command, path)
        shown = f"execguard check --range {base[:7]}..{tip[:7]}"
        self.row(f"merge range check, {label}", ours, "git log --first-parent --remerge-diff --numstat",
                 floor, f"≤ {TARGETS['merges']}×", shown, memory, ratio=TARGETS["merges"],
                 cpu=tuple(cpu))
        cpu = []
        ours, floor = measure_pair(env, command, ["git", "log", "--numstat", span], path, runs,
                                   expect=None, cpu=cpu)
        self.row(f"merge range check, {label}", ours, "git log --numstat", floor, "—", shown, memory,
                 cpu=tuple(cpu))
        command = [self.eg, "check", "--first-parent", "--range", span]
        cpu = []
        ours, floor = measure_pair(env, command, ["git", "log", "--first-parent", "--numstat", span],
                                   path, runs, expect=None, cpu=cpu)
        memory = peak_rss(env, command, path)
        self.row(f"merge range check --first-parent, {label}", ours, "git log --first-parent --numstat",
                 floor, f"≤ {TARGETS['range']}×", f"execguard check --first-parent --range {base[:7]}..{tip[:7]}",
                 memory, ratio=TARGETS["range"], cpu=tuple(cpu))

    def range_row(self, name, path, root, tip="main"):
        env, runs = self.env, self.args.runs
        command = [self.eg, "check", "--range", f"{root}..{tip}"]
        cpu = []
        ours, floor = measure_pair(env, command,
                                   ["git", "log", "--numstat", "--first-parent", f"{root}..{tip}"],
                                   path, runs, expect=None, cpu=cpu)
        memory = peak_rss(env, command, path)
        self.row(name, ours, "git log --numstat --first-parent", floor,
                 f"≤ {TARGETS['range']}× (CPU ≤ {TARGETS['range-cpu']}×)",
                 f"execguard check --range {short(root)}..{tip}", memory, cpu=tuple(cpu))

    def push(self):
        """A push of N commits to a bare repository, with and without the pre-receive hook."""
        (deep, root), env, runs = self.deep(), self.env, self.args.runs
        first_parent = env.git(deep, "rev-list", "--reverse", "--first-parent", "main").stdout.decode().split()
        tip = first_parent[min(self.size["push_commits"], len(first_parent) - 1)]
        count = int(env.git(deep, "rev-list", "--count", f"{root}..{tip}").stdout)
        servers = self.work / "servers"
        server = servers / "server.git"

        def fresh_server(hooked):
            def prepare():
                if servers.exists():
                    shutil.rmtree(servers)
                servers.mkdir()
                env.git(servers, "init", "-q", "--bare", "server.git")
                # The server already has the human's set-up commit; the push adds the EXEC work.
                env.git(deep, "push", "-q", f"file://{server}", f"{root}:refs/heads/main")
                if hooked:
                    env.run([self.eg, "install", "--server"], server)
            return prepare

        log(f"measuring a push of {count:,} commits")
        push = ["git", "push", "-q", f"file://{server}", f"{tip}:refs/heads/main"]
        with_hook, _ = measure(env, push, deep, runs, before=fresh_server(True))
        without, _ = measure(env, push, deep, runs, before=fresh_server(False))
        # The hook's own memory, run as git runs it, on a server that has the objects but no ref.
        fresh_server(False)()
        env.git(deep, "push", "-q", f"file://{server}", f"{tip}:refs/heads/tmp")
        env.git(server, "update-ref", "-d", "refs/heads/tmp")
        memory = peak_rss(env, [str(self.bin_dir / "execguard"), "hook", "pre-receive"], server,
                          stdin=f"{root} {tip} refs/heads/main\n".encode())
        self.row(f"push of {count:,} commits with pre-receive", with_hook, "the same push without the hook",
                 without, f"< {TARGETS['pre-receive-added-seconds']:.0f} s added",
                 "git push file://…/server.git <tip>:refs/heads/main", memory)
        self.push_many_refs(deep, first_parent)

    def push_many_refs(self, deep, first_parent):
        """A push of N commits to four branches of a server holding many tags and forge refs,
        with and without the pre-receive hook."""
        env, runs = self.env, self.args.runs
        size = shapes.HISTORY_SIZES["small" if self.args.small else "full"]
        base = first_parent[size["refs_base"]]
        step = size["refs_push"] // 4
        tips = [first_parent[size["refs_base"] + step * k] for k in (1, 2, 3, 4)]
        branches = ["refs/heads/main"] + [f"refs/heads/release/{k}" for k in (1, 2, 3)]
        targets = dict(zip(branches, [tips[3], tips[0], tips[1], tips[2]]))
        server = self.work / "refs-server" / "server.git"
        if not server.exists():
            log(f"generating a server with {size['refs']:,} refs")
            server.parent.mkdir(parents=True, exist_ok=True)
            env.git(server.parent, "init", "-q", "--bare", "server.git")
            env.git(deep, "push", "-q", f"file://{server}", f"{base}:refs/heads/main")
            shapes.add_refs(env, server, first_parent[:size["refs_base"] + 1], size["refs"])
            env.run([self.eg, "install", "--server"], server)
        hook = server / "hooks" / "pre-receive"
        parked = server / "hooks" / "pre-receive.parked"
        count = int(env.git(deep, "rev-list", "--count", f"{base}..{tips[3]}").stdout)

        def reset():
            lines = f"update refs/heads/main {base}\n" + "".join(
                f"delete {name}\n" for name in branches[1:])
            env.run(["git", "update-ref", "--stdin"], server, stdin=lines.encode())

        for pushed in ({branches[0]: targets[branches[0]]}, targets):
            # A commit is judged once per branch that receives it.
            judged = sum(int(env.git(deep, "rev-list", "--count", f"{base}..{tip}").stdout)
                         for tip in pushed.values())
            push = ["git", "push", "-q", f"file://{server}", *[f"{tip}:{name}" for name, tip in pushed.items()]]
            where = "main" if len(pushed) == 1 else f"{len(pushed)} branches ({judged:,} judged)"
            log(f"measuring a push of {count:,} commits to {where}, {size['refs']:,} refs")
            with_hook, _ = measure(env, push, deep, runs, before=reset)
            hook.rename(parked)
            try:
                without, _ = measure(env, push, deep, runs, before=reset)
            finally:
                parked.rename(hook)
            reset()
            stdin = "".join(f"{base if name.endswith('/main') else '0' * 40} {tip} {name}\n"
                            for name, tip in pushed.items()).encode()
            memory = peak_rss(env, [str(self.bin_dir / "execguard"), "hook", "pre-receive"], server, stdin=stdin)
            # The target counts the commits pushed, however many branches receive them.
            allowed = TARGETS["pre-receive-added-seconds"] * max(1.0, count / 1000)
            self.row(f"push of {count:,} commits to {where}, {size['refs']:,} refs",
                     with_hook, "the same push without the hook", without,
                     f"< {allowed:.1f} s added",
                     "git push file://…/server.git " + ("<tip>:refs/heads/main" if len(pushed) == 1
                                                       else "<tips>:<4 branches>"),
                     memory, added=allowed)

    def counting(self):
        """commit-size on the inputs that once hung it or hid lines from it: `execguard check
        --commit` (the pre-receive path) against `git diff --numstat` on the same commit."""
        env, runs, size = self.env, self.args.runs, self.size
        path = self.work / "counting"
        if not path.exists():
            make_counting(env, path, size)
        names = dict(size, long_line_kb=size["long_line_bytes"] // 1000,
                     lock_kb=len(cargo_lock_text(size["lock_packages"])) // 1000)
        for branch, what, expect in COUNTING_CASES:
            label = what.format(**names)
            log(f"measuring commit-size: {label}")
            command = [self.eg, "check", "--commit", branch]
            ours, floor = measure_pair(env, command, ["git", "diff", "--numstat", f"{branch}^", branch],
                                       path, runs, expect=None)
            code, stderr, _ = spawn(env, command, path)
            if code != expect or (expect == 1 and b"error[commit-size]" not in stderr):
                raise SystemExit(f"bench: {' '.join(command)} exited {code}, expected {expect}:\n"
                                 f"{stderr.decode(errors='replace')[-2000:]}")
            memory = peak_rss(env, command, path)
            self.row(f"commit-size: {label}", ours, "git diff --numstat", floor,
                     f"≤ {TARGETS['counting']:.0f}×", f"execguard check --commit {branch}", memory,
                     ratio=TARGETS["counting"])

    def agent_hook(self):
        """`execguard agent-hook` answering an allowed PreToolUse event in the wide repository (it
        reads HEAD's entries for the paths involved only), against `git rev-parse`."""
        wide, env, runs = self.wide(), self.env, self.args.runs
        events = [
            ("Write of a code file", "Write", {"file_path": "src/a0/b0/m0.rs", "content": "x"}),
            ("Bash build and test", "Bash", {"command": "cargo build && cargo test -q 2>&1 | tail -5"}),
            ("Bash here-document commit", "Bash",
             {"command": "git add -A && git commit -m \"$(cat <<'EOF'\nAdd logout (closes #12)\n\nIt's small.\nEOF\n)\""}),
            ("Edit of a design note", "Edit", {"file_path": "designs/f1-notes.md", "old_string": "a",
                                               "new_string": "b"}),
        ]
        for label, tool, tool_input in events:
            log(f"measuring agent-hook: {label}")
            event = json.dumps({"hook_event_name": "PreToolUse", "cwd": str(wide), "tool_name": tool,
                                "tool_input": tool_input}).encode()
            command = [self.eg, "agent-hook"]
            ours, floor = measure_pair(env, command, ["git", "rev-parse", "--show-toplevel"], wide, runs,
                                       stdin=event)
            memory = peak_rss(env, command, wide, stdin=event)
            self.row(f"agent-hook allows: {label}", ours, "git rev-parse --show-toplevel", floor,
                     f"≤ {TARGETS['agent-hook']:.0f}×", f"execguard agent-hook < {tool} event", memory,
                     ratio=TARGETS["agent-hook"])

    def own_repository(self, path, commits):
        """The range check over the last `commits` first-parent commits of `path`, and the
        pre-commit check on its index as it stands. Nothing is written to the repository."""
        env = self.env
        listed = env.git(path, "rev-list", "--first-parent", f"--max-count={commits + 1}", "HEAD")
        first_parent = listed.stdout.decode().split()
        if len(first_parent) < 2:
            raise SystemExit(f"bench: {path} has fewer than two commits on HEAD's first-parent line")
        base = first_parent[-1]
        count = int(env.git(path, "rev-list", "--count", f"{base}..HEAD").stdout)
        log(f"measuring the range check on {path} ({count} commits)")
        self.range_row(f"range check, {path.name}, {count:,} commits", path, base, "HEAD")
        log(f"measuring the pre-commit check on {path}")
        self.pre_commit_row(f"pre-commit check, {path.name}", path)
        if self.args.repo_merges:
            self.merge_rows(path, self.args.repo_merges, path.name)

    def managers(self):
        """A commit through each hook manager, refusing changes to backend/PLANS.md, against the
        same commit through execguard's hooks."""
        wide, env, runs, tools = self.wide(), self.env, self.args.runs, self.tools_bin

        def undo():
            env.git(wide, "reset", "-q", "--soft", "HEAD~1")

        def install(kind):
            hooks = wide / ".git" / "hooks"
            for name in ("pre-commit", "commit-msg", "pre-push"):
                for suffix in ("", ".execguard-chained", ".legacy"):
                    (hooks / f"{name}{suffix}").unlink(missing_ok=True)
            if kind == "execguard":
                env.run([self.eg, "install"], wide)
            elif kind != "none":
                env.run([str(tools / kind), "install", "-f"], wide)

        commit = ["git", "commit", "-q", "-m", "Add the helpers"]
        install("none")
        floor, _ = measure(env, commit + ["--no-verify"], wide, runs, after=undo)
        for kind in ("execguard", "pre-commit", "prek", "lefthook"):
            log(f"measuring a commit through {kind}")
            install(kind)
            label = kind
            if kind != "execguard":
                label = f"{kind} ({tool_version(env, [str(tools / kind), '--version'], wide)})"
            seconds, _ = measure(env, commit, wide, runs, after=undo)
            self.manager_rows.append((kind, seconds))
            self.row(f"commit through {label}", seconds, "git commit --no-verify", floor,
                     "slower than execguard" if kind != "execguard" else "fastest of the four",
                     "git commit -m …")
        install("none")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"))
    parser.add_argument("--work")
    parser.add_argument("--bin-dir")
    parser.add_argument("--skip-managers", action="store_true")
    parser.add_argument("--repo", help="measure the range check and the pre-commit check on this local "
                        "repository instead of the generated ones (nothing in it is written)")
    parser.add_argument("--repo-commits", type=int, default=500,
                        help="with --repo: how many first-parent commits the range check covers")
    parser.add_argument("--repo-merges", type=int, default=0,
                        help="with --repo: also check the range of this many last first-parent "
                        "merges against git's --remerge-diff")
    parser.add_argument("--only", choices=["pre-commit", "range", "merges", "push", "counting",
                                           "agent-hook", "managers"],
                        help="measure one part only (for profiling); no table is written")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5")
    if args.only or args.repo:
        args.out = "-"

    work_owner = None
    if args.work:
        work = Path(args.work).resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work_owner = tempfile.TemporaryDirectory(prefix="execguard-bench-")
        work = Path(work_owner.name)
    started = time.time()
    bin_dir = build(args.bin_dir)
    with_managers = not args.skip_managers and args.only in (None, "managers") and not args.repo
    tools_bin = install_managers(work) if with_managers else work / "managers" / "bin"
    bench = Bench(args, work, bin_dir, tools_bin)
    if args.repo:
        bench.own_repository(Path(args.repo).resolve(), args.repo_commits)
    else:
        for part in ("pre-commit", "range", "merges", "push", "counting", "agent-hook", "managers"):
            if args.only in (None, part) and (part != "managers" or with_managers):
                getattr(bench, part.replace("-", "_"))()

    mode = "repo" if args.repo else "small" if args.small else "full"
    text = render(bench.rows, mode, bench.size, args.runs,
                  time.time() - started, bench.manager_rows)
    if args.out != "-":
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
        log(f"wrote {args.out}")
    print(text)
    for failure in check_targets(bench.rows, bench.manager_rows):
        log(f"target missed: {failure}")
    if work_owner:
        work_owner.cleanup()
    return 0


def check_targets(rows, manager_rows):
    failures = []
    by_name = {r["name"].split(",")[0]: r for r in rows}
    for r in rows:
        if r["name"].startswith("pre-commit check") and r["figure"] > TARGETS["pre-commit"] * r["baseline"]:
            failures.append(f"{r['name']}: {r['figure'] / r['baseline']:.2f}× git")
        if r["name"].startswith("range check") and r["figure"] > TARGETS["range"] * r["baseline"]:
            failures.append(f"{r['name']}: {r['figure'] / r['baseline']:.2f}× git")
        if (r["name"].startswith("range check") and r.get("cpu") and r["cpu"][1]
                and r["cpu"][0] > TARGETS["range-cpu"] * r["cpu"][1]):
            failures.append(f"{r['name']}: {r['cpu'][0] / r['cpu'][1]:.2f}× git's CPU time")
        allowed = r.get("added") or TARGETS["pre-receive-added-seconds"]
        if r["name"].startswith("push") and r["figure"] - r["baseline"] > allowed:
            failures.append(f"{r['name']}: {r['figure'] - r['baseline']:.2f} s added")
        if r.get("ratio") and r["figure"] > r["ratio"] * r["baseline"]:
            failures.append(f"{r['name']}: {r['figure'] / r['baseline']:.2f}× git")
        if r["memory"] is not None and r["memory"] > TARGETS["memory-mib"]:
            failures.append(f"{r['name']}: {r['memory']:.1f} MiB peak")
    if manager_rows:
        ours = dict(manager_rows)["execguard"]
        for kind, seconds in manager_rows:
            if kind != "execguard" and seconds <= ours:
                failures.append(f"{kind} commit ({seconds * 1000:.0f} ms) is not slower than execguard's ({ours * 1000:.0f} ms)")
    del by_name
    return failures


def render(rows, mode, size, runs, elapsed, manager_rows):
    cores = os.cpu_count()
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    lines = [
        "# Benchmarks",
        "",
        (f"Mode: **{mode}** (every shape; {size['wide_files']:,}-file wide repository, "
         f"{size['deep_commits']:,}-commit deep repository, {size['push_commits']:,}-commit push)"
         if mode != "repo" else "Mode: **your repository** (`--repo`)") +
        f". Machine: {cores} cores, {memory} memory, "
        f"{platform.system()} {platform.machine()}, {git_version}. Each figure is the median of {runs} runs "
        f"after a warm-up, measured in the same run as its baseline. The whole run took {elapsed:.0f} s.",
        "",
        "Reproduce: `python3 bench/bench.py" + {"small": " --small", "repo": " --repo PATH"}.get(mode, "") + "`.",
        "",
        "| measurement | execguard | baseline | baseline figure | ratio | target | peak memory | command |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        ratio = r["figure"] / r["baseline"] if r["baseline"] else float("nan")
        added = r["figure"] - r["baseline"]
        ratio_text = f"{ratio:.2f}×" + (f" (+{added * 1000:.0f} ms)" if r["name"].startswith("push") else "")
        if r.get("cpu") and r["cpu"][1]:
            ratio_text += f"; CPU {r['cpu'][0] / r['cpu'][1]:.2f}×"
        mem = f"{r['memory']:.1f} MiB" if r["memory"] is not None else "—"
        lines.append(
            f"| {r['name']} | {r['figure'] * 1000:.1f} ms | {r['baseline_name']} | {r['baseline'] * 1000:.1f} ms "
            f"| {ratio_text} | {r['target']} | {mem} | `{r['command']}` |"
        )
    lines.append("")
    failures = check_targets(rows, manager_rows)
    if failures:
        lines.append("Targets missed in this run:")
        lines.extend(f"- {f}" for f in failures)
    else:
        lines.append("Every target is met in this run.")
    lines.extend([
        "",
        "## Notes",
        "",
        "- The pre-commit check reads the index itself (no checksum pass, no per-path validation),",
        "  skips every directory the index's cache-tree shows unchanged before reading its base tree,",
        "  as `git diff --cached` does, and walks the index and each base tree side by side in their",
        "  common order. A split index is read with its shared index.",
        "- A push is walked once for all its refs, hiding what every ref hides; what one ref hides on",
        "  top of that is subtracted in memory. Tags and forge refs are read only when a pushed ref is",
        "  not a branch; otherwise only `refs/heads/*` is listed. A commit pushed to several branches",
        "  is judged once per branch.",
        "- A range is checked in parallel, one repository handle per worker, each commit against its",
        "  first parent with unchanged subtrees skipped; objects are not re-hashed on read, and each",
        "  worker keeps small blobs and spec listings it has already read. Workers take the commits",
        "  newest first, eight at a time, and share the file versions decoded from the packs.",
        "- Each version of an execplan is read (its outline, its Progress entries) only where it",
        "  differs from the version kept (up to 64 per thread) that shares the most with it, from the",
        "  last block before the change to the first block after it that both versions share.",
        "- Peak memory is bounded by 12 MiB of decoded file versions shared by the workers, libgit2's",
        "  16 MiB of tree delta bases, its pack windows (4 MiB mapped at most) and object cache",
        "  (2 MiB), 2 MiB of cached blobs per worker, and the pages of the pack files, which are given",
        "  back to the page cache every 8 MiB decoded.",
        "- An agent hook event reads HEAD, its ref and the few git config keys it needs from their files",
        "  (libgit2 reads objects only), HEAD's config and the tree entries of the paths the tool call",
        "  names (a design note: its feature's specs too), and nothing else: no index, no diff.",
        "- A commit through execguard runs two hooks (pre-commit and commit-msg), each a full check.",
        "- The commit-size rows are inputs built to make counting slow or blind; each is checked with",
        "  the release build's `execguard check --commit` (what the pre-receive hook runs per commit);",
        "  those not marked under the limits are refused. Lines are counted as the smallest line edit, common head and tail trimmed,",
        "  lines found on one side only counted without search, the rest by a Myers search that stops",
        "  at the limit or, under a raised limit, at a budget of steps proportional to the input, then",
        "  by the longest common subsequence over matching lines (exact), or when lines also repeat a",
        "  lot by an edit anchored on lines found once on each side (never below the minimum): no",
        "  clock, so every machine reaches the same verdict. Renames are searched as",
        "  git searches them (at most 1,000 × 1,000 candidates, sizes within a factor of two, chunk",
        "  hashes compared in linear time).",
        "",
    ])
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
