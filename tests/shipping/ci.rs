// The CI integrations that ship with the source: the GitHub Action (`action.yml`) and the GitLab
// CI template. Both parse as YAML, splice no event value into a script, and their scripts, run as
// the runners run them with the variables a pull or merge request sets, produce the reports they
// promise with the check's exit status. (The marketplace steps they use, the cache and the SARIF
// upload, are the forges' own and are not run here.)

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::common::server::*;
use super::common::*;
use serde_json::Value;

/// The top of the source tree, where `action.yml` is.
fn source_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn gitlab_template() -> PathBuf {
    source_root().join("ci/gitlab/execguard.gitlab-ci.yml")
}

/// A YAML file as JSON, read by PyYAML.
fn yaml(path: &Path) -> Value {
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(path)
        .output()
        .expect("python3 runs (PyYAML: the python3-yaml package)");
    assert!(
        out.status.success(),
        "{} parses as YAML: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn action_steps() -> Vec<Value> {
    let action = yaml(&source_root().join("action.yml"));
    assert_eq!(action["runs"]["using"], "composite", "{action:#}");
    action["runs"]["steps"].as_array().unwrap().clone()
}

/// Every GitLab script line of the template's jobs.
fn gitlab_scripts(template: &Value) -> Vec<String> {
    let mut scripts = Vec::new();
    for job in template.as_object().unwrap().values() {
        for key in ["before_script", "script", "after_script"] {
            for line in job[key].as_array().into_iter().flatten() {
                scripts.push(line.as_str().unwrap().to_string());
            }
        }
    }
    scripts
}

#[test]
fn action_and_gitlab_template_splice_no_event_value_into_a_script() {
    let steps = action_steps();
    let scripts: Vec<&str> = steps.iter().filter_map(|s| s["run"].as_str()).collect();
    assert!(scripts.len() >= 3, "{steps:#?}");
    for script in &scripts {
        assert!(
            !script.contains("${{"),
            "a run: script takes every value through env: {script}"
        );
    }
    for step in steps.iter().filter(|s| s["run"].is_string()) {
        assert_eq!(step["shell"], "bash", "a composite step names its shell");
    }
    let template = yaml(&gitlab_template());
    let scripts = gitlab_scripts(&template);
    assert_eq!(scripts.len(), 1, "{template:#}");
    for pusher_controlled in [
        "$CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
        "$CI_COMMIT_BRANCH",
        "$GITLAB_USER_LOGIN",
    ] {
        let line = scripts[0]
            .lines()
            .find(|line| line.contains(pusher_controlled))
            .unwrap_or_else(|| panic!("{pusher_controlled} is used"));
        assert!(
            line.contains(&format!("\"{pusher_controlled}\"")),
            "{pusher_controlled} only inside double quotes: {line}"
        );
    }
    let job = &template["execguard"];
    assert_eq!(job["extends"], ".execguard");
    let hidden = &template[".execguard"];
    assert_eq!(
        hidden["artifacts"]["reports"]["codequality"],
        "gl-code-quality-report.json"
    );
    assert_eq!(hidden["artifacts"]["when"], "always");
}

/// `${{ expression }}` replaced by the context's value; an expression the context lacks fails.
fn substitute(text: &str, context: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${{") {
        out.push_str(&rest[..start]);
        let end = start + rest[start..].find("}}").unwrap();
        let expression = rest[start + 3..end].trim();
        let value = context
            .get(expression)
            .unwrap_or_else(|| panic!("the test gives no value for `{expression}`"));
        out.push_str(value);
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    out
}

/// A stand-in `cargo` that records its arguments (the real build takes minutes; the binaries of
/// this test run are on PATH already).
fn stand_in_cargo(repo: &TestRepo) -> PathBuf {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = repo.root.join("tools");
    std::fs::create_dir_all(&dir).unwrap();
    let cargo = dir.join("cargo");
    let script = format!(
        "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n",
        repo.root.join("cargo-args").display()
    );
    std::fs::write(&cargo, script).unwrap();
    std::fs::set_permissions(&cargo, std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// What one run of the action left.
struct ActionRun {
    /// Each `run:` step's id (or its index) and what it did.
    steps: Vec<(String, Run)>,
    context: BTreeMap<String, String>,
    summary: String,
}

impl ActionRun {
    fn step(&self, id: &str) -> &Run {
        &self.steps.iter().find(|(name, _)| name == id).unwrap().1
    }
}

/// Runs the action's `run:` steps in order as a runner does (`bash --noprofile --norc -eo
/// pipefail`, each step's env: with its expressions evaluated, step outputs through
/// `$GITHUB_OUTPUT`), after a failed step only those whose `if:` says `always()`. The cache
/// misses, so the install step runs (with the stand-in cargo).
fn run_action(repo: &TestRepo, event: &[(&str, &str)]) -> ActionRun {
    let mut context: BTreeMap<String, String> = event
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    context.insert(
        "github.action_path".into(),
        source_root().display().to_string(),
    );
    context.insert("github.action_ref".into(), "v1".into());
    context.insert("inputs.config".into(), String::new());
    let tools = stand_in_cargo(repo);
    let path = format!(
        "{}:{}:{}",
        tools.display(),
        bin_dir().display(),
        std::env::var("PATH").unwrap()
    );
    let temp = repo.root.join("runner-temp");
    std::fs::create_dir_all(&temp).unwrap();
    let summary = repo.root.join("step-summary.md");
    let mut steps = Vec::new();
    let mut failed = false;
    for (index, step) in action_steps().iter().enumerate() {
        let Some(script) = step["run"].as_str() else {
            continue;
        };
        let condition = step["if"].as_str().unwrap_or_default();
        if failed && !condition.contains("always()") {
            continue;
        }
        let output = repo.root.join(format!("output-{index}"));
        std::fs::write(&output, "").unwrap();
        let script_file = repo.root.join(format!("step-{index}.sh"));
        std::fs::write(&script_file, script).unwrap();
        let mut command = repo.command("bash");
        command
            .args(["--noprofile", "--norc", "-eo", "pipefail"])
            .arg(&script_file)
            .env("PATH", &path)
            .env("GITHUB_OUTPUT", &output)
            .env("GITHUB_STEP_SUMMARY", &summary)
            .env("RUNNER_TEMP", &temp)
            .env("RUNNER_OS", "Linux")
            .env("RUNNER_ARCH", "X64");
        for (name, value) in step["env"].as_object().into_iter().flatten() {
            command.env(name, substitute(value.as_str().unwrap(), &context));
        }
        let run = Run::from_command(&mut command);
        failed |= !run.ok();
        let id = step["id"]
            .as_str()
            .map_or_else(|| index.to_string(), str::to_string);
        for line in std::fs::read_to_string(&output).unwrap().lines() {
            let (key, value) = line.split_once('=').unwrap();
            context.insert(format!("steps.{id}.outputs.{key}"), value.to_string());
        }
        steps.push((id, run));
    }
    ActionRun {
        steps,
        context,
        summary: std::fs::read_to_string(&summary).unwrap_or_default(),
    }
}

/// The context a `pull_request` event gives (a push's `before` and `after` are absent).
fn pull_request(repo: &TestRepo, head_ref: &str) -> Vec<(&'static str, String)> {
    vec![
        ("github.event_name", "pull_request".into()),
        (
            "github.event.pull_request.base.sha",
            repo.git(["rev-parse", "main"]).trim().to_string(),
        ),
        ("github.event.pull_request.head.sha", repo.head()),
        ("github.head_ref", head_ref.into()),
        ("github.event.pull_request.user.login", "agent".into()),
        ("github.event.before", String::new()),
        ("github.event.after", String::new()),
        ("github.ref_name", "7/merge".into()),
        ("github.actor", "agent".into()),
        ("github.event.repository.default_branch", "main".into()),
    ]
}

fn event<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

#[test]
fn the_action_checks_a_pull_request_and_writes_annotations_sarif_and_summary() {
    let repo = pushed_fixture();
    commit_spec_edit(&repo, "Tweak the spec");
    // A branch name git accepts that would run a command if spliced into the script.
    let hostile = "exec/login\"$(touch${IFS}pwned)\"";
    let pairs = pull_request(&repo, hostile);
    let ran = run_action(&repo, &event(&pairs));
    assert!(!repo.path("pwned").exists() && !repo.root.join("pwned").exists());

    let key = ran.step("key");
    key.assert_ok();
    assert!(
        ran.context["steps.key.outputs.key"].starts_with("execguard-Linux-X64-v1-"),
        "{:?}",
        ran.context
    );
    // The cache missed: execguard is built from the action's own checkout.
    let args = std::fs::read_to_string(repo.root.join("cargo-args")).unwrap();
    let crate_dir = format!("{}/crates/execguard", source_root().display());
    assert_eq!(
        args.lines().collect::<Vec<_>>(),
        [
            "install",
            "--locked",
            "--path",
            &crate_dir,
            "--bin",
            "execguard"
        ]
    );

    let check = ran.step("check");
    assert_eq!(check.code, Some(1), "the check's exit status: {check:#?}");
    assert_eq!(ran.context["steps.check.outputs.exit-code"], "1");
    assert!(
        check
            .stdout
            .lines()
            .any(|l| l.starts_with("::error file=specs/login.md,")),
        "annotations: {check:#?}"
    );
    let sarif_path = &ran.context["steps.check.outputs.sarif"];
    let sarif: Value = serde_json::from_str(&std::fs::read_to_string(sarif_path).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "frozen-spec");
    // The upload runs after the failed check, and takes that file.
    let upload = action_steps()
        .into_iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .unwrap();
    assert!(upload["if"].as_str().unwrap().contains("always()"));
    assert_eq!(
        &substitute(upload["with"]["sarif_file"].as_str().unwrap(), &ran.context),
        sarif_path
    );
    // The summary is written after the failed check too.
    assert!(ran.summary.starts_with("## execguard\n"), "{}", ran.summary);
    assert!(ran.summary.contains("| Feature |"), "{}", ran.summary);
    assert!(ran.summary.contains("| login |"), "{}", ran.summary);
}

#[test]
fn the_action_passes_a_clean_pull_request() {
    let repo = pushed_fixture();
    commit_clean_code(&repo, "logout");
    let pairs = pull_request(&repo, "exec/login");
    let ran = run_action(&repo, &event(&pairs));
    let check = ran.step("check");
    assert_eq!(check.code, Some(0), "{check:#?}");
    assert!(!check.stdout.contains("::error"), "{check:#?}");
    let sarif: Value = serde_json::from_str(
        &std::fs::read_to_string(&ran.context["steps.check.outputs.sarif"]).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["runs"][0]["results"], serde_json::json!([]));
    assert!(ran.summary.contains("| login |"), "{}", ran.summary);
}

/// The template's script, run by bash with `-eo pipefail` as GitLab's runner does, in a merge
/// request pipeline whose cache already holds the binary.
#[test]
fn the_gitlab_template_reports_a_merge_request_for_the_widget() {
    let repo = pushed_fixture();
    commit_spec_edit(&repo, "Tweak the spec");
    let cached = repo.path(".execguard-bin/bin");
    std::fs::create_dir_all(&cached).unwrap();
    std::os::unix::fs::symlink(execguard_bin(), cached.join("execguard")).unwrap();
    let script = gitlab_scripts(&yaml(&gitlab_template())).remove(0);
    let base = repo.git(["rev-parse", "main"]).trim().to_string();
    let run = Run::from_command(
        repo.command("bash")
            .args(["--noprofile", "--norc", "-eo", "pipefail", "-c", &script])
            .env("CI_MERGE_REQUEST_IID", "7")
            .env("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base)
            .env("CI_COMMIT_SHA", repo.head())
            .env(
                "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME",
                "exec/login\"$(touch${IFS}pwned)\"",
            )
            .env("CI_MERGE_REQUEST_AUTHOR", "agent")
            .env("EXECGUARD_CONFIG", ""),
    );
    assert_eq!(run.code, Some(1), "the check's exit status: {run:#?}");
    assert!(!repo.path("pwned").exists());
    assert!(run.stderr.contains("error[frozen-spec]"), "{run:#?}");
    let report: Value = serde_json::from_str(&repo.read("gl-code-quality-report.json")).unwrap();
    assert_eq!(report[0]["check_name"], "frozen-spec", "{report:#}");
    assert_eq!(report[0]["severity"], "blocker");
    assert_eq!(report[0]["location"]["path"], "specs/login.md");
    assert!(
        repo.read("execguard-status.md").contains("| login |"),
        "{run:#?}"
    );
}

/// Every `run:` script in the GitHub Actions examples of the README and docs/ci.md (the fenced
/// `yaml` blocks, parsed as YAML).
fn documented_run_scripts() -> Vec<String> {
    const SCRIPT: &str = r#"
import json, sys, yaml
def runs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                yield value
            else:
                yield from runs(value)
    elif isinstance(node, list):
        for item in node:
            yield from runs(item)
found = []
for path in sys.argv[1:]:
    block = None
    for line in open(path):
        fence = line.strip()
        if block is None and fence == "```yaml":
            block = []
        elif block is not None and fence == "```":
            found.extend(runs(yaml.safe_load("".join(block))))
            block = None
        elif block is not None:
            block.append(line)
print(json.dumps(found))
"#;
    let out = std::process::Command::new("python3")
        .args(["-c", SCRIPT])
        .arg(source_root().join("README.md"))
        .arg(source_root().join("docs/ci.md"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Regression: the README's GitHub Actions example put `${{ github.head_ref }}` straight into a
/// `run:` script, where a branch name can inject shell.
#[test]
fn documented_workflows_pass_event_values_through_env() {
    let scripts = documented_run_scripts();
    assert!(
        scripts.iter().any(|s| s.contains("--branch \"$BRANCH\"")),
        "{scripts:#?}"
    );
    for script in &scripts {
        assert!(!script.contains("${{"), "through env: {script}");
    }
}
