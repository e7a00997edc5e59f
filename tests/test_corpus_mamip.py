"""Every AWS managed policy in ../shared/corpus/zoph-io__MAMIP (aws iam get-policy-version
output, third-party files read in place, never copied): no LP000/LP001, and named outcomes."""
import os
from collections import defaultdict

import pytest
from conftest import shared_path

from linter.engine import Options, run


@pytest.fixture(scope="module")
def by_policy():
    d = shared_path("corpus", "zoph-io__MAMIP", "policies")
    res = run([d], Options())
    out = defaultdict(list)
    for f in res.findings:
        out[os.path.basename(f.file)].append(f)
    return out, res.files


def codes(fs, severity=None):
    return {f.code for f in fs if severity is None or f.severity == severity}


def test_every_policy_read_without_errors(by_policy):
    out, files = by_policy
    assert files == 132
    bad = [(p, f.code, f.message) for p, fs in out.items() for f in fs if f.code in ("LP000", "LP001", "LP002")]
    assert bad == []


def test_full_access_uses_notresource(by_policy):
    out, _ = by_policy
    assert "SM202" in codes(out["AmazonSageMakerFullAccess"])


def test_administrator_access(by_policy):
    out, _ = by_policy
    assert {"SM101", "IAM301"} <= codes(out["AdministratorAccess"])
    sm101 = [f for f in out["AdministratorAccess"] if f.code == "SM101"]
    assert sm101[0].message.startswith('"*" grants every action of every service')


def test_power_user_notaction(by_policy):
    out, _ = by_policy
    assert "SM103" in codes(out["PowerUserAccess"])


def test_read_only_has_no_error(by_policy):
    out, _ = by_policy
    assert codes(out["AmazonSageMakerReadOnly"], "error") == set()
    assert codes(out["ReadOnlyAccess"], "error") == set()


def test_deny_only_policy_is_clean(by_policy):
    """No rule about what is granted fires on a policy that only denies (the validity rules may)."""
    out, _ = by_policy
    assert [f for f in out.get("AWSDenyAll", []) if f.code[:3] in ("SM1", "SM2", "IAM3")] == []


def test_findings_name_the_cli_shape(by_policy):
    out, _ = by_policy
    f = out["AdministratorAccess"][0]
    assert f.logical_path[:3] == ("PolicyVersion", "Document", "Statement")
