"""SM306 tag-condition-self-bypass."""
from linter.analysis import granted_sagemaker
from linter.principals import conditions_within, effective, service_wide
from linter.rule import Rule

TAG_PREFIXES = ("sagemaker:resourcetag/", "aws:resourcetag/")
#: Keys on a tagging statement that limit which tags, or when, may be set.
TAG_LIMITS = ("aws:tagkeys", "sagemaker:taggingaction")


class TagConditionSelfBypass(Rule):
    code = "SM306"
    name = "tag-condition-self-bypass"
    severity = "warning"
    scope = "principal"
    requires = ("condition",)
    statements = ("Allow statements with a `sagemaker:ResourceTag/...` or `aws:ResourceTag/...` condition, and "
                  "the principal's `sagemaker:AddTags`/`DeleteTags` grants.")
    summary = ("A principal's SageMaker access is scoped by resource tags, yet it may `AddTags` or `DeleteTags` on "
               "the same resources with no limit on the tag keys, no resource-tag condition of its own and no "
               "`sagemaker:TaggingAction`: it can tag someone else's resource into its own scope.")
    rationale = (
        "Attribute-based access control lets a team act on the resources tagged with its value "
        "(`sagemaker:ResourceTag/team` = `${aws:PrincipalTag/team}`). The scope holds only while the team "
        "cannot change tags: with `sagemaker:AddTags` on resources it does not own, it can set its tag on "
        "another team's notebook, endpoint or model and the tag-scoped statement then lets it in. AWS's "
        "tag-based examples for SageMaker deny `AddTags`/`DeleteTags` for this reason, and the IAM User Guide's "
        "ABAC tutorial limits which tag keys may be set (`aws:TagKeys`). A tagging grant is left out when it "
        "has its own resource-tag condition (it only retags what the principal already owns), an "
        "`aws:TagKeys` condition, or `sagemaker:TaggingAction` (tags only at creation); an unconditional Deny "
        "of the same principal removes it. A grant through a wildcard is SM101's and SM102's."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["sagemaker:StopNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
     "Resource": "*", "Condition": {"StringEquals": {"sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
    {"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*"}
  ]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["sagemaker:StopNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
     "Resource": "*", "Condition": {"StringEquals": {"sagemaker:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
    {"Effect": "Allow", "Action": "sagemaker:AddTags", "Resource": "*",
     "Condition": {"StringEquals": {"sagemaker:TaggingAction": "CreateNotebookInstance"}}}
  ]
}"""
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_attribute-based-access-control.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_tags.html",
    )

    def check(self, principal, ctx):
        scoped = _tag_scoped(principal)
        if scoped is None:
            return
        st_doc, st, key = scoped
        from linter.principals import Grant

        anchor = Grant(st_doc, st, "", st.condition[0].key, None)
        for action in ("sagemaker:AddTags", "sagemaker:DeleteTags"):
            for g in effective(principal, action):
                if service_wide(g):
                    continue
                s = g.statement
                if any(isinstance(c.key.value, str) and c.key.value.lower().startswith(TAG_PREFIXES + TAG_LIMITS)
                       for c in s.condition):
                    continue
                if not conditions_within(s, prefixes=("aws:requesttag/",)):
                    continue
                verb = "set" if action.endswith("AddTags") else "remove"
                yield self.principal_finding(
                    principal, g, f'{principal.name} is scoped by the resource tag "{key.split("/", 1)[1]}" but may '
                                  f"{action.split(':')[1]} with no tag-key limit: it can {verb} that tag on "
                                  f"resources it does not own and bring them into its scope; limit tagging "
                                  f"(aws:TagKeys, sagemaker:TaggingAction, a resource-tag condition) or deny it",
                    related=[(anchor, f'access scoped by "{key}" here')], value=action)
                break


def _tag_scoped(principal):
    """The first Allow statement granting a SageMaker action under a resource-tag condition:
    (document, statement, key), or None."""
    for doc in principal.documents:
        for st in doc.statements:
            if not st.is_allow or not granted_sagemaker(st):
                continue
            for c in st.condition:
                key = c.key.value
                if isinstance(key, str) and key.lower().startswith(TAG_PREFIXES) and "/" in key:
                    return doc, st, key
    return None


RULE = TagConditionSelfBypass()
