"""The runner: a crashing rule is contained (LP000), only selected rules are imported,
display paths, stable order."""
import os
import subprocess
import sys

from linter import registry
from linter.engine import Options, RuleSet, run
from linter.rule import Rule

POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}\n'


class Boom(Rule):
    code = "ZZ900"
    name = "boom"
    severity = "error"
    summary = "Always raises."

    def check(self, doc, ctx):
        raise RuntimeError("kaput")
        yield  # pragma: no cover


def test_crashing_rule_is_lp000_and_the_run_goes_on(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.json").write_text(POLICY)
    (tmp_path / "b.json").write_text(POLICY)
    monkeypatch.setattr(registry, "_plugins", {"ZZ900": Boom()})
    res = run(["."], Options(select=["ZZ900", "SM101", "LP000"]))
    got = [(f.file, f.code) for f in res.findings]
    assert got == [("a.json", "LP000"), ("a.json", "SM101"), ("b.json", "LP000"), ("b.json", "SM101")]
    lp000 = res.findings[0]
    assert lp000.message == "rule ZZ900 failed: RuntimeError: kaput"
    assert (lp000.span.line, lp000.span.col) == (1, 1)


def test_only_selected_rules_are_imported():
    code = ("import sys; from linter.engine import Options, RuleSet; "
            "RuleSet(['SM101'], Options()); "
            "print(sorted(m for m in sys.modules if m.startswith('linter.rules.')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['linter.rules.sm101']"


def test_json_run_does_not_import_yaml_or_tree_sitter(tmp_path):
    (tmp_path / "p.json").write_text(POLICY)
    code = ("import sys; from linter.cli import main; main(['-q', 'p.json']); "
            "print([m for m in ('yaml', 'tree_sitter', 'jsonschema', 'tomllib') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path).stdout
    assert out.strip().splitlines()[-1] == "[]"


def test_paths_outside_cwd_are_absolute(tmp_path, monkeypatch):
    (tmp_path / "p.json").write_text(POLICY)
    sub = tmp_path / "elsewhere"
    sub.mkdir()
    monkeypatch.chdir(sub)
    res = run([str(tmp_path / "p.json")], Options(select=["SM101"]))
    assert res.findings[0].file == str(tmp_path / "p.json").replace(os.sep, "/")


def test_symlink_loop_terminates(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "p.json").write_text(POLICY)
    os.symlink("..", tmp_path / "d" / "loop")
    res = run(["."], Options(select=["SM101"]))
    assert [f.file for f in res.findings] == ["d/p.json"]


def test_same_file_twice_is_linted_once(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.json").write_text(POLICY)
    res = run(["p.json", ".", "./p.json"], Options(select=["SM101"]))
    assert len(res.findings) == 1 and res.files == 1


def test_ruleset_groups_by_scope():
    rs = RuleSet(["SM101", "LP001"], Options())
    assert [r.code for r, _ in rs.by_scope["document"]] == ["SM101"]
    assert rs.engine_codes == {"LP001"}


def test_exclude_applies_to_explicit_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "p.json").write_text(POLICY)
    (tmp_path / "p.json").write_text(POLICY)
    res = run(["gen/p.json", "p.json"], Options(select=["SM101"], exclude=["gen/*"]))
    assert [f.file for f in res.findings] == ["p.json"]
