"""The editor set-ups of the documentation's editors page: they run the command the language-server
tests run, and the VS Code extension in editors/vscode is the one the README shows."""
from __future__ import annotations

import json
import os
import re
import textwrap

try:
    import tomllib
except ImportError:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from lsp_client import SERVER

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _section() -> str:
    """The editors page of the documentation (the README links it)."""
    return open(os.path.join(ROOT, "docs", "integrations", "editors.md"), encoding="utf-8").read()


def _blocks(lang: str) -> list:
    return re.findall(rf"```{lang}\n(.*?)```", _section(), re.S)


def test_the_tests_run_the_command_of_the_snippets():
    assert os.path.basename(SERVER[0]) == "lint-policies" and SERVER[1:] == ["server"]
    (helix,) = _blocks("toml")
    cfg = tomllib.loads(helix)
    server = cfg["language-server"]["lint-policies"]
    assert [server["command"], *server["args"]] == ["lint-policies", "server"]
    assert {lang["name"] for lang in cfg["language"] if "lint-policies" in lang["language-servers"]} == \
        {"json", "yaml", "hcl"}
    lua = _blocks("lua")
    assert len(lua) == 2
    for block in lua:
        assert 'cmd = { "lint-policies", "server" }' in block
        assert '{ "json", "yaml", "terraform" }' in block
        assert '{ ".lint-policies.toml", "pyproject.toml", ".git" }' in block
    assert "pip install 'lint-policies[server]'" in _section()


def test_the_vscode_extension_is_the_one_the_readme_shows():
    folder = os.path.join(ROOT, "editors", "vscode")
    js = open(os.path.join(folder, "extension.js"), encoding="utf-8").read()
    (snippet,) = _blocks("js")
    assert textwrap.indent(snippet, "  ") in js
    pkg = json.load(open(os.path.join(folder, "package.json"), encoding="utf-8"))
    assert pkg["main"] == "./extension.js"
    assert pkg["contributes"]["configuration"]["properties"]["lint-policies.command"]["default"] == \
        ["lint-policies", "server"]
    languages = re.findall(r'language: "([a-z]+)"', js)
    assert sorted(f"onLanguage:{x}" for x in languages) == sorted(pkg["activationEvents"])
    assert "vscode-languageclient" in pkg["dependencies"]
    assert 'require("vscode-languageclient/node")' in js
