"""LP100 unused-suppression (produced by the engine itself, not by a check)."""
from linter.rule import Rule


class UnusedSuppression(Rule):
    code = "LP100"
    name = "unused-suppression"
    severity = "warning"
    scope = "engine"
    summary = 'A `lint-policies: ignore[...]` comment or `Metadata` suppression matched no finding.'
    rationale = 'A suppression that silences nothing is noise at best; at worst it hides the next real finding on that line. Remove it once the finding it was written for is fixed.'
    tags = ('maintainability',)


RULE = UnusedSuppression()
