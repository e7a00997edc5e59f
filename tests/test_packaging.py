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
