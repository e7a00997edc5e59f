"""Embedded credentials: linter/secrets.py and the KEY401/KEY402/KEY403 rules.

Every key, secret and token here is generated at run time (tests/keygen.py); the
only literal credentials are AWS's documented examples, which must never be more
than notes.
"""
from __future__ import annotations

import importlib
import importlib.util
import os
import sys

import pytest

import keygen
from keygen import fill_placeholders, key_id, secret, token
from linter import secrets as S
from linter.findings import hash_secret
from linter.rule import Context
from linter.sources import SourceFile

PLACEHOLDER_X = "AKIA" + "X" * 16  # a placeholder key ID, built at run time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
CASES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")


def _rule(code: str):
    mod = "key" + code[3:]
    try:
        return importlib.import_module(f"linter.rules.{mod}").RULE
    except ModuleNotFoundError:  # not installed: load rules/ as linter.rules
        if "linter.rules" not in sys.modules:
            spec = importlib.util.spec_from_file_location(
                "linter.rules", os.path.join(ROOT, "rules", "__init__.py"),
                submodule_search_locations=[os.path.join(ROOT, "rules")])
            pkg = importlib.util.module_from_spec(spec)
            sys.modules["linter.rules"] = pkg
            spec.loader.exec_module(pkg)
        return importlib.import_module(f"linter.rules.{mod}").RULE


RULES = {c: _rule(c) for c in ("KEY401", "KEY402", "KEY403")}


def _src(text: str, name: str = "f.txt", trees=()) -> SourceFile:
    return SourceFile(path=name, abspath=name, text=text, kind="text", trees=list(trees))


def findings(text: str, name: str = "f.txt", trees=()):
    src = _src(text, name, trees)
    out = []
    for code, rule in RULES.items():
        out.extend(rule.check(src, Context()))
    return sorted(out, key=lambda f: (f.span.line, f.span.col, f.code))


def summary(text: str, **kw):
    """[(code, line, col, end_col, severity)]"""
    return [(f.code, f.span.line, f.span.col, f.span.end_col, f.severity) for f in findings(text, **kw)]


def at(text: str, value: str, nth: int = 1):
    """1-based (line, col) of the nth occurrence of value in text."""
    i = -1
    for _ in range(nth):
        i = text.index(value, i + 1)
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


def exp(code: str, text: str, value: str, severity: str = "error", nth: int = 1):
    """The expected summary entry of a finding on the nth occurrence of value."""
    line, col = at(text, value, nth)
    return (code, line, col, col + len(value), severity)


def serious(fs):
    return [f for f in fs if f.severity in ("warning", "error")]


# ---------------------------------------------------------------------------
# keygen


def test_keygen_is_deterministic_and_well_formed():
    import re

    assert key_id("a") == key_id("a") != key_id("b")
    assert key_id("a", "ASIA").startswith("ASIA")
    assert re.fullmatch(r"AKIA[A-Z2-7]{16}", key_id("x"))
    assert re.fullmatch(r"[A-Za-z0-9/+]{40}", secret("x"))
    assert re.fullmatch(r"[A-Za-z0-9/+]{300,}", token("x"))
    text = fill_placeholders("{{ID:AKIA:k}} {{ID:ASIA:k}} {{SECRET:s}} {{TOKEN:t}} {{SECRET:s}}")
    parts = text.split()
    assert parts == [key_id("k"), key_id("k", "ASIA"), secret("s"), token("t"), secret("s")]
    assert keygen.placeholder_values("{{SECRET:s}} {{SECRET:s}}") == [secret("s")]


def test_generated_values_are_detected_as_real():
    for n in range(50):
        k = key_id(f"n{n}")
        assert not S.is_example_key_id(k) and not S.is_placeholder_key_id(k)
        assert S._plausible_secret(secret(f"n{n}"), strict=True)
        assert S._plausible_token(token(f"n{n}"))


# ---------------------------------------------------------------------------
# masking


def test_mask_key_id():
    k = key_id("mask")
    m = S.mask_key_id(k)
    assert m == k[:4] + "*" * 12 + k[-4:]
    assert len(m) == 20 and k[4:16] not in m
    assert S.mask_key_id("AKIA") == "AKIA"


def test_hit_repr_never_shows_values():
    k, s, t = key_id("r"), secret("r"), token("r")
    text = f'aws_access_key_id = {k}\naws_secret_access_key = {s}\naws_session_token = {t}\n'
    hits = S.scan(text)
    assert [h.kind for h in hits] == ["key-id", "secret", "token"]
    r = repr(hits)
    assert k not in r and s not in r and t not in r and t[:20] not in r and s[:10] not in r
    assert S.mask_key_id(k) in r


def test_redact():
    k, s, t = key_id("red"), secret("red"), token("red")
    text = (f'export AWS_ACCESS_KEY_ID={k}\nexport AWS_SECRET_ACCESS_KEY={s}\n'
            f'export AWS_SESSION_TOKEN="{t}"\n# placeholder {PLACEHOLDER_X}\n')
    out = S.redact(text)
    assert k not in out and s not in out and t not in out
    assert S.mask_key_id(k) in out and "[REDACTED]" in out
    assert PLACEHOLDER_X not in out  # placeholders are masked too
    assert S.redact("nothing here") == "nothing here"


# ---------------------------------------------------------------------------
# KEY401: access key IDs and their boundaries


@pytest.mark.parametrize("prefix,kind", [("AKIA", "long-term"), ("ASIA", "temporary"),
                                         ("ABIA", "STS service bearer token"), ("ACCA", "context-specific")])
def test_key_id_prefixes(prefix, kind):
    k = key_id("p", prefix)
    text = f"id: {k}\n"
    fs = findings(text)
    assert [(f.code, f.span, f.severity) for f in fs] == [("KEY401", S.Span(1, 5, 1, 25), "error")]
    assert kind in fs[0].message and S.mask_key_id(k) in fs[0].message and k not in fs[0].message
    assert fs[0].value == hash_secret(k)


@pytest.mark.parametrize("fmt,found", [
    ("{k}", True), ("x{k}", False), ("{k}x", False), ("_{k}", False), ("{k}_", False),
    ("9{k}", False), ("{k}2", False), ("{k}A", False), ("a{k}", False),
    ("-{k}-", True), ("/{k}/", True), ("={k};", True), ('"{k}"', True), ("({k})", True),
    ("{k}.", True), (":{k}:", True), ("é{k}", True),
    (r"line1\n{k}\nline3", True), (r"\t{k}", True),  # JSON escapes are boundaries
    ("X-Amz-Credential={k}%2F20240101%2Fus-east-1", True), ("cred%2F{k}%2F", True),
])
def test_key_id_boundaries(fmt, found):
    k = key_id("b")
    text = fmt.format(k=k)
    fs = findings(text)
    assert bool(fs) == found, text.replace(k, "<key>")
    if found:
        assert fs[0].span.col == text.index(k) + 1


def test_key_id_wrong_length_or_alphabet_is_not_a_key():
    k = key_id("len")
    assert findings(k[:-1]) == []  # 19 characters
    assert findings(k + "Q") == []  # 21 characters
    assert findings(k[:10] + "0" + k[11:]) == []  # 0, 1, 8, 9 are not in the key alphabet
    assert findings(k[:10] + "a" + k[11:]) == []  # lowercase


@pytest.mark.parametrize("uid", ["AROA", "AIDA", "AGPA", "ANPA", "AIPA", "ANVA", "APKA", "ASCA"])
def test_iam_unique_ids_are_not_keys(uid):
    body = key_id("uid")[4:]
    text = f'{{"RoleId": "{uid}{body}", "UserId": "{uid}{body}Q:session"}}\n'
    assert findings(text) == []


def test_key_id_in_arn_is_not_reported():
    k = key_id("arn")
    assert findings(f'"Resource": "arn:aws:iam::123456789012:user/{k}"') == []
    assert findings(f'"Resource": "arn:aws:s3:::bucket/{k}/x"') == []


def test_placeholder_key_ids_are_not_reported():
    # built here, not written out: no key-shaped literal in the repository, even a placeholder
    for k in (PLACEHOLDER_X, "AKIA" + "A" * 16, "AKIA" + "TEST" * 4, "AKIA" + "ABCDEFGHIJKLMNOP",
              "ASIA" + "2" * 16, "AKIA" + "AB" * 8):
        assert findings(f"aws_access_key_id = {k}\n") == [], k


def test_several_keys_exact_positions():
    k1, k2 = key_id("one"), key_id("two", "ASIA")
    text = f"# first {k1}\n\n  both: [{k1}, {k2}]\n"
    assert summary(text) == [
        ("KEY401", 1, 9, 29, "error"),
        ("KEY401", 3, 10, 30, "error"),
        ("KEY401", 3, 32, 52, "error"),
    ]


def test_secret_of_a_connection_uri_url_encoded_and_of_a_continued_command():
    k = key_id("airflow")
    sec = secret("airflow")
    # Airflow requires the URI's secret URL-encoded: its / and + become %2F and %2B
    raw = sec[:10] + "/" + sec[11:20] + "+" + sec[21:]
    encoded = raw.replace("/", "%2F").replace("+", "%2B")
    text = f"AIRFLOW_CONN_AWS_DEFAULT=aws://{k}:{encoded}@/?region_name=us-east-1\n"
    got = findings(text, name=".env")
    assert [(f.code, f.span.line, f.span.col, f.span.end_col) for f in got] == [
        ("KEY401",) + at(text, k) + (at(text, k)[1] + 20,),
        ("KEY402",) + at(text, encoded) + (at(text, encoded)[1] + len(encoded),)]
    assert encoded not in " ".join(f.message for f in got) and "URL-encoded" in got[1].message
    # a shell command over lines joined by a trailing backslash
    sh = f"airflow connections add aws_default \\\n  --conn-login {k} \\\n  --conn-password '{raw}'\n"
    got = findings(sh, name="setup.sh")
    assert [(f.code, f.span.line) for f in got] == [("KEY401", 2), ("KEY402", 3)]
    assert "over lines joined by a trailing backslash" in got[1].message
    # without the backslash, two commands: the secret is not the key's
    assert [f.code for f in findings(sh.replace(" \\\n  --conn-password", "\n--conn-password"), name="setup.sh")] \
        == ["KEY401"]


def test_crlf_and_unicode_columns():
    k = key_id("crlf")
    text = f"a: 1\r\nnäme: \"{k}\"\r\n"
    assert summary(text) == [("KEY401", 2, 8, 28, "error")]


# ---------------------------------------------------------------------------
# JSON


def test_json_sagemaker_create_model_request():
    k, s, t = key_id("j", "ASIA"), secret("j"), token("j")
    text = ('{\n  "ModelName": "m",\n  "PrimaryContainer": {\n    "Environment": {\n'
            f'      "AWS_ACCESS_KEY_ID": "{k}",\n'
            f'      "AWS_SECRET_ACCESS_KEY": "{s}",\n'
            f'      "AWS_SESSION_TOKEN": "{t}"\n'
            '    }\n  }\n}\n')
    got = summary(text, name="req.json")
    assert got == [
        ("KEY401", 5, 29, 49, "error"),
        ("KEY402", 6, 33, 73, "error"),
        ("KEY403", 7, 29, 29 + len(t), "error"),
    ]
    assert at(text, s) == (6, 33) and at(text, t) == (7, 29)


def test_json_sts_response_and_escaped_string():
    k, s, t = key_id("sts", "ASIA"), secret("sts"), token("sts")
    text = ('{"Credentials": {"AccessKeyId": "%s", "SecretAccessKey": "%s", "SessionToken": "%s", '
            '"Expiration": "2024-01-01T00:00:00Z"}}' % (k, s, t))
    assert [c for c, *_ in summary(text)] == ["KEY401", "KEY402", "KEY403"]
    # A JSON document embedded as a string (escaped quotes).
    inner = '"{\\"SecretAccessKey\\": \\"%s\\", \\"AccessKeyId\\": \\"%s\\"}"' % (s, k)
    got = summary('{"Body": %s}' % inner)
    assert [c for c, *_ in got] == ["KEY402", "KEY401"]


def test_json_name_value_pairs():
    s = secret("pair")
    text = ('{"containerDefinitions": [{"environment": [\n'
            '  {"name": "REGION", "value": "us-east-1"},\n'
            f'  {{"name": "AWS_SECRET_ACCESS_KEY", "value": "{s}"}},\n'
            f'  {{"Value": "{secret("pair2")}", "Name": "AWS_SECRET_ACCESS_KEY"}}\n'
            ']}]}\n')
    assert summary(text) == [exp("KEY402", text, s), exp("KEY402", text, secret("pair2"))]
    assert at(text, s) == (3, 47)
    # The next record's value is not this record's.
    text2 = ('[{"Name": "AWS_SECRET_ACCESS_KEY", "ValueFrom": "arn:aws:ssm:us-east-1:1:parameter/x"},\n'
             f' {{"Name": "OTHER", "Value": "{s}"}}]\n')
    assert findings(text2) == []


def test_name_value_pair_edges():
    s = secret("pair-edge")
    # the Value before the Name, at the very start of the text
    first = f"Value: {s}\nName: AWS_SECRET_ACCESS_KEY\n"
    assert summary(first) == [exp("KEY402", first, s)]
    # a Value before the Name that holds no value to read: nothing, and no crash
    for text in ("- Value: !Ref Other\n  Name: AWS_SECRET_ACCESS_KEY\n", 'Value: "\nName: AWS_SECRET_ACCESS_KEY\n'):
        assert summary(text) == []
    # no Value at all: the block that follows the name holds its default
    block = f"key: AWS_SECRET_ACCESS_KEY {{default = \"{s}\"}}\n"
    assert summary(block) == [exp("KEY402", block, s)]


def test_lookups_are_bounded_per_file():
    # after 2,000 names without a value of their own, a name only gets the value written right after it
    s = secret("budget")
    names = "- AWS_SECRET_ACCESS_KEY: none\n"
    pair = f"- Name: AWS_SECRET_ACCESS_KEY\n  Value: {s}\n"
    assert summary(names * 1999 + pair) == [exp("KEY402", names * 1999 + pair, s)]
    assert summary(names * 2000 + pair) == []
    direct = f"- AWS_SECRET_ACCESS_KEY: {s}\n"
    assert summary(names * 2000 + direct) == [exp("KEY402", names * 2000 + direct, s)]


def test_json_same_object_as_key_id_uses_the_tree():
    from linter.parsers.json_loc import parse_json

    k, s = key_id("obj"), secret("obj")
    text = f'{{\n  "user": "ci",\n  "id": "{k}",\n  "password": "{s}"\n}}\n'
    # Without the tree: only the key ID (the secret's name says nothing).
    assert [c for c, *_ in summary(text)] == ["KEY401"]
    got = summary(text, trees=[parse_json(text)])
    assert got == [("KEY401", 3, 10, 30, "error"), ("KEY402", 4, 16, 56, "error")]
    # An example key ID does not make its neighbours secrets.
    text2 = f'{{"id": "AKIAIOSFODNN7EXAMPLE",\n "password": "{s}"}}'
    assert [(c, sev) for c, _, _, _, sev in summary(text2, trees=[parse_json(text2)])] == [("KEY401", "note")]


def test_json_file_through_sources_load(tmp_path):
    from linter import sources

    k, s = key_id("load"), secret("load")
    p = tmp_path / "creds.json"
    p.write_text(f'{{"a": {{"k": "{k}",\n "other": "{s}"}}}}\n')
    src = sources.load(str(p), "creds.json")
    fs = [f for r in RULES.values() for f in r.check(src, Context())]
    assert sorted((f.code, f.span.line, f.span.col) for f in fs) == [("KEY401", 1, 14), ("KEY402", 2, 12)]


# ---------------------------------------------------------------------------
# YAML / CloudFormation (raw text: independent of the YAML parser)


def test_cfn_environment_unquoted_and_quoted():
    k, s = key_id("cfn"), secret("cfn")
    text = ("Resources:\n  M:\n    Type: AWS::SageMaker::Model\n    Properties:\n      PrimaryContainer:\n"
            "        Environment:\n"
            f"          AWS_ACCESS_KEY_ID: {k}\n"
            f"          AWS_SECRET_ACCESS_KEY: \"{s}\"\n"
            f"          AWS_SECRET_ACCESS_KEY_2: '{secret('cfn2')}'  # comment\n"
            f"          secretAccessKey: !!str {secret('cfn3')}\n")
    assert summary(text) == [
        ("KEY401", 7, 30, 50, "error"),
        ("KEY402", 8, 35, 75, "error"),
        exp("KEY402", text, secret("cfn2")),
        exp("KEY402", text, secret("cfn3")),
    ]
    assert at(text, secret("cfn3")) == (10, 34)


def test_cfn_parameter_default():
    s = secret("param")
    text = ("Parameters:\n  AwsSecretAccessKey:\n    Type: String\n    NoEcho: true\n"
            f"    Default: {s}\n  Other:\n    Default: {secret('param2')}\nResources: {{}}\n")
    assert summary(text) == [("KEY402", 5, 14, 54, "error")]
    # JSON template
    text2 = ('{"Parameters": {"SecretKey": {"Type": "String",\n'
             f' "Default": "{s}"}}, "Other": {{"Default": "{secret("param3")}"}}}}}}')
    assert summary(text2) == [("KEY402", 2, 14, 54, "error")]


def test_cfn_sub_user_data():
    k, s = key_id("ud"), secret("ud")
    text = ("      UserData:\n        Fn::Base64: !Sub |\n          #!/bin/bash\n"
            f"          export AWS_ACCESS_KEY_ID={k}\n"
            f"          export AWS_SECRET_ACCESS_KEY={s}\n"
            "          aws s3 cp s3://${Bucket}/x /tmp/x\n")
    assert summary(text) == [("KEY401", 4, 36, 56, "error"), ("KEY402", 5, 40, 80, "error")]


def test_ecs_and_lambda_env_lists_yaml():
    s, t = secret("ecs"), token("ecs")
    text = ("      ContainerDefinitions:\n        - Name: app\n          Environment:\n"
            "            - Name: REGION\n              Value: us-east-1\n"
            "            - Name: AWS_SECRET_ACCESS_KEY\n"
            f"              Value: {s}\n"
            "            - Value: \"%s\"\n              Name: AWS_SESSION_TOKEN\n"
            "            - {Name: aws_secret_access_key, Value: '%s'}\n") % (t, secret("ecs2"))
    assert summary(text) == [
        ("KEY402", 7, 22, 62, "error"),
        ("KEY403", 8, 23, 23 + len(t), "error"),
        ("KEY402", 10, 53, 93, "error"),
    ]
    # A secret name whose value comes from elsewhere: nothing.
    text2 = ("            - Name: AWS_SECRET_ACCESS_KEY\n              ValueFrom: arn:aws:ssm:x\n"
             "            - Name: OTHER\n"
             f"              Value: {s}\n")
    assert findings(text2) == []


def test_kubernetes_and_compose_env():
    s = secret("k8s")
    text = f"env:\n  - name: AWS_SECRET_ACCESS_KEY\n    value: \"{s}\"\n"
    assert summary(text) == [("KEY402", 3, 13, 53, "error")]
    text2 = f"environment:\n  - AWS_SECRET_ACCESS_KEY={s}\n"
    assert summary(text2) == [("KEY402", 2, 27, 67, "error")]


# ---------------------------------------------------------------------------
# Terraform (raw text: independent of the HCL parser)


def test_hcl_provider_block_with_token():
    k, s, t = key_id("tf", "ASIA"), secret("tf"), token("tf")
    text = (f'provider "aws" {{\n  region     = "us-east-1"\n  access_key = "{k}"\n'
            f'  secret_key = "{s}"\n  token      = "{t}"\n}}\n')
    assert summary(text, name="main.tf") == [
        ("KEY401", 3, 17, 37, "error"),
        ("KEY402", 4, 17, 57, "error"),
        ("KEY403", 5, 17, 17 + len(t), "error"),
    ]


def test_hcl_token_needs_aws_context():
    t = token("ctx")
    far = "\n" * 20
    text = f'provider "github" {{\n  token = "{t}"\n}}\n'
    assert findings(text) == []
    text2 = f'secret_key = var.s\n{far}token = "{t}"\n'
    assert findings(text2) == []  # the secret-key name is 21 lines away
    text3 = f'secret_key = var.s\n\ntoken = "{t}"\n'
    assert [c for c, *_ in summary(text3)] == ["KEY403"]


def test_hcl_variable_default_and_tfvars():
    s = secret("var")
    text = ('variable "aws_secret_key" {\n  type      = string\n  sensitive = true\n'
            f'  default   = "{s}"\n}}\n\nvariable "region" {{\n  default = "{secret("var2")}"\n}}\n')
    assert summary(text, name="variables.tf") == [("KEY402", 4, 16, 56, "error")]
    tfvars = f'aws_secret_key = "{s}"\naws_access_key = "{key_id("var")}"\n'
    assert summary(tfvars, name="terraform.tfvars") == [("KEY402", 1, 19, 59, "error"),
                                                        ("KEY401", 2, 19, 39, "error")]


def test_hcl_sagemaker_model_environment_and_jsonencode():
    s = secret("env")
    text = ('resource "aws_sagemaker_model" "m" {\n  primary_container {\n    environment = {\n'
            f'      AWS_SECRET_ACCESS_KEY = "{s}"\n    }}\n  }}\n}}\n'
            'resource "aws_ecs_task_definition" "t" {\n  container_definitions = jsonencode([{\n'
            f'    environment = [{{ name = "AWS_SECRET_ACCESS_KEY", value = "{secret("env2")}" }}]\n'
            '  }])\n}\n')
    assert summary(text) == [("KEY402", 4, 32, 72, "error"), exp("KEY402", text, secret("env2"))]


def test_hcl_references_are_not_secrets():
    text = ('provider "aws" {\n  access_key = var.access_key\n  secret_key = var.secret_key\n'
            '  token      = data.aws_ssm_parameter.token.value\n}\n'
            'locals {\n  aws_secret_access_key = "${var.secret_access_key_for_the_ci_user_x}"\n}\n')
    assert findings(text) == []


# ---------------------------------------------------------------------------
# Plain text files


def test_aws_credentials_file_and_csv():
    k, s, t = key_id("ini"), secret("ini"), token("ini")
    text = (f"[default]\naws_access_key_id = {k}\naws_secret_access_key = {s}\n"
            f"aws_session_token = {t}\n")
    assert [c for c, *_ in summary(text, name="credentials")] == ["KEY401", "KEY402", "KEY403"]
    csv = f"User name,Password,Access key ID,Secret access key\nci,,{k},{s}\n"
    assert summary(csv, name="ci_accessKeys.csv") == [("KEY401", 2, 5, 25, "error"), ("KEY402", 2, 26, 66, "error")]


def test_command_line_and_code():
    k, s = key_id("cli"), secret("cli")
    text = (f"aws configure set aws_secret_access_key {s}\n"
            f"tool --aws-secret-access-key={secret('cli2')} --id {k}\n"
            f"os.environ[\"AWS_SECRET_ACCESS_KEY\"] = '{secret('cli3')}'\n"
            f"boto3.client('s3', aws_secret_access_key=\"{secret('cli4')}\")\n"
            f"<SecretAccessKey>{secret('cli5')}</SecretAccessKey>\n")
    assert [(c, ln) for c, ln, *_ in summary(text)] == [
        ("KEY402", 1), ("KEY402", 2), ("KEY401", 2), ("KEY402", 3), ("KEY402", 4), ("KEY402", 5)]


def test_comment_in_any_file():
    k = key_id("comment")
    text = f'{{\n  // old key {k}\n  "a": 1\n}}\n'
    assert summary(text) == [("KEY401", 2, 14, 34, "error")]


# ---------------------------------------------------------------------------
# Precision: documented examples, hashes, blobs, references


DOC_EXAMPLES = [
    ("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
    ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
    ("aws_access_key_id", "AKIAI44QH8DHBEXAMPLE"),  # has an 8: not even a key alphabet
    ("aws_secret_access_key", "je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"),
    ("aws_access_key_id", "ASIAIOSFODNN7EXAMPLE"),
    ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"),  # 41 characters
    ("aws_access_key_id", "AKIAQRSTUVWXYZEXAMPLE"),
    ("aws_access_key_id", "ASIAWHOJDLGPOEXAMPLE"),
    ("aws_access_key_id", "AKIAIOSFODNN7" + "EXAMAAA"),  # test variants of the documented key,
    ("aws_access_key_id", "AKIAIOSFODNN7" + "EXAMPL3"),  # built so that no key-shaped literal is committed
    ("aws_access_key_id", "AKIAIOS3F6KN7" + "EXAMPL3"),
    ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMAAAKEY"),
    ("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPL3KEY"),
    ("aws_session_token", "AQoDYXdzEJr...<remainder of session token>"),
    ("aws_session_token",
     "AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+FvwqnKwRcOIfrRh3c/LTo6UDdyJwOOvEVPvLXCrrrUtdnniCEXAMPLE/"
     "IvU1dYUg2RVAJBanLiHb4IgRmpRV3zrkuWJOgQs8IZZaIv2BXIa2R4OlgkBN9bkUDNCJiBeb/AXlzBBko7b15fjrBs2+cTQtpZ3CYWF"
     "XG8C5zqx37wnOE49mRl/+OtkIKGO7fAE"),
]


@pytest.mark.parametrize("name,value", DOC_EXAMPLES)
def test_documented_examples_are_notes_at_most(name, value):
    text = f'{name} = "{value}"\n{name.upper()}: {value}\n'
    fs = findings(text)
    assert serious(fs) == []
    for f in fs:
        assert "example" in f.message


def test_canonical_examples_are_notes():
    text = ('export AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n'
            'export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n')
    assert summary(text) == [("KEY401", 1, 26, 46, "note"), ("KEY402", 2, 30, 70, "note")]


def test_hashes_blobs_and_low_entropy_values():
    import hashlib

    sha1 = hashlib.sha1(b"commit").hexdigest()
    blob = secret("blob")
    text = (f"aws_secret_access_key: {sha1}\n"  # 40-hex git hash
            f"aws_secret_access_key: {sha1.upper()}\n"
            f"checksum: {blob}\n"  # base64 without a credential name
            f"data: {token('blob')}\n"
            "aws_secret_access_key: XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX\n"
            "aws_secret_access_key: abcdefghijABCDEFGHIJabcdefghijABCDEFGHIJ\n"
            "aws_secret_access_key: 0123456789abcdefghijklmnopqrstuvwxyzABCD\n"
            "SecretKeySecretName: SageMakerProjectsGitLabUserSecretKeyName\n"
            "aws_secret_access_key: SageMakerProjectsGitLabUserSecretKeyName\n"
            f"aws_secret_access_key: {blob}x\n"  # 41 characters
            f"aws_secret_access_key: {blob[:-1]}\n"  # 39 characters
            f"aws_secret_access_key: {blob}-suffix\n"
            f"aws_session_token: {'A' * 200}\n"
            f"aws_session_token: {token('blob')[:90]}\n")  # too short for a token
    assert findings(text) == []


def test_references_and_templates_are_not_credentials():
    text = ('DB_PASSWORD: "{{resolve:secretsmanager:prod/ml/db:SecretString:password}}"\n'
            "AWS_SECRET_ACCESS_KEY: '{{resolve:secretsmanager:ci/aws:SecretString:secret}}'\n"
            "AWS_SECRET_ACCESS_KEY: !Ref SecretAccessKeyParameterWithALongName1\n"
            "AWS_SECRET_ACCESS_KEY: !GetAtt AccessKey.SecretAccessKey\n"
            "AWS_SECRET_ACCESS_KEY: ${AwsSecretAccessKeyFromTheEnvironmentXY}\n"
            "SecretString: !GetAtt GitLabIAMUserAccessKey.SecretAccessKey\n"
            "aws_secret_access_key=stsresponse[\"Credentials\"][\"SecretAccessKey\"],\n"
            "aws_session_token=stsresponse[\"Credentials\"][\"SessionToken\"]\n"
            '"Action": ["sts:GetSessionToken", "iam:CreateAccessKey"]\n')
    assert findings(text) == []


def test_secret_needs_a_credential_name():
    s = secret("generic")
    assert findings(f"secret: {s}\n") == []  # a generic "secret" name
    assert findings(f"api_key: {s}\n") == []
    assert findings(f"SECRET_KEY_BASE = '{s}'\n") == []
    assert [c for c, *_ in summary(f"AWS_SECRET_ACCESS_KEY_PROD={s}\n")] == ["KEY402"]
    assert [c for c, *_ in summary(f"s3_secret_key: {s}\n")] == ["KEY402"]


# ---------------------------------------------------------------------------
# Rule messages: masked, never the secret


def test_messages_and_fingerprints_never_hold_secrets():
    k, s, t = key_id("msg"), secret("msg"), token("msg")
    text = f"aws_access_key_id={k}\naws_secret_access_key={s}\naws_session_token={t}\n"
    fs = findings(text)
    assert [f.code for f in fs] == ["KEY401", "KEY402", "KEY403"]
    for f in fs:
        blob = " ".join([f.message, f.value, f.fingerprint, repr(f.extra), repr(f)])
        assert k not in blob and s not in blob and t not in blob
        assert s[:8] not in blob and t[:24] not in blob
        assert f.value.startswith("sha256:")
    assert fs[0].message.startswith(f"AWS access key ID {S.mask_key_id(k)} (long-term")
    assert "value hidden" in fs[1].message and "value hidden" in fs[2].message
    # Same value, same fingerprint; different values, different fingerprints.
    assert findings(text)[1].fingerprint == fs[1].fingerprint
    assert findings(text.replace(s, secret("msg2")))[1].fingerprint != fs[1].fingerprint


def test_rule_metadata():
    for code, rule in RULES.items():
        assert rule.code == code and rule.scope == "file" and rule.severity == "error"
        assert rule.summary and rule.rationale and rule.example and rule.fix and rule.references
        # Documentation examples hold only AWS's documented example values: notes, never errors.
        fs = findings(rule.example)
        assert fs and all(f.severity == "note" for f in fs), code
        assert findings(rule.fix) == []


def test_scan_source_is_cached():
    k = key_id("cache")
    src = _src(f"k: {k}\n")
    a = S.scan_source(src)
    assert S.scan_source(src) is a
    src.text = "nothing"
    assert S.scan_source(src) == []


# ---------------------------------------------------------------------------
# The labelled cases, rule by rule (independent of the engine and the parsers)


def _expect_rows():
    rows = []
    path = os.path.join(CASES, "EXPECT.tsv")
    if not os.path.exists(path):
        return rows
    for raw in open(path, encoding="utf-8"):
        if not raw.strip() or raw.startswith("#"):
            continue
        f, rule, needle, nth, mode = raw.rstrip("\n").split("\t")[:5]
        rows.append((f, rule, needle, mode))
    return rows


CRED_CASES = sorted({f for f, rule, _, _ in _expect_rows() if rule.startswith("KEY")}
                    | {"s02_example_keys_neg.json", "c11_cfn_example_keys_neg.yaml"})


@pytest.mark.parametrize("name", CRED_CASES)
def test_labelled_credential_case(name):
    path = os.path.join(CASES, name)
    if not os.path.exists(path):
        pytest.skip("case file absent")
    text = fill_placeholders(open(path, encoding="utf-8").read())
    fs = findings(text, name=name)
    wanted = set()
    for f, rule, needle, mode in _expect_rows():
        if f != name:
            continue
        if mode == "must" and rule.startswith("KEY"):
            lines = {int(x) for x in needle[1:].split(",")}
            assert any(x.code == rule and x.span.line in lines for x in fs), (rule, lines, summary(text))
            wanted.add(rule)
    extra = [x for x in serious(fs) if x.code not in wanted]
    assert extra == [], [(x.code, x.span.line) for x in extra]
    for v in keygen.placeholder_values(open(path, encoding="utf-8").read()):
        for x in fs:
            assert v not in x.message and v not in x.value


# ---------------------------------------------------------------------------
# Corpus precision: every key-shaped string there is a documentation example


def _corpus_files():
    root = os.path.join(SHARED, "corpus")
    out = []
    for d, _, names in os.walk(root):
        for n in sorted(names):
            out.append(os.path.join(d, n))
    return sorted(out)


@pytest.mark.skipif(not os.path.isdir(os.path.join(SHARED, "corpus")), reason="../shared/corpus is absent")
def test_corpus_has_no_serious_key_finding():
    from linter import sources

    bad = []
    notes = 0
    for path in _corpus_files():
        rel = os.path.relpath(path, SHARED)
        try:
            src = sources.load(path, rel)
        except Exception:  # a parser being built: the raw text is what the rules scan anyway
            src = None
        if src is None or src.text is None:
            try:
                text = open(path, encoding="utf-8").read()
            except (OSError, UnicodeDecodeError):
                continue
            src = _src(text, rel)
        for rule in RULES.values():
            for f in rule.check(src, Context()):
                if f.severity in ("warning", "error"):
                    bad.append(f"{rel}:{f.span.line}:{f.span.col} {f.code} {f.message}")
                else:
                    notes += 1
    assert bad == []
    assert notes > 0  # the corpus does hold documented examples


# ---------------------------------------------------------------------------
# Speed


def test_scan_finds_nothing_in_large_text_without_credentials():
    """~500 KB with "secret" and "token" on every line, and a long template: no finding (their
    cost is measured by benchmarks/hostile.py, never timed here)."""
    policy = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": '
              '["sagemaker:CreateTrainingJob", "sts:GetSessionToken", "secretsmanager:GetSecretValue"], '
              '"Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/team-a-*"}]}\n')
    assert S.scan(policy * 2000) == []
    assert S.scan("Resources:\n  Role:\n    Type: AWS::IAM::Role\n" * 10000) == []


def test_name_value_at_line_start_and_plan_variables():
    s = secret("plan")
    hcl = f'environment {{\nname = "AWS_SECRET_ACCESS_KEY"\nvalue = "{s}"\n}}\n'
    assert summary(hcl) == [exp("KEY402", hcl, s)]
    plan = ('{"format_version": "1.2", "terraform_version": "1.8.0", "variables": {\n'
            f'  "aws_secret_key": {{"value": "{s}"}},\n  "region": {{"value": "{secret("plan2")}"}}}}}}\n')
    assert summary(plan) == [exp("KEY402", plan, s)]


def test_pathological_input_gives_no_finding():
    """Long runs of credential-like names and key-shaped prefixes with nothing after them."""
    for text in ['variable "aws_secret_key" {\n' * 20000, "- Name: AWS_SECRET_ACCESS_KEY\n" * 20000,
                 "secret" * 100000]:
        assert S.scan(text) == []


def test_names_and_ids_beside_a_key_id_are_not_secrets():
    from linter.parsers.json_loc import parse_json

    k, s = key_id("names"), secret("names")
    # 40 characters of a resource name, beside a real key ID: what the key says the value is, it is
    name = "XgboostChurnTrainingJob" + "20240101T0000001A"
    text = (f'{{\n  "access_key_id": "{k}",\n  "trainingJobName": "{name}",\n  "endpoint_name": "{name}",\n'
            f'  "password": "{s}"\n}}\n')
    got = summary(text, trees=[parse_json(text)])
    assert got == [exp("KEY401", text, k), exp("KEY402", text, s)]


@pytest.mark.parametrize("rest", ["YOURACCESSKEYIDX", "REPLACEWITHYOURS", "PLACEHOLDERVALUE", "FAKEACCESSKEYID2",
                                  "DUMMYACCESSKEY22", "NOTAREALKEYATALL", "XXXXYYYYZZZZWWWW", "AAAABBBBCCCCDDDD"])
def test_key_ids_spelling_a_placeholder_are_not_reported(rest):
    text = f"AWS_ACCESS_KEY_ID=AKIA{rest}\n"
    assert summary(text, name=".env.example") == []


@pytest.mark.parametrize("value", ["YourSecretAccessKeyGoesHereReplaceThis12", "DummySecretKeyForLocalTestingOnly0000000",
                                   "ThisIsNotARealSecretKeyItIsAPlaceholder1"])
def test_secrets_spelling_a_placeholder_are_not_reported(value):
    assert len(value) == 40
    assert summary(f"AWS_SECRET_ACCESS_KEY={value}\n", name=".env.example") == []


def test_random_values_are_never_taken_for_placeholders():
    # thousands of generated keys and secrets: none spells a placeholder
    assert not any(S.is_placeholder_key_id(key_id(f"r{i}")) for i in range(3000))
    assert not any(S._filler(secret(f"r{i}")) for i in range(3000))


def test_a_false_credential_never_breaks_a_file_name(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    k, s = key_id("path"), secret("path")
    d = tmp_path / "TrainingJobs"
    d.mkdir()
    # the secret's 8-character pieces ("Training"...) appear in the directory's name
    creds = s[:8] + "TrainingJobs" + s[20:]
    (d / "cfg.env").write_text(f"AWS_ACCESS_KEY_ID={k}\nAWS_SECRET_ACCESS_KEY={creds}\n")
    found = run(["."], Options(select=["KEY"])).findings
    assert {f.file for f in found} == {"TrainingJobs/cfg.env"}
    assert all(creds not in f.message and k not in f.message for f in found)


@pytest.mark.parametrize("name,text", [
    (".aws/credentials", "[default]\naws_access_key_id = {k}\naws_secret_access_key = {s}\n"),
    ("ci_accessKeys.csv", "Access key ID,Secret access key\n{k},{s}\n"),
    ("Dockerfile", "FROM python:3.11\nENV AWS_ACCESS_KEY_ID={k}\nENV AWS_SECRET_ACCESS_KEY {s}\n"),
    ("config/settings.ini", "[aws]\naws_access_key_id = {k}\naws_secret_access_key = {s}\n"),
    (".s3cfg", "[default]\naccess_key = {k}\nsecret_key = {s}\n"),
])
def test_credential_files_a_directory_walk_reads(tmp_path, monkeypatch, name, text):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    k, s = key_id("walk"), secret("walk")
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text.format(k=k, s=s))
    found = run(["."], Options(select=["KEY"])).findings
    assert sorted((f.code, f.file) for f in found) == [("KEY401", name), ("KEY402", name)]
