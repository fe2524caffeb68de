"""Generating repositories through `git fast-import`, so that 100,000 files take seconds."""


class Stream:
    def __init__(self):
        self.parts = []
        self.mark = 0

    def blob(self, data: bytes) -> int:
        self.mark += 1
        self.parts.append(b"blob\nmark :%d\ndata %d\n%s\n" % (self.mark, len(data), data))
        return self.mark

    def commit(self, ref, message, files, parent=None, merge=None, deletes=()):
        """`files`: path -> blob mark."""
        self.mark += 1
        msg = message.encode()
        out = [b"commit %s\nmark :%d\n" % (ref.encode(), self.mark)]
        # A minute between commits, as in a real history: with one timestamp for all, finding a
        # merge base (git's and libgit2's alike) walks the whole history for every merge.
        when = 1767225600 + 60 * self.mark
        out.append(b"author Bench Agent <bench@example.invalid> %d +0000\n" % when)
        out.append(b"committer Bench Agent <bench@example.invalid> %d +0000\n" % when)
        out.append(b"data %d\n%s\n" % (len(msg), msg))
        if parent is not None:
            out.append(b"from :%d\n" % parent)
        if merge is not None:
            out.append(b"merge :%d\n" % merge)
        for path in deletes:
            out.append(b"D %s\n" % path.encode())
        for path, blob in files.items():
            out.append(b"M 100644 :%d %s\n" % (blob, path.encode()))
        out.append(b"\n")
        self.parts.append(b"".join(out))
        return self.mark

    def bytes(self):
        return b"".join(self.parts)


def spec_text(feature):
    return f"# {feature}\n\nEXEC-READY\n\nThe {feature} feature does what its name says.\n".encode()


def plan_text(feature, entries):
    progress = "".join(f"- [x] (2026-01-01 10:00Z) {e}\n" for e in entries)
    return (
        f"# {feature} execplan\n\nEXECPLAN-READY\n\nSpec: specs/{feature}.md\n\n"
        f"## Progress\n\n{progress}\n## Surprises & Discoveries\n\nNone.\n\n"
        f"## Decision Log\n\n- Keep it simple.\n\n## Outcomes & Retrospective\n\nPending.\n"
    ).encode()


def code_text(name, lines, salt=0):
    body = "".join(
        f"pub fn {name}_{i}(x: u64) -> u64 {{ x.wrapping_mul({i * 31 + salt}) ^ {i} }}\n"
        for i in range(lines)
    )
    return f"//! {name}\n\n{body}".encode()
