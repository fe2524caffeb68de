"""A merge-heavy history of the shape of git's own: a tree of about 4,500 files laid out as git.git
lays out its own (most of them under t/ and Documentation/), and a long first-parent chain of
merges of topic branches of one to ten commits each, forked from main anywhere up to 250
first-parent commits back, so that each merge's first parent has changed hundreds of files since
the merge base while the topic changed a few. Topics edit lines, add files, and now and then
rename or delete one; main also gets a direct commit now and then (release notes). Every merge is
clean where git's would be: the merge's files are computed by a three-way merge of lines."""

import bisect
import random
from pathlib import Path

from gen import Stream

# (folder, share of the files): git.git's tree, rounded.
LAYOUT = [("t", 0.56), ("Documentation", 0.22), ("", 0.12), ("builtin", 0.03), ("compat", 0.02),
          ("contrib/completion", 0.01), ("contrib/subtree", 0.01), ("reftable", 0.01),
          ("refs", 0.005), ("xdiff", 0.005), ("t/helper", 0.01)]

TOPIC_LENGTHS = [1] * 5 + [2] * 4 + [3] * 3 + [4] * 2 + [5, 6, 7, 8, 9, 10]

# Sizes per mode: files in the tree, merges before the measured range (so that the first topics
# of the range fork from far back too), merges in the measured range.
SIZES = {
    "full": dict(topic_files=4_500, topic_warmup=250, topic_merges=300),
    "small": dict(topic_files=600, topic_warmup=30, topic_merges=30),
}


def file_lines(rng, path, count):
    return [f"{path}: line {k} {rng.randrange(10 ** 6)} static int value_{k} = compute({k});"
            for k in range(count)]


def merged_lines(base, ours, theirs):
    """Three-way merge of equal-length line lists where every edit replaces lines: each line as
    the side that changed it has it (the topic's where both did, as a resolution would)."""
    return [t if t != b else o for b, o, t in zip(base, ours, theirs)]


class History:
    """Every version of every file on main, by first-parent index, to read a file as a topic's
    fork point had it."""

    def __init__(self):
        self.versions = {}  # path -> ([index], [lines or None])

    def set(self, path, index, lines):
        indexes, contents = self.versions.setdefault(path, ([], []))
        indexes.append(index)
        contents.append(lines)

    def at(self, path, index):
        if path not in self.versions:
            return None
        indexes, contents = self.versions[path]
        at = bisect.bisect_right(indexes, index) - 1
        return contents[at] if at >= 0 else None

    def now(self, path):
        return self.versions[path][1][-1] if path in self.versions else None


def make_topics_history(env, path: Path, size):
    """Generates the history on `main`; returns nothing. `main~{topic_merges}` (first parent)
    starts the measured range."""
    env.git(path.parent, "init", "-q", path.name)
    rng = random.Random(2005)
    stream = Stream()
    history = History()
    paths = []
    total = size["topic_files"]
    for folder, share in LAYOUT:
        for i in range(max(1, round(total * share))):
            name = f"f{i:04d}.{'txt' if folder == 'Documentation' else 'c'}"
            paths.append(f"{folder}/{name}" if folder else name)
    tree = {}
    for relative in paths:
        lines = file_lines(rng, relative, rng.randint(40, 260))
        history.set(relative, 0, lines)
        tree[relative] = stream.blob(("\n".join(lines) + "\n").encode())
    history.set("RelNotes", 0, [f"Release notes line {k}" for k in range(200)])
    tree["RelNotes"] = stream.blob(("\n".join(history.now("RelNotes")) + "\n").encode())
    marks = [stream.commit("refs/heads/main", "Initial import", tree)]
    blob = lambda lines: stream.blob(("\n".join(lines) + "\n").encode())
    merges = size["topic_warmup"] + size["topic_merges"]
    done = 0
    serial = 0
    while done < merges:
        index = len(marks)
        if rng.random() < 0.15:
            # A direct commit on main: the release notes.
            notes = list(history.now("RelNotes"))
            for _ in range(rng.randint(1, 8)):
                notes[rng.randrange(len(notes))] = f"Release notes {index} {rng.randrange(10 ** 6)}"
            history.set("RelNotes", index, notes)
            marks.append(stream.commit("refs/heads/main", f"The batch {index}",
                                       {"RelNotes": blob(notes)}, parent=marks[-1]))
            continue
        fork = index - 1 - rng.randrange(min(index, 250))
        topic = {}  # path -> lines, as the topic has it
        renamed = {}  # new path -> old path
        gone = set()  # paths the topic deleted or renamed away
        tip = marks[fork]
        for step in range(rng.choice(TOPIC_LENGTHS)):
            changes, deletes = {}, []
            for _ in range(rng.randint(1, 4)):
                relative = rng.choice(paths)
                if relative in gone:
                    continue
                lines = topic.get(relative) or history.at(relative, fork)
                # A file main renamed or deleted since the fork is left alone.
                if lines is None or history.now(relative) is None:
                    continue
                lines = list(lines)
                for _ in range(rng.randint(1, 5)):
                    lines[rng.randrange(len(lines))] = f"edited {index}.{step} {rng.randrange(10 ** 6)}"
                roll = rng.random()
                if roll < 0.03 and relative not in renamed and relative in paths:
                    serial += 1
                    folder = relative.rsplit("/", 1)[0] if "/" in relative else ""
                    new = f"{folder}/moved{serial}.c" if folder else f"moved{serial}.c"
                    renamed[new] = relative
                    gone.add(relative)
                    topic.pop(relative, None)
                    deletes.append(relative)
                    relative = new
                elif roll < 0.05 and relative not in renamed:
                    gone.add(relative)
                    topic.pop(relative, None)
                    deletes.append(relative)
                    continue
                topic[relative] = lines
                changes[relative] = blob(lines)
            if rng.random() < 0.1:
                serial += 1
                folder = rng.choice(["t", "Documentation", "builtin"])
                new = f"{folder}/added{serial}.c"
                topic[new] = file_lines(rng, new, rng.randint(20, 120))
                changes[new] = blob(topic[new])
            tip = stream.commit(f"refs/heads/topic{index}", f"Topic {index}, step {step}", changes,
                                parent=tip, deletes=deletes)
        # The merge: main's tree with what the topic did, merged line by line.
        files, deletes = {}, []
        for relative, lines in topic.items():
            source = renamed.get(relative, relative)
            base = history.at(source, fork)
            if base is None:
                result = lines  # added by the topic
            else:
                result = merged_lines(base, history.now(source), lines)
            history.set(relative, index, result)
            files[relative] = blob(result)
        for relative in gone:
            if history.now(relative) is not None:
                history.set(relative, index, None)
                deletes.append(relative)
        for relative in renamed:
            paths.append(relative)
        marks.append(stream.commit("refs/heads/main", f"Merge branch 'topic{index}'", files,
                                   parent=marks[-1], merge=tip, deletes=deletes))
        done += 1
    env.run(["git", "fast-import", "--quiet"], path, stdin=stream.bytes())
    env.git(path, "symbolic-ref", "HEAD", "refs/heads/main")
    # Topic branches are merged: only main is kept, as in a clone.
    refs = env.git(path, "for-each-ref", "--format=%(refname)", "refs/heads/topic*").stdout.decode()
    env.run(["git", "update-ref", "--stdin"], path,
            stdin="".join(f"delete {ref}\n" for ref in refs.split()).encode())
    env.git(path, "repack", "-adq")
