"""SARIF that GitHub code scanning ingests without duplicates or rejections:
partialFingerprints that survive moved lines, automationDetails, driver.fullName,
per-result security-severity, GitHub's upload limits, absolute URIs for files outside
the working directory."""
import gzip
import json
import os
import subprocess
import sys

import jsonschema
import pytest
from conftest import shared_path

from linter.engine import Options, Result, run, selected_codes
from linter.reporters import render

HERE = os.path.dirname(os.path.abspath(__file__))
POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
  ]
}
"""


def _validate(log):
    for name, cls in (("sarif-schema-2.1.0.json", jsonschema.Draft4Validator),
                      ("sarif-schema-2.1.0.github.json", jsonschema.Draft202012Validator)):
        path = shared_path("schemas", name)
        if not os.path.exists(path):
            pytest.skip(f"{path} is not there (the SARIF schemas are read from ../shared/schemas)")
        with open(path, encoding="utf-8") as fh:
            cls(json.load(fh)).validate(log)


def _sarif(cwd, *args):
    r = subprocess.run([sys.executable, "-m", "linter.cli", "--format", "sarif", *args], cwd=cwd,
                       capture_output=True, text=True)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)


def test_fingerprints_run_details_and_full_name(tmp_path):
    (tmp_path / "p.json").write_text(POLICY, encoding="utf-8")
    log = _sarif(tmp_path, "p.json")
    _validate(log)
    run_ = log["runs"][0]
    assert run_["automationDetails"] == {"id": "lint-policies/"}
    assert run_["tool"]["driver"]["fullName"].startswith("lint-policies 0.1.0: ")
    fps = [r["partialFingerprints"]["lintPoliciesFingerprint/v1"] for r in run_["results"]]
    assert len(fps) >= 2 and len(set(fps)) == len(fps)
    assert all("primaryLocationLineHash" not in r["partialFingerprints"] for r in run_["results"])
    # lines inserted above: same fingerprints, other lines
    (tmp_path / "p.json").write_text("\n\n\n" + POLICY, encoding="utf-8")
    moved = _sarif(tmp_path, "p.json")["runs"][0]["results"]
    assert [r["partialFingerprints"] for r in moved] == [r["partialFingerprints"] for r in run_["results"]]
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in moved] == \
        [r["locations"][0]["physicalLocation"]["region"]["startLine"] + 3 for r in run_["results"]]
    # a category for a second analysis in the same workflow
    other = _sarif(tmp_path, "--sarif-category", "infra/prod", "p.json")
    assert other["runs"][0]["automationDetails"] == {"id": "infra/prod/"}


def test_security_severity_follows_the_result_level(tmp_path):
    example = "AKIA" + "IOSFODNN7" + "EXAMPLE"  # AWS's documentation example key ID
    sys.path.insert(0, HERE)
    from keygen import key_id

    (tmp_path / "c.json").write_text('{"a": "%s", "b": "%s"}\n' % (example, key_id("sarif-sev")), encoding="utf-8")
    log = _sarif(tmp_path, "--select", "KEY401", "c.json")
    _validate(log)
    rule = log["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["id"] == "KEY401" and rule["defaultConfiguration"]["level"] == "error"
    by_level = {r["level"]: r for r in log["runs"][0]["results"]}
    assert set(by_level) == {"note", "error"}
    assert by_level["note"]["properties"]["security-severity"] == "2.0"  # not the rule's "High"
    assert float(rule["properties"]["security-severity"]) >= 7.0
    assert "properties" not in by_level["error"]  # the rule's default applies


def test_file_outside_the_working_directory_is_an_absolute_uri(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "elsewhere dir").mkdir()
    (tmp_path / "elsewhere dir" / "p.json").write_text(POLICY, encoding="utf-8")
    (tmp_path / "work" / "q.json").write_text(POLICY, encoding="utf-8")
    outside = str(tmp_path / "elsewhere dir" / "p.json")
    log = _sarif(tmp_path / "work", "--select", "SM101", outside, "q.json")
    _validate(log)
    locs = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in log["runs"][0]["results"]]
    assert {"uri": "q.json", "uriBaseId": "%SRCROOT%"} in locs
    absolute = [a for a in locs if "uriBaseId" not in a]
    assert absolute == [{"uri": "file://" + outside.replace(" ", "%20")}]


@pytest.fixture(scope="module")
def many():
    """Findings of each severity, made from real ones (placed on many lines)."""
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        cwd = os.getcwd()
        os.chdir(d)
        try:
            with open("p.json", "w") as fh:
                fh.write(POLICY)
            opts = Options()
            codes = selected_codes(opts)
            res = run(["p.json"], opts, codes)
        finally:
            os.chdir(cwd)
    base = res.findings[0]
    return base, codes


def _spread(base, n, severity, start=0, message=None):
    from linter.located import Span

    return [base._replace(span=Span(start + i + 1, 1, start + i + 1, 5), severity=severity,
                          value=f"{severity}{start + i}", message=message(i) if message else base.message)
            for i in range(n)]


def test_at_most_25000_results_the_most_severe_kept_and_a_note(many):
    base, codes = many
    findings = _spread(base, 20_000, "note") + _spread(base, 5_003, "error", start=20_000) + \
        _spread(base, 10, "warning", start=30_000)
    findings.sort(key=lambda f: f.sort_key())
    log = json.loads(render("sarif", Result(findings, [], 1), {"version": "0.1.0", "codes": codes}))
    results = log["runs"][0]["results"]
    assert len(results) == 25_000
    levels = [r["level"] for r in results[:-1]]
    assert levels.count("error") == 5_003 and levels.count("warning") == 10 and levels.count("note") == 19_986
    note = results[-1]
    assert note["level"] == "note" and note["ruleId"] == "lint-policies/results-left-out"
    assert note["message"]["text"].startswith("14 more findings were left out of this SARIF log "
                                              "(GitHub accepts at most 25000 results per run)")
    assert "--format json" in note["message"]["text"]
    assert log["runs"][0]["tool"]["driver"]["rules"][-1]["id"] == "lint-policies/results-left-out"
    assert all(1 <= len(r["locations"]) <= 1000 for r in results)


def test_under_the_limit_nothing_is_left_out(many):
    base, codes = many
    findings = _spread(base, 300, "note")
    log = json.loads(render("sarif", Result(findings, [], 1), {"version": "0.1.0", "codes": codes}))
    assert len(log["runs"][0]["results"]) == 300
    assert all(r["ruleId"] != "lint-policies/results-left-out" for r in log["runs"][0]["results"])


def test_gzip_size_limit(many):
    import hashlib

    base, codes = many

    def noise(i):  # messages gzip cannot shrink much
        return "".join(hashlib.sha256(f"{i}/{k}".encode()).hexdigest() for k in range(8))

    findings = _spread(base, 400, "note", message=noise) + _spread(base, 50, "error", start=1000, message=noise)
    findings.sort(key=lambda f: f.sort_key())
    meta = {"version": "0.1.0", "codes": codes}
    whole = len(gzip.compress(render("sarif", Result(findings, [], 1), meta).encode("utf-8")))
    empty = len(gzip.compress(render("sarif", Result([], [], 1), meta).encode("utf-8")))
    limit = (whole + empty) // 2 + 4096  # room for about half the results
    text = render("sarif", Result(findings, [], 1), {"version": "0.1.0", "codes": codes, "sarif_max_gzip": limit})
    assert len(gzip.compress(text.encode("utf-8"))) <= limit
    results = json.loads(text)["runs"][0]["results"]
    assert results[-1]["ruleId"] == "lint-policies/results-left-out"
    kept = results[:-1]
    assert sum(r["level"] == "error" for r in kept) == 50  # the most severe stay
    assert 0 < len(kept) < 450
    assert results[-1]["message"]["text"].startswith(f"{450 - len(kept)} more findings were left out")


def _exact_fit(messages, severities, bigger_when_sorted):
    """Findings whose log, compressed, is ``bigger_when_sorted`` (or smaller) with the most severe
    first than in file order, and the gzip limit at which the smaller of the two just fits."""
    from linter import registry
    from linter.findings import Finding
    from linter.located import Span
    from linter.reporters import sarif_format as SF

    rules = [registry.load("LP000")]
    log = SF._log(rules, {"version": "0.1.0"})

    def size(fs):
        return SF._gzip_size(log, [json.dumps(r, indent=2, ensure_ascii=False)
                                   for r in SF._results(fs, {"LP000": 0}, rules)])

    for seed in range(200):
        fs = [Finding("LP000", "internal-error", sev, messages(seed * 10 + i), Span(i + 1, 1, i + 1, 2),
                      file="p.json") for i, sev in enumerate(severities)]
        in_order = size(fs)
        by_severity = size(sorted(fs, key=lambda f: -SF.RANK[f.severity]))
        if (by_severity > in_order) is bigger_when_sorted and by_severity != in_order:
            return fs, min(in_order, by_severity) + 4096  # 4096: the room kept for the note
    raise AssertionError("no such findings")


def _kept_whole(findings, limit):
    meta = {"version": "0.1.0", "codes": ["LP000"], "sarif_max_gzip": limit}
    text = render("sarif", Result(findings, [], 1), meta)
    results = json.loads(text)["runs"][0]["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [("LP000", f.severity) for f in findings]
    assert len(gzip.compress(text.encode("utf-8"))) <= limit


def test_a_log_that_fits_exactly_is_kept_whole():
    import base64
    import hashlib

    def noise(i):
        return base64.b64encode(hashlib.shake_256(str(i).encode()).digest(1500)).decode()

    # file order compresses worse than most severe first: only the sorted log is measured at the limit
    _kept_whole(*_exact_fit(noise, ["note", "error", "warning", "note", "error"], bigger_when_sorted=False))


def test_the_size_check_measures_non_ascii_text_as_written():
    import hashlib

    def cjk(i):  # UTF-8 text, 3 bytes a character; escaped as \uXXXX it would weigh 6
        b = hashlib.shake_256(str(i).encode()).digest(1200)
        return "".join(chr(0x4E00 + (b[k] << 8 | b[k + 1]) % 0x5000) for k in range(0, len(b), 2))

    # the log in file order just fits; sorted, it would not: nothing is left out
    _kept_whole(*_exact_fit(cjk, ["note", "error", "warning", "note", "error"], bigger_when_sorted=True))
