"""--new-since REF: only findings a change adds, compared by fingerprint with the files
as git holds them at REF (read into memory, never checked out)."""
import json
import os
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}
  ]
}
"""


def git(repo, *args):
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_SYSTEM=os.devnull)
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True, env=env).stdout


def lint(repo, *args):
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--format", "json", "--select", "SM101,SM201,IAM",
                        *args], cwd=repo, capture_output=True, text=True)
    return r.returncode, (json.loads(r.stdout)["findings"] if r.stdout.startswith("{") else r.stderr)


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "infra").mkdir()
    (tmp_path / "infra" / "role.json").write_text(POLICY, encoding="utf-8")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_moved_finding_is_not_new_and_a_new_grant_is(repo):
    # the same grant, moved down by an edit; and a new grant in the same file
    moved = POLICY.replace('"Resource": "*"}\n', '"Resource": "*"},\n    {"Effect": "Allow", "Action": '
                           '"iam:PassRole", "Resource": "*"}\n')
    (repo / "infra" / "role.json").write_text("\n\n" + moved, encoding="utf-8")
    rc, all_now = lint(repo)
    assert rc == 1 and {f["code"] for f in all_now} >= {"SM101", "SM201"}
    rc, new = lint(repo, "--new-since", "main")
    assert rc == 1
    assert new and all(f["code"].startswith("IAM") for f in new), new
    assert {f["line"] for f in new} == {7}
    # the work tree was not touched
    assert (repo / "infra" / "role.json").read_text(encoding="utf-8") == "\n\n" + moved
    assert git(repo, "status", "--porcelain") == " M infra/role.json\n"


def test_nothing_changed_nothing_new(repo):
    rc, new = lint(repo, "--new-since", "HEAD")
    assert (rc, new) == (0, [])


def test_a_new_file_is_all_new(repo):
    (repo / "infra" / "new.json").write_text(POLICY, encoding="utf-8")
    rc, new = lint(repo, "--new-since", "HEAD", "infra")
    assert rc == 1 and {f["file"] for f in new} == {"infra/new.json"}


def test_a_second_identical_grant_is_new(repo):
    two = POLICY.replace('"Resource": "*"}\n', '"Resource": "*"},\n    {"Effect": "Allow", "Action": "sagemaker:*", '
                                               '"Resource": "*"}\n')
    (repo / "infra" / "role.json").write_text(two, encoding="utf-8")
    rc, new = lint(repo, "--new-since", "HEAD")
    assert rc == 1 and sorted(f["code"] for f in new) == ["SM101", "SM201"]


def test_from_a_subdirectory_and_with_a_commit_id(repo):
    sha = git(repo, "rev-parse", "HEAD").strip()
    (repo / "infra" / "role.json").write_text("\n" + POLICY, encoding="utf-8")
    rc, new = lint(repo / "infra", "--new-since", sha, "role.json")
    assert (rc, new) == (0, [])


@pytest.mark.parametrize("ref", ["--output=x.out", "no-such-branch", "HEAD;touch pwned", "$(touch pwned)",
                                 "main..HEAD", ""])
def test_hostile_or_unknown_refs_are_usage_errors(repo, ref):
    rc, err = lint(repo, f"--new-since={ref}")
    assert rc == 2 and "--new-since" in err
    assert not (repo / "pwned").exists() and not (repo / "x.out").exists()


def test_outside_a_repository(tmp_path):
    (tmp_path / "p.json").write_text(POLICY, encoding="utf-8")
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path.parent))
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--new-since", "HEAD", "p.json"], cwd=tmp_path,
                       capture_output=True, text=True, env=env)
    assert r.returncode == 2 and "not inside a git repository" in r.stderr
