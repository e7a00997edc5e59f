"""SM303 studio-profile-takeover."""
from linter import kb
from linter.principals import (conditions_within, covers_every, effective, if_exists_note, passes_any_role,
                               scopes_nothing, service_wide)
from linter.rule import Rule

STUDIO_LCC_KEY = "sagemaker:studiolifecycleconfigarns"
#: Update actions that attach Studio lifecycle configurations, with the resource type each
#: applies to and the path segment that names whose it is.
LCC_TARGETS = (("UpdateDomain", "domain", 1), ("UpdateUserProfile", "user-profile", 2), ("UpdateSpace", "space", 2))


class StudioProfileTakeover(Rule):
    code = "SM303"
    name = "studio-profile-takeover"
    severity = "error"
    scope = "principal"
    statements = ("Allow statements granting `CreatePresignedDomainUrl`, `CreateApp`, `UpdateUserProfile`, "
                  "`UpdateDomain`, `UpdateSpace`, `CreateStudioLifecycleConfig` and `iam:PassRole`, in any of the "
                  "principal's policies; grants through a wildcard (`sagemaker:*`, `sagemaker:Create*`), which SM101 and SM102 report, are only "
                  "used to complete a path. A `Null` test that only asks for a space with an owner "
                  "(`\"sagemaker:OwnerUserProfileArn\": \"false\"`) scopes nothing: any owner's private space stays "
                  "reachable; nor does an owner ARN of any profile of the domain (`user-profile/d-123/*`) or a "
                  "resource-tag condition every tagged resource passes (`StringLike` `*`, `Null` `false`).")
    summary = ("A principal may open or start apps in other users' SageMaker Studio profiles "
               "(`CreatePresignedDomainUrl` or `CreateApp` on every profile of a domain, or `\"*\"`), swap a "
               "profile's or domain's execution role (`UpdateUserProfile`/`UpdateDomain` with `iam:PassRole` on "
               "every role), or attach its own Studio lifecycle configuration to others (`UpdateDomain`, "
               "`UpdateUserProfile`, `UpdateSpace` with no `sagemaker:StudioLifecycleConfigArns` condition).")
    rationale = (
        "A Studio user profile runs its apps as the profile's execution role. `CreatePresignedDomainUrl` on a "
        "profile signs its holder into that profile's Studio, with no `iam:PassRole` needed: granted on "
        "`user-profile/<domain>/*` or `\"*\"`, one user can open every colleague's Studio and act as their "
        "roles (HackTricks' SageMaker privilege escalation page; PMapper has no such edge). `CreateApp` on "
        "another profile's or a shared space's apps starts code there (with a lifecycle configuration or an "
        "image the caller picks); an app type that runs only AWS's application (`Canvas`, `TensorBoard`, "
        "`DetailedProfiler`: `app/*/*/Canvas/*`) takes no lifecycle configuration and is not counted. AWS's Studio permission guide scopes "
        "both to the caller's own profile (`user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}`) "
        "or uses the `sagemaker:OwnerUserProfileArn` condition; a `sagemaker:ResourceTag/...` condition "
        "matched to a principal tag does it too.\n\n"
        "`UpdateUserProfile` or `UpdateDomain` with `iam:PassRole` on every role changes the execution role "
        "to any role SageMaker may assume; the action table lists no condition key on the new role, so only "
        "scoping PassRole closes it. A Studio lifecycle configuration is a script that runs in every app "
        "started under the domain, profile or space it is attached to; `sagemaker:StudioLifecycleConfigArns` "
        "on the update actions limits which ones may be attached (HackTricks' SageMaker persistence page).\n\n"
        "Deny statements and permissions boundaries of the same principal are applied; a grant under a "
        "condition the linter cannot judge is not counted."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl",
     "Resource": "arn:aws:sagemaker:us-east-1:123456789012:user-profile/d-abc123example/*"}
  ]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:CreatePresignedDomainUrl",
     "Resource": "arn:aws:sagemaker:us-east-1:123456789012:user-profile/${sagemaker:DomainId}/${sagemaker:UserProfileName}"}
  ]
}"""
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-jl-admin-guide-permissions.html",
        "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreatePresignedDomainUrl.html",
        "https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html",
        "https://cloud.hacktricks.wiki/en/pentesting-cloud/aws-security/aws-privilege-escalation/"
        "aws-sagemaker-privesc/index.html",
        "https://cloud.hacktricks.wiki/en/pentesting-cloud/aws-security/aws-persistence/aws-sagemaker-persistence/"
        "index.html",
        "https://github.com/nccgroup/PMapper/issues/47",
    )

    def check(self, principal, ctx):
        name = principal.name
        for action, rtype, what in (("CreatePresignedDomainUrl", "user-profile",
                                     "sign in to every user's Studio and act as their execution roles"),
                                    ("CreateApp", "app", "start apps in other users' profiles and spaces, which "
                                                         "run as their execution roles")):
            for g in effective(principal, "sagemaker:" + action):
                if service_wide(g) or not conditions_within(g.statement, ignore=scopes_nothing):
                    continue
                resources = g.resources
                if action == "CreateApp" and resources:
                    # apps of a type that runs only AWS's own application (Canvas, TensorBoard, the
                    # profiler) take no lifecycle configuration and run no code the caller chooses
                    resources = [r for r in resources if not _runs_no_code(r)]
                every = covers_every(resources, rtype, 2)
                if every:
                    yield self.principal_finding(
                        principal, g, f'{name} may {what} ({action} on "{every}"); scope it to the caller\'s own '
                                      f"profile (user-profile/${{sagemaker:DomainId}}/${{sagemaker:UserProfileName}}), "
                                      f"a resource tag matched to a principal tag, or sagemaker:OwnerUserProfileArn",
                        value=action)
        passes = [g for g in principal.grants("iam:PassRole") if passes_any_role(g)]
        if passes:
            done = set()
            for action in ("UpdateUserProfile", "UpdateDomain"):
                for g in effective(principal, "sagemaker:" + action):
                    if (service_wide(g) and service_wide(passes[0])) or \
                            not conditions_within(g.statement, prefixes=("sagemaker:",)) or (g.file, g.span) in done:
                        continue
                    done.add((g.file, g.span))
                    where = next(r for r in passes[0].resources if kb.role_arn_unscoped(r))
                    yield self.principal_finding(
                        principal, g, f"{name} may change the execution role with {action} and pass any role "
                                      f'(iam:PassRole on "{where}"{if_exists_note(passes[0])}): Studio apps then run as '
                                      f"any role SageMaker may assume; scope PassRole's Resource to the execution roles "
                                      f"meant for it",
                        related=[(passes[0], "iam:PassRole on every role granted here")], value=action + ":passrole")
                    break
        creates = [g for g in effective(principal, "sagemaker:CreateStudioLifecycleConfig")
                   if conditions_within(g.statement, prefixes=("sagemaker:", "aws:requesttag/", "aws:tagkeys"),
                                     request_side=True)]
        if not creates:
            return
        for action, rtype, index in LCC_TARGETS:
            for g in effective(principal, "sagemaker:" + action):
                if service_wide(g) and service_wide(creates[0]):
                    continue
                if g.statement.has_condition_key(STUDIO_LCC_KEY) or \
                        not conditions_within(g.statement, prefixes=("sagemaker:",)):
                    continue
                every = covers_every(g.resources, rtype, index)
                if not every:
                    continue
                where = ("in the apps of spaces other users work in, with the spaces' execution roles"
                         if action == "UpdateSpace" else "in other users' apps with their execution roles")
                yield self.principal_finding(
                    principal, g, f'{name} may create a Studio lifecycle configuration and attach it with {action} '
                                  f'on "{every}" (no sagemaker:StudioLifecycleConfigArns condition): its script runs '
                                  f"{where}; add the condition naming the approved configurations",
                    related=[(creates[0], "CreateStudioLifecycleConfig granted here (writes the script)")],
                    value=action + ":lcc")
                break


#: Studio app types that run an application of AWS's, with no lifecycle configuration: the AppType
#: values of the CreateApp API whose apps run no code the caller chooses.
_NO_CODE_APPS = frozenset(("canvas", "tensorboard", "detailedprofiler"))


def _runs_no_code(resource: str) -> bool:
    """Whether an app ARN pattern names only apps of one type that runs no code of the caller's
    (``app/*/*/Canvas/*``)."""
    parts = kb.arn_segments(resource) if resource[:4].lower() == "arn:" else None
    if parts is None:
        return False
    pieces = parts[5].split("/")
    return len(pieces) >= 4 and pieces[0] == "app" and pieces[3].lower() in _NO_CODE_APPS


RULE = StudioProfileTakeover()
