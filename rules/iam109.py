"""IAM109 invalid-resource-arn."""
import functools

from linter import iam
from linter.model import GRANTING_ROLES
from linter.rule import Rule

from . import sm203
from ._common import (AA_REFERENCE, PARTITIONS, arn_formats, arn_service_known, fill_in, formats_for, literal,
                      looks_like_placeholder_word, patterns_meet, region_shaped, resource_token, segment_meets,
                      split_arn)


class InvalidResourceArn(Rule):
    code = "IAM109"
    name = "invalid-resource-arn"
    severity = "warning"
    roles = None
    statements = ("`Resource` and `NotResource` of Allow and Deny statements (an ARN that matches nothing makes a "
                  "Deny deny nothing).")
    summary = ("A `Resource` ARN that can match no resource of its service: not an ARN at all, missing fields, an "
               "unknown partition or service, the service in upper case, a Region where the service has none "
               "(IAM role ARNs) or none where it needs one, an account where the service has none (S3 buckets), "
               "an account id that is not 12 digits, a Region that is not one, a slip in the name of the resource "
               "type (`endpointconfig` for `endpoint-config`).")
    rationale = (
        "IAM matches `Resource` against the ARN of the resource a request touches, character for character "
        "(with `*` and `?`). An ARN written differently from what the service uses matches nothing: an `Allow` "
        "grants nothing (the workload fails and someone widens it to `\"*\"`), a `Deny` denies nothing. "
        "`arn:aws:iam:us-east-1:123456789012:role/x` has a Region that IAM ARNs never have; "
        "`arn:aws:s3:::123456789012:ml-data` puts an account into a bucket ARN; `arn:aws:sagemaker::123456789012:"
        "endpoint/x` lacks the Region. The formats come from the Service Authorization Reference for every "
        "service (`linter/data/services/`). Not reported: values with a template placeholder where the field "
        "would be (`${AWS::Region}` is a Region, `!GetAtt` an ARN), an account or Region that is a word someone "
        "fills in (`ACCOUNT_ID`), a missing account except in ARNs of services whose resources always belong "
        "to an account (`arn:aws:iam:::role/x` and `arn:aws:ecr:us-east-1::repository/x` match nothing; "
        "AWS-owned resources of other services, such as public SSM parameters and AMIs, have none; IAM Access "
        "Analyzer has no check for it, so this goes further than it), an ARN whose Region is a word "
        "someone fills in (`arn:aws:ecr:region::repository/my-repo`, as the SageMaker guide writes them), a QuickSight user ARN without a Region (a form the QuickSight User Guide documents), "
        "SageMaker ARNs of statements SM203 already reports, and resource parts of a form the "
        "reference does not list (it does not list every ARN a service accepts, such as CloudFormation "
        "transforms): only a slip in the name of a known type (`endpointconfig` for `endpoint-config`, "
        "`Training-Job`, an IAM path without `role/`) is. Values that are not ARNs or miss fields "
        "are errors (IAM rejects the policy); the others warnings. IAM Access Analyzer reports the same as "
        "**Error – Invalid ARN prefix**, **Error – Missing ARN field**, **Error – Invalid partition**, "
        "**Error – Invalid ARN service case**, **Error – Invalid service**, **Error – ARN Region not allowed**, "
        "**Error – Missing ARN Region**, **Error – ARN account not allowed**, **Error – Invalid ARN account**, "
        "**Error – Invalid ARN Region** (the Region's syntax) and **Error – Invalid ARN resource**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "iam:PassRole",
    "Resource": "arn:aws:iam:us-east-1:123456789012:role/ml-training"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "iam:PassRole",
    "Resource": "arn:aws:iam::123456789012:role/ml-training"
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-invalid-arn-resource",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-arn-region-not-allowed",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-arn-account-not-allowed",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            sm = None
            for field in (st.resource, st.not_resource):
                if field is None:
                    continue
                for v in field.values:
                    if not isinstance(v.value, str):
                        continue
                    hit = problem(v.value)
                    if hit is None:
                        continue
                    service, msg, sev = hit
                    if service == "sagemaker" and field is st.resource:
                        if sm is None:
                            sm = (doc.role in GRANTING_ROLES and st.is_allow and sm203.mismatch(st) is not None)
                        if sm:
                            continue  # SM203 reports this statement's ARNs
                    yield self.finding(v, msg, severity=sev)


@functools.lru_cache(maxsize=4096)
def problem(value: str):
    """``(service, message, severity)`` for a Resource value that can match nothing, else None."""
    if value.strip("*?/") == "" or "{{" in value or "%{" in value:
        return None
    if not value.startswith("arn:"):
        if value.startswith(("${", "*", "?", "execute-api:/")) or fill_in(value):
            # a placeholder standing for the ARN, a pattern, text someone fills in, or API Gateway's
            # documented short form of its own ARNs in an API resource policy
            return None
        if value.lower().startswith("arn:"):
            return None, f'"{value}": the ARN prefix is lowercase "arn:"', "error"
        return None, (f'"{value}" is not an ARN: Resource takes "*" or ARNs '
                      f'(arn:partition:service:region:account:resource, such as arn:aws:s3:::ml-data/*)'), "error"
    parts = split_arn(value)
    if len(parts) < 6:
        if parts[-1].endswith("*"):
            return None  # a final "*" spans the remaining fields
        return None, (f'"{value}" has {len(parts)} of the 6 ARN fields arn:partition:service:region:account:'
                      f'resource'), "error"
    _, partition, service, region, account, res = parts
    if literal(partition) and partition not in PARTITIONS and not fill_in(partition) \
            and "partition" not in partition.lower():  # <partition>, PARTITION, test-partition: fill-in text
        return None, (f'"{value}": "{partition}" is not a partition (aws, aws-cn, aws-us-gov...)'), "warning"
    if not literal(service) or not service:
        return None
    svc = service.lower()
    if service != svc:
        return svc, f'"{value}": the service in an ARN is lowercase ("{svc}"); as written it matches nothing', "warning"
    if not arn_service_known(svc):
        close = iam.closest_service(svc)
        hint = f"; did you mean {close}?" if close else ""
        return svc, f'"{value}": no AWS service uses "{svc}" in its ARNs (AWS data of {iam.data_date()}){hint}', "warning"
    if literal(account) and account not in ("", "aws") and not (len(account) == 12 and account.isdigit()):
        if not looks_like_placeholder_word(account) and not fill_in(account):
            return svc, f'"{value}": the account "{account}" is not a 12-digit account id', "warning"
    if literal(region) and region and not region_shaped(region) and not looks_like_placeholder_word(region) \
            and not fill_in(region):  # {0}: a str.format field the code fills
        return svc, f'"{value}": "{region}" is not a Region code (such as us-east-1)', "warning"
    msg = _match(value, svc, region, account, res, complete=False)
    if msg is not None:
        msg = _match(value, svc, region, account, res, complete=True)  # a type another service defines?
    return None if msg is None else (svc, msg, "warning")


def _norm(token: str) -> str:
    return token.replace("-", "").replace("_", "").lower()


def _match(value, svc, region, account, res, complete):
    formats = arn_formats(svc, complete)
    if not formats:
        return None
    fitting = [f for f in formats_for(svc, res, complete) if patterns_meet(res, f[2][5])]
    if not fitting:
        return _slip(value, svc, res, formats)
    if any(segment_meets(region, f[2][3]) and segment_meets(account, f[2][4]) for f in fitting):
        return None
    reg_ok = [f for f in fitting if segment_meets(region, f[2][3])]
    if not reg_ok:
        if region == "" and svc == "quicksight" and res.lower().startswith("user/"):
            return None  # the QuickSight User Guide: a user ARN may omit the Region
        if region == "" or region.strip("*") == "":
            return f'"{value}" has no Region, but {svc} ARNs of this kind have one, so it matches nothing'
        if all(f[2][3] == "" for f in fitting):
            return f'"{value}" has a Region ("{region}"), but {svc} ARNs of this kind have none, so it matches nothing'
        return None
    if account not in ("",) and account.strip("*") != "" and all(f[2][4] == "" for f in reg_ok):
        return f'"{value}" has an account ("{account}"), but {svc} ARNs of this kind have none, so it matches nothing'
    if account == "" and svc in _OWNED_BY_AN_ACCOUNT and all(f[2][4] != "" for f in reg_ok) \
            and not (literal(region) and region and not region_shaped(region)):  # arn:aws:ecr:region::...: a guide's fill-in
        return f'"{value}" has no account, but {svc} ARNs of this kind have one, so it matches nothing'
    return None  # a missing account (AWS-owned resources have none) or a fixed value: not judged


#: Services whose resources always belong to an account (AWS's own included: an AWS managed policy is
#: ``arn:aws:iam::aws:policy/...``): a Resource ARN of theirs without one matches nothing. Others are
#: not judged, as AWS-owned resources of some services have an empty account (public AMIs, snapshots
#: and SSM parameters).
_OWNED_BY_AN_ACCOUNT = frozenset(("iam", "sts", "sagemaker", "ecr", "logs", "kms", "lambda", "secretsmanager",
                                  "sqs", "sns", "dynamodb", "states", "glue", "athena", "kinesis", "firehose",
                                  "codebuild", "codecommit", "codepipeline", "elasticfilesystem", "ecs", "batch"))


#: IAM paths written where the resource type belongs (role/service-role/x is the role ARN).
_IAM_PATHS = ("service-role/", "aws-service-role/")


def _slip(value, svc, res, formats):
    """A resource part that names a known resource type with a slip (``endpointconfig`` for
    ``endpoint-config``, ``Training-Job``, an IAM role path without ``role/``). Other unknown
    forms are not reported: the reference does not list every ARN a service accepts
    (CloudFormation transforms, collection ARNs of some APIs)."""
    if svc == "iam" and res.startswith(_IAM_PATHS):
        return (f'"{value}": an IAM role ARN is role/<path>/<name> (role/{res}); as written it matches no role')
    token = resource_token(res)
    if not token:
        return None
    known = {}
    for f in formats:
        t = resource_token(f[2][5])
        if t and "$" not in t:
            known.setdefault(_norm(t), t)
    right = known.get(_norm(token))
    if right is None or right == token:
        return None
    return (f'"{value}": {svc} ARNs name this resource type "{right}", not "{token}", so it matches nothing')


RULE = InvalidResourceArn()
