"""Packaging: the license file matches the declared SPDX license, `python -m linter` is
the CLI, and the source distribution carries the examples and the license."""
import os
import shutil
import subprocess
import sys
import tarfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib


def _project():
    with open(os.path.join(ROOT, "pyproject.toml"), "rb") as fh:
        return tomllib.load(fh)["project"]


def test_license_file_matches_the_declared_license():
    project = _project()
    assert project["license"] == "Apache-2.0"  # an SPDX expression (PEP 639)
    assert project["license-files"] == ["LICENSE"]
    with open(os.path.join(ROOT, "LICENSE"), encoding="utf-8") as fh:
        text = fh.read()
    assert text.split("\n", 2)[:2] == ["                                 Apache License",
                                       "                           Version 2.0, January 2004"]
    assert "END OF TERMS AND CONDITIONS" in text
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639: the expression only


def test_metadata_for_package_indexes():
    project = _project()
    assert {"Homepage", "Documentation", "Repository", "Issues"} <= set(project["urls"])
    versions = [c.rsplit(":: ", 1)[1] for c in project["classifiers"]
                if c.startswith("Programming Language :: Python :: 3.")]
    assert versions[0] == project["requires-python"].lstrip(">=")


def test_python_m_linter_is_the_cli(tmp_path):
    r = subprocess.run([sys.executable, "-m", "linter", "--version"], capture_output=True, text=True, cwd=tmp_path)
    assert (r.returncode, r.stdout) == (0, "lint-policies 0.1.0\n")
    (tmp_path / "p.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                     '"Action": "sagemaker:*", "Resource": "*"}]}\n')
    r = subprocess.run([sys.executable, "-m", "linter", "--select", "SM101", "p.json"], capture_output=True,
                       text=True, cwd=tmp_path)
    assert r.returncode == 1 and r.stdout.startswith("p.json:1:71: SM101 ")


def test_sdist_carries_examples_and_license(tmp_path):
    pytest.importorskip("setuptools", minversion="77")
    if shutil.which("git") is None or not os.path.isdir(os.path.join(ROOT, ".git")) and \
            not os.path.isfile(os.path.join(ROOT, ".git")):
        pytest.skip("needs a git checkout (the sdist is built from the tracked files)")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    src = tmp_path / "src"
    for rel in filter(None, files.decode().split("\0")):
        if not os.path.exists(os.path.join(ROOT, rel)):
            continue
        os.makedirs(src / os.path.dirname(rel), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, rel), src / rel)
    out = tmp_path / "dist"
    out.mkdir()
    code = ("import sys; from setuptools import build_meta; "
            "print(build_meta.build_sdist(sys.argv[1]))")
    r = subprocess.run([sys.executable, "-c", code, str(out)], cwd=src, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    name = r.stdout.strip().splitlines()[-1]
    with tarfile.open(out / name) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert "LICENSE" in names and "README.md" in names and "pyproject.toml" in names
    examples = {n for n in names if n.startswith("examples/") and not n.endswith("/")}
    tracked = {rel for rel in files.decode().split("\0") if rel.startswith("examples/")}
    assert tracked and tracked <= examples
    assert "docs/rules/SM101.md" in names


def _many_findings(tmp_path, files=8):
    """``files`` policies of 90 statements, each statement reported by SM101 (a rule reports at
    most 100 findings per file): more output than a pipe holds. Returns the paths and the count."""
    import json

    stmts = [{"Sid": f"S{i}", "Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"} for i in range(90)]
    names = []
    for k in range(files):
        (tmp_path / f"p{k}.json").write_text(json.dumps({"Version": "2012-10-17", "Statement": stmts}, indent=1))
        names.append(f"p{k}.json")
    return names, 90 * files


def test_the_command_writes_all_its_output_before_it_ends(tmp_path):
    # The command ends its process without Python's teardown: what it printed or wrote to a file
    # must be there in full, through a pipe as in CI.
    import json

    names, n = _many_findings(tmp_path)
    r = subprocess.run([sys.executable, "-m", "linter", "--select", "SM101", "--format", "json", *names],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 1 and r.stderr == ""
    assert len(json.loads(r.stdout)["findings"]) == n
    r = subprocess.run([sys.executable, "-m", "linter", "--select", "SM101", "--format", "sarif",
                        "--output", "out.sarif", *names], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 1
    with open(tmp_path / "out.sarif", encoding="utf-8") as fh:
        assert len(json.load(fh)["runs"][0]["results"]) == n
    r = subprocess.run([sys.executable, "-m", "linter", "--select", "SM101", *names], capture_output=True,
                       text=True, cwd=tmp_path)
    lines = r.stdout.splitlines()
    assert r.returncode == 1 and len(lines) == n + 1
    assert lines[-1] == f"Found {n} findings ({n} error, 0 warning, 0 note) in 8 of 8 files checked."


def test_the_command_keeps_its_exit_codes(tmp_path):
    r = subprocess.run([sys.executable, "-m", "linter", "--help"], capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0 and r.stdout.startswith("usage: lint-policies") and r.stdout.endswith("\n")
    r = subprocess.run([sys.executable, "-m", "linter", "--no-such-option"], capture_output=True, text=True,
                       cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.rstrip().endswith("error: unrecognized arguments: --no-such-option")
    (tmp_path / "ok.json").write_text('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                      '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}\n')
    r = subprocess.run([sys.executable, "-m", "linter", "ok.json"], capture_output=True, text=True, cwd=tmp_path)
    assert (r.returncode, r.stderr) == (0, "")


def test_a_reader_that_goes_away_ends_the_command_quietly(tmp_path):
    # `lint-policies ... | head -1`: exit 1, nothing on stderr (no traceback, no "Exception ignored").
    names, _ = _many_findings(tmp_path)
    p = subprocess.Popen([sys.executable, "-m", "linter", "--select", "SM101", *names], cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = p.stdout.readline()
    p.stdout.close()
    err = p.stderr.read()
    assert p.wait() == 1
    assert first.startswith(b"p0.json:") and err == b"", err[-2000:]
