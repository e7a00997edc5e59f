"""Time ``parse_json`` (located) against C ``json.loads`` (the parse-only floor).

Run from the repository root:  ``PYTHONPATH=. python3 benchmarks/json_parser_speed.py``

Two inputs are generated deterministically:

* a realistic ~150-line SageMaker IAM policy (many statements, action lists,
  resources, conditions), pretty-printed with 2-space indentation;
* a ~3 MB JSON document (a CloudFormation-like template with many resources,
  mixed strings, numbers, booleans, nulls and escapes).

For each it prints the best-of-N time per parse and the ratio parse_json / json.loads,
twice: once discarding each result at once (the parse alone), and once keeping
every result alive, as a linter run does with the trees of the files it checks
(there the garbage collector's passes over the growing heap count too; the
located parse pauses the collector, json.loads does not).
"""
from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from linter.parsers.json_loc import parse_json  # noqa: E402


def make_policy() -> str:
    actions = [
        "sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob", "sagemaker:StopTrainingJob",
        "sagemaker:CreateModel", "sagemaker:DescribeModel", "sagemaker:DeleteModel",
        "sagemaker:CreateEndpoint", "sagemaker:CreateEndpointConfig", "sagemaker:UpdateEndpoint",
        "sagemaker:InvokeEndpoint", "sagemaker:ListTags", "sagemaker:AddTags",
    ]
    statements = []
    for i in range(9):
        st = {
            "Sid": f"SageMakerAccess{i}",
            "Effect": "Allow" if i % 4 else "Deny",
            "Action": actions[i % 3: i % 3 + 6 + i % 4],
            "Resource": [
                f"arn:aws:sagemaker:us-east-1:123456789012:training-job/team-{i}-*",
                f"arn:aws:sagemaker:us-east-1:123456789012:model/team-{i}-*",
            ],
        }
        if i % 2 == 0:
            st["Condition"] = {
                "StringEquals": {
                    "aws:RequestTag/team": f"team-{i}",
                    "sagemaker:VolumeKmsKey": "arn:aws:kms:us-east-1:123456789012:key/abcd-1234",
                },
                "Bool": {"sagemaker:NetworkIsolation": "true"},
            }
        statements.append(st)
    statements.append({
        "Sid": "PassRole",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": "arn:aws:iam::123456789012:role/SageMakerExecution",
        "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}},
    })
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)


def make_big(target: int = 3_000_000) -> str:
    resources = {}
    i = 0
    while True:
        resources[f"Resource{i}"] = {
            "Type": "AWS::SageMaker::Model",
            "Properties": {
                "ModelName": f"model-{i}",
                "ExecutionRoleArn": {"Fn::GetAtt": [f"Role{i % 7}", "Arn"]},
                "PrimaryContainer": {
                    "Image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/img:latest",
                    "Environment": {"PATH": "C:\\tools\\bin", "QUOTE": "say \"hi\"", "N": str(i)},
                },
                "Tags": [{"Key": "team", "Value": f"t{i % 13}"}, {"Key": "cost", "Value": "ml"}],
                "Replicas": i % 5,
                "Weight": i / 7,
                "Enabled": i % 2 == 0,
                "Extra": None,
            },
        }
        i += 1
        if i % 500 == 0 and len(json.dumps(resources)) > target:
            break
    return json.dumps({"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}, indent=1)


def best_pair(fa, fb, text: str, repeat: int, number: int) -> tuple[float, float]:
    """Best-of-``repeat`` seconds per call of ``fa(text)`` and ``fb(text)``.

    The two are timed in alternation so that background load hits both alike,
    and the minimum filters the rest of the noise out.
    """
    ta, tb = [], []
    for _ in range(repeat):
        for fn, times in ((fa, ta), (fb, tb)):
            t0 = time.perf_counter()
            for _ in range(number):
                fn(text)
            times.append((time.perf_counter() - t0) / number)
    return min(ta), min(tb)


def bench(name: str, text: str, repeat: int, number: int) -> float:
    assert json.loads(text) == parse_json(text)
    floor, ours = best_pair(json.loads, parse_json, text, repeat, number)
    ratio = ours / floor
    print(f"{name:<24} {len(text):>9} chars {text.count(chr(10)) + 1:>7} lines  "
          f"json.loads {floor * 1e6:10.1f} us  parse_json {ours * 1e6:10.1f} us  ratio {ratio:5.2f}x")
    return ratio


def best_retained(fn, text: str, repeat: int, number: int) -> float:
    """Best-of-``repeat`` seconds per call of ``fn(text)`` keeping all results alive."""
    times = []
    for _ in range(repeat):
        keep = []
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(number):
            keep.append(fn(text))
        times.append((time.perf_counter() - t0) / number)
        del keep
    return min(times)


def bench_retained(name: str, text: str, repeat: int, number: int) -> float:
    floor = best_retained(json.loads, text, repeat, number)
    ours = best_retained(parse_json, text, repeat, number)
    ratio = ours / floor
    print(f"{name + ' (kept)':<24} {len(text):>9} chars {text.count(chr(10)) + 1:>7} lines  "
          f"json.loads {floor * 1e6:10.1f} us  parse_json {ours * 1e6:10.1f} us  ratio {ratio:5.2f}x")
    return ratio


def main() -> None:
    policy = make_policy()
    minified = json.dumps(json.loads(policy))
    big = make_big()
    bench("IAM policy", policy, repeat=40, number=50)
    bench("IAM policy (minified)", minified, repeat=40, number=50)
    bench("3 MB template", big, repeat=5, number=1)
    bench_retained("IAM policy", policy, repeat=5, number=1000)
    bench_retained("3 MB template", big, repeat=3, number=3)


if __name__ == "__main__":
    main()
