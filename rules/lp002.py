"""LP002 invalid-policy (produced by the engine itself, not by a check)."""
from linter.rule import Rule


class InvalidPolicy(Rule):
    code = "LP002"
    name = "invalid-policy"
    severity = "error"
    scope = "engine"
    summary = 'The document breaks the IAM policy grammar (`schemas/iam-policy.schema.json`): a missing or misspelled `Effect`, `Action` and `NotAction` together, an unknown key, duplicate keys, a value of the wrong type.'
    rationale = 'IAM rejects some of these at deploy time; others it accepts with a meaning nobody intended (with duplicate keys, only the last one counts). Either way the policy does not say what it reads.'
    example = '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "allow",\n    "Action": "sagemaker:ListModels",\n    "Resource": "*"\n  }]\n}'
    fix = '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "sagemaker:ListModels",\n    "Resource": "*"\n  }]\n}'
    tags = ('correctness',)


RULE = InvalidPolicy()
