"""LP101 suppression-without-reason (produced by the engine itself, not by a check)."""
from linter.rule import Rule


class SuppressionWithoutReason(Rule):
    code = "LP101"
    name = "suppression-without-reason"
    severity = "warning"
    scope = "engine"
    summary = 'A suppression has no reason (`-- reason` after the codes, or `reason:` in `Metadata`), while `require-reason` is on.'
    rationale = 'A reviewer who sees a silenced security finding needs to know why it is acceptable. The reason is shown by `--show-suppressed`.'
    tags = ('maintainability',)


RULE = SuppressionWithoutReason()
