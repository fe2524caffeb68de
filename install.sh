#!/bin/sh
# Builds and installs the execguard binaries from this source tree with cargo and, given a
# repository, installs its git hooks there.
#
#   ./install.sh [path/to/repository]
#
# The binaries go where `cargo install` puts them ($CARGO_INSTALL_ROOT, else $CARGO_HOME/bin, else
# ~/.cargo/bin). The hooks use the embedded default rules until the repository commits a
# `.execguard.toml` of its own (`execguard init` writes the documented default).
set -eu

here=$(cd -- "$(dirname -- "$0")" && pwd)

if ! command -v cargo >/dev/null 2>&1; then
    echo "install.sh: cargo is not on PATH; install Rust (https://rustup.rs) first." >&2
    exit 2
fi
if ! command -v git >/dev/null 2>&1; then
    echo "install.sh: git is not on PATH." >&2
    exit 2
fi

# execguard links libgit2, which cargo compiles from C source: that needs a C compiler.
compiler=
for candidate in "${CC:-}" cc gcc clang; do
    if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1; then
        compiler=$candidate
        break
    fi
done
if [ -z "$compiler" ]; then
    echo "install.sh: no C compiler found (looked for \$CC, cc, gcc and clang). Building execguard compiles libgit2, which is written in C, so one is needed: install one (Debian and Ubuntu: the build-essential package; Fedora: gcc; Alpine: build-base; macOS: the Xcode command line tools), then run ./install.sh again." >&2
    exit 2
fi

echo "install.sh: building execguard in release mode with cargo; compiling libgit2 (with $compiler) and the rest takes a few minutes." >&2
cargo install --locked --path "$here/crates/execguard"

root=${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}
bin="$root/bin"
execguard="$bin/execguard"
if [ ! -x "$execguard" ]; then
    echo "install.sh: cargo did not install $execguard" >&2
    exit 2
fi
echo "install.sh: installed execguard in $bin (one binary runs every hook as 'execguard hook <name>'; execguard-pre-commit, execguard-commit-msg, execguard-pre-push and execguard-pre-receive are aliases kept for hooks installed before)"

case ":${PATH:-}:" in
    *":$bin:"* | *":$bin/:"*) ;;
    *)
        echo "install.sh: warning: $bin is not on PATH. The hooks find the binaries by their full path, but to run \`execguard\` yourself add this line to your shell's profile (~/.profile, ~/.bashrc or ~/.zshrc) and open a new shell:" >&2
        echo "  export PATH=\"$bin:\$PATH\"" >&2
        ;;
esac

if [ $# -ge 1 ]; then
    "$execguard" install --repo "$1"
else
    echo "install.sh: no repository given; run '$execguard install' inside one to guard it."
fi
