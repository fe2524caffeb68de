#!/usr/bin/env bash
# Installs what the end-to-end tests drive besides git and cargo, on Debian or Ubuntu, as root:
# the real hook managers (pre-commit, prek, lefthook, husky), the real servers (gitolite3 behind
# sshd, nginx with fcgiwrap, git daemon), man, sudo, iproute2 and python's jsonschema. It adds no
# account of its own (a package may add its system user, as openssh-server adds `sshd`). Each step
# is skipped when what it installs is already there.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
    echo "tests/prerequisites.sh: run it as root (it installs Debian packages)" >&2
    exit 1
fi

# The man page test renders `execguard man` with the real man.
if ! command -v man >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq man-db >/dev/null
fi

# The real hook managers that tests/managers.rs drives, pinned, from their registries.
if ! command -v npm >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq npm python3-pip >/dev/null
fi
if [ "$(pre-commit --version 2>/dev/null)" != "pre-commit 4.7.0" ] || [ "$(prek --version 2>/dev/null)" != "prek 0.5.11" ]; then
    pip_args=(install --quiet --disable-pip-version-check pre-commit==4.7.0 prek==0.5.11)
    PIP_ROOT_USER_ACTION=ignore python3 -m pip "${pip_args[@]}" \
        || PIP_ROOT_USER_ACTION=ignore python3 -m pip "${pip_args[@]}" --break-system-packages
    # A python3 from pyenv reaches new scripts through shims made by a rehash.
    if command -v pyenv >/dev/null 2>&1; then pyenv rehash; fi
    hash -r
fi
if [ "$(lefthook version 2>/dev/null)" != "2.2.2" ] || ! command -v husky >/dev/null 2>&1; then
    # lefthook's install script installs its hooks into the git repository it is run from:
    # run it from an empty folder, so that this clone's hooks stay as they are.
    (cd "$(mktemp -d)" && npm install --global --silent --no-fund --no-audit lefthook@2.2.2 husky@9.1.7 >/dev/null)
    hash -r
fi
pre-commit --version && prek --version && echo "lefthook $(lefthook version)"

# The real-server tests (tests/real_servers.rs) run gitolite behind sshd, nginx with fcgiwrap and
# `git http-backend`, and `git daemon` on 127.0.0.1, as the user who runs the tests (run as root,
# they drop to `nobody` where the server can): no account of their own.
# The tests start their own servers from their temporary folders; the packages' system services
# (sshd on :22, nginx on :80, fcgiwrap's socket) are neither started nor left enabled: a policy
# forbids starting them while the packages install, and the units the packages enabled are
# disabled again. Packages that were installed before are left as they were.
if ! command -v gitolite >/dev/null || [ ! -x /usr/sbin/sshd ] || [ ! -x /usr/sbin/nginx ] \
    || [ ! -x /usr/sbin/fcgiwrap ]; then
    export DEBIAN_FRONTEND=noninteractive
    new_packages=()
    for package in gitolite3 openssh-server openssh-client nginx fcgiwrap; do
        dpkg -s "$package" >/dev/null 2>&1 || new_packages+=("$package")
    done
    policy=/usr/sbin/policy-rc.d
    own_policy=
    if [ ! -e "$policy" ]; then
        printf '#!/bin/sh\n# tests/prerequisites.sh: no service starts while it installs packages\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        own_policy=1
        trap 'rm -f "$policy"' EXIT
    fi
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${new_packages[@]}" >/dev/null
    if [ -n "$own_policy" ]; then rm -f "$policy"; trap - EXIT; fi
    for package in "${new_packages[@]}"; do
        case "$package" in
            openssh-server) units="ssh.service ssh.socket" ;;
            nginx) units="nginx.service" ;;
            fcgiwrap) units="fcgiwrap.service fcgiwrap.socket" ;;
            *) units="" ;;
        esac
        for unit in $units; do
            if command -v deb-systemd-helper >/dev/null 2>&1; then
                deb-systemd-helper --quiet disable "$unit" >/dev/null 2>&1 || true
            fi
        done
    done
fi
# The config schema tests validate TOML against `execguard config --schema` with python's jsonschema.
if ! python3 -c 'import jsonschema' 2>/dev/null; then
    # The python3 on PATH may not be Debian's: install for the one the tests run.
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check jsonschema \
        || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
            --break-system-packages jsonschema
fi
python3 -c 'import jsonschema, tomllib'
# The CI integration tests read action.yml and the GitLab template with PyYAML (pre-commit brings
# it; installed here when it did not).
if ! python3 -c 'import yaml' 2>/dev/null; then
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check pyyaml \
        || PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet --disable-pip-version-check \
            --break-system-packages pyyaml
fi
python3 -c 'import yaml'
# .ci/run notes the listening ports with `ss` before and after the tests (package iproute2).
if ! command -v ss >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iproute2 >/dev/null
fi
# The server-install tests run `sudo -u nobody` as their message tells an admin to.
if ! command -v sudo >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sudo >/dev/null
fi
# `execguard run` is tested through bubblewrap as well as through its own namespaces, against
# archives (zip, unzip) and interpreters (perl, node).
if ! command -v bwrap >/dev/null 2>&1 || ! command -v zip >/dev/null 2>&1 \
    || ! command -v unzip >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bubblewrap zip unzip >/dev/null
fi
bwrap --version
# `execguard status --format html` is rendered in a real headless browser.
if ! command -v chromium >/dev/null 2>&1; then
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
chromium --version
