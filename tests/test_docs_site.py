"""The documentation site: generated reference pages in sync, every nav entry a real
page, the CI snippets valid, and `mkdocs build --strict` clean when MkDocs is installed.

MkDocs is in the `test` extra (and the `docs` extra), so CI builds the site on every run;
a checkout without it skips only the build, with the reason."""
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml

from linter import docs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs")


def _mkdocs_config():
    class Loader(yaml.SafeLoader):
        pass

    # mkdocs.yml may use MkDocs' own tags (!ENV, !relative); none is needed to read the nav
    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    with open(os.path.join(ROOT, "mkdocs.yml"), encoding="utf-8") as fh:
        return yaml.load(fh, Loader=Loader)


def _nav_files(nav):
    for item in nav:
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            for v in item.values():
                if isinstance(v, str):
                    yield v
                else:
                    yield from _nav_files(v)


def test_reference_pages_are_generated_and_up_to_date():
    for name, text in docs.reference_files().items():
        path = os.path.join(DOCS, "reference", name)
        assert os.path.exists(path), f"{path} is missing: run python -m linter.docs"
        with open(path, encoding="utf-8") as fh:
            assert fh.read() == text, f"{path} is stale: run python -m linter.docs"


def test_configuration_reference_covers_the_schema():
    from linter.schemas_util import load_schema

    page = docs.reference_files()["configuration.md"]
    schema = load_schema("config.schema.json")
    for key in schema["properties"]:
        assert f"| `{key}` |" in page, key
    for code in schema["properties"]["rules"]["properties"]:
        assert f"[{code}](../rules/{code}.md)" in page, code


def test_output_formats_page_lists_the_registry():
    from linter.reporters import REPORTERS

    page = docs.reference_files()["output-formats.md"]
    rows = re.findall(r"^\| `([a-z]+)` \|", page, re.M)
    assert rows == list(REPORTERS)


def test_nav_entries_exist_and_pages_speak_only_of_the_project():
    cfg = _mkdocs_config()
    files = list(_nav_files(cfg["nav"]))
    assert files and files[0] == "index.md"
    for rel in files:
        assert os.path.isfile(os.path.join(DOCS, rel)), rel
    for base, _, names in os.walk(DOCS):
        for name in names:
            if name.endswith(".md"):
                text = open(os.path.join(base, name), encoding="utf-8").read()
                assert not re.search(r"(?<![\w/])\.\./shared\b|/work/", text), name
                assert not re.search(r"\bissue #?\d+\b", text, re.I), name


def _blocks(path, lang):
    with open(path, encoding="utf-8") as fh:
        return re.findall(rf"```{lang}\n(.*?)```", fh.read(), re.S)


def test_ci_snippets_are_valid():
    """The YAML parses and every lint-policies command in the integration pages is one the
    CLI accepts."""
    from linter.cli import build_parser

    parser = build_parser()
    seen = 0
    for name in sorted(os.listdir(os.path.join(DOCS, "integrations"))):
        path = os.path.join(DOCS, "integrations", name)
        for block in _blocks(path, "yaml"):
            yaml.safe_load(block)
        text = open(path, encoding="utf-8").read()
        for m in re.finditer(r"(?:^|[\s'/])lint-policies( --[^\n'|]*)", text):
            cmd = re.sub(r"\$\{[^}]*\}", "", m.group(1)).rstrip(" \\")  # GitLab's MR-only option; a continued line
            args = shlex.split(cmd.replace("$(Build.ArtifactStagingDirectory)", "out"))
            try:
                parser.parse_args(args)
            except SystemExit as e:  # pragma: no cover - the failure message names the command
                pytest.fail(f"{name}: `lint-policies{cmd}` is not a valid command ({e})")
            seen += 1
    assert seen >= 4


def test_mkdocs_build_strict(tmp_path):
    import importlib.util

    if importlib.util.find_spec("mkdocs") is None:
        pytest.skip("MkDocs is not installed (pip install -e '.[docs]'); the site is not built")
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")]
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, (r.stdout + r.stderr)[-4000:]
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "rules" / "SM101" / "index.html").exists() or \
        (tmp_path / "site" / "rules" / "SM101.html").exists()
