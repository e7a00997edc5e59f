"""The command line: output bytes, exit codes, selection, formats."""
import json
import os
import subprocess
import sys

import pytest

BAD = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "arn:aws:sagemaker:us-east-1:111122223333:*"},
    {"Effect": "Allow", "Action": "sagemaker:List*", "Resource": "*"}
  ]
}
"""
GOOD = """{
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Action": ["sagemaker:ListModels", "sagemaker:Search"], "Resource": "*"}]
}
"""


def run(*args, cwd, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "linter.cli", *args], capture_output=True, text=True, cwd=cwd, env=e)


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "bad.json").write_text(BAD)
    (tmp_path / "good.json").write_text(GOOD)
    return tmp_path


def test_text_output_bytes(repo):
    r = run("--select", "SM101,SM102,SM201", "bad.json", "good.json", cwd=repo)
    assert r.returncode == 1
    assert r.stdout == (
        'bad.json:4:35: SM101 "sagemaker:*" grants 364 of the 460 SageMaker actions, all that its Resource '
        'allows (such as sagemaker:CreatePresignedNotebookInstanceUrl and actions AWS adds later); '
        'list the actions needed\n'
        'bad.json:5:35: SM102 "sagemaker:List*" expands to 96 SageMaker actions (List), including '
        'sagemaker:ListAIBenchmarkJobs; list the actions needed\n'
        'bad.json:5:66: SM201 19 SageMaker actions that support resource-level permissions (including '
        'sagemaker:ListAliases), granted on "*"; scope Resource to ARNs such as '
        'arn:${Partition}:sagemaker:${Region}:${Account}:image/${ImageName} or '
        'arn:${Partition}:sagemaker:${Region}:${Account}:image-version/${ImageName}/${Version} ...\n'
        "Found 3 findings (1 error, 1 warning, 1 note) in 1 of 2 files checked.\n"
    )
    assert r.stderr == ""


def test_clean_exit_zero(repo):
    r = run("good.json", cwd=repo)
    assert r.returncode == 0
    assert r.stdout == "No findings in 1 file checked.\n"


def test_quiet(repo):
    assert run("--quiet", "good.json", cwd=repo).stdout == ""
    assert run("-q", "--select", "SM101,SM102,SM201", "bad.json", cwd=repo).stdout.count("\n") == 3


@pytest.mark.parametrize("level,code", [("error", 1), ("warning", 1), ("note", 1), ("never", 0)])
def test_fail_level(repo, level, code):
    assert run("--fail-level", level, "bad.json", cwd=repo).returncode == code


def test_fail_level_note_only(repo):
    # only the SM102 note is left: fails at note, passes at warning and error
    assert run("--select", "SM102", "--fail-level", "warning", "bad.json", cwd=repo).returncode == 0
    assert run("--select", "SM102", "--fail-level", "note", "bad.json", cwd=repo).returncode == 1


def test_select_ignore_prefixes(repo):
    out = run("--select", "SM1", "--ignore", "SM102", "bad.json", cwd=repo).stdout
    assert "SM101" in out and "SM102" not in out
    out = run("--ignore", "SM", "bad.json", cwd=repo).stdout
    assert "SM1" not in out
    out = run("--select", "SM201", "--extend-select", "SM101", "bad.json", cwd=repo).stdout
    assert "SM101" in out


def test_usage_errors_exit_2(repo):
    assert run("--select", "XX9", "bad.json", cwd=repo).returncode == 2
    r = run("missing.json", cwd=repo)
    assert r.returncode == 2 and "no such file" in r.stderr
    assert run("--format", "yaml", "bad.json", cwd=repo).returncode == 2
    assert run("--jobs", "0", "bad.json", cwd=repo).returncode == 2


def test_default_path_is_cwd(repo):
    r = run(cwd=repo)
    assert "bad.json:4:35: SM101" in r.stdout and "2 files checked" in r.stdout


def test_json_format(repo):
    r = run("--format", "json", "--select", "SM101,SM102,SM201", "bad.json", cwd=repo)
    data = json.loads(r.stdout)
    assert data["summary"] == {"error": 1, "warning": 1, "note": 1}
    f = data["findings"][0]
    assert (f["code"], f["file"], f["line"], f["column"], f["end_line"], f["end_column"]) == ("SM101", "bad.json", 4, 35, 4, 48)
    assert f["logical_path"] == ["Statement", 0, "Action"]
    assert len(f["fingerprint"]) == 32


def test_output_file(repo):
    r = run("--format", "json", "--output", "out.json", "bad.json", cwd=repo)
    assert r.stdout == "" and r.returncode == 1
    assert json.load(open(repo / "out.json"))["findings"]


def test_colors_only_on_terminal(repo):
    assert "\033[" not in run("bad.json", cwd=repo).stdout
    assert "\033[" in run("bad.json", cwd=repo, env={"FORCE_COLOR": "1"}).stdout
    assert "\033[" not in run("bad.json", cwd=repo, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout


def test_list_rules_and_explain(repo):
    r = run("--list-rules", cwd=repo)
    codes = [line.split()[0] for line in r.stdout.splitlines()]
    for code in ("SM101", "SM102", "SM103", "SM104", "SM201", "SM202", "SM203", "SM204", "IAM301", "LP001", "LP002"):
        assert code in codes
    r = run("--explain", "sm201", cwd=repo)
    assert r.returncode == 0
    assert r.stdout.startswith("# sagemaker-resource-wildcard (SM201)\n")
    for section in ("## What it does", "## Why is this bad?", "## Example", "Use instead:"):
        assert section in r.stdout
    assert run("--explain", "NOPE1", cwd=repo).returncode == 2


def test_version(repo):
    from linter import __version__

    assert run("--version", cwd=repo).stdout.strip() == f"lint-policies {__version__}"


@pytest.mark.parametrize("argv", [[], ["--"], ["a.json"], ["--", "a.json", "dir/b.yaml"], ["", "x y.tf"]])
def test_file_names_only_read_as_argparse_reads_them(argv):
    """The pre-commit invocation skips argparse: every option must come out as argparse makes it
    (an option added to build_parser needs its default in cli._DEFAULTS)."""
    from linter import cli

    fast = cli._files_only(argv)
    assert fast is not None
    want = vars(cli.build_parser().parse_args(argv))
    assert {k: getattr(fast, k) for k in want} == want
    assert set(vars(fast)) == set(want)


@pytest.mark.parametrize("argv", [["-q", "a.json"], ["a.json", "--jobs", "1"], ["--", "-x.json"], ["a", "--", "b"],
                                  ["-"]])
def test_options_go_to_argparse(argv):
    from linter import cli

    assert cli._files_only(argv) is None


def test_parse_error_is_a_finding_not_a_traceback(repo):
    (repo / "broken.json").write_text('{"Statement": [\n  {"Effect": "Allow",,}\n]}\n')
    r = run("broken.json", cwd=repo)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stdout.startswith("broken.json:2:")
    assert " LP001 " in r.stdout.splitlines()[0]


def test_discovery_skips_vendored_dirs(repo):
    for d in (".git", ".terraform", "node_modules", "__pycache__", "venv"):
        (repo / d).mkdir()
        (repo / d / "p.json").write_text(BAD)
    (repo / "venv" / "pyvenv.cfg").write_text("")
    (repo / "nested").mkdir()
    (repo / "nested" / "x.json").write_text(BAD)
    # a directory of installed packages (pip install -t layer/python): their code is not walked, a
    # policy file beside them is read
    layer = repo / "layer" / "python"
    (layer / "somecli-1.0.dist-info").mkdir(parents=True)
    (layer / "somecli").mkdir()
    (layer / "somecli" / "p.json").write_text(BAD)
    (layer / "six.py").write_text('import boto3\nboto3.client("iam").create_access_key(UserName="x")\n')
    (layer / "policy.json").write_text(BAD)
    r = run("--select", "SM,KEY", ".", cwd=repo)
    files = {line.split(":")[0] for line in r.stdout.splitlines()[:-1]}
    assert files == {"bad.json", "nested/x.json", "layer/python/policy.json"}


def test_extensionless_cli_output_is_read(repo):
    (repo / "policies").mkdir()
    (repo / "policies" / "SomePolicy").write_text(json.dumps(
        {"PolicyVersion": {"Document": json.loads(BAD), "VersionId": "v3", "IsDefaultVersion": True}}, indent=4))
    r = run("policies", cwd=repo)
    assert "policies/SomePolicy:" in r.stdout and " SM101 " in r.stdout


def test_bundled_examples_show_many_rules():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    r = run("--format", "json", "examples", cwd=root)
    data = json.loads(r.stdout)
    codes = {f["code"] for f in data["findings"]}
    assert {"SM101", "SM102", "SM103", "SM104", "SM105", "SM201", "SM203", "IAM301", "IAM302", "IAM303",
            "KEY401", "LP002"} <= codes
    assert not [f for f in data["findings"] if f["file"] == "examples/policies/least-privilege.json"]
    assert r.returncode == 1


def test_output_formats_come_from_the_reporter_registry():
    """--format's choices, the README's usage line and the reporters are one list."""
    from linter.cli import build_parser
    from linter.reporters import REPORTERS

    action = next(a for a in build_parser()._actions if "--format" in a.option_strings)
    assert tuple(action.choices) == tuple(REPORTERS)
    with open(os.path.join(os.path.dirname(os.path.dirname(__file__)), "README.md"), encoding="utf-8") as fh:
        assert f"--format {'|'.join(REPORTERS)} " in fh.read()
