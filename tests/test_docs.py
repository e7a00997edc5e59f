"""Rule documentation: generated docs are current, complete, and their examples are tests.

Each rule's "Example" must trigger the rule and its "Use instead" must not (as
pylint does with its bad.py/good.py message docs). ``--explain CODE`` prints the
same markdown as ``docs/rules/CODE.md``, and SARIF ``helpUri`` points at that page.
"""
from __future__ import annotations

import io
import json
import os
from contextlib import redirect_stdout

import pytest

from linter import docs, registry
from linter.engine import Options, run

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOCS = os.path.join(ROOT, "docs", "rules")
REGENERATE = "the rule docs are stale: run `python -m linter.docs` and commit docs/rules/"
#: Rules produced by the engine that may have no example (what would it be?).
NO_EXAMPLE = {"LP000", "LP003", "LP100", "LP101"}
EXT = {"json": ".json", "yaml": ".yaml", "hcl": ".tf"}

CODES = registry.builtin_codes()


def rule(code):
    return registry.load_builtin(code)


def test_generated_docs_are_up_to_date():
    expected = docs.expected_files()
    on_disk = {n for n in os.listdir(DOCS) if n.endswith(".md")} if os.path.isdir(DOCS) else set()
    missing = sorted(set(expected) - on_disk)
    extra = sorted(on_disk - set(expected))
    assert not missing, f"{REGENERATE} (missing: {', '.join(missing)})"
    assert not extra, f"{REGENERATE} (no rule for: {', '.join(extra)}; delete them)"
    stale = []
    for name, text in expected.items():
        with open(os.path.join(DOCS, name), encoding="utf-8", newline="") as fh:
            if fh.read() != text:
                stale.append(name)
    assert not stale, f"{REGENERATE} (stale: {', '.join(stale)})"


def test_index_lists_every_rule():
    index = docs.expected_files()["README.md"]
    for code in CODES:
        assert f"[{code}]({code}.md)" in index


@pytest.mark.parametrize("code", CODES)
def test_rule_metadata_is_complete(code):
    r = rule(code)
    assert r.code == code and r.name == registry.BUILTIN[code][1] and r.severity == registry.BUILTIN[code][2]
    assert r.summary.strip(), f"{code}: no summary"
    assert r.rationale.strip(), f"{code}: no rationale"
    if code not in NO_EXAMPLE:
        assert r.example.strip(), f"{code}: no example"
        assert r.fix.strip(), f"{code}: no fix (Use instead)"
    assert r.example_format in EXT
    md = docs.rule_markdown(r)
    for section in ("## What it does", "## Why is this bad?"):
        assert section in md
    if r.example:
        assert "## Example" in md and (not r.fix or "Use instead:" in md)


def _lint_text(tmp_path, code, text, fmt, name, options=None):
    d = tmp_path / name
    d.mkdir()
    p = d / f"example{EXT[fmt]}"
    p.write_text(text.strip() + "\n", encoding="utf-8")
    cwd = os.getcwd()
    os.chdir(d)
    try:
        return run([p.name], Options(select=[code], jobs=1, rule_options={code: options or {}})).findings
    finally:
        os.chdir(cwd)


@pytest.mark.parametrize("code", [c for c in CODES if c not in NO_EXAMPLE or rule(c).example])
def test_example_triggers_and_fix_does_not(tmp_path, code):
    r = rule(code)
    if not r.example:
        pytest.skip(f"{code} has no example")
    found = _lint_text(tmp_path, code, r.example, r.example_format, "example", r.example_options)
    assert any(f.code == code for f in found), f"{code}: the documented example does not trigger the rule"
    others = [f for f in found if f.code.startswith("LP") and f.code != code]
    assert not others, f"{code}: the example also produces {others}"
    if r.fix:
        fixed = _lint_text(tmp_path, code, r.fix, r.example_format, "fix", r.example_options)
        assert not [f for f in fixed if f.code == code], f"{code}: the documented fix still triggers: {fixed}"
        assert not [f for f in fixed if f.code.startswith("LP")], f"{code}: the fix produces {fixed}"


@pytest.mark.parametrize("code", CODES)
def test_explain_prints_the_doc_page(code):
    from linter.cli import main

    buf = io.StringIO()
    with redirect_stdout(buf):
        assert main(["--explain", code.lower()]) == 0
    assert buf.getvalue() == docs.rule_markdown(rule(code))
    assert docs.expected_files()[f"{code}.md"].endswith(buf.getvalue())


def test_sarif_help_uri_points_at_the_doc_page(tmp_path, monkeypatch):
    from linter.cli import main

    monkeypatch.chdir(tmp_path)
    (tmp_path / "p.json").write_text('{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}')
    buf = io.StringIO()
    with redirect_stdout(buf):
        main(["--format", "sarif", "p.json"])
    rules = json.loads(buf.getvalue())["runs"][0]["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {"SM101", "SM201"}
    for r in rules:
        if r["id"] not in registry.BUILTIN:
            continue
        assert r["helpUri"] == docs.help_uri(r["id"])
        assert r["helpUri"].endswith(f"/docs/rules/{r['id']}.md")
        assert os.path.exists(os.path.join(DOCS, f"{r['id']}.md"))
        assert r["help"]["markdown"] == docs.rule_markdown(rule(r["id"]))


def _bench_run():
    import importlib.util

    import sys

    spec = importlib.util.spec_from_file_location("bench_run", os.path.join(ROOT, "benchmarks", "run.py"))
    mod = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = mod  # its dataclasses look their module up
    try:
        spec.loader.exec_module(mod)
    finally:
        del sys.modules["bench_run"]
    return mod


def test_readme_performance_section_is_the_benchmark_report(tmp_path):
    """README.md shows the targets, the instruction counts and where the time goes as the last
    benchmark run wrote them: between two markers that benchmarks/run.py rewrites."""
    run = _bench_run()
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    block = readme[readme.index(run.README_START) + len(run.README_START):readme.index(run.README_END)]
    for heading in ("### Targets", "### Instructions executed", "### Where the time goes"):
        assert heading in block, heading
    assert "| one small policy file <= 3.5x `python -c pass`" in block
    report = ("# lint-policies benchmark results\n\nintro\n\n## Memory (whole corpus)\n\n| a |\n\n"
              "## Targets\n\n| target | status |\n| x | met |\n\n## Where the time goes\n\n| part | ms |\n")
    meta = {"date": "2026-01-01 00:00", "machine": "m", "load": "0 / 0"}
    new = run.readme_block(report, meta)
    assert "### Targets\n\n| target | status |\n| x | met |" in new and "### Where the time goes" in new
    assert "Memory" not in new
    p = tmp_path / "README.md"
    p.write_text(f"top\n{run.README_START}\nold\n{run.README_END}\nbottom\n")
    assert run.update_readme(str(p), new)
    assert p.read_text() == f"top\n{run.README_START}\n{new}{run.README_END}\nbottom\n"
    q = tmp_path / "NOMARK.md"
    q.write_text("nothing\n")
    assert not run.update_readme(str(q), new) and q.read_text() == "nothing\n"


def test_benchmark_report_counts_the_policies_in_instructions():
    """--instructions adds the 600 policies in one process, against their floor, apart from the
    one-file commands."""
    run = _bench_run()
    meta = {"date": "2026-01-01 00:00", "seed": 8, "corpus": "c", "machine": "m", "load": "0 / 0",
            "timer": "t", "runs": 5, "linter": "l"}
    text = run.report([], {}, meta, {}, {}, {"python": 40_000_000, "ours_small_policy": 140_000_000,
                                            "ours_pol_j1": 5_600_000_000, "floor_pol": 700_000_000})
    section = text[text.index("## Instructions executed"):]
    assert "| `ours_small_policy` | 140 M | 3.50x |" in section
    assert "| `lint-policies --jobs 1` on the 600 policies | 5600 M | 8.0x |" in section
    assert "| `parse floor 600 policies` | 700 M | 1.0x |" in section
    assert "ours_pol_j1` |" not in section


def test_the_readme_shows_what_the_examples_give(monkeypatch, capsys):
    """Every line of the README's sample run is a line of today's output on the bundled examples,
    and its last line is today's summary."""
    from linter.cli import main

    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    cmd = "$ lint-policies --format concise examples/\n"
    start = readme.index(cmd) + len(cmd)
    shown = [line for line in readme[start:readme.index("```", start)].splitlines() if line != "..."]
    monkeypatch.chdir(ROOT)
    assert main(["--format", "concise", "examples/"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert all(line in out for line in shown), [line for line in shown if line not in out]
    assert shown[-1] == out[-1]
