"""lint-policies: a static linter for AWS IAM policies that guard Amazon SageMaker."""

__version__ = "0.1.0"


def import_module(name: str):
    """``importlib.import_module(name)`` for an absolute name, without importing :mod:`importlib`
    (which costs a one-file run more than the module it would import)."""
    import sys

    __import__(name)
    return sys.modules[name]
