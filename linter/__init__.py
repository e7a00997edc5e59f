"""lint-policies: a static linter for AWS IAM policies that guard Amazon SageMaker."""

__version__ = "0.1.0"
