"""The pre-commit hooks (``.pre-commit-hooks.yaml``), checked with the real ``pre-commit``.

``test_hook_end_to_end`` does what a user does after copying the README snippet: a git
repository with a bad policy and a ``.pre-commit-config.yaml`` that points at this
repository (its local path, at the current ``HEAD`` commit: pre-commit builds the
hook's environment from the committed tree), then ``pre-commit run --all-files``. It
must fail with the finding, and pass once the policy is fixed. pre-commit
pip-installs the hook, so the test is marked ``network``; it runs by default (and in
CI) and is skipped only with ``LINT_POLICIES_OFFLINE=1``. ``PRE_COMMIT_HOME`` is a
cache under ``.pytest_cache`` so reruns at the same commit are fast.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MANIFEST = os.path.join(ROOT, ".pre-commit-hooks.yaml")

BAD = """{
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
GOOD = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "sagemaker:DescribeTrainingJob",
      "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/nightly"
    }
  ]
}
"""


def pre_commit(*args, cwd, env=None, timeout=900):
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=timeout)


def _clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GIT_", "PRE_COMMIT", "GITHUB_", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


def test_validate_manifest():
    p = pre_commit("validate-manifest", MANIFEST, cwd=ROOT)
    assert p.returncode == 0, p.stdout + p.stderr


def test_manifest_contents():
    with open(MANIFEST, encoding="utf-8") as fh:
        hooks = {h["id"]: h for h in yaml.safe_load(fh)}
    assert set(hooks) == {"lint-policies", "lint-policies-repo"}
    assert hooks["lint-policies"]["args"] == ["--"]  # file names come after it
    for h in hooks.values():
        assert h["language"] == "python" and h["entry"] == "lint-policies"
        assert h["types"] == ["file"]  # type tags miss .template (and tag .tf.json as json only)
        files = re.compile(h["files"])
        for name in ("p.json", "t.yaml", "t.yml", "stack.template", "main.tf", "prod.tfvars", "main.tf.json",
                     "x.tfvars.json", "dir/sub/policy.json", "p.json.tpl", "p.tftpl", "p.json.j2",
                     "p.json.jinja2", "p.json.tmpl", "app/stack.py", "lib/stack.ts", "lib/stack.js", "bin/app.mjs",
                     "terraform.tfstate", "terraform.tfstate.backup", ".env", "infra/.env.example", "deploy.sh",
                     "notebooks/train.ipynb", "setup.cfg", "config/app.ini", "pyproject.toml", ".s3cfg",
                     ".aws/credentials", "home/.aws/config", "ml-user_accessKeys.csv", "credentials.csv",
                     "Dockerfile", "docker/Dockerfile.train", "train.dockerfile"):
            assert files.search(name), name
        for name in ("README.md", "template.txt", "main.tf.bak", "a.jsonl", "stack.pyc", "a.tsv",
                     "page.html.j2", "x.tpl", "environment.md", "a.envrc", "data/train.csv", "config"):
            assert not files.search(name), name
    assert hooks["lint-policies"].get("pass_filenames", True) is True
    assert hooks["lint-policies-repo"]["pass_filenames"] is False
    # the linter parallelises itself: one hook process, one summary
    assert all(h.get("require_serial") is True for h in hooks.values())
    assert all(h.get("minimum_pre_commit_version") == "3.0.0" for h in hooks.values())
    # every suffix a format claims passes the filter (policy templates included)
    from linter.sources import POLICY_TEMPLATE_EXT

    for suffix in POLICY_TEMPLATE_EXT + (".tf", ".tfvars", ".tf.json", ".yaml", ".yml", ".template", ".json"):
        assert all(re.compile(h["files"]).search("a" + suffix) for h in hooks.values()), suffix


def readme_precommit_config():
    """The first YAML block of the pre-commit page of the documentation (the one the README links)."""
    path = os.path.join(ROOT, "docs", "integrations", "pre-commit.md")
    block = re.search(r"```yaml\n(.*?)```", open(path, encoding="utf-8").read(), re.S)
    assert block, f"{path}: no yaml block"
    return yaml.safe_load(block.group(1))


def test_readme_snippet_names_real_hooks():
    config = readme_precommit_config()
    with open(MANIFEST, encoding="utf-8") as fh:
        ids = {h["id"] for h in yaml.safe_load(fh)}
    for repo in config["repos"]:
        assert repo["repo"].startswith("https://github.com/") and repo["rev"]
        assert {h["id"] for h in repo["hooks"]} <= ids


def _git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True,
                   env=_clean_env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.invalid",
                                  GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.invalid"))


@pytest.mark.network
def test_hook_end_to_end(tmp_path):
    if os.environ.get("LINT_POLICIES_OFFLINE") == "1":
        pytest.skip("LINT_POLICIES_OFFLINE=1: pre-commit needs the package registry to install the hook")
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                         env=_clean_env())
    if rev.returncode:
        pytest.skip("not a git checkout: pre-commit needs a revision of this repository")
    rev = rev.stdout.strip()
    home = os.path.join(ROOT, ".pytest_cache", "pre-commit-home")
    env = _clean_env(PRE_COMMIT_HOME=home, PRE_COMMIT_COLOR="never", NO_COLOR="1")

    repo = tmp_path / "user-repo"
    (repo / "policies").mkdir(parents=True)
    (repo / "policies" / "sagemaker.json").write_text(BAD, encoding="utf-8")
    # files the hook selects that hold no policy: read, skipped, no finding
    (repo / "package.json").write_text('{"name": "app", "version": "1.0.0"}\n', encoding="utf-8")
    # a committed file named like an option: the hook passes it after `--`, as a file name
    (repo / "--output=package.json").write_text('{"name": "not an option"}\n', encoding="utf-8")
    (repo / "README.md").write_text("# app\n", encoding="utf-8")
    # the README's snippet, pointed at this checkout, plus the whole-repository hook
    config = readme_precommit_config()
    (entry,) = config["repos"]
    # pinned by commit SHA: no release is tagged yet, and a SHA is what `pre-commit autoupdate --freeze` writes
    assert re.fullmatch(r"[0-9a-f]{40}", entry["rev"]) and entry["hooks"] == [{"id": "lint-policies"}]
    entry.update(repo=ROOT, rev=rev)
    entry["hooks"].append({"id": "lint-policies-repo"})
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)

    p = pre_commit("run", "--all-files", cwd=repo, env=env)
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert re.search(r"^lint-policies \(IAM policies guarding SageMaker\)\.+Failed$", out, re.M), out
    assert re.search(r"^lint-policies \(whole repository\)\.+Failed$", out, re.M), out
    lines = out.splitlines()
    sm101 = [ln for ln in lines if ln.startswith('policies/sagemaker.json:6:17: SM101 "sagemaker:*" grants every')]
    sm201 = [ln for ln in lines if ln.startswith('policies/sagemaker.json:7:19: SM201 ')]
    assert len(sm101) == 2 and len(sm201) == 2, out  # once per hook
    assert "package.json" not in out
    assert "Found 2 findings (2 error, 0 warning, 0 note) in 1 of 4 files checked." in out, out
    assert (repo / "package.json").read_text(encoding="utf-8") == '{"name": "app", "version": "1.0.0"}\n'

    assert "Traceback" not in out

    (repo / "policies" / "sagemaker.json").write_text(GOOD, encoding="utf-8")
    _git("add", "-A", cwd=repo)
    p = pre_commit("run", "--all-files", cwd=repo, env=env)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert re.search(r"^lint-policies \(IAM policies guarding SageMaker\)\.+Passed$", out, re.M), out
    assert re.search(r"^lint-policies \(whole repository\)\.+Passed$", out, re.M), out

    # a commit that touches no policy file: the hooks are skipped
    _git("commit", "-q", "--no-verify", "-m", "fixed", cwd=repo)
    (repo / "README.md").write_text("# app\n\nmore\n", encoding="utf-8")
    _git("add", "-A", cwd=repo)
    p = pre_commit("run", cwd=repo, env=env)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert re.search(r"^lint-policies \(IAM policies guarding SageMaker\)\.+\(no files to check\)Skipped$",
                     out, re.M), out

    # keep the cache from growing one environment per commit
    pre_commit("gc", cwd=repo, env=env)
    shutil.rmtree(repo, ignore_errors=True)
