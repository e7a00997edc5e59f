"""What condition values can and cannot match, known without any rule: a statement whose condition
can never hold grants nothing, which the principal model (``linter.principals``) must know, and
the rules that report such conditions (IAM108) say why."""
from __future__ import annotations

from . import iam

#: Address ranges no request's ``aws:SourceIp`` holds: private and loopback (RFC 1918, RFC 4193...):
#: a request through a VPC endpoint has no ``aws:SourceIp`` (it has ``aws:VpcSourceIp``).
PRIVATE_RANGES = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8", "169.254.0.0/16",
                  "fc00::/7", "fe80::/10", "::1/128")


def private_range(value: str):
    """True when every address of the range is private, False when none is, None otherwise
    (or when the value is no IP range)."""
    import ipaddress

    try:
        net = ipaddress.ip_network(value, strict=False)
    except ValueError:
        return None
    nets = [ipaddress.ip_network(p) for p in PRIVATE_RANGES if ipaddress.ip_network(p).version == net.version]
    if any(net.subnet_of(p) for p in nets):
        return True
    if any(p.subnet_of(net) or net.overlaps(p) for p in nets):
        return None
    return False


def unsatisfiable(st) -> bool:
    """Whether the statement's condition can never hold, whatever the request: a clause that must
    match (not negated, not ``...IfExists``, not ``ForAllValues``, which an absent key satisfies)
    compares ``aws:SourceIp`` with private ranges only. Remembered on the statement."""
    memo = st.memo
    if memo is None:
        memo = st.memo = {}
    elif "unsatisfiable" in memo:
        return memo["unsatisfiable"]
    found = False
    if st.condition and not st.condition_unresolved:
        for c in st.condition:
            key = c.key.value
            if not isinstance(key, str) or key.lower() != "aws:sourceip" or not c.values:
                continue
            op = iam.operator(c.operator)
            if op is None or op.type != "IPAddress" or op.negated or op.if_exists or op.qualifier == "ForAllValues":
                continue
            if all(isinstance(v.value, str) and "${" not in v.value and private_range(v.value) is True
                   for v in c.values):
                found = True
                break
    memo["unsatisfiable"] = found
    return found
