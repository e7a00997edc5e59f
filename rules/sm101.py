"""SM101 sagemaker-service-wildcard."""
from linter import kb
from linter.analysis import action_values, is_allowed, reach_in
from linter.model import GRANTING_ROLES
from linter.rule import Rule


class SageMakerServiceWildcard(Rule):
    code = "SM101"
    name = "sagemaker-service-wildcard"
    severity = "error"
    roles = GRANTING_ROLES
    statements = "Allow statements."
    summary = 'An `Allow` statement grants every SageMaker action: `sagemaker:*`, `*` or `*:*`, in any case.'
    rationale = (
        "A service-wide wildcard grants all of SageMaker's actions, today's and every one AWS adds later: "
        "creating presigned Studio and notebook URLs (an interactive shell with the execution role's "
        "credentials), creating training and processing jobs that run arbitrary containers with any role "
        "that can be passed, deleting domains, endpoints and model registries, and changing resource "
        "policies. Least privilege means naming the actions a workload needs. A wildcard is judged by "
        "what it grants on the statement's resources: the message counts the actions "
        "the statement's `Resource` or `NotResource` lets apply, and a statement whose resources are not "
        "SageMaker's (`\"*\"` on a bucket) is not reported."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": "sagemaker:*",
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:*"
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Action": ["sagemaker:DescribeTrainingJob", "sagemaker:CreateTrainingJob"],
    "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/team-a-*"
  }]
}"""
    options = {"allowed-actions": "action patterns the team accepts (e.g. `[\"sagemaker:*\"]` for an admin role's policy); matching actions are not reported."}
    references = (
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
    )

    def check(self, doc, ctx):
        total = len(kb.sagemaker_actions())
        for st in doc.allow_statements():
            for v in action_values(st):
                parts = kb.split_action(v.value)
                if parts is None or not parts[1] or parts[1].strip("*") != "":
                    continue
                if not kb.is_sagemaker_service_pattern(v.value) or is_allowed(v.value, ctx):
                    continue
                reach = reach_in(doc, st)
                if not reach:
                    continue  # the statement's resources are not SageMaker's: it grants none of them
                every = "every action of every service, including " if parts[0].strip("*") == "" else ""
                if len(reach) == total:
                    what = f"{every or 'every one of the '}{total} SageMaker actions"
                else:
                    field = "NotResource" if st.not_resource is not None else "Resource"
                    what = f"{every}{len(reach)} of the {total} SageMaker actions, all that its {field} allows"
                risky = kb.riskiest_in(reach)
                yield self.finding(v, f'"{v.value}" grants {what} (such as {risky.full} and actions AWS '
                                      f'adds later); list the actions needed')


RULE = SageMakerServiceWildcard()
