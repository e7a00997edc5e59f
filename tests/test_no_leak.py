"""No output of the CLI ever holds a secret, a session token or a full access key ID.

Files holding generated credentials (tests/keygen.py) are linted with every output
format, to stdout and to ``--output``, plus the side outputs (``--sarif-file``,
``--write-baseline``, the GitHub job summary); stdout, stderr and every file written
are searched for the raw values, for long pieces of them and for their JSON-escaped
form. A format the CLI does not know yet (exit code 2, "invalid choice") is skipped.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from keygen import key_id, secret, token

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
from linter.reporters import REPORTERS

FORMATS = tuple(REPORTERS)


def _cli() -> list[str]:
    exe = shutil.which("lint-policies")
    if exe and os.environ.get("LP_TEST_CONSOLE_SCRIPT"):
        return [exe]
    return [sys.executable, "-m", "linter.cli"]


def _env(extra=None) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    for k in ("GITHUB_STEP_SUMMARY", "GITHUB_ACTIONS", "GITHUB_WORKSPACE"):
        env.pop(k, None)
    env.update(extra or {})
    return env


def _run(args, cwd, env=None):
    return subprocess.run(_cli() + list(args), cwd=cwd, env=_env(env), capture_output=True, text=True,
                          timeout=120)


def _unknown_format(proc) -> bool:
    return proc.returncode == 2 and "invalid choice" in proc.stderr


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A directory of files holding credentials, and the values that must never appear."""
    d = tmp_path_factory.mktemp("leak")
    k1, k2, k3 = key_id("leak1"), key_id("leak2", "ASIA"), key_id("leak3")
    s1, s2, s3 = secret("leak1"), secret("leak2"), secret("leak3")
    t1 = token("leak1")
    (d / "model.json").write_text(json.dumps({
        "ModelName": "m",
        "PrimaryContainer": {"Environment": {
            "AWS_ACCESS_KEY_ID": k2, "AWS_SECRET_ACCESS_KEY": s2, "AWS_SESSION_TOKEN": t1}},
    }, indent=2) + "\n")
    (d / "template.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n  M:\n    Type: AWS::SageMaker::Model\n'
        "    Properties:\n      PrimaryContainer:\n        Environment:\n"
        f"          AWS_ACCESS_KEY_ID: {k1}\n          AWS_SECRET_ACCESS_KEY: \"{s1}\"\n")
    (d / "main.tf").write_text(
        f'provider "aws" {{\n  access_key = "{k3}"\n  secret_key = "{s3}"\n}}\n')
    # A policy with a key ID in a value, so the key shows up next to other findings.
    (d / "policy.json").write_text(json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Sid": "x", "Effect": "Allow", "Action": "sagemaker:*", "Resource": "*",
                       "Condition": {"StringEquals": {"aws:username": k1}}}],
    }, indent=2) + "\n")
    values = [k1, k2, k3, s1, s2, s3, t1]
    return d, values


def _forbidden(values):
    """The raw values, JSON-escaped forms, and long pieces of secrets/tokens."""
    out = set()
    for v in values:
        out.add(v)
        out.add(json.dumps(v)[1:-1])  # "/" is not escaped by json.dumps, but be thorough
        out.add(v.replace("/", "\\/"))
        if not v.startswith(("AKIA", "ASIA", "ABIA", "ACCA")):
            # Any 12-character piece of a secret or token (masking must not show part of it).
            for i in range(0, len(v) - 12, 6):
                out.add(v[i:i + 12])
        else:
            out.add(v[4:16])  # the masked middle of a key ID
    return out


def _check(texts: dict, values) -> list[str]:
    bad = []
    forbidden = _forbidden(values)
    for where, text in texts.items():
        for f in forbidden:
            if f and f in text:
                bad.append(f"{where}: holds {f[:4]}... ({len(f)} characters of a credential)")
                break
    return bad


def _read_all(d) -> dict:
    out = {}
    for root, _, names in os.walk(d):
        for n in names:
            p = os.path.join(root, n)
            try:
                out[p] = open(p, encoding="utf-8", errors="replace").read()
            except OSError:
                pass
    return out


@pytest.mark.parametrize("fmt", FORMATS)
def test_stdout_and_stderr_hold_no_credentials(fmt, workdir):
    d, values = workdir
    proc = _run(["--format", fmt, "--fail-level", "never", "--show-suppressed", "."], cwd=d)
    if _unknown_format(proc):
        pytest.skip(f"the CLI has no {fmt} format yet")
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    # The run did see the credentials (otherwise there is nothing to check).
    assert "KEY401" in proc.stdout and "KEY402" in proc.stdout and "KEY403" in proc.stdout
    assert _check({"stdout": proc.stdout, "stderr": proc.stderr}, values) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_output_file_holds_no_credentials(fmt, workdir, tmp_path):
    d, values = workdir
    out = tmp_path / f"report.{fmt}"
    proc = _run(["--format", fmt, "--output", str(out), "."], cwd=d)
    if _unknown_format(proc):
        pytest.skip(f"the CLI has no {fmt} format yet")
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert out.exists() and "KEY402" in out.read_text(encoding="utf-8")
    texts = {"stdout": proc.stdout, "stderr": proc.stderr}
    texts.update(_read_all(tmp_path))
    assert _check(texts, values) == []
    if fmt == "sarif":
        sarif = json.loads(out.read_text(encoding="utf-8"))
        results = [r for run in sarif["runs"] for r in run.get("results", [])]
        assert {r["ruleId"] for r in results} >= {"KEY401", "KEY402", "KEY403"}


def test_side_outputs_hold_no_credentials(workdir, tmp_path):
    """--sarif-file, --write-baseline and the GitHub job summary."""
    d, values = workdir
    summary = tmp_path / "summary.md"
    summary.write_text("")
    proc = _run(["--format", "github", "--sarif-file", str(tmp_path / "side.sarif"), "."], cwd=d,
                env={"GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true"})
    if _unknown_format(proc):
        proc = _run(["--format", "text", "--sarif-file", str(tmp_path / "side.sarif"), "."], cwd=d)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    base = _run(["--write-baseline", str(tmp_path / "baseline.json"), "."], cwd=d)
    assert base.returncode in (0, 1), base.stderr[-2000:]
    texts = {"stdout": proc.stdout + base.stdout, "stderr": proc.stderr + base.stderr}
    texts.update(_read_all(tmp_path))
    assert any("KEY40" in t for t in texts.values())
    assert _check(texts, values) == []


def test_parallel_run_holds_no_credentials(workdir, tmp_path):
    d, values = workdir
    proc = _run(["--format", "json", "--jobs", "2", "."], cwd=d)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert "KEY402" in proc.stdout
    assert _check({"stdout": proc.stdout, "stderr": proc.stderr}, values) == []


def test_the_checker_itself_would_catch_a_leak(workdir):
    _, values = workdir
    s = values[3]
    assert _check({"x": f"secret is {s}"}, values)
    assert _check({"x": f"partial {s[5:20]}"}, values)
    assert _check({"x": f"key {values[0]}"}, values)
    assert _check({"x": "masked " + values[0][:4] + "*" * 12 + values[0][-4:]}, values) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_credentials_quoted_by_other_rules_are_masked(fmt, tmp_path):
    """A key pasted into a policy value, a secret on the line of a syntax error: any rule or
    parser message that quotes them must show them masked."""
    k, s = key_id("quoted"), secret("quoted")
    d = tmp_path / "src"
    d.mkdir()
    (d / "policy.json").write_text(json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": [k, f"sagemaker:{k}"], "Resource": f"arn:aws:s3:::{k}/*"}],
    }, indent=2) + "\n")
    (d / "broken.yaml").write_text(
        f"Resources:\n  M:\n    Properties:\n      AWS_SECRET_ACCESS_KEY: {s}\n      : [oops\n")
    (d / "broken.tf").write_text(f'provider "aws" {{\n  secret_key = "{s}" {{{{\n}}\n')
    proc = _run(["--format", fmt, "--show-suppressed", "."], cwd=d)
    if _unknown_format(proc):
        pytest.skip(f"the CLI has no {fmt} format yet")
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    assert _check({"stdout": proc.stdout, "stderr": proc.stderr}, [k, s]) == []
