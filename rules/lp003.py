"""LP003 file-too-large (produced by the engine itself, not by a check)."""
from linter.rule import Rule


class FileTooLarge(Rule):
    code = "LP003"
    name = "file-too-large"
    severity = "error"
    scope = "engine"
    summary = 'The file is larger than `max-file-size` (default 5 MB) and was not linted.'
    rationale = 'Policy files, templates and Terraform modules are small; a file of many megabytes is usually generated or not IAM at all, and parsing it would slow every run. Raise `max-file-size` in the configuration if it really must be linted.'
    tags = ('correctness',)


RULE = FileTooLarge()
