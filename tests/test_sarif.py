"""SARIF 2.1.0 output validates against the OASIS schema and GitHub's copy, and carries
what code scanning uses."""
import json
import os

import pytest
from conftest import shared_path

from linter.engine import Options, run
from linter.reporters import render

CASES = os.path.join(os.path.dirname(__file__), "cases")


@pytest.fixture(scope="module")
def sarif(tmp_path_factory):
    from keygen import fill_placeholders

    work = tmp_path_factory.mktemp("sarif")
    for name in os.listdir(CASES):
        if name.startswith("p") and name.endswith(".json"):
            (work / name).write_text(fill_placeholders(open(os.path.join(CASES, name)).read()))
    cwd = os.getcwd()
    os.chdir(work)
    try:
        opts = Options()
        from linter.engine import selected_codes

        codes = selected_codes(opts)
        result = run(["."], opts, codes)
        text = render("sarif", result, {"version": "0.1.0", "codes": codes})
    finally:
        os.chdir(cwd)
    return json.loads(text), result


def test_valid_against_oasis_schema(sarif):
    import jsonschema

    schema = json.load(open(shared_path("schemas", "sarif-schema-2.1.0.json")))
    jsonschema.Draft4Validator(schema).validate(sarif[0])


def test_valid_against_github_schema(sarif):
    import jsonschema

    schema = json.load(open(shared_path("schemas", "sarif-schema-2.1.0.github.json")))
    jsonschema.Draft202012Validator(schema).validate(sarif[0])


def test_rules_and_results(sarif):
    log, result = sarif
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    for r in rules:
        for key in ("id", "name", "shortDescription", "fullDescription", "help", "helpUri", "defaultConfiguration", "properties"):
            assert key in r, (r["id"], key)
        assert r["help"]["text"] and r["help"]["markdown"].startswith(f"# {r['name']} ({r['id']})")
        assert r["helpUri"].endswith(f"docs/rules/{r['id']}.md")
        assert r["defaultConfiguration"]["level"] in ("error", "warning", "note")
        assert isinstance(r["properties"]["tags"], list)
        if "security" in r["properties"]["tags"]:
            assert 0 < float(r["properties"]["security-severity"]) <= 10
    ids = [r["id"] for r in rules]
    assert len(run_["results"]) == len(result.findings) > 10
    for res, f in zip(run_["results"], result.findings):
        assert ids[res["ruleIndex"]] == res["ruleId"] == f.code
        assert res["level"] == f.severity
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == f.file and "\\" not in f.file and not f.file.startswith("/")
        assert loc["region"] == {"startLine": f.span.line, "startColumn": f.span.col,
                                 "endLine": f.span.end_line, "endColumn": f.span.end_col}


def test_sm101_result_region(sarif):
    log, _ = sarif
    res = [r for r in log["runs"][0]["results"] if r["ruleId"] == "SM101"
           and r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "p01_sm_star_object.json"]
    assert res[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 6, "startColumn": 15, "endLine": 6, "endColumn": 28}
