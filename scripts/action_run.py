"""The body of the lint-policies GitHub Action (``action.yml``).

Run by the action with the Python that ``actions/setup-python`` installed; standard
library only. Steps:

1. Make a virtual environment under ``$RUNNER_TEMP`` and install lint-policies into it:
   the ``version`` input (a pip requirement such as ``lint-policies==0.1.0``) or, when
   it is empty, the action's own checkout. The caller's Python is never touched. A
   second use of the action in the same job reuses the environment.
2. Run ``lint-policies --format github --sarif-file FILE --fail-level LEVEL
   [--config FILE] -- PATH...`` in the current directory (the workspace), its output
   going straight to the log; the CLI appends the job summary itself.
3. Count the results in the SARIF file and write the ``findings`` and ``sarif-file``
   outputs to ``$GITHUB_OUTPUT``.
4. Exit with lint-policies' exit code (0 clean, 1 findings at or above the fail
   level, 2 usage or configuration error).

Inputs come from the environment (``LP_PATHS``, ``LP_FAIL_LEVEL``, ``LP_CONFIG``,
``LP_SARIF_FILE``, ``LP_VERSION``, ``LP_ACTION_PATH``). ``LINT_POLICIES_VENV`` names an
existing environment that already has lint-policies, to skip step 1 (tests use it).
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


def ensure_venv(spec: str, temp: str) -> str:
    """A virtual environment with lint-policies installed from ``spec``; returns its path."""
    key = hashlib.sha256(spec.encode("utf-8")).hexdigest()[:12]
    venv = os.path.join(temp, f"lint-policies-venv-{key}")
    marker = os.path.join(venv, ".lint-policies-installed")
    if os.path.exists(marker):
        return venv
    log(f"::group::Install lint-policies ({spec})")
    try:
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        py = venv_bin(venv, "python")
        subprocess.run([py, "-m", "pip", "install", "--disable-pip-version-check", "--no-input",
                        "--quiet", spec], check=True)
        with open(marker, "w", encoding="utf-8") as fh:
            fh.write(spec + "\n")
    finally:
        log("::endgroup::")
    return venv


def count_results(sarif_path: str) -> int | None:
    try:
        with open(sarif_path, encoding="utf-8") as fh:
            log_ = json.load(fh)
        return sum(len(run.get("results") or []) for run in log_.get("runs") or [])
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

    venv = env.get("LINT_POLICIES_VENV", "").strip()
    if not venv:
        spec = env.get("LP_VERSION", "").strip()
        if not spec:
            spec = env.get("LP_ACTION_PATH") or env.get("GITHUB_ACTION_PATH") or ""
            if not spec:
                log("::error title=lint-policies::neither the version input nor the action path is set")
                return 2
        try:
            venv = ensure_venv(spec, temp)
        except (OSError, subprocess.CalledProcessError) as e:
            log(f"::error title=lint-policies::could not install lint-policies ({spec}): {e}"
                .replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))
            return 2

    sarif = env.get("LP_SARIF_FILE", "").strip() or os.path.abspath(os.path.join(temp, "lint-policies.sarif"))
    parent = os.path.dirname(os.path.abspath(sarif))
    os.makedirs(parent, exist_ok=True)
    if os.path.exists(sarif):
        os.remove(sarif)  # never count a stale report

    cmd = [venv_bin(venv, "lint-policies"), "--format", "github", "--sarif-file", sarif,
           "--fail-level", env.get("LP_FAIL_LEVEL", "").strip() or "warning"]
    config = env.get("LP_CONFIG", "").strip()
    if config:
        cmd += ["--config", config]
    cmd += ["--"] + split_paths(env.get("LP_PATHS", "."))
    sys.stdout.flush()
    rc = subprocess.run(cmd).returncode

    n = count_results(sarif)
    if n is not None:
        set_output("findings", str(n))
        set_output("sarif-file", sarif)
    return rc


if __name__ == "__main__":
    sys.exit(main())
