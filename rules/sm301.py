"""SM301 passrole-compute-escalation."""
from linter import kb
from linter.principals import conditions_within, first_of, granted_summary, if_exists_note, passes_any_role
from linter.rule import Rule

#: The ways to run one's own code with a passed role (escalation research, see the references):
#: (what runs, the SageMaker actions that together do it).
PATHS = (
    ("a training job runs the caller's container", ("sagemaker:CreateTrainingJob",)),
    ("a processing job runs the caller's container", ("sagemaker:CreateProcessingJob",)),
    ("a hyperparameter tuning job runs the caller's training container",
     ("sagemaker:CreateHyperParameterTuningJob",)),
    ("a new notebook instance opened through a presigned URL gives a shell",
     ("sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl")),
    ("a new notebook instance runs the caller's lifecycle configuration script",
     ("sagemaker:CreateNotebookInstance", "sagemaker:CreateNotebookInstanceLifecycleConfig")),
    # a HyperPod cluster's instance groups take an ExecutionRole and run the lifecycle scripts the
    # caller names (LifeCycleConfig.OnCreate; SageMaker API reference, CreateCluster)
    ("a HyperPod cluster runs the caller's lifecycle scripts on its instances",
     ("sagemaker:CreateCluster",)),
    # UpdateNotebookInstance takes a RoleArn (SageMaker API reference): a stopped notebook, given the
    # passed role, started and opened, is a shell with that role
    ("an existing notebook instance given the passed role, started and opened through a presigned URL, "
     "gives a shell",
     ("sagemaker:UpdateNotebookInstance", "sagemaker:StartNotebookInstance",
      "sagemaker:CreatePresignedNotebookInstanceUrl")),
)

SAGEMAKER = "sagemaker.amazonaws.com"


class PassRoleComputeEscalation(Rule):
    code = "SM301"
    name = "passrole-compute-escalation"
    severity = "error"
    scope = "principal"
    statements = ("Allow statements granting `iam:PassRole` on every role (`\"*\"`, `arn:aws:iam::*:role/*`) and "
                  "the SageMaker actions that run code with the role passed, in any of the principal's policies.")
    summary = ("One principal may pass any role (`iam:PassRole` on `\"*\"` or a role ARN wildcard) and create a "
               "SageMaker training, processing or tuning job, a HyperPod cluster, or a notebook instance it can open "
               "or give a lifecycle script (a new one, or an existing one it gives the role with "
               "`UpdateNotebookInstance`): "
               "it can run its own code with the credentials of any role SageMaker may assume.")
    rationale = (
        "SageMaker runs jobs and notebooks as the execution role the caller passes. A training, processing or "
        "hyperparameter tuning job runs the container image the caller names, and that code reads the role's "
        "credentials; a notebook instance gives whoever opens it (a presigned URL) or whoever wrote its "
        "lifecycle configuration a shell with the role; a HyperPod cluster (`CreateCluster`) runs the lifecycle "
        "scripts its creator names on instances that hold the passed role; and `UpdateNotebookInstance` gives an "
        "existing (stopped) "
        "notebook instance a new `RoleArn`, so updating, starting and opening one does the same. So "
        "`iam:PassRole` on every role plus one of these "
        "actions is a privilege escalation to the most privileged role that trusts "
        "`sagemaker.amazonaws.com` (pathfinding.cloud paths sagemaker-001 to sagemaker-003, BishopFox "
        "iam-vulnerable's SageMaker modules, HackTricks' SageMaker privilege escalation page). The statements "
        "may sit in different policies of one principal: an inline policy and an attached managed policy of a "
        "CloudFormation role, or a role and an `aws_iam_policy` attached to it in another file of the same "
        "Terraform module. The finding points at the `iam:PassRole` action and lists the statements completing "
        "the path as related locations; when the template or module defines a role that trusts SageMaker and "
        "that the PassRole resource can name, the message names it and what it is granted.\n\n"
        "What defuses it: PassRole `Resource` naming the execution roles meant for the jobs (exact ARNs or a "
        "name prefix), a `iam:ResourceTag` condition on the roles, an `iam:PassedToService` condition that "
        "leaves SageMaker out, an unconditional Deny of the same principal, or a permissions boundary that "
        "does not allow the actions. `iam:PassedToService` = `sagemaker.amazonaws.com` alone does not: it "
        "limits which service receives the role, not which role. Conditions on the SageMaker actions "
        "(`sagemaker:VpcSubnets`, `InstanceTypes`) do not either: the job still runs the caller's code. A "
        "value the linter cannot read (a variable) is never guessed: a PassRole resource or condition that is "
        "one is taken as scoped, a Deny that is one as denying."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole", "Resource": "*",
     "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
    {"Sid": "Train", "Effect": "Allow", "Action": "sagemaker:CreateTrainingJob",
     "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/*"}
  ]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Pass", "Effect": "Allow", "Action": "iam:PassRole",
     "Resource": "arn:aws:iam::123456789012:role/sagemaker-training-team-a",
     "Condition": {"StringEquals": {"iam:PassedToService": "sagemaker.amazonaws.com"}}},
    {"Sid": "Train", "Effect": "Allow", "Action": "sagemaker:CreateTrainingJob",
     "Resource": "arn:aws:sagemaker:us-east-1:123456789012:training-job/*"}
  ]
}"""
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-pass-role",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html",
        "https://pathfinding.cloud/paths/sagemaker-001",
        "https://github.com/BishopFox/iam-vulnerable/blob/main/modules/free-resources/privesc-paths/"
        "privesc-sageMakerCreateNotebookPassRole.tf",
        "https://cloud.hacktricks.wiki/en/pentesting-cloud/aws-security/aws-privilege-escalation/"
        "aws-sagemaker-privesc/index.html",
        "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateNotebookInstance.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateCluster.html",
    )

    def check(self, principal, ctx):
        passes = [g for g in principal.grants("iam:PassRole") if passes_any_role(g)]
        if not passes:
            return
        paths = []
        for what, actions in PATHS:
            found = first_of(principal, actions, _creates)
            if found:
                paths.append((what, found))
        if not paths:
            return
        targets = _sagemaker_roles(principal, passes)
        for g in passes:
            what, found = paths[0]
            names = " + ".join(a for a, _ in found)
            where = next(r for r in g.resources if kb.role_arn_unscoped(r))
            msg = (f'{principal.name} may pass any role (iam:PassRole on "{where}"{if_exists_note(g)}) and {names}: '
                   f"{what} with the passed role's credentials, so it can act as any role SageMaker may assume")
            if targets:
                msg += "; here that includes " + "; ".join(targets)
            msg += "; scope PassRole's Resource to the execution roles meant for it (iam:PassedToService alone " \
                   "limits the service, not the role)"
            related = []
            for w, fnd in paths:
                for action, cg in fnd:
                    related.append((cg, f"{action} granted here ({w})"))
            yield self.principal_finding(principal, g, msg, related=related, value=f"iam:PassRole:{where}")


def _creates(g) -> bool:
    """A grant of a create action whose conditions the caller meets by what it sends (request
    parameters such as the job's subnets, the tags of the new resource) or where it is."""
    return conditions_within(g.statement, prefixes=("sagemaker:", "aws:requesttag/", "aws:tagkeys"),
                                     request_side=True)


def _sagemaker_roles(principal, passes) -> list:
    """The roles of the unit that trust SageMaker and that a PassRole grant can name, with what
    they are granted."""
    out = []
    for peer in principal.peers:
        if peer is principal or not peer.trusts_service(SAGEMAKER):
            continue
        if not any(peer.role_arn_matches(r) for g in passes for r in g.resources):
            continue
        what = granted_summary(peer)
        # what its own statements grant (AWS managed policies attached by ARN are not read)
        out.append(f"{peer.name}, which SageMaker may assume" + (f" and whose policies here grant {what}" if what else ""))
        if len(out) >= 3:
            break
    return out


RULE = PassRoleComputeEscalation()
