"""Histories whose execplan is large and rewritten in every commit: a plan of about 0.9 MB (long
prose sections and a Progress list of a few thousand long entries), and commits that each edit a
code file and write the plan anew with one more Progress entry. Two ways of writing it anew:

- `reworded`: every line changes. The prose is written again (other words), and the Progress
  entries, each a few lines long, are wrapped at another width: their visible text stays, the
  lines do not, as when a tool regenerates the plan.
- `reordered`: the same lines in another order. The paragraphs of the prose sections and the
  Progress entries are shuffled, so that every line is still there but hardly one stands next to
  the line it stood next to.

Both are legal: planning documents count toward no size limit, and each commit adds an entry."""

import functools
import random
from pathlib import Path

from gen import Stream, spec_text

SIZES = {
    # commits, Progress entries at the start, paragraphs in each prose section
    "full": dict(rewrite_commits=60, rewrite_entries=2_100, rewrite_paragraphs=450),
    "small": dict(rewrite_commits=20, rewrite_entries=2_100, rewrite_paragraphs=450),
}

KINDS = [
    ("reworded", "{rewrite_commits} commits rewriting a 0.9 MB execplan, every line changed"),
    ("reordered", "{rewrite_commits} commits rewriting a 0.9 MB execplan, lines reordered"),
]

VOCABULARY = ("the plan keeps its living sections current while the agent implements small "
              "reviewable commits and escalates when intent is unclear parser module reports "
              "errors tests cover each case before merging").split()


def words(rng, count):
    return " ".join(rng.choice(VOCABULARY) for _ in range(count))


@functools.lru_cache(maxsize=None)
def entry(number):
    """A long Progress entry: stamp and about 300 bytes of text."""
    rng = random.Random(number)
    stamp = f"2026-{1 + number % 12:02d}-{1 + number % 28:02d} {number % 24:02d}:{number % 60:02d}Z"
    return stamp, f"Step {number}: {words(rng, 45)}."


@functools.lru_cache(maxsize=None)
def wrapped(text, width):
    """`text` in lines of at most `width` characters (a longer word stands alone)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines)


@functools.lru_cache(maxsize=None)
def fixed_prose(paragraphs):
    rng = random.Random(0)
    return tuple(wrapped(words(rng, 70), 72) for _ in range(paragraphs))


def plan(entries, paragraphs, version, kind):
    """The plan's text at `version` (0 is the first), with `entries` Progress entries."""
    if kind == "reworded":
        rng = random.Random(version)
        width = 64 + 5 * (version % 6)
        prose = [words(rng, 70) for _ in range(paragraphs)]
        progress = [f"- [x] ({stamp}) {text}" for stamp, text in map(entry, range(entries))]
        progress = [wrapped(item, width).replace("\n", "\n  ") for item in progress]
        purpose, context = prose[: paragraphs // 2], prose[paragraphs // 2:]
        purpose = [wrapped(p, width) for p in purpose]
        context = [wrapped(p, width) for p in context]
    else:
        # The same paragraphs and items each time, wrapped alike, in an order of the version's.
        prose = list(fixed_prose(paragraphs))
        progress = [wrapped(f"- [x] ({stamp}) {text}", 72).replace("\n", "\n  ")
                    for stamp, text in map(entry, range(entries))]
        order = random.Random(version)
        order.shuffle(prose)
        order.shuffle(progress)
        purpose, context = prose[: paragraphs // 2], prose[paragraphs // 2:]
    return ("# rewrite execplan\n\nEXECPLAN-READY\n\nSpec: specs/rewrite.md\n\n"
            "## Purpose / Big Picture\n\n" + "\n\n".join(purpose) + "\n\n"
            "## Progress\n\n" + "\n".join(progress) + "\n\n"
            "## Surprises & Discoveries\n\nNone.\n\n## Decision Log\n\n- Keep it simple.\n\n"
            "## Outcomes & Retrospective\n\nPending.\n\n"
            "## Context and Orientation\n\n" + "\n\n".join(context) + "\n").encode()


def make_rewrite_history(env, path: Path, kind, size):
    """A set-up commit, then `rewrite_commits` commits each editing a code file and writing the
    plan anew (see the module's text) with one more entry."""
    env.git(path.parent, "init", "-q", path.name)
    stream = Stream()
    entries, paragraphs = size["rewrite_entries"], size["rewrite_paragraphs"]
    code = {f"src/m{i}.rs": [f"pub fn m{i}_{j}() -> u64 {{ {j} }}" for j in range(40)]
            for i in range(20)}
    tree = {"specs/rewrite.md": stream.blob(spec_text("rewrite")),
            "plans/rewrite-execplan.md": stream.blob(plan(entries, paragraphs, 0, kind))}
    for name, lines in code.items():
        tree[name] = stream.blob(("\n".join(lines) + "\n").encode())
    head = stream.commit("refs/heads/main", "Set up the feature", tree)
    rng = random.Random(5)
    for number in range(1, size["rewrite_commits"] + 1):
        name = rng.choice(sorted(code))
        lines = code[name]
        lines[rng.randrange(len(lines))] = f"pub fn edited_{number}() -> u64 {{ {number} }}"
        files = {name: stream.blob(("\n".join(lines) + "\n").encode()),
                 "plans/rewrite-execplan.md": stream.blob(plan(entries + number, paragraphs, number,
                                                                kind))}
        head = stream.commit("refs/heads/main", f"Step {number}", files, parent=head)
    env.run(["git", "fast-import", "--quiet"], path, stdin=stream.bytes())
    env.git(path, "symbolic-ref", "HEAD", "refs/heads/main")
    return path
