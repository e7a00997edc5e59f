"""A third-party rule: endpoint deletion is reserved to the platform team."""
from linter.rule import Rule


class NoEndpointDelete(Rule):
    code = "ACME001"
    name = "no-endpoint-delete"
    severity = "error"
    summary = "Deleting SageMaker endpoints is reserved to the platform team."
    rationale = "Endpoints serve production traffic; only the platform team's role may delete them."
    example = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:DeleteEndpoint", "Resource": "*"}]}'
    fix = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:DescribeEndpoint", "Resource": "*"}]}'

    def check(self, doc, ctx):
        for st in doc.allow_statements():
            for v in (st.action.values if st.action else []):
                if isinstance(v.value, str) and v.value.lower() == "sagemaker:deleteendpoint":
                    yield self.finding(v, "sagemaker:DeleteEndpoint is reserved to the platform team")


RULES = [NoEndpointDelete]
