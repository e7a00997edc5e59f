"""scripts/mutation.py: the mutants it makes from a module, their names, and its configuration."""
from __future__ import annotations

import importlib.util
import os
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _module():
    spec = importlib.util.spec_from_file_location("mutation_script", os.path.join(ROOT, "scripts", "mutation.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


SOURCE = textwrap.dedent('''\
    """Docstring: never mutated."""
    LIMIT = 3.5


    def check(values, strict):
        """Docstring."""
        out = []
        for v in values:
            if v < LIMIT and not strict:
                continue
            out.append(f"value {v} is too high")
        return any(out) or all(v > 0 for v in values)


    class Rule:
        severity = "warning"
        name = "not-a-severity"
    ''')


def test_mutants_of_a_module():
    m = _module()
    found = {x.ident: (x.old, x.new) for x in m.mutants_of("pkg/mod.py", SOURCE)}
    assert found == {
        "pkg/mod.py:<module>:3.5->3.6#0": ("3.5", "3.6"),
        "pkg/mod.py:check:Lt->LtE#0": ("v < LIMIT", "v <= LIMIT"),
        "pkg/mod.py:check:And->Or#0": ("v < LIMIT and not strict", "v < LIMIT or not strict"),
        "pkg/mod.py:check:drop-And-operand-0#0": ("v < LIMIT and not strict", "not strict"),
        "pkg/mod.py:check:drop-And-operand-1#0": ("v < LIMIT and not strict", "v < LIMIT"),
        "pkg/mod.py:check:drop-not#0": ("not strict", "strict"),
        "pkg/mod.py:check:continue->break#0": ("continue", "break"),
        "pkg/mod.py:check:return-None#0": ("return any(out) or all(v > 0 for v in values)", "return None"),
        "pkg/mod.py:check:Or->And#0": ("any(out) or all(v > 0 for v in values)",
                                       "any(out) and all((v > 0 for v in values))"),
        "pkg/mod.py:check:drop-Or-operand-0#0": ("any(out) or all(v > 0 for v in values)",
                                                 "all((v > 0 for v in values))"),
        "pkg/mod.py:check:drop-Or-operand-1#0": ("any(out) or all(v > 0 for v in values)", "any(out)"),
        "pkg/mod.py:check:any->all#0": ("any", "all"),
        "pkg/mod.py:check:all->any#0": ("all", "any"),
        "pkg/mod.py:check:Gt->GtE#0": ("v > 0", "v >= 0"),
        "pkg/mod.py:check:0->1#0": ("0", "1"),
        "pkg/mod.py:Rule:warning->note#0": ('"warning"', "'note'"),
    }
    for x in m.mutants_of("pkg/mod.py", SOURCE):
        mutated = x.apply(SOURCE)
        compile(mutated, "pkg/mod.py", "exec")
        assert mutated.count("\n") == SOURCE.count("\n")  # one expression changed: lines hold


def test_names_do_not_depend_on_lines():
    m = _module()
    shifted = "\n\n# a comment\n" + SOURCE
    assert [x.ident for x in m.mutants_of("pkg/mod.py", SOURCE)] == \
        [x.ident for x in m.mutants_of("pkg/mod.py", shifted)]


def test_configuration_names_existing_modules_and_tests():
    m = _module()
    cfg = m.load_config()
    paths = m.files(cfg, None)
    assert "linter/suppress.py" in paths and "rules/iam302.py" in paths and "rules/__init__.py" not in paths
    for p in paths:
        tests, first = m.tests_for(cfg, p)
        assert tests and 1 <= first <= len(tests), p
        assert all(os.path.exists(os.path.join(ROOT, t)) for t in tests), p
    tests, first = m.tests_for(cfg, "rules/iam302.py")
    assert "tests/test_rules_trust.py" in tests[:first] and "tests/test_kb.py" not in tests
    equivalent = m.load_equivalent()
    every = {x.ident for p in paths for x in m.mutants_of(p)}
    assert set(equivalent) <= every, "a listed equivalent mutant no longer exists"
    assert all(why for why in equivalent.values())


def test_every_rule_is_checked_with_a_test_that_names_it():
    """A rule whose tests are all in a file the configuration leaves out would be mutated and
    checked with unrelated tests only: every mutant of it would survive."""
    m = _module()
    cfg = m.load_config()
    for p in m.files(cfg, None):
        if not p.startswith("rules/") or p.startswith("rules/_"):
            continue
        tests, first = m.tests_for(cfg, p)
        code = os.path.splitext(os.path.basename(p))[0].upper()
        named = [t for t in tests if code in open(os.path.join(ROOT, t), encoding="utf-8").read()]
        assert named and tests[:len(named)] == named and first == len(named), p


def test_an_unknown_mutant_name_is_refused(capsys):
    m = _module()
    assert m.main(["--mutant", "linter/secrets.py:no_such_function:True->False#0"]) == 2
    assert "no such mutant" in capsys.readouterr().err
