"""The composite GitHub Action (``action.yml``): its metadata, and its run steps executed
locally in a fake GitHub environment.

The local runner below does what the Actions runner does for a composite action, as far
as this action needs: it evaluates the few expressions the action uses
(``inputs.*``, ``steps.<id>.outputs.*``, ``github.action_path``) in ``env:`` and
``with:``, stands in for ``actions/setup-python`` with the interpreter running the
tests, runs each ``run:`` step with ``bash --noprofile --norc -eo pipefail`` in the
workspace with a fresh ``GITHUB_OUTPUT`` / ``GITHUB_STEP_SUMMARY`` per step, reads
step outputs back, and resolves the action's ``outputs``.

By default the action's script reuses the environment running the tests
(``LINT_POLICIES_VENV``), so this is fast and offline. ``test_action_installs_itself``
(marker ``network``) does the real thing: a new virtual environment and a
``pip install`` of the action's checkout.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ACTION = os.path.join(ROOT, "action.yml")
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")

BAD_POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sagemaker:*",
      "Resource": "*"
    }
  ]
}
"""


def load_action():
    with open(ACTION, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _walk_strings(node, path=()):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk_strings(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk_strings(v, path + (i,))
    elif isinstance(node, str):
        yield path, node


# ---------------------------------------------------------------------------
# metadata


def test_action_metadata():
    a = load_action()
    assert isinstance(a.get("name"), str) and a["name"]
    assert isinstance(a.get("description"), str) and a["description"]
    assert a["runs"]["using"] == "composite"
    steps = a["runs"]["steps"]
    assert isinstance(steps, list) and steps
    assert set(a["inputs"]) == {"paths", "fail-level", "config", "sarif-file", "version", "select", "ignore",
                                "baseline", "new-since", "working-directory", "args"}
    assert a["inputs"]["paths"]["default"] == "."
    assert a["inputs"]["fail-level"]["default"] == "warning"
    assert a["inputs"]["version"]["default"] == ""
    for name, spec in a["inputs"].items():
        assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name)
        assert spec.get("description")
        assert isinstance(spec.get("default", ""), str)
    assert set(a["outputs"]) == {"findings", "sarif-file"}
    for name, spec in a["outputs"].items():
        assert spec.get("description") and spec.get("value"), name
    for step in steps:
        assert ("run" in step) != ("uses" in step), step
        if "run" in step:
            assert step.get("shell") in ("bash", "pwsh", "python", "sh", "cmd", "powershell"), step
    if "branding" in a:
        assert a["branding"]["color"] in {"white", "black", "yellow", "blue", "green", "orange", "red",
                                          "purple", "gray-dark"}


def test_action_expressions():
    a = load_action()
    inputs = set(a["inputs"])
    step_ids = {s.get("id") for s in a["runs"]["steps"] if s.get("id")}
    for path, text in _walk_strings(a):
        for expr in EXPR.findall(text):
            m = re.fullmatch(r"inputs\.([A-Za-z0-9_-]+)", expr)
            if m:
                assert m.group(1) in inputs, f"{'/'.join(map(str, path))}: unknown input {expr}"
            m = re.fullmatch(r"steps\.([A-Za-z0-9_-]+)\.outputs\.[A-Za-z0-9_-]+", expr)
            if m:
                assert m.group(1) in step_ids, f"{'/'.join(map(str, path))}: unknown step {expr}"
    for step in a["runs"]["steps"]:
        if "run" in step:
            # inputs reach shell code only through env: (GitHub's "Secure use reference")
            assert "${{" not in step["run"], step["run"]


def test_third_party_actions_pinned_by_sha():
    for step in load_action()["runs"]["steps"]:
        if "uses" in step:
            assert re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", step["uses"]), step["uses"]


def test_setup_python_leaves_the_callers_environment_alone():
    steps = [s for s in load_action()["runs"]["steps"] if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert len(steps) == 1
    assert steps[0]["with"]["update-environment"] in (False, "false")


# ---------------------------------------------------------------------------
# local runner


class Run:
    def __init__(self, rc, stdout, outputs, step_outputs, summaries):
        self.rc, self.stdout, self.outputs = rc, stdout, outputs
        self.step_outputs, self.summaries = step_outputs, summaries


def _parse_output_file(path):
    out = {}
    if not os.path.exists(path):
        return out
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delim = line.split("<<", 1)
            j = lines.index(delim, i + 1)
            out[name] = "\n".join(lines[i + 1:j])
            i = j + 1
            continue
        if "=" in line:
            name, value = line.split("=", 1)
            out[name] = value
        i += 1
    return out


def run_action(tmp_path, workspace, inputs=None, env_extra=None, action_path=ROOT, cache_store=None):
    a = load_action()
    values = {k: v.get("default", "") for k, v in a["inputs"].items()}
    values.update(inputs or {})
    steps_out: dict[str, dict[str, str]] = {}
    github = {"action_path": action_path, "workspace": str(workspace)}

    def ev(text):
        def one(m):
            expr = m.group(1)
            if expr.startswith("inputs."):
                return values[expr[len("inputs."):]]
            if expr.startswith("github."):
                return github[expr[len("github."):]]
            mm = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
            if mm:
                return steps_out.get(mm.group(1), {}).get(mm.group(2), "")
            raise AssertionError(f"the local runner does not know the expression {expr!r}")
        return EXPR.sub(one, str(text))

    runner_temp = tmp_path / "runner_temp"
    runner_temp.mkdir(exist_ok=True)
    base_env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "LP_"))}
    base_env.pop("LINT_POLICIES_VENV", None)
    base_env.update({
        "GITHUB_ACTIONS": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_ACTION_PATH": action_path,
        "RUNNER_TEMP": str(runner_temp),
        "CI": "true",
    })
    base_env.update(env_extra or {})
    stdout, summaries, rc = [], [], 0
    saved = []
    for n, step in enumerate(a["runs"]["steps"]):
        sid = step.get("id") or f"__step{n}"
        cond = step.get("if")
        if cond is not None:
            m = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+) != 'true'", cond.strip())
            assert m, f"the local runner does not know the condition {cond!r}"
            if steps_out.get(m.group(1), {}).get(m.group(2), "") == "true":
                continue
        if "uses" in step and step["uses"].startswith(("actions/cache/restore@", "actions/cache/save@")):
            # restore `path` from the store when `key` is there / save it there now
            path, key = ev(step["with"]["path"]), ev(step["with"]["key"])
            assert path and key and "/" not in key
            if step["uses"].startswith("actions/cache/restore@"):
                hit = cache_store is not None and (cache_store / key).is_dir()
                if hit:
                    shutil.copytree(cache_store / key, path, symlinks=True, dirs_exist_ok=True)
                steps_out[sid] = {"cache-hit": "true" if hit else "false"}
            elif cache_store is not None and os.path.isdir(path):
                shutil.copytree(path, cache_store / key, symlinks=True)
                saved.append(key)
            continue
        if "uses" in step:
            assert step["uses"].startswith("actions/setup-python@"), step["uses"]
            ev(json.dumps(step.get("with", {})))  # expressions must resolve
            steps_out[sid] = {"python-path": sys.executable, "python-version": sys.version.split()[0]}
            continue
        assert step["shell"] == "bash"
        out_file = tmp_path / f"output_{n}"
        sum_file = tmp_path / f"summary_{n}"
        out_file.write_text("")
        sum_file.write_text("")
        env = dict(base_env, GITHUB_OUTPUT=str(out_file), GITHUB_STEP_SUMMARY=str(sum_file))
        env.update({k: ev(v) for k, v in (step.get("env") or {}).items()})
        script = tmp_path / f"step_{n}.sh"
        script.write_text(step["run"])
        p = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                           cwd=workspace, env=env, capture_output=True, text=True, timeout=900)
        stdout.append(p.stdout)
        assert "Traceback" not in p.stderr, p.stderr
        summaries.append(sum_file.read_text(encoding="utf-8"))
        steps_out[sid] = _parse_output_file(out_file)
        if p.returncode:
            rc = p.returncode
            break
    outputs = {k: ev(v["value"]) for k, v in a["outputs"].items()}
    run = Run(rc, "".join(stdout), outputs, steps_out, "".join(summaries))
    run.saved = saved
    return run


def _this_venv():
    exe = os.path.join(sys.prefix, "Scripts" if os.name == "nt" else "bin",
                       "lint-policies" + (".exe" if os.name == "nt" else ""))
    if not os.path.exists(exe):
        pytest.skip(f"no lint-policies console script in {sys.prefix}; install the project (pip install -e .)")
    return sys.prefix


SELECT = 'select = ["SM1", "SM2"]\n'


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "workspace"
    (ws / "policies").mkdir(parents=True)
    (ws / "policies" / "bad.json").write_text(BAD_POLICY, encoding="utf-8")
    (ws / "other dir").mkdir()
    (ws / "other dir" / "package.json").write_text('{"name": "not-a-policy"}\n', encoding="utf-8")
    # the rules these tests are about (the action reads the repository's rule selection)
    (ws / ".lint-policies.toml").write_text(SELECT, encoding="utf-8")
    return ws


def _check_findings(run, workspace, sarif):
    # annotations, relative to the workspace
    assert ("::error file=policies/bad.json,line=6,col=17,endLine=6,endColumn=30,"
            "title=SM101 sagemaker-service-wildcard::\"sagemaker:*\" grants every") in run.stdout
    assert "::error file=policies/bad.json,line=7,col=19,endLine=7,endColumn=22,title=SM201 " in run.stdout
    assert "\npolicies/bad.json:6:17: SM101 " in run.stdout
    assert "Found 2 findings (2 error, 0 warning, 0 note)" in run.stdout
    # the job summary
    assert run.summaries.startswith("## lint-policies\n\nFound 2 findings")
    assert "| policies/bad.json:6 | SM101 | error |" in run.summaries
    assert "| policies/bad.json:7 | SM201 | error |" in run.summaries
    # the outputs
    assert run.outputs["findings"] == "2"
    assert run.outputs["sarif-file"] == sarif
    path = sarif if os.path.isabs(sarif) else os.path.join(workspace, sarif)
    with open(path, encoding="utf-8") as fh:
        log = json.load(fh)
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["SM101", "SM201"]
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] \
        == "policies/bad.json"


def test_action_runs_with_defaults(tmp_path, workspace):
    run = run_action(tmp_path, workspace, env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.rc == 1  # findings at or above the default fail level: the step fails
    _check_findings(run, workspace, str(tmp_path / "runner_temp" / "lint-policies.sarif"))


def test_action_inputs(tmp_path, workspace):
    run = run_action(tmp_path, workspace, inputs={
        "paths": "policies\nother dir",
        "fail-level": "never",
        "sarif-file": "reports/lint.sarif",
    }, env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.rc == 0  # fail-level never
    _check_findings(run, workspace, "reports/lint.sarif")
    assert "in 1 of 2 files checked" in run.stdout  # both paths were linted


def test_action_config_input(tmp_path, workspace):
    (workspace / "lint.toml").write_text(SELECT + 'ignore = ["SM201"]\n', encoding="utf-8")
    run = run_action(tmp_path, workspace, inputs={"config": "lint.toml", "paths": "policies"},
                     env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.rc == 1
    assert run.outputs["findings"] == "1"
    assert "title=SM201" not in run.stdout and "title=SM101" in run.stdout


def test_action_repository_config_is_limited(tmp_path, workspace):
    """What a pull request can change through the repository's configuration: the rules
    (here SM201 is ignored), not the fail level the workflow chose, and no path outside
    the workspace (a baseline there is refused, exit 2), nor more workers than CPUs."""
    (workspace / ".git").mkdir()
    (workspace / ".lint-policies.toml").write_text(SELECT + 'fail-level = "never"\nignore = ["SM201"]\njobs = 100000\n')
    run = run_action(tmp_path, workspace, env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.rc == 1  # the workflow's fail-level (warning) wins over the repository's "never"
    assert run.outputs["findings"] == "1" and "title=SM201" not in run.stdout
    (tmp_path / "runner-secrets.json").write_text('{"token": "not for the log"}\n')
    (workspace / ".lint-policies.toml").write_text(f'baseline = "{tmp_path / "runner-secrets.json"}"\n')
    run = run_action(tmp_path, workspace, env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.rc == 2 and run.outputs["findings"] == ""
    assert "not for the log" not in run.stdout


def test_action_usage_error(tmp_path, workspace):
    run = run_action(tmp_path, workspace, inputs={"paths": "does-not-exist"},
                     env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.rc == 2
    assert run.outputs["findings"] == ""  # unknown, not zero


def test_action_clean_tree(tmp_path, workspace):
    shutil.rmtree(workspace / "policies")
    run = run_action(tmp_path, workspace, env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.rc == 0
    assert run.outputs["findings"] == "0"
    assert "::error" not in run.stdout and "No findings in 1 file checked." in run.stdout
    assert run.summaries == "## lint-policies\n\nNo findings in 1 file checked.\n\n"


def test_action_bad_version_fails_cleanly(tmp_path, workspace):
    """The version input goes to pip as one argument; a bad one is an error annotation, exit 2."""
    run = run_action(tmp_path, workspace, inputs={"version": str(tmp_path / "no such project")})
    assert run.rc == 2
    assert "::error title=lint-policies::could not install lint-policies" in run.stdout
    assert run.outputs["findings"] == ""


def _action_checkout(dest):
    """The files a checkout of this repository would hold (tracked or new, not ignored)."""
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split("\0")
    for rel in filter(None, files):
        src = os.path.join(ROOT, rel)
        if os.path.isfile(src):
            os.makedirs(os.path.join(dest, os.path.dirname(rel)), exist_ok=True)
            shutil.copy2(src, os.path.join(dest, rel))
    return dest


@pytest.mark.network
def test_action_installs_itself(tmp_path, workspace):
    if os.environ.get("LINT_POLICIES_OFFLINE") == "1":
        pytest.skip("LINT_POLICIES_OFFLINE=1")
    action_path = _action_checkout(str(tmp_path / "action"))
    run = run_action(tmp_path, workspace, action_path=action_path)
    assert run.rc == 1, run.stdout
    _check_findings(run, workspace, str(tmp_path / "runner_temp" / "lint-policies.sarif"))
    venvs = [d for d in os.listdir(tmp_path / "runner_temp") if d.startswith("lint-policies-venv-")]
    assert len(venvs) == 1
    # a second use in the same job reuses the environment
    again = run_action(tmp_path, workspace, action_path=action_path)
    assert again.rc == 1 and "Install lint-policies" not in again.stdout
    # another job (a fresh runner): the environment saved to the cache right after it
    # was made (the lint then failed the step) is restored, nothing is installed
    store = tmp_path / "cache-store"
    store.mkdir()
    shutil.rmtree(tmp_path / "runner_temp")
    first = run_action(tmp_path, workspace, action_path=action_path, cache_store=store)
    assert first.rc == 1 and "Install lint-policies" in first.stdout and len(first.saved) == 1
    shutil.rmtree(tmp_path / "runner_temp")
    second = run_action(tmp_path, workspace, action_path=action_path, cache_store=store)
    assert second.rc == 1 and "Install lint-policies" not in second.stdout and second.saved == []
    _check_findings(second, workspace, str(tmp_path / "runner_temp" / "lint-policies.sarif"))


def _prepare(action_path, runner_temp, tmp_path, version=""):
    out = tmp_path / "prepare_output"
    out.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "LP_", "RUNNER_"))}
    env.update(GITHUB_OUTPUT=str(out), RUNNER_TEMP=str(runner_temp), LP_ACTION_PATH=str(action_path),
               LP_VERSION=version)
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "action_run.py"), "prepare"], env=env,
                   check=True, capture_output=True)
    return _parse_output_file(out)


def test_cache_key_follows_the_action_version_and_python(tmp_path):
    action = _action_checkout(str(tmp_path / "action"))
    got = _prepare(action, tmp_path / "rt", tmp_path)
    py = ".".join(map(str, sys.version_info[:3]))
    assert got["cache-key"].startswith(f"lint-policies-{sys.platform}-py{py}-")
    assert got["venv"].startswith(str(tmp_path / "rt" / "lint-policies-venv-"))
    assert _prepare(action, tmp_path / "rt", tmp_path) == got  # stable
    with open(os.path.join(action, "linter", "__init__.py"), "a", encoding="utf-8") as fh:
        fh.write("# another version\n")
    changed = _prepare(action, tmp_path / "rt", tmp_path)
    assert changed["cache-key"] != got["cache-key"] and changed["venv"] != got["venv"]
    release = _prepare(action, tmp_path / "rt", tmp_path, version="lint-policies==0.1.0")
    assert release["cache-key"] not in (got["cache-key"], changed["cache-key"])


def test_action_restores_a_cached_environment(tmp_path, workspace):
    """A cache hit: nothing is installed, the environment from the cache runs the lint."""
    runner_temp = tmp_path / "runner_temp"
    got = _prepare(ROOT, runner_temp, tmp_path)
    store = tmp_path / "cache-store"
    cached = store / got["cache-key"]
    os.makedirs(cached / "bin")
    os.symlink(os.path.join(_this_venv(), "bin", "lint-policies"), cached / "bin" / "lint-policies")
    (cached / ".lint-policies-installed").write_text(ROOT + "\n")
    run = run_action(tmp_path, workspace, cache_store=store)
    assert run.rc == 1 and "Install lint-policies" not in run.stdout and run.saved == []
    assert "(cached)" in run.stdout
    _check_findings(run, workspace, str(runner_temp / "lint-policies.sarif"))


def test_action_select_ignore_args_and_working_directory(tmp_path, workspace):
    venv = {"LINT_POLICIES_VENV": _this_venv()}
    run = run_action(tmp_path, workspace, inputs={"select": "SM201"}, env_extra=venv)
    assert run.rc == 1 and run.outputs["findings"] == "1" and "title=SM201" in run.stdout
    run = run_action(tmp_path, workspace, inputs={"ignore": "SM101,SM201"}, env_extra=venv)
    assert run.rc == 0 and run.outputs["findings"] == "0"
    run = run_action(tmp_path, workspace, inputs={"args": "--fail-level error --ignore 'SM2'"}, env_extra=venv)
    assert run.rc == 1 and run.outputs["findings"] == "1" and "title=SM101" in run.stdout
    # in a subdirectory: its paths and config, the report's paths from the workspace
    (workspace / "policies" / ".lint-policies.toml").write_text('ignore = ["SM201"]\n', encoding="utf-8")
    run = run_action(tmp_path, workspace, inputs={"working-directory": "policies", "sarif-file": "out.sarif"},
                     env_extra=venv)
    assert run.rc == 1 and run.outputs["findings"] == "1"
    assert "::error file=policies/bad.json,line=6,col=17," in run.stdout
    log = json.loads((workspace / "out.sarif").read_text(encoding="utf-8"))
    assert log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] \
        == "policies/bad.json"
    run = run_action(tmp_path, workspace, inputs={"working-directory": "nope"}, env_extra=venv)
    assert run.rc == 2


def test_action_baseline_input(tmp_path, workspace):
    venv = os.path.join(_this_venv(), "bin", "lint-policies")
    subprocess.run([venv, "--write-baseline", "baseline.json", "policies"], cwd=workspace, check=True,
                   capture_output=True)
    run = run_action(tmp_path, workspace, inputs={"baseline": "baseline.json"},
                     env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.rc == 0 and run.outputs["findings"] == "0"


def _git_ws(workspace, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull)
    return subprocess.run(["git", *args], cwd=workspace, check=True, capture_output=True, text=True,
                          env=env).stdout.strip()


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_action_new_since_defaults_to_the_pull_request_base(tmp_path, workspace):
    _git_ws(workspace, "init", "-q")
    _git_ws(workspace, "add", "-A")
    _git_ws(workspace, "commit", "-q", "-m", "base")
    base = _git_ws(workspace, "rev-parse", "HEAD")
    # the pull request moves the old grant down and adds a new one
    (workspace / "policies" / "bad.json").write_text("\n\n" + BAD_POLICY, encoding="utf-8")
    (workspace / "policies" / "new.json").write_text(BAD_POLICY, encoding="utf-8")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": base, "ref": "main"}}}), encoding="utf-8")
    pr = {"LINT_POLICIES_VENV": _this_venv(), "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event)}
    run = run_action(tmp_path, workspace, env_extra=pr)
    assert run.rc == 1 and run.outputs["findings"] == "2"
    assert f"reporting only findings not present at {base}" in run.stdout
    assert "file=policies/new.json" in run.stdout and "file=policies/bad.json" not in run.stdout
    run = run_action(tmp_path, workspace, inputs={"new-since": "none"}, env_extra=pr)
    assert run.outputs["findings"] == "4"
    run = run_action(tmp_path, workspace, inputs={"new-since": "HEAD"}, env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.outputs["findings"] == "2"  # an explicit revision, on any event
    # not a pull request: every finding
    run = run_action(tmp_path, workspace, env_extra={"LINT_POLICIES_VENV": _this_venv(), "GITHUB_EVENT_NAME": "push"})
    assert run.outputs["findings"] == "4"


# ---------------------------------------------------------------------------
# the documentation's workflow snippet


def readme_section(title):
    """The GitHub Action page of the documentation (the one the README links)."""
    assert title == "GitHub Action"
    path = os.path.join(ROOT, "docs", "integrations", "github-action.md")
    with open(path, encoding="utf-8") as fh:
        return fh.read()


def readme_workflow():
    blocks = re.findall(r"```yaml\n(.*?)```", readme_section("GitHub Action"), re.S)
    flows = [yaml.safe_load(b) for b in blocks]
    flows = [f for f in flows if isinstance(f, dict) and "jobs" in f]
    assert len(flows) == 1
    return flows[0]


def test_readme_workflow_matches_the_action():
    flow = readme_workflow()
    a = load_action()
    (job,) = flow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    assert flow["permissions"]["contents"] == "read" or job["permissions"]["contents"] == "read"
    steps = job["steps"]
    lint = [s for s in steps if str(s.get("uses", "")).startswith("lint-policies/lint-policies@")]
    assert len(lint) == 1
    lint = lint[0]
    # pinned by commit SHA, as actions/checkout is
    assert re.fullmatch(r"lint-policies/lint-policies@[0-9a-f]{40}", lint["uses"])
    assert all(re.fullmatch(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}", s["uses"]) for s in steps if "uses" in s)
    assert set(lint.get("with", {})) <= set(a["inputs"])
    upload = [s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert len(upload) == 1
    refs = re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", json.dumps(upload[0]))
    assert refs and all(sid == lint["id"] and out in a["outputs"] for sid, out in refs)
    assert "always()" in str(upload[0].get("if")) or "cancelled()" in str(upload[0].get("if"))


def test_readme_workflow_runs(tmp_path, workspace):
    """The README's lint step, with its inputs, in the local runner."""
    flow = readme_workflow()
    (job,) = flow["jobs"].values()
    (lint,) = [s for s in job["steps"] if str(s.get("uses", "")).startswith("lint-policies/lint-policies@")]
    inputs = {k: str(v) for k, v in (lint.get("with") or {}).items()}
    assert not any("${{" in v for v in inputs.values())
    run = run_action(tmp_path, workspace, inputs=inputs, env_extra={"LINT_POLICIES_VENV": _this_venv()})
    assert run.rc == 1
    sarif = run.outputs["sarif-file"]
    _check_findings(run, workspace, sarif)
