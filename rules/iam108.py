"""IAM108 source-ip-private."""
from linter.conditions import private_range as _private
from linter.rule import Rule

from ._common import AA_REFERENCE, clauses


class SourceIpPrivate(Rule):
    code = "IAM108"
    name = "source-ip-private"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = "Allow and Deny statements."
    summary = ("`aws:SourceIp` compared with private address ranges (10.0.0.0/8, 172.16.0.0/12, "
               "192.168.0.0/16...), which it never holds.")
    rationale = (
        "`aws:SourceIp` is the public address a request comes from. A request from inside a VPC reaches AWS "
        "through a NAT gateway (a public address) or through a VPC endpoint, where `aws:SourceIp` is absent and "
        "the private address is in `aws:VpcSourceIp`. So `IpAddress` with only private ranges never matches "
        "(an `Allow` grants nothing; a SageMaker Studio domain in VPC-only mode is locked out), and "
        "`NotIpAddress` with them always matches (a \"deny unless from our network\" guardrail denies every "
        "request). A list that mixes public and private ranges is reported as a note: the private part does "
        "nothing. Use `aws:VpcSourceIp` (with `aws:SourceVpc` or `aws:SourceVpce`) for private addresses. IAM "
        "Access Analyzer reports the same as **Error – Private IP address**, **Error – Private NotIpAddress** "
        "and **Suggestion – Private IP address subset**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Deny",
    "Action": "sagemaker:CreatePresignedDomainUrl",
    "Resource": "*",
    "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/16"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Deny",
    "Action": "sagemaker:CreatePresignedDomainUrl",
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}}
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-private-ip-address",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-private-notipaddress",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-sourceip",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            for c, op, key, info in clauses(st):
                if op is None or key.lower() != "aws:sourceip" or op.type != "IPAddress":
                    continue
                judged = [(v, _private(v.value)) for v in c.values if isinstance(v.value, str) and "${" not in v.value]
                if not judged or len(judged) != len(c.values):
                    continue
                private = [v for v, p in judged if p is True]
                if not private:
                    continue
                if len(private) == len(judged):
                    what = ("never matches" if not op.negated else "always matches")
                    for v in private:
                        yield self.finding(v, f'"{v.value}" is a private range, which aws:SourceIp never holds: '
                                              f'{c.operator} on it {what}; test private addresses with '
                                              f'aws:VpcSourceIp (with aws:SourceVpc or aws:SourceVpce)')
                else:
                    for v in private:
                        yield self.finding(v, f'"{v.value}" is a private range, which aws:SourceIp never holds: this '
                                              f'value of the list does nothing; test private addresses with '
                                              f'aws:VpcSourceIp', severity="note")


RULE = SourceIpPrivate()
