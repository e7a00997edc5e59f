"""KEY407 user-granted-sagemaker."""
from linter import analysis, kb
from linter.rule import Rule


class UserGrantedSageMaker(Rule):
    code = "KEY407"
    name = "user-granted-sagemaker"
    severity = "note"
    scope = "credentials"
    summary = ("An IAM user (not a role or a group) is granted SageMaker actions directly: an inline policy of "
               "the user, a policy attached to it, or an AWS managed SageMaker policy attached to it.")
    rationale = (
        "Permissions granted to an IAM user are used with that user's long-term credentials: a console "
        "password or access keys, which do not expire and are the credentials most often leaked. SageMaker "
        "workloads should run with execution roles, and people should reach SageMaker through federation "
        "(IAM Identity Center, a SAML or OIDC provider) and roles, which give temporary credentials. The note "
        "points at each Allow statement that grants a SageMaker action, or at the managed policy; policies "
        "reached through groups are not reported, nor what an unconditional Deny of one of the user's "
        "policies refuses on every resource."
    )
    example_format = "yaml"
    example = """Resources:
  Analyst:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - PolicyName: notebooks
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sagemaker:CreatePresignedNotebookInstanceUrl
                Resource: !Sub arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:notebook-instance/analysis"""
    fix = """Resources:
  AnalystRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              Federated: !Sub arn:${AWS::Partition}:iam::${AWS::AccountId}:saml-provider/corp
            Action: sts:AssumeRoleWithSAML
            Condition:
              StringEquals:
                SAML:aud: https://signin.aws.amazon.com/saml
      Policies:
        - PolicyName: notebooks
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sagemaker:CreatePresignedNotebookInstanceUrl
                Resource: !Sub arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:notebook-instance/analysis"""
    references = (
        "https://docs.aws.amazon.com/sagemaker/latest/dg/security-iam.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#bp-users-federation-idp",
        "https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html",
    )
    tags = ("security", "credentials")

    def check(self, facts, ctx):
        # what an unconditional Deny of one of the user's policies refuses everywhere is not granted
        denies: dict = {}
        for g in facts.user_grants:
            if g.document is not None:
                denies.setdefault(g.user, []).extend(analysis.blanket_denies(g.document))
        for g in facts.user_grants:
            who = f"IAM user {g.user}" if g.user else "an IAM user"
            refused = denies.get(g.user)
            if g.document is not None:
                for st in g.document.allow_statements():
                    granted = analysis.granted_sagemaker(st)
                    if granted and refused:
                        granted = {k: a for k, a in granted.items() if not analysis.denied_by(refused, a.full)}
                    if not granted:
                        continue
                    written = [str(v.value) for v in analysis.action_values(st) if kb.sagemaker_by_name(v.value)]
                    what = ", ".join(written[:3]) + (", ..." if len(written) > 3 else "") if written else \
                        "everything but its NotAction"
                    yield self.finding(st, f"{who} is granted SageMaker actions directly ({what}); people "
                                           f"should reach SageMaker through federation and roles, workloads "
                                           f"through execution roles", path=st.path, value=g.user,
                                       label=g.document.origin.label)
            elif g.managed is not None and g.managed.aws_managed:
                name = g.managed.name.rsplit("/", 1)[-1]
                if "sagemaker" not in name.lower() and kb.broad_managed_policy(name) is None:
                    continue
                if refused and all(analysis.denied_by(refused, a.full) for a in kb.sagemaker_actions().values()):
                    continue
                yield self.finding(g.managed.value, f"{who} is granted SageMaker actions directly by AWS managed "
                                                    f"policy {g.managed.name}; people should reach SageMaker "
                                                    f"through federation and roles, workloads through execution "
                                                    f"roles", value=g.user, label=g.managed.origin.label)


RULE = UserGrantedSageMaker()
