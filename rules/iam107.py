"""IAM107 invalid-condition-value."""
from linter._regex import PLUS
from linter.located import Unresolved
from linter.rule import Rule

from ._common import LazyRe, AA_REFERENCE, clauses, fill_in, looks_like_placeholder_word, region_shaped

_NUMBER = LazyRe(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")
_DATE = LazyRe(r"^\d{4}-\d{2}-\d{2}(?:[Tt ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[Zz]|[+-]\d{2}:?\d{2})?)?$")
_EPOCH = LazyRe(r"^\d{1,13}$")
# Possessive blocks (on Python 3.11+): giving one back can never let the padded tail match, and
# the engine then holds no state per block of a long value.
_BASE64 = LazyRe(r"^(?:[A-Za-z0-9+/]{4})*" + PLUS + r"(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$")
_VPC = LazyRe(r"^vpc-(?:[0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})$")
_VPCE = LazyRe(r"^vpce-(?:[0-9a-zA-Z]{8}|[0-9a-zA-Z]{17})$")
_SERVICE_PRINCIPAL = LazyRe(r"^[a-z0-9][a-z0-9.-]*\.(?:amazonaws\.com(?:\.cn)?|amazon\.com)$")
_VIA_SERVICE = LazyRe(r"^[a-z0-9-]+\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?$")

#: Keys whose values have a fixed shape: key -> (check, what it must be, Access Analyzer check).
_SHAPES = {
    "aws:sourcevpc": (_VPC.match, "a VPC id (vpc- and 8 or 17 characters)", "Error – Invalid vpc format"),
    "aws:sourcevpce": (_VPCE.match, "a VPC endpoint id (vpce- and 8 or 17 characters)", "Error – Invalid vpce format"),
    "iam:passedtoservice": (_SERVICE_PRINCIPAL.match, "a service principal such as sagemaker.amazonaws.com",
                            "Error – Invalid service principal format"),
    "aws:principalservicename": (_SERVICE_PRINCIPAL.match, "a service principal such as sagemaker.amazonaws.com",
                                 "Error – Invalid service principal format"),
    "aws:principalservicenameslist": (_SERVICE_PRINCIPAL.match, "a service principal such as "
                                      "sagemaker.amazonaws.com", "Error – Invalid service principal format"),
    "kms:viaservice": (_VIA_SERVICE.match, "a service endpoint with its Region, such as "
                       "s3.us-east-1.amazonaws.com", "Error – Invalid service principal format"),
    "aws:requestedregion": (region_shaped, "a Region code such as us-east-1", "Error – Invalid Region"),
}


def _ip(value: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_network(value, strict=False)
        return True
    except ValueError:
        return False


class InvalidConditionValue(Rule):
    code = "IAM107"
    name = "invalid-condition-value"
    severity = "warning"
    roles = None
    requires = ("condition",)
    statements = "Allow and Deny statements."
    summary = ("A condition value its operator or key cannot match: `Bool` (or `Null`) with anything but "
               "`true`/`false` or with several values, a date that is not ISO 8601, an IP range that is not CIDR, "
               "a number that is not one, malformed `aws:SourceVpc`/`aws:SourceVpce` ids, a service principal "
               "(`iam:PassedToService`) or `kms:ViaService` endpoint of the wrong shape, a Region that is none.")
    rationale = (
        "IAM does not check condition values when the policy is saved: a value that cannot be compared is "
        "simply never equal to anything. `\"Bool\": {\"aws:SecureTransport\": \"yes\"}` never matches, "
        "`iam:PassedToService` `sagemaker` (for `sagemaker.amazonaws.com`) never matches, `aws:SourceVpce` "
        "`vpce-123` never matches. In an `Allow` the grant silently does nothing; in a `Deny` with a negated "
        "operator the guardrail denies every request, and with a positive one it denies nothing. Values that "
        "hold a template placeholder or a policy variable, a word someone fills in (`REGION`, `vpce-xxxxxxxx`, "
        "the Region of `sagemaker.<region>.amazonaws.com`), and wildcard patterns of `...Like` operators, are "
        "not judged. IAM Access Analyzer reports the same as **General Warning – Type mismatch Boolean / date "
        "/ IP range / number / string**, **Error – Invalid condition multiple Boolean**, **Error – Invalid vpc "
        "format**, **Error – Invalid vpce format**, **Error – Invalid service principal format** and **Error – "
        "Invalid Region**."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Deny",
    "Action": "sagemaker:*",
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c"}}
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Deny",
    "Action": "sagemaker:*",
    "Resource": "*",
    "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0a1b2c3d4e5f67890"}}
  }]
}"""
    tags = ("correctness",)
    references = (
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-general-warning-type-mismatch-boolean",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-invalid-vpce-format",
        AA_REFERENCE + "#access-analyzer-reference-policy-checks-error-invalid-service-principal-format",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            for c, op, key, info in clauses(st):
                if op is None:
                    continue
                vals = [v for v in c.values if not isinstance(v.value, Unresolved)]
                if op.type == "Bool":
                    bools = [v for v in vals if not _placeholder(v.value)]
                    if op.base == "Bool" and len(c.values) > 1:
                        yield self.finding(c.values[1], f'{c.operator} on "{key}" takes one value (true or false), '
                                                        f'not {len(c.values)}')
                    for v in bools:
                        if not _boolean(v.value):
                            yield self.finding(v, f'{c.operator} takes true or false, not {_shown(v.value)}: the '
                                                  f'condition on "{key}" never matches')
                    continue
                for v in vals:
                    val = v.value
                    if _placeholder(val) or val is None:
                        continue
                    msg = _typed(op, val) or _shaped(op, key, val)
                    if msg:
                        yield self.finding(v, msg.format(op=c.operator, key=key, val=_shown(val)))


def _placeholder(val) -> bool:
    """A template placeholder (``${x}``, ``{{ x }}``, a ``str.format`` field ``{region}`` or ``{0}``
    inside the value), or text written for someone to replace (``<my-corporate-cidr>``)."""
    return isinstance(val, str) and ("${" in val or "{{" in val or "%{" in val or fill_in(val)
                                     or ("{" in val and _FORMAT_FIELD.search(val) is not None))


_FORMAT_FIELD = LazyRe(r"\{[A-Za-z0-9_]{0,40}\}")


def _boolean(val) -> bool:
    if isinstance(val, bool):
        return True
    return isinstance(val, str) and val.lower() in ("true", "false")


def _shown(val) -> str:
    if isinstance(val, bool):
        return "true" if val else "false"
    return f'"{val}"' if isinstance(val, str) else str(val)


def _typed(op, val):
    t = op.type
    if isinstance(val, bool):
        if t == "String":
            return None
        return "{op} compares " + t + " values, not the Boolean {val}: the condition on \"{key}\" never matches"
    if t == "Numeric":
        if isinstance(val, (int, float)) or (isinstance(val, str) and _NUMBER.match(val.strip())):
            return None
        return "{op} compares numbers, not {val}: the condition on \"{key}\" never matches"
    if t == "Date":
        if isinstance(val, (int, float)) or (isinstance(val, str) and (_DATE.match(val) or _EPOCH.match(val))):
            return None
        return ("{op} compares dates (ISO 8601 such as 2026-01-31T00:00:00Z, or epoch seconds), not {val}: "
                "the condition on \"{key}\" never matches")
    if t == "IPAddress":
        if isinstance(val, str) and _ip(val):
            return None
        return ("{op} compares IP addresses or CIDR ranges (203.0.113.0/24), not {val}: the condition on \"{key}\" "
                "never matches")
    if t == "Binary":
        if isinstance(val, str) and _BASE64.match(val):
            return None
        return "{op} compares base64-encoded binary values, not {val}: the condition on \"{key}\" never matches"
    return None


def _shaped(op, key, val):
    if op.type != "String" or not isinstance(val, str):
        return None
    shape = _SHAPES.get(key.lower())
    if shape is None or "*" in val or "?" in val:
        return None  # a pattern (or, without Like, IAM203's business)
    check, what, _ = shape
    if check(val) or fill_in(val):
        return None
    if check in (region_shaped, _VPC.match, _VPCE.match) and looks_like_placeholder_word(val):
        return None  # REGION, vpce-xxxxxxxx: a template someone fills in
    if key.lower() == "kms:viaservice":
        parts = val.split(".")
        region = parts[1] if len(parts) >= 4 and parts[0] else ""
        if region and (fill_in(region) or looks_like_placeholder_word(region)) and \
                _VIA_SERVICE.match(".".join(parts[:1] + ["us-east-1"] + parts[2:])):
            return None  # sagemaker.<region>.amazonaws.com, sagemaker.REGION.amazonaws.com: a Region to fill in
    return "{val} is not " + what + ": the condition on \"{key}\" never matches it"


RULE = InvalidConditionValue()
