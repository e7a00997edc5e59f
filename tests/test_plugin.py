"""The plugin API is real: a package installed with pip registers a rule through the
``lint_policies.rules`` entry-point group, and the CLI runs it, selects it by code,
lists it and describes it in SARIF."""
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


@pytest.fixture(scope="module")
def plugin_env(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    build = tmp_path_factory.mktemp("build")
    import shutil

    src = build / "plugin_pkg"
    shutil.copytree(os.path.join(HERE, "plugin_pkg"), src)
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                    "--no-index", "--target", str(target), str(src)], check=True)
    env = dict(os.environ, PYTHONPATH=str(target) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return env


def cli(env, *args, cwd=None):
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True, text=True, env=env, cwd=cwd)


POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",\n "Action": "sagemaker:DeleteEndpoint", "Resource": "arn:aws:sagemaker:us-east-1:111122223333:endpoint/x"}]}\n'


def test_plugin_runs_and_is_selectable(plugin_env, tmp_path):
    (tmp_path / "p.json").write_text(POLICY)
    r = cli(plugin_env, "--select", "ACME", "p.json", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert r.stdout.splitlines()[0] == "p.json:2:12: ACME001 sagemaker:DeleteEndpoint is reserved to the platform team"
    r = cli(plugin_env, "--ignore", "ACME", "p.json", cwd=tmp_path)
    assert "ACME001" not in r.stdout and r.returncode == 0


def test_plugin_listed(plugin_env):
    r = cli(plugin_env, "--list-rules")
    assert any(line.startswith("ACME001 ") and "no-endpoint-delete" in line for line in r.stdout.splitlines())
    r = cli(plugin_env, "--explain", "ACME001")
    assert r.returncode == 0 and "# no-endpoint-delete (ACME001)" in r.stdout


def test_plugin_in_sarif(plugin_env, tmp_path):
    (tmp_path / "p.json").write_text(POLICY)
    r = cli(plugin_env, "--format", "sarif", "p.json", cwd=tmp_path)
    log = json.loads(r.stdout)
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    ids = [x["id"] for x in rules]
    assert "ACME001" in ids
    res = [x for x in log["runs"][0]["results"] if x["ruleId"] == "ACME001"]
    assert len(res) == 1 and ids[res[0]["ruleIndex"]] == "ACME001"


def test_without_plugin_code_is_unknown(tmp_path):
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--select", "ACME", "."], capture_output=True,
                       text=True, cwd=tmp_path)
    assert r.returncode == 2 and "unknown rule code" in r.stderr
