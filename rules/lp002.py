"""LP002 invalid-policy (produced by the engine itself, not by a check)."""
from linter.rule import Rule


class InvalidPolicy(Rule):
    code = "LP002"
    name = "invalid-policy"
    severity = "error"
    scope = "engine"
    summary = ('The document breaks the IAM policy grammar (`schemas/iam-policy.schema.json`): a missing or '
               'misspelled `Effect`, `Action` and `NotAction` together, an unknown or wrongly cased element '
               '(`"effect"`), a value of the wrong type (`"Version": 2012`, `"Sid": 1`, `"Action": 5`, a `null` '
               'condition value), an empty `Statement`, `Principal` or `{"AWS": []}`, a Sid with other characters '
               'than letters and digits or used twice in a policy IAM stores, duplicate keys (in a statement, a '
               '`Condition` block or an operator\'s block, in every format), a `Resource` or `NotPrincipal` in a '
               'role trust policy, or a JSON file meant as a policy that IAM does not read as one (a list of '
               'documents, `"statement"` in lower case; a list of statements only is a fragment a program adds to a '
               'policy, and its statements are linted as such).')
    rationale = (
        'IAM rejects some of these at deploy time; others it accepts with a meaning nobody intended (with '
        'duplicate keys, only the last one counts; a file IAM cannot read as a policy is not linted at all until '
        'it is fixed). Either way the policy does not say what it reads. Identity, trust, permissions-boundary and '
        'session policies are stored by IAM, which accepts only letters and digits in a `Sid` and no Sid twice; '
        'resource policies (S3, KMS, SQS...) accept other Sids, and an empty `Sid` is accepted everywhere (the IAM '
        'console writes it). IAM Access Analyzer reports these as **Error – Invalid effect**, **Missing effect**, '
        '**Missing action**, **Missing resource**, **Missing principal**, **Missing statement**, **Invalid policy '
        'element**, **Invalid version**, **Data type mismatch**, **Unsupported element combination**, **Unsupported '
        'principal**, **Invalid principal format**, **Unique Sids required**, **Unsupported Sid**, **Duplicate keys '
        'with different case**, **Role trust policy syntax error resource**, **Role trust policy syntax error '
        'notprincipal** and **Suggestion – Empty object principal / Empty array principal / Empty array action / '
        'Empty array resource**.'
    )
    example = '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "allow",\n    "Action": "sagemaker:ListModels",\n    "Resource": "*"\n  }]\n}'
    fix = '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "sagemaker:ListModels",\n    "Resource": "*"\n  }]\n}'
    tags = ('correctness',)
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html",
    )


RULE = InvalidPolicy()
