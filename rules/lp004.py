"""LP004 reference-outside-root (produced by the engine itself, not by a check)."""
from linter.rule import Rule


class ReferenceOutsideRoot(Rule):
    code = "LP004"
    name = "reference-outside-root"
    severity = "warning"
    scope = "engine"
    summary = ('A Terraform `file()` or `templatefile()` names a file outside the tree being linted (an absolute '
               'path elsewhere, `../..` out of it, `~`, or a symbolic link that leads out); the file was not read.')
    rationale = ('The linter runs on files that strangers write: a pull request could point `file()` at the '
                 "runner's credentials and have them parsed and quoted in the log. So files outside the tree (the "
                 'repository, or the directory linted when it is not in one) are never read, not even looked at; '
                 'the policy such a reference names is not checked. Keep policy files inside the repository, or '
                 'name more directories the linter may read with `--allow-root DIR` on the command line (a '
                 'configuration file cannot do it).')
    example = ('resource "aws_iam_policy" "ml" {\n'
               '  policy = templatefile("${path.module}/../../../shared/ml-policy.json.tpl", {})\n'
               '}')
    fix = ('resource "aws_iam_policy" "ml" {\n'
           '  policy = templatefile("${path.module}/policies/ml-policy.json.tpl", {})\n'
           '}')
    example_format = "hcl"
    tags = ('security', 'correctness')


RULE = ReferenceOutsideRoot()
