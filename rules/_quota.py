"""Policy size quotas and how a document's size is counted (IAM111, IAM112).

Not a rule (no ``RULE``). The quotas (characters, white space not counted):

- IAM User Guide, "IAM and AWS STS quotas" (character limits): a managed policy 6,144; the
  inline policies of a role 10,240 in aggregate, of a user 2,048, of a group 5,120; a role
  trust policy 2,048 by default (a quota an account can raise through Service Quotas, "Role
  trust policy length"). "IAM doesn't count white space when calculating the size of a policy
  against these limits."
- AWS Organizations User Guide, "Quotas and service limits for AWS Organizations" (maximum size
  of a policy document): a service control policy 5,120, a resource control policy 5,120.

How a document is counted (:func:`size`): the JSON of ``PolicyDocument.raw``, the tree its format
read, with no white space at all (none between tokens, none inside strings), so the count never
exceeds what AWS counts whichever way it treats white space. What the format cannot read counts
as nothing: an unresolved value (a ``Ref``, ``var.x``) drops with its key or list separator, a
``${...}`` placeholder inside a string counts no character. A list of one element counts as its
element (IAM takes a string for a one-element list, and Terraform's ``aws_iam_policy_document``
writes one so), a string of digits counts without its quotes (it may be written as a number), a
number as its shortest digits. The result is a lower bound of the size AWS counts: a finding
never depends on a value the linter does not know.
"""
from __future__ import annotations

from linter.located import LScalar, Unresolved

IAM_QUOTAS_URL = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html"
ORGANIZATIONS_QUOTAS_URL = "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html"

MANAGED = 6144
TRUST = 2048
ORGANIZATION = 5120
#: Aggregate size of the inline policies of a principal, by kind; a role's is also the largest
#: size any identity policy may have.
INLINE = {"role": 10240, "user": 2048, "group": 5120}
LARGEST_IDENTITY = INLINE["role"]


def size(node) -> tuple:
    """``(characters, complete)``: the lower bound of a document's size described in the module
    docstring, and whether nothing was left uncounted (no unresolved value, no placeholder)."""
    state = [True]
    n = _size(node, state, 0)
    return n, state[0]


def _size(node, state: list, depth: int) -> int:
    if depth > 200:  # deeper than any policy; what is below counts as nothing
        state[0] = False
        return 0
    if isinstance(node, Unresolved):
        state[0] = False
        return 0
    if isinstance(node, dict):
        entries = [(k, v) for k, v in node.items() if not _unknown(v, state)]
        n = 2 + max(0, len(entries) - 1)
        for k, v in entries:
            n += _text(str(k), state, key=True) + 1 + _size(v, state, depth + 1)
        return n
    if isinstance(node, list):
        items = [x for x in node if not _unknown(x, state)]
        if len(items) == 1:
            return _size(items[0], state, depth + 1)
        if not items:
            return 2 if len(node) == 0 else 0
        return 2 + len(items) - 1 + sum(_size(x, state, depth + 1) for x in items)
    if isinstance(node, str):
        return _text(node, state)
    value = node.value if isinstance(node, LScalar) else node
    if value is True:
        return 4
    if value is False:
        return 5
    if value is None:
        return 4
    if isinstance(value, int):
        return len(str(abs(value))) + (value < 0)
    if isinstance(value, float):
        return 1
    state[0] = False  # a value of another type (a YAML date): counted as nothing
    return 0


def _unknown(node, state: list) -> bool:
    if isinstance(node, Unresolved):
        state[0] = False
        return True
    return False


def _text(s: str, state: list, key: bool = False) -> int:
    """Characters of a JSON string with no white space and no ``${...}`` placeholder, quotes
    included unless it is a value of digits only (a key is always quoted)."""
    if "${" in s:
        s = _without_placeholders(s)
        state[0] = False
    n = len(s) if s.isprintable() and " " not in s else len("".join(s.split()))  # str.split: str.isspace
    if key or not (s and s.isascii() and s.isdigit()):
        n += 2
    return n


def _without_placeholders(s: str) -> str:
    out = []
    i, n = 0, len(s)
    while i < n:
        if s.startswith("${", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if s.startswith("${", j):
                    depth += 1
                    j += 2
                    continue
                if s[j] == "}":
                    depth -= 1
                j += 1
            i = j
            continue
        out.append(s[i])
        i += 1
    return "".join(out)


def characters(n: int, complete: bool) -> str:
    """How a message states a size: ``6,200 characters`` or ``at least 6,200 characters``."""
    return f"{'' if complete else 'at least '}{n:,} characters"


def not_counted(complete: bool) -> str:
    return ("not counting white space" if complete
            else "not counting white space nor the values the linter cannot read")
