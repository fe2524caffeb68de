#!/usr/bin/env bash
# Validates `execguard check --format sarif` against the official SARIF 2.1.0 JSON schema (as
# shipped in Microsoft's SARIF multitool npm package), on a history with violations and overrides.
#
#   tests/sarif-schema.sh path/to/execguard
set -euo pipefail
execguard=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm install --silent --no-audit --no-fund @microsoft/sarif-multitool-linux@5.7.0 >/dev/null)
schema="$work/node_modules/@microsoft/sarif-multitool-linux/sarif-2.1.0.json"
python3 -c 'import jsonschema' 2>/dev/null || python3 -m pip install --quiet jsonschema

repo="$work/repo"
git init -q -b main "$repo"
cd "$repo"
git config user.name ci
git config user.email ci@example.invalid
mkdir -p specs backend
printf '# Login\n\nEXEC-READY\n' > specs/login.md
git add -A && git commit -q -m "Spec"
base=$(git rev-parse HEAD)
echo "edit" >> specs/login.md
git commit -q -am "Edit the frozen spec"
echo "rules" > backend/PLANS.md
git add -A && git commit -q -m "Touch the rules" -m "Execguard-Override: protected-path: approved by a human"
git commit -q --allow-empty -m "$(printf 'x%.0s' $(seq 1 90))"

# In CI an override counts only for a pusher the config lists.
printf '[server]\noverride-users = ["ci"]\n' > "$work/ci.toml"
status=0
"$execguard" check --range "$base..HEAD" --config "$work/ci.toml" --pusher ci --format sarif \
    > "$work/out.sarif" || status=$?
[ "$status" -eq 1 ] || { echo "expected exit 1 from check, got $status" >&2; exit 1; }

validate() {
    python3 - "$schema" "$1" "$2" "$3" <<'PY'
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
document = json.load(open(sys.argv[2]))
expected_rules = sys.argv[3].split(",")
expected_suppressed = int(sys.argv[4])
validator = jsonschema.validators.validator_for(schema)(schema)
errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
for error in errors:
    print(f"SARIF schema error at {list(error.path)}: {error.message}", file=sys.stderr)
results = document["runs"][0]["results"]
rules = sorted({r["ruleId"] for r in results})
if errors or rules != expected_rules:
    print(f"rules in results: {rules}", file=sys.stderr)
    sys.exit(1)
suppressed = [r for r in results if r.get("suppressions")]
if len(suppressed) != expected_suppressed:
    print(f"expected {expected_suppressed} suppressed result(s) (overrides)", file=sys.stderr)
    sys.exit(1)
print(f"SARIF output validates against the 2.1.0 schema ({len(results)} results)")
PY
}

validate "$work/out.sarif" commit-message,frozen-spec,protected-path 1

# A staged change whose Progress entry may still come later in the push (`within = "push"`) is
# deferred: a warning-level result, and the check passes.
printf '[rules.progress-update]\nwithin = "push"\n' > .execguard.toml
git add -A && git commit -q -m "Configure execguard"
mkdir -p src && echo "pub fn login() {}" > src/auth.rs
git add -A
status=0
"$execguard" check --format sarif > "$work/deferred.sarif" || status=$?
[ "$status" -eq 0 ] || { echo "expected exit 0 from the deferred check, got $status" >&2; exit 1; }
validate "$work/deferred.sarif" progress-update 0
python3 - "$work/deferred.sarif" <<'PY'
import json, sys
levels = [r["level"] for r in json.load(open(sys.argv[1]))["runs"][0]["results"]]
if levels != ["warning"]:
    print(f"a deferred finding should be one warning, got {levels}", file=sys.stderr)
    sys.exit(1)
PY
