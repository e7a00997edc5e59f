import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared"))
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def shared_path(*parts):
    """A path under ../shared (read-only third-party data); skip when absent."""
    p = os.path.join(SHARED, *parts)
    if not os.path.exists(p):
        pytest.skip(f"{p} is not available (../shared is only present beside a checkout in CI and dev sessions)")
    return p


@pytest.fixture
def lint(tmp_path, monkeypatch):
    """lint(text, name="policy.json", **options) -> findings, run in tmp_path."""
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)

    def _lint(text, name="policy.json", **kw):
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
        return run([name], Options(**kw)).findings

    return _lint
