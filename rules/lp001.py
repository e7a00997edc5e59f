"""LP001 parse-error (produced by the engine itself, not by a check)."""
from linter.rule import Rule


class ParseError(Rule):
    code = "LP001"
    name = "parse-error"
    severity = "error"
    scope = "engine"
    summary = 'The file cannot be read or parsed (broken JSON, YAML or HCL, binary content, an unreadable file); the finding points where the parser stopped.'
    rationale = 'A file the linter cannot parse is a file it cannot check: whatever IAM it holds is unreviewed. Broken files usually also fail at deploy time.'
    example = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "sagemaker:ListModels" "Resource": "*"}\n  ]\n}'
    fix = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "sagemaker:ListModels", "Resource": "*"}\n  ]\n}'
    tags = ('correctness',)


RULE = ParseError()
