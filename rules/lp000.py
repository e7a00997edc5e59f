"""LP000 internal-error (produced by the engine itself, not by a check)."""
from linter.rule import Rule


class InternalError(Rule):
    code = "LP000"
    name = "internal-error"
    severity = "error"
    scope = "engine"
    summary = 'A rule raised an exception while checking a document; the run went on with the other rules and files.'
    rationale = 'An internal error means a rule could not give its verdict, so a problem may have gone unreported. Please report it with the file that triggers it.'
    tags = ('correctness',)


RULE = InternalError()
