"""Hostile inputs, generated: each one broke (hung, exhausted or leaked from) an earlier
version of the linter. ``tests/test_hostile.py`` lints each with a generous timeout
(a hang guard) and checks the findings; ``benchmarks/hostile.py`` lints them at full
size and checks a time and memory budget for each.

``write(name, directory, scale)`` writes the files of one input under ``directory``;
``scale`` (default 1) multiplies its size. Nothing key-shaped is stored here: the few
inputs that need credentials make them with :mod:`keygen` (run-time values).
"""
from __future__ import annotations

import json
import os
import random

# name -> (what it is, what it did before, generator)
CASES: dict[str, tuple[str, str, object]] = {}


def case(description: str, before: str):
    def register(fn):
        CASES[fn.__name__] = (description, before, fn)
        return fn

    return register


def _put(d: str, rel: str, data) -> None:
    p = os.path.join(d, rel)
    os.makedirs(os.path.dirname(p) or d, exist_ok=True)
    with open(p, "wb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def write(name: str, directory: str, scale: float = 1.0) -> None:
    os.makedirs(directory, exist_ok=True)
    CASES[name][2](directory, scale)


def _n(base: int, scale: float) -> int:
    return max(1, int(base * scale))


# ---------------------------------------------------------------------------
# Time


@case("a 124-byte policy whose action is sagemaker: followed by *? pairs and #",
      "the regex *->.* backtracked exponentially: 34 s at eight pairs, 310 s at ten")
def wildcard_action(d, scale):
    star = "*?" * _n(40, scale) + "#"
    _put(d, "policy.json", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["sagemaker:" + star, "sage" + star + ":x"], "Resource": "*"},
        {"Effect": "Allow", "NotAction": "iam:" + star, "Resource": "*"},
    ]}, indent=2) + "\n")
    _put(d, ".lint-policies.toml", f'[rules.SM102]\nallowed-actions = ["sagemaker:{star}"]\n')


@case("Resource values built so that every SageMaker ARN format explores its whole product",
      "a depth-first search per (value, format): 66 s for 150 KB, minutes for 800 KB")
def arn_product(d, scale):
    sts = [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": f"arn:aws:sagemaker:*:*:*?*?*?#{i}:"}
           for i in range(_n(2000, scale))]
    _put(d, "policy.json", json.dumps({"Version": "2012-10-17", "Statement": sts}))


@case("a YAML file that does not parse: a long run of newlines, then a syntax error",
      "the template hint ^\\s* with re.M ran from every line start over the rest: 34 s for 40 KB")
def template_hint_newlines(d, scale):
    _put(d, "broken.yaml", "a: b\n" + "\n" * _n(400_000, scale) + "c: [\n")


@case("a credential-like name followed by a long run of blanks",
      "secrets._BLOCK_OPEN_RE rescanned the blanks once per blank: 39 s at 160,000")
def block_open_blanks(d, scale):
    _put(d, "env.yaml", "aws_secret_access_key" + " " * _n(400_000, scale) + "\nother: 1\n")
    _put(d, "env.tf", 'variable "aws_secret_access_key"' + " \t" * _n(200_000, scale) + "\n")


@case("a YAML line of blanks ending in a block scalar, in a file that mentions lint-policies",
      "the suppression comment scanner's [^#]*?\\s*: took 18 s on an 80,000-blank line")
def suppress_blank_line(d, scale):
    _put(d, "t.yaml", "# lint-policies: ignore[SM101] -- test\nk" + " " * _n(400_000, scale) + "|\n  text\n")


@case("thousands of `token = ...` values next to thousands of access key IDs",
      "each token was checked against every key ID and secret name: 77 s for 2.2 MB")
def token_context(d, scale):
    from keygen import KEY_ALPHABET, SECRET_ALPHABET

    rnd = random.Random(8)
    lines = []
    for i in range(_n(3000, scale)):
        lines.append("AKIA" + "".join(rnd.choice(KEY_ALPHABET) for _ in range(16)))
        lines.append('token = "' + "".join(rnd.choice(SECRET_ALPHABET) for _ in range(120)) + '"')
    _put(d, "creds.json", "\n".join(lines) + "\n")


@case("a Terraform module of many small files, each naming a template with templatefile()",
      "every file() re-read the module's earlier .tf files, and the directory index was "
      "re-checked (one stat per file) for every file: 100 s for 2,000 files")
def terraform_many_files(d, scale):
    n = _n(600, scale)
    _put(d, "mod/policies/p.json.tpl", '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
                                       '"Action": "sagemaker:*", "Resource": "*"}]}\n')
    for i in range(n):
        _put(d, f"mod/f{i:05d}.tf",
             f'resource "aws_iam_policy" "p{i}" {{\n'
             f'  policy = templatefile("${{path.module}}/policies/p.json.tpl", {{}})\n}}\n'
             f'data "aws_iam_policy_document" "d{i}" {{\n  statement {{\n'
             f'    actions   = ["sagemaker:DescribeModel"]\n    resources = ["*"]\n  }}\n}}\n')


@case("a .tf file over max-file-size (sparse, 40 MB) beside many files that call file()",
      "the over-size file was read in full for every file() of every later file")
def terraform_oversize_sibling(d, scale):
    with open(os.path.join(d, "a-huge.tf"), "wb") as fh:
        fh.truncate(40 * 1024 * 1024)
    for i in range(_n(100, scale)):
        _put(d, f"b{i:04d}.tf", f'resource "aws_iam_policy" "p{i}" {{\n'
                                f'  policy = file("${{path.module}}/p.json.tpl")\n}}\n')
    _put(d, "p.json.tpl", '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}\n')


@case("a JSON file that does not parse: an open brace, then megabytes of blanks",
      "the error-message tokenizer tried once per trailing blank (quadratic)")
def json_trailing_blanks(d, scale):
    _put(d, "open.json", '{"Statement": [' + " " * _n(1_000_000, scale))


@case("a JSON file that does not parse: a quote, then escaped quotes to the end",
      "the error-message tokenizer rescanned the rest once per quote (quadratic)")
def json_escaped_quotes(d, scale):
    _put(d, "quotes.json", '{"Statement": "' + '\\"' * _n(500_000, scale))


@case("a heredoc policy with many strings and trailing commas",
      "each trailing comma was checked against every string of the heredoc (quadratic)")
def heredoc_commas(d, scale):
    n = _n(20_000, scale)
    body = '{"Statement": [' + ", ".join('{"Sid": "s%d", "Action": ["a",],}' % i for i in range(n)) + "]}"
    _put(d, "main.tf", f'resource "aws_iam_policy" "p" {{\n  policy = <<EOF\n{body}\nEOF\n}}\n')


@case("a Resource of ${ without a closing brace",
      "the placeholder regex rescanned the value from every ${ (quadratic)")
def placeholders(d, scale):
    _put(d, "policy.json", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sagemaker:CreateModel",
         "Resource": "arn:aws:sagemaker:" + "${" * _n(200_000, scale) + ":*:*:model/x"}]}))


@case("a condition value of ${aws:x repeated, closed once at its end",
      "each opening searched the rest of the value for its brace (quadratic): 1.3 s for 700 KB, "
      "a minute for 3 MB")
def unclosed_variables(d, scale):
    _put(d, "policy.json", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sagemaker:CreateModel", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${aws:x" * _n(400_000, scale) + "}"}}}]}))


@case("a template of thousands of statements, each with its own suppression comment",
      "every finding was checked against every suppression, and every suppression against every "
      "block: 10 s for 3,000, quadratic")
def suppressions(d, scale):
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', "Resources:", "  R:", "    Type: AWS::IAM::Policy",
             "    Properties:", "      PolicyDocument:", "        Statement:"]
    for _ in range(_n(1500, scale)):
        lines += ["          # lint-policies: ignore[SM2] -- reviewed", "          - Effect: Allow",
                  "            Action: sagemaker:*", "            Resource: '*'"]
    _put(d, "t.yaml", "\n".join(lines) + "\n")


# ---------------------------------------------------------------------------
# Memory and output size


@case('a policy whose "Statement" is [1, 1, 1, ...] (800 KB at scale 1)',
      "400,000 LP002 findings, a 305 MB SARIF file, 2.8 GB of memory (4.8 MB: MemoryError)")
def statement_ones(d, scale):
    _put(d, "ones.json", '{"Version": "2012-10-17", "Statement": [' + ",".join(["1"] * _n(400_000, scale)) + "]}")
