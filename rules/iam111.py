"""IAM111 policy-size-quota."""
from linter.rule import Rule

from ._common import AA_REFERENCE
from ._quota import (IAM_QUOTAS_URL, LARGEST_IDENTITY, MANAGED, ORGANIZATION, ORGANIZATIONS_QUOTAS_URL, TRUST,
                     characters, not_counted, size)

_ACCOUNTS = [f"arn:aws:iam::1111222233{i:02d}:root" for i in range(64)]
_ROWS = ",\n".join("        " + ", ".join(f'"{a}"' for a in _ACCOUNTS[i:i + 4]) for i in range(0, len(_ACCOUNTS), 4))


class PolicySizeQuota(Rule):
    code = "IAM111"
    name = "policy-size-quota"
    severity = "warning"
    roles = ("identity", "trust", "boundary", "organization")
    statements = ("The whole document, every statement counted, when its format can tell how it is kept "
                  "(see below).")
    summary = ("A policy larger than the quota of its kind: a managed policy (or permissions boundary) over "
               "6,144 characters, a role trust policy over 2,048, a service or resource control policy over "
               "5,120. White space is not counted.")
    rationale = (
        "IAM refuses a policy over its quota, so the deployment that creates it fails: CloudFormation rolls the "
        "stack back, `terraform apply` stops half way. The quotas are the IAM User Guide's (\"IAM and AWS STS "
        "quotas\"): a managed policy holds 6,144 characters, a role trust policy 2,048 by default, and AWS "
        "Organizations' (\"Quotas and service limits\"): a service control policy and a resource control "
        "policy 5,120 each. IAM does not count white space. The trust policy quota is the default of an "
        "adjustable quota (Service Quotas, \"Role trust policy length\"; the IAM User Guide has listed its "
        "maximum as 4,096 and, more recently, 8,192 characters): an account that raised it can hold a larger "
        "trust policy, which the message says. Inline policies count together per role, user or group "
        "(IAM112).\n\n"
        "How the size is counted: the JSON of the document as its format reads it, with no white space at "
        "all (not between tokens, not inside strings), a value the linter cannot read (a `Ref`, `var.x`, a "
        "`${...}` placeholder) counting as nothing, a one-element list as its element and a string of digits "
        "without its quotes. That is a lower bound of what AWS counts, so a finding never depends on a value "
        "the linter does not know; the message says \"at least\" when something was left out.\n\n"
        "Which quota applies depends on how the document is attached, which its format records: "
        "`AWS::IAM::ManagedPolicy` and `aws_iam_policy` are managed policies (6,144; so is a permissions "
        "boundary); a Terraform `aws_iam_policy_document` used both as a managed and as an inline policy is "
        "held to the largest quota an identity policy has, a role's 10,240 characters of inline policies. A "
        "standalone trust policy or service control policy file is held to its quota. Not checked: a "
        "standalone identity policy or boundary file (it may be a copy of an AWS managed policy, and AWS "
        "keeps those at any size: `ReadOnlyAccess` is over 80,000 characters; its attachment is not known "
        "either), a policy the AWS CLI printed (AWS accepted it), CDK code (CDK splits a policy too large "
        "for its role into managed policies), a permission set's inline policy (its own quota), resource "
        "policies (each service has its own quota), and a CloudFormation document with an `Fn::If` inside or "
        "a Terraform template with `%{ }` directives (which branch or how many repetitions deploy is not "
        "known). IAM Access Analyzer reports the same as "
        "**General Warning – Policy size exceeds identity policy quota**, **General Warning – Policy size "
        "exceeds role trust policy quota** and **Error – Policy size exceeds SCP quota**; a service or "
        "resource control policy over its quota is reported as an error, like Access Analyzer does."
    )
    example = ('{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n'
               '    "Principal": {\n      "AWS": [\n' + _ROWS + '\n      ]\n    },\n'
               '    "Action": "sts:AssumeRole"\n  }]\n}')
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"AWS": "*"},
    "Action": "sts:AssumeRole",
    "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
  }]
}"""
    fix_note = ("Split a managed policy or a service control policy into several (merging statements that "
                "share actions or resources first). In a trust policy, name the accounts by what they share "
                "(their organization, `aws:PrincipalOrgID`, or an organizational unit, `aws:PrincipalOrgPaths`) "
                "instead of one ARN each, or raise the account's \"Role trust policy length\" quota.")
    tags = ("correctness",)
    references = (
        IAM_QUOTAS_URL,
        ORGANIZATIONS_QUOTAS_URL,
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-general-warning-policy-size-exceeds-identity-policy-quota",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-policy-size-exceeds-scp-quota",
    )

    def check(self, doc, ctx):
        if not doc.sized:
            return
        role = doc.role
        severity = None
        if role == "trust":
            quota = TRUST
            what = "role trust policy"
            why = ("over the default quota of a role trust policy, 2,048 characters, so IAM refuses to create or "
                   "update the role unless the account raised its \"Role trust policy length\" quota; name "
                   "principals by a condition (aws:PrincipalOrgID, aws:PrincipalAccount) rather than one ARN each")
        elif role == "organization":
            quota = ORGANIZATION
            what = "service or resource control policy"
            why = ("over AWS Organizations' quota of 5,120 characters for a service or resource control policy, so "
                   "creating or updating it fails; split it into policies attached to the same targets")
            severity = "error"
        elif role == "boundary" or doc.attachment == "managed":
            quota = MANAGED
            what = "permissions boundary (a managed policy)" if role == "boundary" else "managed policy"
            why = ("over IAM's quota of 6,144 characters for a managed policy, so IAM refuses to create or "
                   "update it; split it into several managed policies")
        elif doc.attachment is None:
            quota = LARGEST_IDENTITY
            what = "identity policy"
            why = ("larger than any identity policy may be (a managed policy holds 6,144 characters, the inline "
                   "policies of a role 10,240 together), so IAM refuses it wherever it is used; split it "
                   "into several policies")
        else:
            return  # an inline policy counts with its principal's others (IAM112)
        n, complete = size(doc.raw)
        if n <= quota:
            return
        yield self.finding(doc.span, f"{what} of {characters(n, complete)} ({not_counted(complete)}): {why}",
                           severity=severity, path=doc.origin.path, value=f"size>{quota}")


RULE = PolicySizeQuota()
