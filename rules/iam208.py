"""IAM208 trust-policy-action."""
from linter.rule import Rule


class TrustPolicyAction(Rule):
    code = "IAM208"
    name = "trust-policy-action"
    severity = "error"
    roles = ("trust",)
    statements = "Statements of role trust policies, Allow and Deny."
    summary = ("An action of another service than AWS STS in a role trust policy (`iam:CreateRole`, "
               "`sagemaker:*`, `s3:GetObject`): a trust policy only says who may assume the role.")
    rationale = (
        "A role's trust policy is the resource policy of the role as something to assume: the only actions it "
        "can allow or deny are AWS STS's `sts:AssumeRole`, `sts:AssumeRoleWithSAML`, "
        "`sts:AssumeRoleWithWebIdentity` and the actions that go with assuming (`sts:TagSession`, "
        "`sts:SetSourceIdentity`, `sts:SetContext`). IAM refuses a trust policy that names any other "
        "(`MalformedPolicyDocument`: an AssumeRole policy may only specify STS AssumeRole actions), so the role "
        "is not created or its trust not updated and the deployment fails. The usual cause is a permission meant "
        "for the role (what its SageMaker jobs may do) written into `assume_role_policy` or "
        "`AssumeRolePolicyDocument` instead of the role's permissions policy. Actions whose service part is an "
        "expression or a wildcard (`${var.action}`, `s*:AssumeRole`) and `\"*\"` are not judged; an unknown "
        "`sts:` action is IAM101's."
    )
    example = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "sagemaker.amazonaws.com"},
    "Action": ["sts:AssumeRole", "s3:GetObject"]
  }]
}"""
    fix = """{
  "Version": "2012-10-17",
  "Statement": [{
    "Effect": "Allow",
    "Principal": {"Service": "sagemaker.amazonaws.com"},
    "Action": "sts:AssumeRole"
  }]
}"""
    tags = ("correctness", "trust")
    references = (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-service.html",
    )

    def check(self, doc, ctx):
        for st in doc.statements:
            if st.action is None:
                continue
            for v in st.action.values:
                value = v.value
                if not isinstance(value, str) or "${" in value:
                    continue
                service, sep, _name = value.partition(":")
                if not sep or not service or "*" in service or "?" in service or service.lower() == "sts":
                    continue
                yield self.finding(v, f'"{value}" in a role trust policy: a trust policy only allows or denies '
                                      f'assuming the role (sts:AssumeRole and the other STS actions that go with '
                                      f'it), and IAM refuses one that names another action; grant {service} '
                                      f'actions in the role\'s permissions policy')


RULE = TrustPolicyAction()
