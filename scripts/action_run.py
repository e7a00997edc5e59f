"""The body of the lint-policies GitHub Action (``action.yml``).

Run by the action with the Python that ``actions/setup-python`` installed; standard
library only. Two commands:

``action_run.py prepare``
    Writes the ``venv`` and ``cache-key`` step outputs: where the tool's virtual
    environment lives (``$RUNNER_TEMP/lint-policies-venv-KEY``) and the key
    ``actions/cache`` stores it under. The key holds the runner's OS, the Python version
    and a hash of what is installed: the ``version`` input when set (a published
    release), else the action's own checkout (its ``pyproject.toml`` and every file of
    the package), so a new action version gets a new environment, and a second run of
    the same version restores the environment instead of installing for 30 s.

``action_run.py install``
    Step 1 below, on its own: the action runs it when the cache had no environment, then
    saves the environment at once (``actions/cache/save``), so a run whose lint fails
    still leaves it cached.

``action_run.py`` (run)
    1. Unless the environment is already there (restored from the cache, or made by an
       earlier use in the job), make it and install lint-policies into it: the
       ``version`` input (a pip requirement such as ``lint-policies==0.1.0``) or, when it
       is empty, the action's own checkout. The caller's Python is never touched.
    2. Run ``lint-policies --format github --sarif-file FILE --fail-level LEVEL
       --display-root WORKSPACE [--config FILE] [--select CODES] [--ignore CODES]
       [--baseline FILE] [--new-since REF] [ARGS...] -- PATH...`` in the
       ``working-directory`` (relative to the workspace; paths in the report stay
       relative to the workspace, as annotations and code scanning need), its output
       going straight to the log; the CLI appends the job summary itself.
    3. Count the results in the SARIF file and write the ``findings`` and ``sarif-file``
       outputs to ``$GITHUB_OUTPUT``.
    4. Exit with lint-policies' exit code (0 clean, 1 findings at or above the fail
       level, 2 usage or configuration error).

``new-since``: when the input is empty and the workflow runs on ``pull_request`` (or
``pull_request_target``), the pull request's base commit (from the event payload) is
used, fetched (``git fetch --depth=1 origin SHA``) when the checkout does not have it;
``none`` turns gating off. ``args`` is split like a shell would (``shlex``), never run
by one.

Inputs come from the environment (``LP_PATHS``, ``LP_FAIL_LEVEL``, ``LP_CONFIG``,
``LP_SARIF_FILE``, ``LP_VERSION``, ``LP_SELECT``, ``LP_IGNORE``, ``LP_BASELINE``,
``LP_NEW_SINCE``, ``LP_WORKING_DIRECTORY``, ``LP_ARGS``, ``LP_ACTION_PATH``).
``LINT_POLICIES_VENV`` names an existing environment that already has lint-policies, to
skip step 1 (tests use it).
"""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import uuid

WINDOWS = sys.platform == "win32"


def log(msg: str) -> None:
    sys.stdout.write(msg + "\n")
    sys.stdout.flush()


def venv_bin(venv: str, name: str) -> str:
    if WINDOWS:
        return os.path.join(venv, "Scripts", name + ".exe")
    return os.path.join(venv, "bin", name)


def split_paths(value: str) -> list[str]:
    """Newline-separated when the input has several lines, else whitespace-separated."""
    value = value.strip("\r\n")
    if "\n" in value:
        items = [line.strip() for line in value.splitlines()]
    else:
        items = value.split()
    return [p for p in items if p] or ["."]


def install_spec() -> str:
    """What to install: the ``version`` input, else the action's own checkout."""
    spec = os.environ.get("LP_VERSION", "").strip()
    return spec or os.environ.get("LP_ACTION_PATH") or os.environ.get("GITHUB_ACTION_PATH") or ""


def source_digest(action_path: str) -> str:
    """A hash of the action's checkout as pip would install it (pyproject.toml and the
    package's files), so a changed action never reuses an old environment."""
    h = hashlib.sha256()
    tops = ["pyproject.toml", "linter", "rules", "schemas"]
    for top in tops:
        full = os.path.join(action_path, top)
        if os.path.isfile(full):
            walk = [(action_path, [], [top])]
        else:
            walk = ((d, dirs, files) for d, dirs, files in os.walk(full))
        for d, dirs, files in walk:
            dirs[:] = sorted(x for x in dirs if x != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(d, name)
                rel = os.path.relpath(path, action_path).replace(os.sep, "/")
                h.update(rel.encode("utf-8", "surrogateescape") + b"\0")
                try:
                    with open(path, "rb") as fh:
                        h.update(hashlib.sha256(fh.read()).digest())
                except OSError:
                    h.update(b"?")
    return h.hexdigest()[:16]


def cache_key(spec: str) -> str:
    """``lint-policies-OS-pyX.Y.Z-HASH``: what the environment was made from."""
    what = spec if not os.path.isdir(spec) else "checkout:" + source_digest(spec)
    digest = hashlib.sha256(what.encode("utf-8")).hexdigest()[:16]
    runner_os = os.environ.get("RUNNER_OS") or sys.platform
    py = ".".join(map(str, sys.version_info[:3]))
    return f"lint-policies-{runner_os}-py{py}-{digest}"


def venv_dir(temp: str, key: str) -> str:
    return os.path.join(temp, "lint-policies-venv-" + hashlib.sha256(key.encode()).hexdigest()[:12])


def ensure_venv(spec: str, temp: str) -> str:
    """A virtual environment with lint-policies installed from ``spec``; returns its path."""
    venv = venv_dir(temp, cache_key(spec))
    marker = os.path.join(venv, ".lint-policies-installed")
    if os.path.exists(marker) and os.path.exists(venv_bin(venv, "lint-policies")):
        log(f"lint-policies: using the environment in {venv} (cached)")
        return venv
    log(f"::group::Install lint-policies ({spec})")
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", venv], check=True)
        py = venv_bin(venv, "python")
        subprocess.run([py, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                        "--quiet", spec], check=True)
        with open(marker, "w", encoding="utf-8") as fh:
            fh.write(spec + "\n")
    finally:
        log("::endgroup::")
    return venv


def prepare() -> int:
    temp = os.environ.get("RUNNER_TEMP") or os.path.join(os.getcwd(), ".lint-policies-tmp")
    spec = install_spec()
    if not spec:
        log("::error title=lint-policies::neither the version input nor the action path is set")
        return 2
    key = cache_key(spec)
    set_output("cache-key", key)
    set_output("venv", venv_dir(temp, key))
    return 0


def pull_request_base(workspace: str) -> str:
    """The base commit of the pull request this run is for ('' when it is not one, or the
    commit cannot be had)."""
    if os.environ.get("GITHUB_EVENT_NAME") not in ("pull_request", "pull_request_target"):
        return ""
    try:
        with open(os.environ.get("GITHUB_EVENT_PATH", ""), encoding="utf-8") as fh:
            event = json.load(fh)
        sha = event["pull_request"]["base"]["sha"]
    except (OSError, ValueError, KeyError, TypeError):
        return ""
    if not isinstance(sha, str) or len(sha) not in (40, 64) or any(c not in "0123456789abcdef" for c in sha):
        return ""
    have = subprocess.run(["git", "cat-file", "-e", sha + "^{commit}"], cwd=workspace, capture_output=True)
    if have.returncode != 0:
        log(f"lint-policies: fetching the pull request's base commit {sha[:12]}")
        got = subprocess.run(["git", "fetch", "--no-tags", "--depth=1", "origin", sha], cwd=workspace,
                             capture_output=True)
        if got.returncode != 0:
            log(f"::warning title=lint-policies::could not fetch the pull request's base commit {sha[:12]}; "
                f"reporting every finding (set new-since, or fetch-depth: 0 on actions/checkout)")
            return ""
    return sha


def count_results(sarif_path: str) -> int | None:
    try:
        with open(sarif_path, encoding="utf-8") as fh:
            log_ = json.load(fh)
        # the note that says how many results were left out (GitHub's limits) is not a finding
        return sum(1 for run in log_.get("runs") or [] for r in run.get("results") or []
                   if r.get("ruleId") != "lint-policies/results-left-out")
    except (OSError, ValueError, AttributeError, TypeError):
        return None


def set_output(name: str, value: str) -> None:
    path = os.environ.get("GITHUB_OUTPUT")
    if not path:
        log(f"{name}={value}")
        return
    with open(path, "a", encoding="utf-8", newline="\n") as fh:
        if "\n" in value or "\r" in value:
            delim = f"ghadelimiter_{uuid.uuid4()}"
            fh.write(f"{name}<<{delim}\n{value}\n{delim}\n")
        else:
            fh.write(f"{name}={value}\n")


def main() -> int:
    env = os.environ
    temp = env.get("RUNNER_TEMP") or os.path.join(os.getcwd(), ".lint-policies-tmp")
    os.makedirs(temp, exist_ok=True)
    workspace = env.get("GITHUB_WORKSPACE") or os.getcwd()

    venv = env.get("LINT_POLICIES_VENV", "").strip()
    if not venv:
        spec = install_spec()
        if not spec:
            log("::error title=lint-policies::neither the version input nor the action path is set")
            return 2
        try:
            venv = ensure_venv(spec, temp)
        except (OSError, subprocess.CalledProcessError) as e:
            log(f"::error title=lint-policies::could not install lint-policies ({spec}): {e}"
                .replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
            return 2

    wd = env.get("LP_WORKING_DIRECTORY", "").strip() or "."
    cwd = os.path.normpath(os.path.join(workspace, wd))
    if not os.path.isdir(cwd):
        log(f"::error title=lint-policies::working-directory {wd!r} is not a directory of the workspace")
        return 2

    given = env.get("LP_SARIF_FILE", "").strip()
    # a relative sarif-file is relative to the workspace (where upload-sarif looks for it)
    sarif = os.path.join(workspace, given) if given else os.path.abspath(os.path.join(temp, "lint-policies.sarif"))
    os.makedirs(os.path.dirname(sarif), exist_ok=True)
    if os.path.exists(sarif):
        os.remove(sarif)  # never count a stale report

    cmd = [venv_bin(venv, "lint-policies"), "--format", "github", "--sarif-file", sarif,
           "--fail-level", env.get("LP_FAIL_LEVEL", "").strip() or "warning", "--display-root", workspace]
    for name, flag in (("LP_CONFIG", "--config"), ("LP_SELECT", "--select"), ("LP_IGNORE", "--ignore"),
                       ("LP_BASELINE", "--baseline")):
        value = env.get(name, "").strip()
        if value:
            cmd += [flag, value]
    new_since = env.get("LP_NEW_SINCE", "").strip()
    if new_since.lower() == "none":
        new_since = ""
    elif not new_since:
        new_since = pull_request_base(workspace)
    if new_since:
        log(f"lint-policies: reporting only findings not present at {new_since}")
        cmd += ["--new-since", new_since]
    extra = env.get("LP_ARGS", "").strip()
    if extra:
        import shlex

        try:
            cmd += shlex.split(extra)
        except ValueError as e:
            log(f"::error title=lint-policies::cannot split the args input: {e}")
            return 2
    cmd += ["--"] + split_paths(env.get("LP_PATHS", "."))
    sys.stdout.flush()
    rc = subprocess.run(cmd, cwd=cwd).returncode

    n = count_results(sarif)
    if n is not None:
        set_output("findings", str(n))
        set_output("sarif-file", given or sarif)
    return rc


def install() -> int:
    """Make the environment (the step runs when the cache had none)."""
    if os.environ.get("LINT_POLICIES_VENV", "").strip():
        return 0
    temp = os.environ.get("RUNNER_TEMP") or os.path.join(os.getcwd(), ".lint-policies-tmp")
    os.makedirs(temp, exist_ok=True)
    spec = install_spec()
    if not spec:
        log("::error title=lint-policies::neither the version input nor the action path is set")
        return 2
    try:
        ensure_venv(spec, temp)
    except (OSError, subprocess.CalledProcessError) as e:
        log(f"::error title=lint-policies::could not install lint-policies ({spec}): {e}"
            .replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
        return 2
    return 0


if __name__ == "__main__":
    COMMANDS = {"prepare": prepare, "install": install}
    sys.exit(COMMANDS[sys.argv[1]]() if sys.argv[1:2] and sys.argv[1] in COMMANDS else main())
