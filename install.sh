#!/bin/sh
# Installs the execguard binaries with cargo and, given a repository, its git hooks there.
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

cargo install --locked --quiet --path "$here/crates/execguard"

root=${CARGO_INSTALL_ROOT:-${CARGO_HOME:-$HOME/.cargo}}
execguard="$root/bin/execguard"
if [ ! -x "$execguard" ]; then
    echo "install.sh: cargo did not install $execguard" >&2
    exit 2
fi
echo "install.sh: installed execguard and its hooks (execguard-pre-commit, execguard-commit-msg, execguard-pre-push, execguard-pre-receive) in $root/bin"

if [ $# -ge 1 ]; then
    "$execguard" install --repo "$1"
else
    echo "install.sh: no repository given; run '$execguard install' inside one to guard it."
fi
