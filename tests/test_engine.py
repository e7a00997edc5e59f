"""The runner: a crashing rule is contained (LP000), only selected rules are imported,
display paths, stable order."""
import json
import os
import subprocess
import sys

from linter import registry
from linter.engine import Options, RuleSet, run
from linter.rule import Context, Rule

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
    assert out.strip() == "[]"  # nothing before a file needs it


def _rules_imported(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    code = ("import sys; from linter.cli import main\ntry: main(['-q', %r])\nexcept SystemExit: pass\n"
            "print(' '.join(sorted(m.rsplit('.', 1)[1].upper() for m in sys.modules "
            "if m.startswith('linter.rules.') and not m.rsplit('.', 1)[1].startswith('_'))), file=sys.stderr)" % name)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    return set(out.stderr.split())


def test_rules_are_imported_only_for_what_a_file_holds(tmp_path):
    from linter import registry

    condition_rules = {c for c, (_, _, req) in registry.WHERE.items() if "condition" in req}
    trust_only = {c for c, (scope, roles, _) in registry.WHERE.items()
                  if scope == "document" and roles is not None and "identity" not in roles}
    credentials = {c for c, (scope, _, _) in registry.WHERE.items() if scope in ("credentials", "managed")}
    plain = _rules_imported(tmp_path, "p.json", POLICY)
    assert {"SM101", "SM201", "IAM101", "KEY401", "SM301"} <= plain
    assert not plain & (condition_rules | trust_only | credentials)
    conditioned = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
         "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}}]})
    assert _rules_imported(tmp_path, "c.json", conditioned) == plain | condition_rules
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    got = _rules_imported(tmp_path, "t.json", trust)
    assert trust_only <= got and not got & credentials


def test_registry_knows_where_each_builtin_rule_applies():
    """The table that decides what to import agrees with the rules' own metadata."""
    from linter import registry

    for code in registry.builtin_codes():
        if code in registry.ENGINE_CODES:
            continue
        rule = registry.load_builtin(code)
        assert registry.where(code) == (rule.scope, rule.roles, tuple(rule.requires)), code
        assert registry.refutable(code) == (rule.refuted_by_principal is not None), code


def _without(doc, fact):
    if fact == "condition":
        return doc._replace(statements=[st._replace(condition=[]) for st in doc.statements])
    if fact == "inline":
        return doc._replace(attachment=None)
    raise AssertionError(f"no way to take {fact!r} away yet: add one here")


def test_a_rule_finds_nothing_where_what_it_requires_is_missing():
    """What lets the engine skip a rule: on documents (and principals) lacking a fact the rule
    requires, it finds nothing, whatever else they hold; an opt-in rule finds nothing unconfigured."""
    from linter import principals, registry
    from linter.model import FACTS
    from linter.sources import load

    path = os.path.join(os.path.dirname(__file__), "..", "examples")
    docs = []
    for root, _, names in os.walk(path):
        for n in sorted(names):
            docs += load(os.path.join(root, n), n).documents
    checked = set()
    for code, (scope, _, requires) in registry.WHERE.items():
        rule = registry.load_builtin(code)
        for fact in requires:
            if fact.startswith("option:"):
                targets = principals.group(docs) if scope == "principal" else docs
                assert all(list(rule.check(t, Context()) or ()) == [] for t in targets), code
                checked.add(fact)
                continue
            assert fact in FACTS, (code, fact)
            holding = [d for d in docs if fact in d.facts()]
            assert holding, f"the examples hold no document with {fact!r}"
            bare = [_without(d, fact) for d in docs]
            assert not any(fact in d.facts() for d in bare)
            targets = principals.group(bare) if scope == "principal" else bare
            for t in targets:
                assert list(rule.check(t, Context()) or ()) == [], (code, fact)
            checked.add(fact)
    assert checked == set(FACTS) | {"option:keys"}


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
    rs = RuleSet(["SM101", "SM105", "LP001"], Options())
    assert [r.code for r, _ in rs.by_scope["document"]] == ["SM101"]
    assert [r.code for r, _ in rs.applicable("managed")] == ["SM105"]
    assert rs.applicable("document", "trust", frozenset()) == []  # SM101 reads granting documents only
    assert rs.engine_codes == {"LP001"}


def test_exclude_applies_to_explicit_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gen").mkdir()
    (tmp_path / "gen" / "p.json").write_text(POLICY)
    (tmp_path / "p.json").write_text(POLICY)
    res = run(["gen/p.json", "p.json"], Options(select=["SM101"], exclude=["gen/*"]))
    assert [f.file for f in res.findings] == ["p.json"]


def test_a_run_collects_cycles_less_often_and_restores_the_setting(tmp_path, monkeypatch):
    import gc

    (tmp_path / "p.json").write_text(POLICY)
    seen = []

    class Probe(Rule):
        code, name, severity = "SM101", "probe", "error"

        def check(self, doc, ctx):
            seen.append(gc.get_threshold()[0])
            return ()

    before = gc.get_threshold()
    monkeypatch.setattr("linter.registry.load", lambda code: Probe())
    try:
        gc.set_threshold(700, *before[1:])
        run([str(tmp_path)], Options(select=["SM101"], jobs=1))
        assert seen == [10_000] and gc.get_threshold() == (700, *before[1:])
        gc.set_threshold(50_000, *before[1:])  # a caller's higher setting is kept
        run([str(tmp_path)], Options(select=["SM101"], jobs=1))
        assert seen[-1] == 50_000 and gc.get_threshold()[0] == 50_000
    finally:
        gc.set_threshold(*before)


def test_a_files_model_is_freed_without_the_cycle_collector(tmp_path, monkeypatch):
    """Everything a run builds for a file (located tree, model, principals, a template's resolver)
    is freed by reference counting once the file is done: the cycle collector, which a run
    calls rarely, finds nothing of the linter's in what is left."""
    import gc
    import shutil

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    shutil.copytree(os.path.join(root, "examples"), tmp_path / "examples")
    shutil.copytree(os.path.join(root, "tests", "cases"), tmp_path / "cases")
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "serverless.yml").write_text(
        "service: ml\nprovider:\n  name: aws\n  iam:\n    role:\n      statements:\n"
        "        - Effect: Allow\n          Action: [sagemaker:*, iam:PassRole]\n          Resource: '*'\n")
    monkeypatch.chdir(tmp_path)
    gc.collect()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        result = run(["."], Options(jobs=1))
        assert result.files > 40 and {f.file.split("/")[0] for f in result.findings} >= {"examples", "cases", "svc"}
        del result
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = sorted({type(o).__module__ + "." + type(o).__qualname__ for o in gc.garbage
                       if type(o).__module__.startswith("linter.")})
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was_enabled:
            gc.enable()
    assert left == []


def test_display_paths(tmp_path, monkeypatch):
    from linter.engine import display_path

    (tmp_path / "repo" / "sub").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "repo")
    cwd = Options()
    assert display_path("sub/p.json", cwd) == "sub/p.json"
    assert display_path("./sub/../sub/p.json", cwd) == "sub/p.json"
    assert display_path(str(tmp_path / "repo" / "sub" / "p.json"), cwd) == "sub/p.json"
    assert display_path(".", cwd) == "."
    assert display_path("../other.json", cwd) == str(tmp_path / "other.json")  # outside: absolute
    assert display_path(str(tmp_path / "repository" / "p.json"), cwd) == str(tmp_path / "repository" / "p.json")
    rooted = Options(root="sub")
    assert display_path("sub/p.json", rooted) == "p.json"
    assert display_path("/x/p.json", Options(root="/")) == "x/p.json"
