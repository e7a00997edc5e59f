"""Configuration: discovery, precedence, and every validation error path (exit 2, file and key named)."""
from __future__ import annotations

import json
import os

import pytest

from linter.cli import UsageError, build_parser, main
from linter.config import load_config

POLICY = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"},
    {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
]}, indent=2) + "\n"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository root (it has .git, so discovery stops there) with one policy."""
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "sub" / "deeper" / "p.json").write_text(POLICY)
    (root / "p.json").write_text(POLICY)
    monkeypatch.chdir(root)
    return root


def cfg(*argv):
    return load_config(build_parser().parse_args(list(argv)))


def codes_run(capsys, *argv):
    rc = main(["--format", "json", *argv])
    out = json.loads(capsys.readouterr().out)
    return rc, sorted({f["code"] for f in out["findings"]})


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


# ---------------------------------------------------------------------------
# Discovery


def test_no_config_means_defaults(repo):
    c = cfg()
    assert c.source is None and c.options.select is None and c.fail_level == "warning"
    assert c.options.require_reason is True


def test_dedicated_file_found_walking_up(repo, monkeypatch, capsys):
    write(repo / ".lint-policies.toml", 'select = ["IAM301"]\n')
    monkeypatch.chdir(repo / "sub" / "deeper")
    assert cfg().source == str(repo / ".lint-policies.toml")
    assert codes_run(capsys, "p.json") == (1, ["IAM301"])


def test_pyproject_section_found_walking_up(repo, monkeypatch):
    write(repo / "pyproject.toml", '[project]\nname = "x"\n\n[tool.lint-policies]\nselect = ["SM1"]\n')
    monkeypatch.chdir(repo / "sub")
    c = cfg()
    assert c.source == str(repo / "pyproject.toml") and c.options.select == ["SM1"]


def test_nearest_wins(repo, monkeypatch, capsys):
    write(repo / ".lint-policies.toml", 'select = ["IAM301"]\n')
    write(repo / "sub" / "pyproject.toml", '[tool.lint-policies]\nselect = ["SM101"]\n')
    monkeypatch.chdir(repo / "sub" / "deeper")
    assert cfg().source == str(repo / "sub" / "pyproject.toml")
    assert codes_run(capsys, "p.json") == (1, ["SM101"])


def test_pyproject_without_section_is_skipped(repo, monkeypatch):
    write(repo / ".lint-policies.toml", 'select = ["IAM301"]\n')
    write(repo / "sub" / "pyproject.toml", '[project]\nname = "x"\n')
    monkeypatch.chdir(repo / "sub")
    assert cfg().source == str(repo / ".lint-policies.toml")


def test_dedicated_file_beats_pyproject_in_the_same_directory(repo):
    write(repo / ".lint-policies.toml", 'select = ["IAM301"]\n')
    write(repo / "pyproject.toml", '[tool.lint-policies]\nselect = ["SM101"]\n')
    assert cfg().source == str(repo / ".lint-policies.toml")


def test_discovery_stops_at_repository_root(tmp_path, monkeypatch):
    write(tmp_path / ".lint-policies.toml", 'select = ["IAM301"]\n')  # outside the repository
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "src").mkdir()
    monkeypatch.chdir(tmp_path / "repo" / "src")
    assert cfg().source is None


def test_config_option_overrides_discovery(repo, capsys):
    write(repo / ".lint-policies.toml", 'select = ["IAM301"]\n')
    other = write(repo / "ci" / "strict.toml", 'select = ["SM101"]\n')
    assert cfg("--config", str(other)).source == str(other)
    assert codes_run(capsys, "--config", "ci/strict.toml", "p.json") == (1, ["SM101"])


def test_config_option_with_a_pyproject(repo):
    p = write(repo / "ci" / "pyproject.toml", '[tool.lint-policies]\nselect = ["SM2"]\n')
    assert cfg("--config", str(p)).options.select == ["SM2"]


def test_command_line_overrides_file(repo, capsys):
    write(repo / ".lint-policies.toml", 'select = ["IAM301"]\nfail-level = "never"\n')
    assert codes_run(capsys, "p.json") == (0, ["IAM301"])
    assert codes_run(capsys, "--select", "SM101", "p.json") == (0, ["SM101"])
    assert codes_run(capsys, "--select", "SM101", "--fail-level", "error", "p.json") == (1, ["SM101"])
    assert codes_run(capsys, "--extend-select", "SM101", "p.json") == (0, ["IAM301", "SM101"])


def test_all_keys_are_read(repo):
    write(repo / ".lint-policies.toml", """\
select = ["SM", "IAM"]
extend-select = ["KEY"]
ignore = ["SM104"]
exclude = ["vendor/"]
fail-level = "error"
baseline = "ci/baseline.json"
require-reason = false

[per-file-ignores]
"policies/admin/*.json" = ["SM101"]

[rules.SM101]
allowed-actions = ["sagemaker:*"]

[rules.IAM302]
trusted-accounts = ["111122223333"]

[rules.KEY401]
allow = ["0123456789abcdef0123456789abcdef"]
""")
    write(repo / "ci" / "baseline.json", '{"version": 1, "findings": []}\n')
    c = cfg()
    o = c.options
    assert o.select == ["SM", "IAM"] and o.extend_select == ["KEY"] and o.ignore == ["SM104"]
    assert o.exclude == ["vendor/"] and c.fail_level == "error" and o.require_reason is False
    assert o.per_file_ignores == {"policies/admin/*.json": ["SM101"]}
    assert o.rule_options["SM101"] == {"allowed-actions": ["sagemaker:*"]}
    assert o.rule_options["IAM302"] == {"trusted-accounts": ["111122223333"]}
    assert o.rule_options["KEY401"]["allow"] == ["0123456789abcdef0123456789abcdef"]
    # the baseline path is relative to the configuration file
    assert os.path.samefile(c.baseline_in, repo / "ci" / "baseline.json")


def test_allowed_actions_option_reaches_the_rule(repo, capsys):
    write(repo / ".lint-policies.toml", 'select = ["SM101"]\n[rules.SM101]\nallowed-actions = ["sagemaker:*"]\n')
    assert codes_run(capsys, "p.json") == (0, [])


# ---------------------------------------------------------------------------
# Validation errors: exit 2, the message names the file and the key


@pytest.mark.parametrize("text,needles", [
    ('selec = ["SM"]\n', ["unknown key 'selec'", "select"]),
    ('[rules.SM101]\nallowed-action = ["x"]\n', ["unknown key 'rules.SM101.allowed-action'", "allowed-actions"]),
    ('[rules.IAM302]\ntrusted-account = ["111122223333"]\n', ["rules.IAM302.trusted-account"]),
    ('select = "SM101"\n', ["'select'", "array"]),
    ('require-reason = "yes"\n', ["'require-reason'", "boolean"]),
    ('exclude = [1]\n', ["'exclude.0'", "string"]),
    ('[per-file-ignores]\n"*.json" = "SM101"\n', ["per-file-ignores.*.json", "array"]),
    ('[rules.KEY401]\nallow = "abc"\n', ["'rules.KEY401.allow'", "array"]),
    ('fail-level = "high"\n', ["'fail-level'", "error, warning, note, never", "'high'"]),
    ('select = ["SM-101"]\n', ["'select.0'", "does not match"]),
    ('[rules.IAM302]\ntrusted-accounts = ["1234"]\n', ["'rules.IAM302.trusted-accounts.0'", "does not match"]),
    ('baseline = 3\n', ["'baseline'", "string"]),
])
def test_invalid_config(repo, capsys, text, needles):
    write(repo / ".lint-policies.toml", text)
    with pytest.raises(UsageError) as ei:
        cfg()
    msg = str(ei.value)
    assert msg.startswith(str(repo / ".lint-policies.toml") + ": invalid configuration: ")
    for n in needles:
        assert n in msg, msg
    assert main(["p.json"]) == 2
    err = capsys.readouterr().err
    assert ".lint-policies.toml" in err and needles[0] in err


def test_invalid_pyproject_section_names_pyproject(repo, capsys):
    write(repo / "pyproject.toml", '[tool.lint-policies]\nfail-level = "loud"\n')
    assert main(["p.json"]) == 2
    err = capsys.readouterr().err
    assert "pyproject.toml: invalid configuration" in err and "'fail-level'" in err


@pytest.mark.parametrize("text,where", [('fail-level = "error"\nselect = [SM101]\n', "line 2"),
                                        ('select = ["SM101"\n', "end of document")])
def test_bad_toml(repo, capsys, text, where):
    write(repo / ".lint-policies.toml", text)
    assert main(["p.json"]) == 2
    err = capsys.readouterr().err
    assert ".lint-policies.toml: cannot read configuration" in err and where in err


def test_missing_config_file(repo, capsys):
    assert main(["--config", "nope.toml", "p.json"]) == 2
    assert "config file not found: nope.toml" in capsys.readouterr().err


def test_invalid_config_given_with_option(repo, capsys):
    write(repo / "ci" / "x.toml", "jobs = 0\n")
    assert main(["--config", "ci/x.toml", "p.json"]) == 2
    err = capsys.readouterr().err
    assert "x.toml: invalid configuration" in err and "'jobs'" in err


def test_unknown_code_on_command_line_or_in_config(repo, capsys):
    write(repo / ".lint-policies.toml", 'ignore = ["ZZ9"]\n')
    assert main(["p.json"]) == 2
    assert "unknown rule code or prefix 'ZZ9'" in capsys.readouterr().err


def test_config_schema_is_valid_json_schema():
    import jsonschema

    from linter.schemas_util import load_schema

    jsonschema.Draft202012Validator.check_schema(load_schema("config.schema.json"))


def test_per_file_ignores_from_config_relative_to_config_file(repo, monkeypatch, capsys):
    write(repo / ".lint-policies.toml", 'select = ["SM101", "IAM301"]\n[per-file-ignores]\n"sub/deeper/*.json" = ["SM1"]\n')
    assert codes_run(capsys, "sub/deeper/p.json") == (1, ["IAM301"])
    monkeypatch.chdir(repo / "sub" / "deeper")  # the printed path is now just p.json
    assert codes_run(capsys, "p.json") == (1, ["IAM301"])
    monkeypatch.chdir(repo)
    assert codes_run(capsys, "p.json") == (1, ["IAM301", "SM101"])  # another file


# -- the fast configuration check agrees with jsonschema ------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from linter.schemas_util import load_schema, surely_valid  # noqa: E402

_SCHEMA = load_schema("config.schema.json")
_KEYS = sorted(_SCHEMA["properties"]) + ["unknown-key", "Select"]
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 200), st.floats(allow_nan=False, width=16),
                     st.sampled_from(["SM101", "ALL", "sm", "1X", "text", "json", "error", "warning", "note", "",
                                      "sagemaker:Describe*", "**/*.json"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(["allow", "allowed-actions", "SM304", "keys", "x", "**/t.json"]), inner,
                    max_size=2)), max_leaves=6)


@settings(max_examples=int(os.environ.get("LINT_POLICIES_PROPERTY_EXAMPLES", "300")), deadline=None)
@given(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=4))
def test_fast_config_check_never_accepts_what_jsonschema_rejects(data):
    import jsonschema

    errors = list(jsonschema.Draft202012Validator(_SCHEMA).iter_errors(data))
    if surely_valid(_SCHEMA, data):
        assert errors == [], data


def test_fast_config_check_accepts_a_typical_configuration():
    data = {"select": ["SM", "IAM301"], "ignore": ["SM304"], "fail-level": "error", "jobs": 2,
            "per-file-ignores": {"legacy/*.json": ["SM2"]}}
    import jsonschema

    assert list(jsonschema.Draft202012Validator(_SCHEMA).iter_errors(data)) == []
    assert surely_valid(_SCHEMA, data) is True
    assert surely_valid(_SCHEMA, dict(data, format="sarif")) is False  # not a configuration key
    assert surely_valid(_SCHEMA, dict(data, jobs=True)) is False
    assert surely_valid({"type": "object", "not": {}}, {}) is False  # a keyword it does not evaluate


@pytest.mark.parametrize("text", [
    '[tool.lint-policies]\nselect = ["IAM301"]\n',
    '[tool."lint-policies"]\nselect = ["IAM301"]\n',
    "[ tool . 'lint-policies' ]\nselect = ['IAM301']\n",
    '[tool]\nlint-policies = { select = ["IAM301"] }\n',
    '[tool]\n"lint-policies" = { select = ["IAM301"] }\n',
    'tool.lint-policies.select = ["IAM301"]\n',
    '[tool.lint-policies.rules.SM102]\nallowed-actions = []\n[tool.lint-policies]\nselect = ["IAM301"]\n',
])
def test_every_spelling_of_the_section_is_found(repo, monkeypatch, text):
    write(repo / "pyproject.toml", text + '[project]\nname = "lint-policies"\n')
    monkeypatch.chdir(repo)
    c = cfg()
    assert c.source == str(repo / "pyproject.toml")
    assert c.options.select == ["IAM301"] or c.raw.get("select") == ["IAM301"]


def test_pyproject_naming_the_project_or_another_tool_is_not_parsed(repo, monkeypatch):
    # not TOML at all past the name: parsing it would fail, so a pass shows it was skipped
    write(repo / "pyproject.toml", '[project]\ndependencies = ["lint-policies>=1"]\n'
                                   '[tool.lint-policies-mutation]\nseed = 1\n[[[ not toml\n')
    monkeypatch.chdir(repo)
    assert cfg().source is None
