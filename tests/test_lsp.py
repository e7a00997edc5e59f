"""The language server driven as an editor drives it: pytest-lsp starts ``lint-policies server``
and speaks JSON-RPC to it over stdio (initialize, open, change, save, hover, completion, code
actions, shutdown). Positions are UTF-16 code units, as VS Code and Neovim count them; every
expected range here is computed apart from the server's code (tests/lsp_client.py)."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from lsp_client import SERVER, apply_edits, change_doc, diagnostics, open_doc, pos_of, recording_client, rng

# One event loop for the module: most tests share one server (starting one takes about a second).
pytestmark = pytest.mark.asyncio(loop_scope="module")

DEBOUNCE = "0.05"
#: The rules these tests are about, selected in every workspace's configuration: a new rule
#: does not change what they assert.
SELECT = 'select = ["LP", "KEY401", "KEY402", "KEY403", "SM1", "SM2", "IAM"]\n'


def _init(root, capabilities=None) -> t.InitializeParams:
    return t.InitializeParams(
        capabilities=capabilities or client_capabilities("visual-studio-code"),
        workspace_folders=[t.WorkspaceFolder(uri=root.as_uri(), name="ws")], root_uri=root.as_uri())


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER + ["--debounce", DEBOUNCE],
                                              client_factory=recording_client), scope="module")
async def shared_server(lsp_client: LanguageClient, tmp_path_factory):
    """One server for the tests that only open files (no configuration file): its workspace folder
    is empty; each test works in a directory of its own below it."""
    root = tmp_path_factory.mktemp("shared-workspace")
    (root / ".lint-policies.toml").write_text(SELECT, encoding="utf-8")
    lsp_client.workspace_root = root
    lsp_client.init_result = await lsp_client.initialize_session(_init(root))
    lsp_client.dirs = 0
    yield
    await lsp_client.shutdown_session()


@pytest.fixture
def client(shared_server):
    """The shared server, with ``root`` a new directory for this test."""
    shared_server.dirs += 1
    shared_server.root = shared_server.workspace_root / f"t{shared_server.dirs}"
    shared_server.root.mkdir()
    return shared_server


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER + ["--debounce", DEBOUNCE],
                                              client_factory=recording_client), loop_scope="module")
async def own_client(lsp_client: LanguageClient, tmp_path):
    """A server of this test's own, its workspace folder ``root`` (for configuration files there)."""
    lsp_client.root = tmp_path
    lsp_client.init_result = await lsp_client.initialize_session(_init(tmp_path))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER + ["--debounce", "1.0"],
                                              client_factory=recording_client), loop_scope="module")
async def slow_client(lsp_client: LanguageClient, tmp_path):
    """A server that waits a second after the last change before linting."""
    lsp_client.root = tmp_path
    await lsp_client.initialize_session(_init(tmp_path))
    yield
    await lsp_client.shutdown_session()


# ---------------------------------------------------------------------------
# initialize, diagnostics


async def test_initialize_advertises_what_the_server_does(client):
    caps = client.init_result.capabilities
    assert client.init_result.server_info.name == "lint-policies"
    assert caps.position_encoding in (t.PositionEncodingKind.Utf16, "utf-16")
    assert caps.text_document_sync.change == t.TextDocumentSyncKind.Full
    assert caps.text_document_sync.open_close and caps.text_document_sync.save
    assert caps.hover_provider
    assert set(caps.completion_provider.trigger_characters) >= {":", '"'}
    assert caps.completion_provider.resolve_provider
    assert list(caps.code_action_provider.code_action_kinds) == [t.CodeActionKind.QuickFix]


POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Condition": {"StringEquals": {"aws:username": "Ünïcødé🚀"}}, "Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}
  ]
}
"""


async def test_open_publishes_the_findings_at_utf16_ranges(client):
    """Before "sagemaker:*" on line 3 are 95 code points: 94 of one UTF-16 unit (Ü, ï, ø and é among
    them, two UTF-8 bytes each) and an emoji, one code point but two UTF-16 units. The CLI says
    column 96 (1-based code points); LSP wants character 96 (0-based UTF-16 units)."""
    line = POLICY.splitlines()[3]
    assert line.index('"sagemaker:*"') == 95 and line.index('"*"') == 122
    path = client.root / "policy.json"
    path.write_text(POLICY, encoding="utf-8")
    uri = open_doc(client, path, POLICY)
    diags = await diagnostics(client, uri, 1)
    assert {d.code for d in diags} == {"SM101", "SM201"}
    sm101 = next(d for d in diags if d.code == "SM101")
    assert rng(sm101) == ((3, 96), (3, 109))
    assert sm101.severity == t.DiagnosticSeverity.Error
    assert sm101.source == "lint-policies"
    assert sm101.message.startswith('"sagemaker:*" grants every one of the')
    sm201 = next(d for d in diags if d.code == "SM201")
    assert rng(sm201) == ((3, 123), (3, 126))


async def test_positions_in_utf8_when_the_client_asks_for_them(tmp_path):
    """A client that offers UTF-8 positions gets them: é is two bytes, the emoji four."""
    caps = client_capabilities("visual-studio-code")
    caps.general = t.GeneralClientCapabilities(position_encodings=[t.PositionEncodingKind.Utf8])
    config = ClientServerConfig(server_command=SERVER, client_factory=recording_client)
    c = await config.start()
    try:
        res = await c.initialize_session(_init(tmp_path, caps))
        assert res.capabilities.position_encoding in (t.PositionEncodingKind.Utf8, "utf-8")
        path = tmp_path / "policy.json"
        uri = open_doc(c, path, POLICY)
        diags = await diagnostics(c, uri, 1)
        prefix = POLICY.splitlines()[3][:95]
        assert len(prefix.encode("utf-8")) == 95 + 4 + 3  # Ü ï ø é: +1 byte each; the emoji: +3
        assert rng(next(d for d in diags if d.code == "SM101")) == ((3, 102), (3, 115))
        await c.shutdown_session()
    finally:
        await c.stop()


async def test_the_same_findings_as_the_cli(client):
    """The server's diagnostics are the CLI's findings: same codes, messages, severities, and ranges
    (CLI line/column are 1-based code points; this file is ASCII, so ranges are the CLI's minus one)."""
    text = POLICY.replace("Ünïcødé🚀", "ascii")
    path = client.root / "policy.json"
    path.write_text(text, encoding="utf-8")
    cli = _cli_json(client.root, ["policy.json"])
    uri = open_doc(client, path, text)
    diags = await diagnostics(client, uri, 1)
    assert _from_diags(diags) == _from_cli(cli, "policy.json")


def _cli_json(cwd, paths) -> list:
    r = subprocess.run([SERVER[0], "--format", "json", *paths], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    return json.loads(r.stdout)["findings"]


_SEV = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning,
        "note": t.DiagnosticSeverity.Information}


def _from_cli(findings, name) -> list:
    return sorted((f["code"], f["message"], _SEV[f["severity"]],
                   ((f["line"] - 1, f["column"] - 1), (f["end_line"] - 1, f["end_column"] - 1)))
                  for f in findings if f["file"] == name)


def _from_diags(diags) -> list:
    return sorted((d.code, d.message, d.severity, rng(d)) for d in diags)


# ---------------------------------------------------------------------------
# change (debounced, from memory), save, configuration


async def test_changes_are_linted_from_memory_once_typing_pauses(slow_client):
    """Four quick changes, none saved: one lint, of the last text (the disk still holds the first)."""
    client = slow_client
    path = client.root / "policy.json"
    path.write_text(POLICY, encoding="utf-8")
    uri = open_doc(client, path, POLICY)
    await diagnostics(client, uri, 1)
    texts = {
        2: POLICY.replace('"sagemaker:*"', '"sagemaker:Create*"'),
        3: POLICY.replace('"sagemaker:*"', '"s3:GetObject"'),
        4: POLICY.replace('"sagemaker:*"', '"sagemaker:CreateTrainingJobs"'),
        5: "\n\n" + POLICY.replace('"sagemaker:*"', '"sagemaker:StopTrainingJobs"'),
    }
    for version, text in texts.items():
        change_doc(client, uri, text, version)
    diags = await diagnostics(client, uri, 5)
    assert [v for p in client.published if p.uri == uri for v in [p.version]] == [1, 5]
    sm104 = [d for d in diags if d.code == "SM104"]
    assert [rng(d) for d in sm104] == [((5, 96), (5, 124))]
    assert "did you mean sagemaker:StopTrainingJob?" in sm104[0].message
    assert path.read_text(encoding="utf-8") == POLICY


async def test_unsaved_new_file_is_linted(client):
    """A buffer whose file does not exist yet."""
    path = client.root / "new" / "draft.json"
    uri = open_doc(client, path, POLICY)
    assert "SM101" in {d.code for d in await diagnostics(client, uri, 1)}


async def test_configuration_is_found_as_the_cli_finds_it_and_saving_relints(own_client):
    client = own_client
    """.lint-policies.toml at the workspace root ignores SM101: applied to the buffer; once the
    configuration changes on disk, saving a file lints the open buffers again."""
    sub = client.root / "team" / "policies"
    sub.mkdir(parents=True)
    (client.root / ".lint-policies.toml").write_text(SELECT + 'ignore = ["SM101"]\n', encoding="utf-8")
    path = sub / "p.json"
    uri = open_doc(client, path, POLICY)
    assert {d.code for d in await diagnostics(client, uri, 1)} == {"SM201"}
    (client.root / ".lint-policies.toml").write_text(SELECT + 'ignore = ["SM2"]\n', encoding="utf-8")
    client.published.clear()
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    assert {d.code for d in await diagnostics(client, uri, 1)} == {"SM101"}


async def test_per_file_ignores_and_exclude_apply_to_buffers(own_client):
    client = own_client
    (client.root / "pyproject.toml").write_text(
        '[tool.lint-policies]\n' + SELECT + 'exclude = ["vendor/*"]\n\n'
        '[tool.lint-policies.per-file-ignores]\n"policies/*.json" = ["SM2"]\n', encoding="utf-8")
    uri = open_doc(client, client.root / "policies" / "a.json", POLICY)
    assert {d.code for d in await diagnostics(client, uri, 1)} == {"SM101"}
    uri = open_doc(client, client.root / "vendor" / "b.json", POLICY)
    assert await diagnostics(client, uri, 1) == []


async def test_a_configuration_error_is_shown_not_linted_past(own_client):
    client = own_client
    (client.root / ".lint-policies.toml").write_text('select = ["NOPE9"]\n', encoding="utf-8")
    uri = open_doc(client, client.root / "p.json", POLICY)
    diags = await diagnostics(client, uri, 1)
    assert [(d.code, rng(d), d.severity) for d in diags] == [(None, ((0, 0), (0, 0)), t.DiagnosticSeverity.Error)]
    assert "unknown rule code or prefix 'NOPE9'" in diags[0].message
    for _ in range(100):
        if client.messages:
            break
        await asyncio.sleep(0.01)
    assert any("NOPE9" in m.message and m.type == t.MessageType.Error for m in client.messages)


async def test_baseline_from_the_configuration_hides_recorded_findings(own_client):
    client = own_client
    """The baseline the CLI wrote hides today's findings in the buffer, wherever they move (a
    fingerprint has no line number); a new one shows."""
    path = client.root / "p.json"
    path.write_text(POLICY, encoding="utf-8")
    r = subprocess.run([SERVER[0], "--write-baseline", "baseline.json", "p.json"], cwd=client.root,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    (client.root / ".lint-policies.toml").write_text(SELECT + 'baseline = "baseline.json"\n', encoding="utf-8")
    uri = open_doc(client, path, POLICY)
    assert await diagnostics(client, uri, 1) == []
    edited = "\n\n" + POLICY.replace('"Resource": "*"}\n', '"Resource": "*"},\n'
                                     '    {"Effect": "Allow", "Action": "sagemaker:Delete*", "Resource": "*"}\n')
    change_doc(client, uri, edited, 2)
    diags = await diagnostics(client, uri, 2)
    assert sorted({(d.code, d.range.start.line) for d in diags}) == [("SM102", 6), ("SM201", 6)]
    # the baseline is read again when it changes: emptied, every finding shows; broken, the error
    (client.root / "baseline.json").write_text('{"version": 1, "tool": "lint-policies", "findings": []}\n')
    client.published.clear()
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    assert sorted({(d.code, d.range.start.line) for d in await diagnostics(client, uri, 2)}) == [
        ("SM101", 5), ("SM102", 6), ("SM201", 5), ("SM201", 6)]
    (client.root / "baseline.json").write_text('{"version": 1}\n')
    client.published.clear()
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    (d,) = await diagnostics(client, uri, 2)
    assert d.message.startswith("not linted: ") and "baseline.json: invalid baseline" in d.message


async def test_closing_clears_the_diagnostics(client):
    uri = open_doc(client, client.root / "p.json", POLICY)
    assert await diagnostics(client, uri, 1)
    n = len(client.published)
    client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    for _ in range(500):
        if any(p.uri == uri for p in client.published[n:]):
            break
        await asyncio.sleep(0.01)
    assert [(p.version, list(p.diagnostics)) for p in client.published[n:] if p.uri == uri] == [(None, [])]


# ---------------------------------------------------------------------------
# hover

HOVER_JSON = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["sagemaker:CreateTrainingJob", "sagemaker:Create*", "*"],
    "Resource": "*",
    "Condition": {
      "ForAnyValue:StringEquals": {"sagemaker:InstanceTypes": ["ml.m5.large"]},
      "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}
    }
  }]
}
"""


async def _hover(client, uri, text, needle, nth=1, delta=1):
    return await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=uri), position=pos_of(text, needle, nth, delta)))


async def test_hover_on_an_action(client):
    uri = open_doc(client, client.root / "p.json", HOVER_JSON)
    h = await _hover(client, uri, HOVER_JSON, "CreateTrainingJob", delta=4)
    md = h.contents.value
    assert h.contents.kind == t.MarkupKind.Markdown
    assert md.startswith("**`sagemaker:CreateTrainingJob`** (Amazon SageMaker)")
    assert "Access level: **Write**" in md
    assert ("- `training-job` (required): "
            "`arn:${Partition}:sagemaker:${Region}:${Account}:training-job/${TrainingJobName}`") in md
    assert "`sagemaker:VolumeKmsKeyArn`" in md and "`sagemaker:InstanceTypes`" in md
    assert "Passes an execution role" in md
    assert ("(https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html"
            "#amazonsagemaker-actions-as-permissions)") in md
    start = pos_of(HOVER_JSON, "sagemaker:CreateTrainingJob")
    assert rng(h) == ((start.line, start.character), (start.line, start.character + 27))


async def test_hover_on_a_wildcard_and_on_star(client):
    uri = open_doc(client, client.root / "p.json", HOVER_JSON)
    h = await _hover(client, uri, HOVER_JSON, "sagemaker:Create*", delta=16)
    assert h.contents.value.startswith("`sagemaker:Create*` matches **76** actions of Amazon SageMaker (75 Write, 1 Read).")
    assert "Riskiest: `sagemaker:CreatePresignedNotebookInstanceUrl`, `sagemaker:CreatePresignedDomainUrl`" in h.contents.value
    star = await _hover(client, uri, HOVER_JSON, '"*"', 1)  # in Action
    assert star.contents.value.startswith("`*`: every action of every AWS service (457 services")
    assert await _hover(client, uri, HOVER_JSON, '"*"', 2) is None  # in Resource: not an action


async def test_hover_on_condition_keys(client):
    uri = open_doc(client, client.root / "p.json", HOVER_JSON)
    md = (await _hover(client, uri, HOVER_JSON, "sagemaker:InstanceTypes")).contents.value
    assert md.startswith("**`sagemaker:InstanceTypes`**: condition key of Amazon SageMaker")
    assert "Type: `ArrayOfString`, **multi-valued**: test it with `ForAllValues:` or `ForAnyValue:`." in md
    assert "Supported by 23 actions: `sagemaker:CreateApp`, `sagemaker:CreateCluster`" in md
    md = (await _hover(client, uri, HOVER_JSON, "aws:SourceIp")).contents.value
    assert md.startswith("**`aws:SourceIp`**: global condition key")
    assert "Type: `IPAddress`, single-valued." in md
    assert await _hover(client, uri, HOVER_JSON, "Effect") is None
    assert await _hover(client, uri, HOVER_JSON, "ml.m5.large") is None


async def test_hover_in_yaml_and_terraform(client):
    yaml = ("Resources:\n  R:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n"
            "        Statement:\n          - Effect: Allow\n            Action:\n              - sagemaker:Create*\n"
            "            Resource: '*'\n            Condition:\n              StringEquals:\n"
            "                sagemaker:VolumeKmsKey: arn:aws:kms:us-east-1:111122223333:key/k\n")
    uri = open_doc(client, client.root / "t.yaml", yaml, "yaml")
    assert "matches **76** actions" in (await _hover(client, uri, yaml, "sagemaker:Create*", delta=3)).contents.value
    md = (await _hover(client, uri, yaml, "sagemaker:VolumeKmsKey")).contents.value
    assert "No action lists this key.\nActions list `sagemaker:VolumeKmsKeyArn` instead." in md
    hcl = ('data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["s3:GetObject"]\n'
           '    resources = ["*"]\n  }\n}\n')
    uri = open_doc(client, client.root / "main.tf", hcl, "terraform")
    md = (await _hover(client, uri, hcl, "s3:GetObject")).contents.value
    assert md.startswith("**`s3:GetObject`** (Amazon S3)")
    assert "- `object`: `arn:${Partition}:s3:::${BucketName}/${ObjectName}`" in md
    assert "list_amazons3.html#amazons3-actions-as-permissions" in md


# ---------------------------------------------------------------------------
# completion


async def _complete(client, path, text, language, at):
    """Completions with the cursor at the end of the first ``at`` in ``text`` (a half-typed buffer)."""
    uri = open_doc(client, path, text, language)
    pos = pos_of(text, at, delta=len(at))
    return uri, pos, await client.text_document_completion_async(t.CompletionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), position=pos))


def _labels(res) -> set:
    return set() if res is None else {i.label for i in (res.items if hasattr(res, "items") else res)}


async def test_completion_of_actions_in_json(client):
    text = '{"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "sagemaker:CreateTr'
    uri, pos, res = await _complete(client, client.root / "p.json", text, "json", "sagemaker:CreateTr")
    items = {i.label: i for i in res.items}
    # the actions whose name holds c, r, e, a, t, e, t, r in that order; more typing narrows them
    assert res.is_incomplete
    assert {"sagemaker:CreateTrainingJob", "sagemaker:CreateTransformJob", "sagemaker:CreatePartnerAppPresignedUrl",
            "sagemaker:DescribeTrainingJob"} & set(items) == {"sagemaker:CreateTrainingJob",
                                                               "sagemaker:CreateTransformJob",
                                                               "sagemaker:CreatePartnerAppPresignedUrl"}
    assert "sagemaker:ListModels" not in items and not any(label.startswith("aws:") for label in items)
    item = items["sagemaker:CreateTrainingJob"]
    assert item.kind == t.CompletionItemKind.Function and item.detail == "Write"
    assert rng(item.text_edit) == ((0, pos.character - 18), (0, pos.character))
    assert apply_edits(text, [item.text_edit]).endswith('"sagemaker:CreateTrainingJob')
    resolved = await client.completion_item_resolve_async(item)
    assert "Access level: **Write**" in resolved.documentation.value
    # after the colon: every action of the service
    text2 = text[:-len("CreateTr")]
    _, _, res = await _complete(client, client.root / "r.json", text2, "json", "sagemaker:")
    assert not res.is_incomplete and len(res.items) == 460
    # before the colon: service prefixes
    text = '{"Statement": [{"Effect": "Allow", "NotAction": "sage'
    _, _, res = await _complete(client, client.root / "q.json", text, "json", '"sage')
    assert {"sagemaker:", "sagemaker-mlflow:"} <= _labels(res) and "s3:" not in _labels(res)
    item = next(i for i in res.items if i.label == "sagemaker:")
    assert item.kind == t.CompletionItemKind.Module and item.detail == "Amazon SageMaker"


async def test_no_completion_where_it_would_be_wrong(client):
    base = '{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
    for i, tail in enumerate(['"Resource": "sagemaker:', '"Sid": "sagemaker:', '"sagemaker:',
                              '"Condition": {"StringEquals": {"aws:SourceAccount": "aws:']):
        text = base + tail
        _, _, res = await _complete(client, client.root / f"n{i}.json", text, "json", tail)
        assert _labels(res) == set(), tail


async def test_completion_of_condition_keys_in_json(client):
    text = ('{"Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",\n'
            '  "Condition": {"StringEquals": {"sagemaker:VolumeKms')
    _, pos, res = await _complete(client, client.root / "p.json", text, "json", "sagemaker:VolumeKms")
    assert _labels(res) == {"sagemaker:VolumeKmsKeyArn"}  # sagemaker:VolumeKmsKey: no action lists it any more
    _, _, res = await _complete(client, client.root / "r.json", text[:-len("VolumeKms")], "json", '{"sagemaker:')
    labels = _labels(res)
    assert {"sagemaker:VolumeKmsKeyArn", "sagemaker:InstanceTypes", "sagemaker:NetworkIsolation"} <= labels
    assert "sagemaker:VolumeKmsKey" not in labels
    text = '{"Statement": [{"Condition": {"Bool": {"aws:'
    _, _, res = await _complete(client, client.root / "q.json", text, "json", "aws:")
    items = {i.label: i for i in res.items}
    assert items["aws:SecureTransport"].detail == "Bool"
    assert items["aws:TagKeys"].detail == "ArrayOfString, multi-valued"
    assert items["aws:RequestTag/${TagKey}"].text_edit.new_text == "aws:RequestTag/"


YAML_DOC = """Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - Effect: Allow
            Action:
              - sagemaker:CreateMo
            NotAction: sagemaker:DeleteEnd
            Resource: '*'
            Condition:
              StringEquals:
                sagemaker:VolumeKmsK
"""


async def test_completion_in_yaml(client):
    path = client.root / "t.yaml"
    for at, want in (("sagemaker:CreateMo", "sagemaker:CreateModel"), ("sagemaker:DeleteEnd", "sagemaker:DeleteEndpoint"),
                     ("sagemaker:VolumeKmsK", "sagemaker:VolumeKmsKeyArn")):
        _, _, res = await _complete(client, path, YAML_DOC, "yaml", at)
        assert want in _labels(res), at
    _, _, res = await _complete(client, path, YAML_DOC, "yaml", "Resource")
    assert _labels(res) == set()


HCL_DOC = '''data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["sagemaker:CreateEndp"]
    resources = ["arn:aws:sagemaker:us-east-1:111122223333:endpoint/*"]
    condition {
      test     = "StringEquals"
      variable = "sagemaker:VolumeKm"
      values   = ["sagemaker:x"]
    }
  }
}

resource "aws_iam_policy" "p" {
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Action    = ["sagemaker:ListEnd"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:PrincipalT" = "x" } }
    }]
  })
}
'''


async def test_completion_in_terraform(client):
    path = client.root / "main.tf"
    for at, want in (("sagemaker:CreateEndp", "sagemaker:CreateEndpoint"), ("sagemaker:VolumeKm", "sagemaker:VolumeKmsKeyArn"),
                     ("sagemaker:ListEnd", "sagemaker:ListEndpoints"), ("aws:PrincipalT", "aws:PrincipalTag/${TagKey}")):
        _, _, res = await _complete(client, path, HCL_DOC, "terraform", at)
        assert want in _labels(res), at
    for at in ('["sagemaker:x', 'endpoint/', '"StringEq'):
        _, _, res = await _complete(client, path, HCL_DOC, "terraform", at)
        assert _labels(res) == set(), at


# ---------------------------------------------------------------------------
# code actions


async def _actions(client, uri, diags, code, message=""):
    d = next(d for d in diags if d.code == code and message in d.message)
    return d, await client.text_document_code_action_async(t.CodeActionParams(
        text_document=t.TextDocumentIdentifier(uri=uri), range=d.range,
        context=t.CodeActionContext(diagnostics=[d])))


async def _fix(client, path, text, language, code, title_start, message=""):
    """Open ``text``, take the code action whose title starts with ``title_start`` of the first
    ``code`` diagnostic (whose message holds ``message``), apply its edit as an editor does, send
    the new text: (the action, the new text, its diagnostics)."""
    uri = open_doc(client, path, text, language)
    diags = await diagnostics(client, uri, 1)
    d, actions = await _actions(client, uri, diags, code, message)
    chosen = [a for a in actions or () if a.title.startswith(title_start)]
    assert len(chosen) == 1, [a.title for a in actions or ()]
    a = chosen[0]
    assert a.kind == t.CodeActionKind.QuickFix and a.diagnostics and a.diagnostics[0].code == code
    new = apply_edits(text, a.edit.changes[uri])
    change_doc(client, uri, new, 2)
    return a, new, await diagnostics(client, uri, 2)


FIXABLE = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "action": "s3:GetObject",
    "Action": ["sagemaker:StopTrainingJobs"],
    "Resource": "arn:aws:sagemaker:us-east-1:111122223333:training-job/*",
    "Condition": {"StringEquals": {"sagemaker:VolumeKmsKeyId": "k"}}
  }, {
    "effect": "Allow", "Action": "s3:GetObject", "Resource": "*"
  }, {
    "Effect": "deny", "Action": "sagemaker:CreateTrainingJob", "Resource": "*",
    "Condition": {"Null": {"sagemaker:VolumeKmsKey": "true"}}
  }]
}
"""


async def test_quick_fix_did_you_mean_action(client):
    a, new, diags = await _fix(client, client.root / "p.json", FIXABLE, "json", "SM104",
                               "Replace with sagemaker:StopTrainingJob")
    assert a.is_preferred
    assert new == FIXABLE.replace('"sagemaker:StopTrainingJobs"', '"sagemaker:StopTrainingJob"')
    assert "SM104" not in {d.code for d in diags}


async def test_quick_fix_condition_key_arn_rename(client):
    _, new, diags = await _fix(client, client.root / "p.json", FIXABLE, "json", "SM204",
                               "Replace with sagemaker:VolumeKmsKeyArn")
    assert new == FIXABLE.replace("sagemaker:VolumeKmsKeyId", "sagemaker:VolumeKmsKeyArn")
    # the key no action lists any more (statement 3), renamed to the ...Arn key its action supports
    (d,) = [d for d in diags if d.code == "SM204"]
    assert "sagemaker:VolumeKmsKey" in d.message and "is an older name" in d.message
    _, actions = await _actions(client, (client.root / "p.json").as_uri(), diags, "SM204")
    (a,) = [a for a in actions if a.title.startswith("Replace")]
    assert a.title == "Replace with sagemaker:VolumeKmsKeyArn"
    fixed = apply_edits(new, a.edit.changes[(client.root / "p.json").as_uri()])
    assert fixed == new.replace('"sagemaker:VolumeKmsKey"', '"sagemaker:VolumeKmsKeyArn"')


async def test_quick_fix_element_case(client):
    _, new, diags = await _fix(client, client.root / "p.json", FIXABLE, "json", "LP002", "Rename effect to Effect",
                               "'effect'")
    assert '"Effect": "Allow", "Action": "s3:GetObject"' in new
    assert ("LP002", "statement has no Effect (Allow or Deny)") not in {(d.code, d.message) for d in diags}
    # "action" next to an "Action": renaming it would write Action twice, so it is not offered
    uri = (client.root / "p.json").as_uri()
    _, actions = await _actions(client, uri, diags, "LP002", "'action'")
    assert [a.title for a in actions or ()] == ["Suppress LP002: JSON has no comments"]
    _, actions = await _actions(client, uri, diags, "LP002", "'deny'")
    (a,) = [a for a in actions if a.title.startswith("Change")]
    assert a.title == "Change deny to Deny"
    assert apply_edits(new, a.edit.changes[uri]).count('"Effect": "Deny"') == 1


YAML_ROLE = """Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: sagemaker.amazonaws.com}
            Action: sts:AssumeRole
      Policies:
        - PolicyName: all
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: sagemaker:*
                Resource: arn:aws:sagemaker:*:*:model/*
"""


async def test_suppress_here_in_yaml_then_give_the_reason(client):
    path = client.root / "t.yaml"
    a, new, diags = await _fix(client, path, YAML_ROLE, "yaml", "SM101", "Suppress SM101 on this line")
    assert not a.is_preferred
    assert new == YAML_ROLE.replace("Action: sagemaker:*\n", "Action: sagemaker:*  # lint-policies: ignore[SM101] -- \n")
    assert "SM101" not in {d.code for d in diags}
    (lp101,) = [d for d in diags if d.code == "LP101"]
    col = len("                Action: sagemaker:*  ")
    assert rng(lp101) == ((14, col), (14, col + len("# lint-policies: ignore[SM101] -- ")))
    uri = path.as_uri()
    change_doc(client, uri, new.replace("-- \n", "-- models only, reviewed\n"), 3)
    assert {d.code for d in await diagnostics(client, uri, 3)} == set()


YAML_BLOCK = """Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: |
        {"Statement": [{"Effect": "Allow", "Action": "sagemaker:*",
                        "Resource": "arn:aws:sagemaker:*:*:model/*"}]}
"""


async def test_suppress_in_a_yaml_block_scalar_goes_above_its_key(client):
    """A # inside the literal block would be JSON text: the directive goes above PolicyDocument."""
    _, new, diags = await _fix(client, client.root / "t.yaml", YAML_BLOCK, "yaml", "SM101", "Suppress SM101")
    assert new == YAML_BLOCK.replace("      PolicyDocument: |\n",
                                     "      # lint-policies: ignore[SM101] -- \n      PolicyDocument: |\n")
    assert {d.code for d in diags} == {"LP101"}


HCL_HEREDOC = '''resource "aws_iam_policy" "p" {
  name   = "p"
  policy = <<EOF
{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*",
                "Resource": "arn:aws:sagemaker:*:*:model/*"}]}
EOF
}

resource "aws_iam_policy" "q" {
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Action = "sagemaker:*", Resource = "arn:aws:sagemaker:*:*:model/*" }]
  })
}
'''


async def test_suppress_in_terraform(client):
    path = client.root / "main.tf"
    uri = open_doc(client, path, HCL_HEREDOC, "terraform")
    diags = await diagnostics(client, uri, 1)
    assert [d.range.start.line for d in diags if d.code == "SM101"] == [3, 10]
    in_heredoc, in_hcl = sorted((d for d in diags if d.code == "SM101"), key=lambda d: d.range.start.line)
    for d, want in ((in_heredoc, HCL_HEREDOC.replace("  policy = <<EOF\n", "  # lint-policies: ignore[SM101] -- \n"
                                                                          "  policy = <<EOF\n")),
                    (in_hcl, HCL_HEREDOC.replace('model/*" }]\n', 'model/*" }]  # lint-policies: ignore[SM101] -- \n'))):
        actions = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), range=d.range, context=t.CodeActionContext(diagnostics=[d])))
        (a,) = [a for a in actions if a.title.startswith("Suppress SM101")]
        assert apply_edits(HCL_HEREDOC, a.edit.changes[uri]) == want


async def test_suppress_in_terraform_with_slash_comments(client):
    text = "// policies\n" + HCL_HEREDOC.split("\n\n")[1]
    _, new, _ = await _fix(client, client.root / "main.tf", text, "terraform", "SM101", "Suppress SM101")
    assert new.endswith('model/*" }]  // lint-policies: ignore[SM101] -- \n  })\n}\n')


async def test_json_has_no_comment_to_suppress_with(client):
    """VS Code shows why there is no edit (a disabled action); a client that cannot show that gets none."""
    path = client.root / "policies" / "p.json"
    uri = open_doc(client, path, POLICY)
    diags = await diagnostics(client, uri, 1)
    _, actions = await _actions(client, uri, diags, "SM101")
    (a,) = actions
    assert a.edit is None
    # the path as per-file-ignores matches it: relative to the workspace folder
    # (in the configuration file the workspace has)
    assert a.disabled.reason == (f'JSON has no comments: to silence SM101 in this file, add "{client.root.name}/policies/'
                                 f'p.json" = ["SM101"] under [per-file-ignores] in '
                                 f'{client.workspace_root / ".lint-policies.toml"}.')


async def test_no_disabled_action_for_a_client_that_cannot_show_it(tmp_path):
    config = ClientServerConfig(server_command=SERVER, client_factory=recording_client)
    c = await config.start()
    try:
        await c.initialize_session(_init(tmp_path, client_capabilities("neovim")))
        uri = open_doc(c, tmp_path / "p.json", POLICY)
        diags = await diagnostics(c, uri, 1)
        _, actions = await _actions(c, uri, diags, "SM101")
        assert not actions
        await c.shutdown_session()
    finally:
        await c.stop()


# ---------------------------------------------------------------------------
# robustness


async def test_half_typed_file_gives_lp001_at_the_cursor_and_the_server_goes_on(client):
    """Every prefix of a policy, as it is typed: LP001 where the text stops (or a finding of what is
    there), never a crash; the server still answers afterwards."""
    path = client.root / "p.json"
    uri = open_doc(client, path, "")
    await diagnostics(client, uri, 1)
    text = '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:Cre'
    change_doc(client, uri, text, 2)
    diags = await diagnostics(client, uri, 2)
    # the unterminated string, from its quote to the cursor
    assert [(d.code, d.message, rng(d)) for d in diags] == [("LP001", "unterminated string", ((0, 45), (0, len(text))))]
    # YAML and HCL cut in the middle of a statement
    y = YAML_ROLE[:YAML_ROLE.index("Resource: arn") + len("Resource: [arn")]
    uri_y = open_doc(client, client.root / "t.yaml", y, "yaml")
    assert [d.code for d in await diagnostics(client, uri_y, 1)] == ["LP001"]
    h = HCL_HEREDOC[:HCL_HEREDOC.index("Effect = ")]
    uri_h = open_doc(client, client.root / "main.tf", h, "terraform")
    assert "LP001" in {d.code for d in await diagnostics(client, uri_h, 1)}
    for i, cut in enumerate(range(0, len(FIXABLE), 23)):
        change_doc(client, uri, FIXABLE[:cut], 10 + i)
    last = 10 + i
    await diagnostics(client, uri, last)
    h = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=uri_h), position=pos_of(h, "sagemaker:*", delta=2)))
    assert h is not None and "sagemaker:*" in h.contents.value


async def test_hostile_buffers_never_crash_the_server(client):
    """Absurd nesting, an alias bomb, a NUL, a lone surrogate: what the CLI says of the same file
    (an LP001), and no internal error."""
    nested = '{"Statement": ' + "[" * 5000 + "]" * 5000 + "}"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n" for p, c in zip("abcdefgh", "bcdefghi")) \
        + "AWSTemplateFormatVersion: x\n"
    deep = 'resource "aws_iam_policy" "p" {\n policy = jsonencode(' + "[" * 3000 + "]" * 3000 + ")\n}\n"
    cases = {"nested.json": nested, "bomb.yaml": bomb, "nul.json": '{"Statement": "\x00"}', "deep.tf": deep}
    for name, text in cases.items():
        (client.root / name).write_text(text, encoding="utf-8")
    cli = _cli_json(client.root, list(cases))
    for name, text in cases.items():
        uri = open_doc(client, client.root / name, text)
        diags = await diagnostics(client, uri, 1)
        assert [d.code for d in diags] == ["LP001"], name
        assert _from_diags(diags) == _from_cli(cli, name), name
    uri = open_doc(client, client.root / "lone.json", '{"Statement": "\ud800"}')
    assert [(d.code, rng(d)) for d in await diagnostics(client, uri, 1)] == [("LP001", ((0, 15), (0, 16)))]


async def test_a_huge_buffer_is_refused_as_the_cli_refuses_the_file(client):
    """Over max-file-size (default 5 MB): LP003, with the CLI's message for the same file."""
    text = '{"Statement": [' + ", ".join(['{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}'] * 90_000) + "]}"
    assert len(text) > 5 * 1024 * 1024
    path = client.root / "big.json"
    path.write_text(text, encoding="utf-8")
    uri = open_doc(client, path, text)
    diags = await diagnostics(client, uri, 1, timeout=60)
    assert [(d.code, rng(d)) for d in diags] == [("LP003", ((0, 0), (0, 0)))]
    assert _from_diags(diags) == _from_cli(_cli_json(client.root, ["big.json"]), "big.json")
    hover = await client.text_document_hover_async(t.HoverParams(
        text_document=t.TextDocumentIdentifier(uri=uri), position=t.Position(0, 40)))
    assert hover is None or "s3:GetObject" in hover.contents.value


async def test_shutdown_and_exit(tmp_path):
    config = ClientServerConfig(server_command=SERVER, client_factory=recording_client)
    c = await config.start()
    await c.initialize_session(_init(tmp_path))
    uri = open_doc(c, tmp_path / "p.json", POLICY)
    await diagnostics(c, uri, 1)
    await c.shutdown_session()
    assert c._server.returncode == 0
    await c.stop()


# ---------------------------------------------------------------------------
# the labelled cases: the server's findings are the CLI's


def _case_sets():
    import os

    from conftest import SHARED

    here = os.path.join(os.path.dirname(__file__), "cases")
    sets = [pytest.param(here, id="tests-cases")]
    shared = os.path.join(SHARED, "cases")
    sets.append(pytest.param(shared, id="shared-cases", marks=pytest.mark.skipif(
        not os.path.isdir(shared), reason=f"{shared} is not available")))
    return sets


@pytest.mark.parametrize("cases", _case_sets())
async def test_every_labelled_case_gives_the_cli_findings(client, cases):
    import os

    from keygen import fill_placeholders

    names = sorted(n for n in os.listdir(cases) if n not in ("EXPECT.tsv", "README.md"))
    assert len(names) >= 40
    texts = {}
    for n in names:
        texts[n] = fill_placeholders(open(os.path.join(cases, n), encoding="utf-8").read())
        (client.root / n).write_text(texts[n], encoding="utf-8")
    cli = _cli_json(client.root, ["."])
    assert len(cli) > 50
    uris = {n: open_doc(client, client.root / n, texts[n], "yaml" if n.endswith(".yaml") else "json")
            for n in names}
    compared = 0
    for n in names:
        diags = await diagnostics(client, uris[n], 1)
        assert _from_diags(diags) == _from_cli(cli, n), n
        compared += len(diags)
    assert compared == len(cli)


# ---------------------------------------------------------------------------
# no network

NO_NETWORK = r"""
import os, socket, sys

def refuse(*a, **k):
    with open(os.environ["LP_NETWORK_MARKER"], "a") as fh:
        fh.write("NETWORK ACCESS ATTEMPTED\n")
    raise OSError("network disabled by the test")

class Guarded(socket.socket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and family != socket.AF_UNIX:  # asyncio's own socketpair stays possible
            refuse()
        super().__init__(family, type, proto, fileno)

socket.socket = Guarded
socket.create_connection = refuse
socket.getaddrinfo = refuse
socket.gethostbyname = refuse
if sys.argv[1:] == ["probe"]:
    socket.create_connection(("127.0.0.1", 9))
from linter.cli import main
sys.exit(main(["server"]))
"""


async def test_the_network_guard_works(tmp_path):
    marker = tmp_path / "marker"
    r = subprocess.run([sys.executable, "-c", NO_NETWORK, "probe"], capture_output=True, text=True, timeout=60,
                       env={**__import__("os").environ, "LP_NETWORK_MARKER": str(marker)})
    assert r.returncode != 0 and marker.read_text() == "NETWORK ACCESS ATTEMPTED\n"


async def test_no_request_reaches_the_network(tmp_path):
    """A whole exchange with sockets refused: diagnostics, hovers (every service's data read), completions,
    code actions; no connection is ever attempted."""
    import os

    marker = tmp_path / "marker"
    config = ClientServerConfig(server_command=[sys.executable, "-c", NO_NETWORK], client_factory=recording_client,
                                server_env={**os.environ, "LP_NETWORK_MARKER": str(marker)})
    c = await config.start()
    try:
        await c.initialize_session(_init(tmp_path))
        uri = open_doc(c, tmp_path / "p.json", HOVER_JSON.replace('"*"]', '"*:Get*"]'))
        diags = await diagnostics(c, uri, 1)
        assert diags
        text = HOVER_JSON.replace('"*"]', '"*:Get*"]')
        for needle in ("sagemaker:CreateTrainingJob", "sagemaker:Create*", "*:Get*", "aws:SourceIp", "sagemaker:InstanceTypes"):
            h = await c.text_document_hover_async(t.HoverParams(text_document=t.TextDocumentIdentifier(uri=uri),
                                                                position=pos_of(text, needle, delta=2)))
            assert h is not None, needle
        res = await c.text_document_completion_async(t.CompletionParams(
            text_document=t.TextDocumentIdentifier(uri=uri), position=pos_of(text, "sagemaker:Create*", delta=10)))
        assert res.items
        for d in diags:
            await c.text_document_code_action_async(t.CodeActionParams(
                text_document=t.TextDocumentIdentifier(uri=uri), range=d.range, context=t.CodeActionContext(diagnostics=[d])))
        await c.shutdown_session()
    finally:
        await c.stop()
    assert not marker.exists()


async def test_the_per_file_ignores_guidance_works(own_client):
    """Doing what the disabled action says silences the finding."""
    import re

    client = own_client
    (client.root / ".lint-policies.toml").write_text(SELECT, encoding="utf-8")
    uri = open_doc(client, client.root / "policies" / "p.json", POLICY)
    diags = await diagnostics(client, uri, 1)
    _, (a,) = await _actions(client, uri, diags, "SM101")
    m = re.search(r'add (".*") = \["SM101"\] under \[per-file-ignores\] in (?:.*/)?\.lint-policies\.toml\.$',
                  a.disabled.reason)
    (client.root / ".lint-policies.toml").write_text(SELECT + f'[per-file-ignores]\n{m.group(1)} = ["SM101"]\n', encoding="utf-8")
    client.published.clear()
    client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
    assert {d.code for d in await diagnostics(client, uri, 1)} == {"SM201"}


async def test_an_unused_suppression_is_shown_as_unnecessary(client):
    text = YAML_ROLE.replace("Action: sts:AssumeRole\n", "Action: sts:AssumeRole  # lint-policies: ignore[SM102] -- old\n")
    uri = open_doc(client, client.root / "t.yaml", text, "yaml")
    (lp100,) = [d for d in await diagnostics(client, uri, 1) if d.code == "LP100"]
    assert list(lp100.tags) == [t.DiagnosticTag.Unnecessary]
    start = pos_of(text, "# lint-policies")
    assert rng(lp100) == ((start.line, start.character), (start.line, start.character + len(
        "# lint-policies: ignore[SM102] -- old")))


async def test_workspace_folders_added_later_are_where_the_cli_runs_from(tmp_path):
    """b/.lint-policies.toml excludes "sub/*": b/sub/p.json is excluded when b is a workspace folder
    (the CLI run from b excludes it), not before (the CLI run from b/sub does not)."""
    a, b = tmp_path / "a", tmp_path / "b"
    (b / "sub").mkdir(parents=True)
    a.mkdir()
    (b / ".lint-policies.toml").write_text('exclude = ["sub/*"]\n', encoding="utf-8")
    config = ClientServerConfig(server_command=SERVER + ["--debounce", DEBOUNCE], client_factory=recording_client)
    c = await config.start()
    try:
        await c.initialize_session(_init(a))
        uri = open_doc(c, b / "sub" / "p.json", POLICY)
        # no configuration applies yet: every rule runs; these are the ones this test is about
        assert {d.code for d in await diagnostics(c, uri, 1) if d.code[:3] in ("SM1", "SM2")} == {"SM101", "SM201"}
        c.workspace_did_change_workspace_folders(t.DidChangeWorkspaceFoldersParams(event=t.WorkspaceFoldersChangeEvent(
            added=[t.WorkspaceFolder(uri=b.as_uri(), name="b")], removed=[])))
        change_doc(c, uri, POLICY + "\n", 2)
        assert await diagnostics(c, uri, 2) == []
        await c.shutdown_session()
    finally:
        await c.stop()


async def test_requests_on_every_cut_of_a_file_never_fail(client):
    """Hover, completion and code actions at many places of every 40th prefix of a YAML, a
    Terraform and a JSON file, as they are typed: answers (or nothing), never a handler error."""
    n = len(client.log_messages)
    for name, text, lang in (("t.yaml", YAML_DOC + YAML_ROLE, "yaml"), ("main.tf", HCL_DOC + HCL_HEREDOC, "terraform"),
                             ("p.json", FIXABLE + HOVER_JSON, "json")):
        uri = open_doc(client, client.root / name, "", lang)
        version = 1
        for cut in range(0, len(text), 40):
            version += 1
            part = text[:cut]
            change_doc(client, uri, part, version)
            line = part.count("\n")
            col = len(part) - part.rfind("\n") - 1
            doc = t.TextDocumentIdentifier(uri=uri)
            for pos in (t.Position(line, col), t.Position(max(0, line - 1), 3), t.Position(line + 5, 0)):
                await client.text_document_hover_async(t.HoverParams(text_document=doc, position=pos))
                await client.text_document_completion_async(t.CompletionParams(text_document=doc, position=pos))
            await client.text_document_code_action_async(t.CodeActionParams(
                text_document=doc, range=t.Range(t.Position(0, 0), t.Position(line, col)),
                context=t.CodeActionContext(diagnostics=[])))
        await diagnostics(client, uri, version)
    assert not [m.message for m in client.log_messages[n:] if "failed" in m.message]


CFN_JSON = """{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Resources": {
    "Role": {
      "Type": "AWS::IAM::Role",
      "Properties": {
        "Policies": [{"PolicyName": "p", "PolicyDocument": {"Statement": [
          {"Effect": "Allow", "Action": "sagemaker:*", "Resource": "arn:aws:sagemaker:*:*:model/*"}]}}]
      }
    }
  }
}
"""
TF_JSON = """{
  "resource": {
    "aws_iam_policy": {
      "p": {
        "name": "p",
        "policy": "{\\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"sagemaker:*\\", \\"Resource\\": \\"arn:aws:sagemaker:*:*:model/*\\"}]}"
      }
    }
  }
}
"""


async def test_suppress_in_cloudformation_json_and_terraform_json(client):
    """No comments, but each has its own form: the resource's Metadata, a "//" property."""
    _, new, diags = await _fix(client, client.root / "t.json", CFN_JSON, "json", "SM101", "Suppress SM101 in resource Role")
    assert new == CFN_JSON.replace('    "Role": {\n', '    "Role": {\n      "Metadata": {"lint-policies": {"ignore": '
                                                      '[{"id": "SM101", "reason": ""}]}},\n')
    assert [d.code for d in diags] == ["LP101"]
    _, new, diags = await _fix(client, client.root / "main.tf.json", TF_JSON, "json", "SM101", "Suppress SM101 in this block")
    assert new == TF_JSON.replace('      "p": {\n', '      "p": {\n        "//": "lint-policies: ignore[SM101] -- ",\n')
    assert [d.code for d in diags] == ["LP101"]
