"""IAM112 inline-policies-size-quota."""
from linter.rule import Rule

from ._common import AA_REFERENCE
from ._quota import INLINE, LARGEST_IDENTITY, IAM_QUOTAS_URL, characters, not_counted, size

_BUCKETS = [f"arn:aws:s3:::ml-team-dataset-{i:02d}/*" for i in range(64)]


def _rows(items, indent):
    return "\n".join(indent + "- " + item for item in items)


_EXAMPLE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DataUser:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: read-datasets
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:GetObject
                Resource:
{first}
        - PolicyName: write-datasets
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: s3:PutObject
                Resource:
{second}
"""


class _At:
    """Where a finding of a principal rule points: a whole document."""

    __slots__ = ("doc", "at", "span")

    def __init__(self, doc) -> None:
        self.doc = doc
        self.at = doc.span
        self.span = doc.span


class InlinePoliciesSizeQuota(Rule):
    code = "IAM112"
    name = "inline-policies-size-quota"
    severity = "warning"
    scope = "principal"
    requires = ("inline",)
    statements = ("Every inline policy of one role, user or group the source shows (its `Policies`, "
                  "`AWS::IAM::Policy`, `aws_iam_role_policy`...), every statement counted.")
    summary = ("The inline policies of one principal add up to more than IAM's quota for them: 10,240 characters "
               "for a role, 2,048 for a user, 5,120 for a group (white space not counted).")
    rationale = (
        "IAM limits the inline policies embedded in one principal together, not one by one (IAM User Guide, "
        "\"IAM and AWS STS quotas\"): a role's may hold 10,240 characters in all, a user's 2,048, a group's "
        "5,120; IAM does not count white space. Past the quota IAM refuses the policy that crosses it, so the "
        "deployment fails part way, and which policy fails depends on the order they are put. The finding "
        "points at the largest inline policy of the principal and lists the others as related locations, "
        "with the size of each; it reads the policies of one template, or of one Terraform module's `.tf` "
        "files together. An inline policy whose principal the source does not show (an `AWS::IAM::Policy` "
        "whose `Roles` is a parameter) is held to the largest of these quotas, a role's.\n\n"
        "Each policy is counted as IAM111 counts (a lower bound: no white space, values the linter cannot read "
        "counted as nothing). A policy the source may not deploy (a CloudFormation resource with a "
        "`Condition`, a document an `Fn::If` chooses, a Terraform resource with `count` or `for_each`) is left "
        "out of the sum, unless the sum with the largest of them alone is over the quota: then the message says "
        "which one it counted. Managed policies do not count toward this quota: moving statements into a "
        "managed policy (6,144 characters each) is the usual fix. IAM Access Analyzer, which sees one policy "
        "at a time, reports an inline policy over its principal's whole quota as **General Warning – Policy "
        "size exceeds identity policy quota**."
    )
    example = _EXAMPLE.format(first=_rows(_BUCKETS[:32], " " * 18), second=_rows(_BUCKETS[32:], " " * 18))
    example_format = "yaml"
    fix = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DataUser:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: datasets
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: [s3:GetObject, s3:PutObject]
                Resource: arn:aws:s3:::ml-team-dataset-*/*
"""
    fix_note = ("Write one statement with a pattern where the resources share a name, or move policies into "
                "managed policies (`AWS::IAM::ManagedPolicy` with `Users`), which count toward their own quota.")
    tags = ("correctness",)
    references = (
        IAM_QUOTAS_URL,
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-general-warning-policy-size-exceeds-identity-policy-quota",
    )

    def check(self, principal, ctx):
        docs = [d for d in principal.documents if d.sized and d.attachment == "inline"]
        if not docs:
            return
        kind = principal.holder.kind
        quota = INLINE.get(kind, LARGEST_IDENTITY)
        sizes = {id(d): size(d.raw) for d in docs}
        counted = [d for d in docs if not d.conditional]
        maybe = None
        total = sum(sizes[id(d)][0] for d in counted)
        if total <= quota:
            extra = [d for d in docs if d.conditional]
            if not extra:
                return
            maybe = max(extra, key=lambda d: sizes[id(d)][0])
            total += sizes[id(maybe)][0]
            if total <= quota:
                return
            counted.append(maybe)
        complete = all(sizes[id(d)][1] for d in counted)
        largest = max(counted, key=lambda d: sizes[id(d)][0])
        chars = characters(total, complete)
        if kind in INLINE:
            whose = f"the inline policies of this {kind}" if len(counted) > 1 else f"this inline policy of a {kind}"
            msg = (f"{whose} add up to {chars} ({not_counted(complete)}): over IAM's quota of {quota:,} "
                   f"characters for the inline policies of a {kind} together, so IAM refuses the one that "
                   f"crosses it")
            if len(counted) == 1:
                msg = msg.replace(" add up to ", " is ", 1)
        else:
            msg = (f"this inline policy is {chars} ({not_counted(complete)}), whoever holds it: over "
                   f"{quota:,} characters, the most the inline policies of any principal (a role's) may hold "
                   f"together, so IAM refuses it")
        if maybe is not None:
            msg += f"; counting {maybe.origin.label or 'a policy'}, which the source may not deploy"
        msg += "; move statements into managed policies (6,144 characters each) or merge statements"
        related = [(_At(d), f"another inline policy of {principal.name}: {characters(*sizes[id(d)])}")
                   for d in counted if d is not largest]
        f = self.principal_finding(principal, _At(largest), msg, related=related, value=f"inline>{quota}")
        f.logical_path = tuple(largest.origin.path)
        yield f


RULE = InlinePoliciesSizeQuota()
