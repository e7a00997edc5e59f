"""SM302 notebook-takeover."""
from linter.principals import conditions_within, covers_every, effective, scopes_nothing, service_wide
from linter.rule import Rule

LCC_KEY = "sagemaker:notebookinstancelifecycleconfigarns"


class NotebookTakeover(Rule):
    code = "SM302"
    name = "notebook-takeover"
    severity = "error"
    scope = "principal"
    statements = ("Allow statements granting `CreatePresignedNotebookInstanceUrl`, "
                  "`CreateNotebookInstanceLifecycleConfig`, `UpdateNotebookInstance` and "
                  "`UpdateNotebookInstanceLifecycleConfig`, in any of the "
                  "principal's policies; grants through a wildcard (`sagemaker:*`, `sagemaker:Create*`), which SM101 and SM102 report, are only "
                  "used to complete a path.")
    summary = ("A principal may open every notebook instance (`CreatePresignedNotebookInstanceUrl` on "
               "`notebook-instance/*` or `\"*\"` with no resource-tag condition), or may write a lifecycle "
               "configuration and attach it to existing notebooks (`CreateNotebookInstanceLifecycleConfig` + "
               "`UpdateNotebookInstance` with no `sagemaker:NotebookInstanceLifecycleConfigArns` condition), "
               "or may rewrite every lifecycle configuration (`UpdateNotebookInstanceLifecycleConfig` on all of "
               "them): any way, it runs code as other people's notebook execution roles.")
    rationale = (
        "A presigned notebook URL opens Jupyter on the instance, with a terminal running as the notebook's "
        "execution role (pathfinding.cloud sagemaker-004; BishopFox iam-vulnerable's "
        "`privesc-sageMakerCreatePresignedNotebookURL`). Granted on every notebook, it lets one user take over "
        "every notebook and every execution role attached to them. Scope it to the user's own notebooks: exact "
        "ARNs, a name prefix, or a `sagemaker:ResourceTag/...` condition matched to the caller (a tag condition "
        "every tagged notebook passes, `StringLike` `*` or `Null` `false`, scopes nothing).\n\n"
        "A lifecycle configuration is a shell script SageMaker runs when a notebook starts. A principal that "
        "may create one and update an existing notebook (stop it, attach the script, start it again) runs its "
        "code on someone else's notebook with that notebook's role (pathfinding.cloud sagemaker-005, "
        "HackTricks' SageMaker persistence page). Setting `RootAccess` to `Disabled` is no fix: AWS documents "
        "that lifecycle configurations always run with root access. What closes it is the "
        "`sagemaker:NotebookInstanceLifecycleConfigArns` condition on `UpdateNotebookInstance` (and "
        "`CreateNotebookInstance`), naming the approved configurations, or `UpdateNotebookInstance` scoped to "
        "the principal's own notebooks.\n\n"
        "The scripts already attached need no attaching: `UpdateNotebookInstanceLifecycleConfig` on every "
        "configuration rewrites the script of a configuration someone else's notebook uses, and it runs at "
        "that notebook's next start (HackTricks' SageMaker persistence page). Scope it to the principal's own "
        "configurations (ARNs or a name prefix).\n\n"
        "Deny statements and permissions boundaries of the same principal are applied. A grant through "
        "a wildcard alone (`sagemaker:*`, `sagemaker:CreatePresigned*`) is left to SM101 and SM102, which already "
        "report it."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl", "Resource": "*"}
  ]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl",
     "Resource": "arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/*",
     "Condition": {"StringEquals": {"sagemaker:ResourceTag/owner": "${aws:username}"}}}
  ]
}"""
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePresignedNotebookInstanceUrl.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/nbi-root-access.html",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html",
        "https://pathfinding.cloud/paths/sagemaker-004",
        "https://pathfinding.cloud/paths/sagemaker-005",
        "https://github.com/BishopFox/iam-vulnerable/blob/main/modules/free-resources/privesc-paths/"
        "privesc-sageMakerCreatePresignedNotebookURL.tf",
        "https://cloud.hacktricks.wiki/en/pentesting-cloud/aws-security/aws-persistence/aws-sagemaker-persistence/"
        "index.html",
    )

    def check(self, principal, ctx):
        yield from self._rewrites(principal)
        for g in effective(principal, "sagemaker:CreatePresignedNotebookInstanceUrl"):
            if service_wide(g) or not conditions_within(g.statement, ignore=scopes_nothing):
                continue
            every = covers_every(g.resources, "notebook-instance")
            if every:
                yield self.principal_finding(
                    principal, g,
                    f"{principal.name} may open every notebook instance (CreatePresignedNotebookInstanceUrl on "
                    f'"{every}" with {_tag_words(g.statement)}): a Jupyter terminal runs as each '
                    f"notebook's execution role; scope it to the caller's own notebooks (ARNs or a "
                    f"sagemaker:ResourceTag condition)", value="presigned")
        creates = [g for g in effective(principal, "sagemaker:CreateNotebookInstanceLifecycleConfig")
                   if conditions_within(g.statement, prefixes=("sagemaker:", "aws:requesttag/", "aws:tagkeys"),
                                     request_side=True)]
        if not creates:
            return
        updates = [g for g in effective(principal, "sagemaker:UpdateNotebookInstance")
                   if conditions_within(g.statement, prefixes=("sagemaker:",)) and not g.statement.has_condition_key(LCC_KEY)
                   and covers_every(g.resources, "notebook-instance")]
        related = [(creates[0], "CreateNotebookInstanceLifecycleConfig granted here (writes the script)")]
        related += _stop_start(principal)
        for g in updates:
            if service_wide(g) and service_wide(creates[0]):
                continue
            yield self.principal_finding(
                principal, g,
                f"{principal.name} may create a notebook lifecycle configuration and attach it to existing "
                f"notebooks (UpdateNotebookInstance with no sagemaker:NotebookInstanceLifecycleConfigArns "
                f"condition): its script runs on someone else's notebook with that notebook's role; add the "
                f"condition naming the approved configurations (RootAccess=Disabled is no fix: lifecycle "
                f"configurations always run as root)", related=related, value="lifecycle")

    def _rewrites(self, principal):
        """UpdateNotebookInstanceLifecycleConfig on every configuration: the scripts already attached
        to other people's notebooks are rewritten, and run at their next start."""
        for g in effective(principal, "sagemaker:UpdateNotebookInstanceLifecycleConfig"):
            if service_wide(g) or not conditions_within(g.statement):
                continue
            every = covers_every(g.resources, "notebook-instance-lifecycle-config")
            if not every:
                continue
            yield self.principal_finding(
                principal, g,
                f"{principal.name} may rewrite every notebook lifecycle configuration "
                f'(UpdateNotebookInstanceLifecycleConfig on "{every}"): the script of a configuration attached to '
                f"someone else's notebook runs, as root, with that notebook's role when it next starts; scope it to "
                f"the configurations the principal owns", related=_stop_start(principal), value="rewrite")
            break


def _tag_words(st) -> str:
    """How the message names the statement's resource-tag condition: none, or one any notebook passes."""
    if any(scopes_nothing(c) for c in st.condition):
        return "a resource-tag condition every tagged notebook passes"
    return "no resource-tag condition"


def _stop_start(principal) -> list:
    """Related locations: where the principal may stop and start notebooks (to run a script now)."""
    out = []
    for action in ("StopNotebookInstance", "StartNotebookInstance"):
        found = effective(principal, "sagemaker:" + action)
        if found:
            out.append((found[0], f"{action} granted here"))
    return out


RULE = NotebookTakeover()
