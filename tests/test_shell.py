"""Shell scripts: policies in here-documents and quoted arguments, and the AWS CLI IAM commands
that say whose they are; exact codes, lines and columns."""
import textwrap

import pytest

from keygen import key_id

SCRIPT = textwrap.dedent('''\
    #!/bin/bash
    set -euo pipefail
    ACCOUNT_ID=$(aws sts get-caller-identity --query Account --output text)
    ROLE=ml-exec
    cat > trust.json <<EOF
    {
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]
    }
    EOF
    aws iam create-role --role-name "$ROLE" \\
        --assume-role-policy-document file://trust.json
    aws iam put-role-policy --role-name $ROLE --policy-name jobs --policy-document '{
      "Version": "2012-10-17",
      "Statement": [{"Effect": "Allow", "Action": ["sagemaker:CreateTrainingJob", "iam:PassRole"], "Resource": "*"}]
    }'
    # lint-policies: ignore[SM105] -- workshop account, deleted after the session
    aws iam attach-role-policy --role-name $ROLE --policy-arn arn:aws:iam::aws:policy/AmazonSageMakerFullAccess
    aws --region us-east-1 iam attach-role-policy --role-name "$ROLE" --policy-arn=arn:aws:iam::aws:policy/AdministratorAccess
    cat <<-'END' > /tmp/boundary.json
    \t{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:Create*",
    \t  "Resource": "arn:aws:sagemaker:us-east-1:${ACCOUNT_ID}:model/*"}]}
    \tEND
    echo "Statement" # not a policy
    ''').replace("\\t", "\t")


def at(text, needle, nth=0):
    hits = [(i + 1, line.index(needle) + 1) for i, line in enumerate(text.split("\n")) if needle in line]
    return hits[nth]


def test_here_documents_quoted_arguments_and_cli_commands(lint):
    res = lint(SCRIPT, "setup.sh", select=["IAM302", "IAM301", "SM301", "SM105", "SM102"])
    got = [(f.code, f.span.line, f.span.col) for f in res]
    assert got == [
        ("IAM302", *at(SCRIPT, '"*"}, "Action"')),
        ("IAM301", *at(SCRIPT, '"iam:PassRole"')),
        ("SM301", *at(SCRIPT, '"iam:PassRole"')),
        ("SM105", *at(SCRIPT, "arn:aws:iam::aws:policy/AdministratorAccess")),
        ("SM102", *at(SCRIPT, '"sagemaker:Create*"')),
    ]
    sm301 = next(f for f in res if f.code == "SM301")
    # the role is named by the value the script gives its variable
    assert sm301.message.startswith("role ml-exec may pass any role")
    sm105 = next(f for f in res if f.code == "SM105")
    assert sm105.label == "role ml-exec: attach-role-policy"


def test_the_suppression_comment_before_a_command(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    (tmp_path / "setup.sh").write_text(SCRIPT)
    res = run(["setup.sh"], Options(select=["SM105", "LP100"]))
    assert [f.code for f in res.findings] == ["SM105"]
    assert [(f.code, f.span.line) for f in res.suppressed] == [("SM105", at(SCRIPT, "AmazonSageMakerFullAccess")[0])]


def test_a_trust_policy_by_the_command_that_uses_it(lint):
    # a trust policy is one because create-role takes it, whatever it holds
    text = ("aws iam create-role --role-name r --assume-role-policy-document "
            """'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", """
            """"Principal": {"Service": "sagemaker.amazonaws.com"}, "Resource": "*"}]}'\n""")
    res = lint(text, "mk.sh", select=["LP002"])
    assert [(f.code, f.span.line, f.span.col) for f in res] == [("LP002", 1, text.index('"Resource"') + 1)]


def test_double_quoted_json_columns_count_the_backslashes(lint):
    text = ('aws iam put-user-policy --user-name u --policy-name p --policy-document "{\\"Version\\": '
            '\\"2012-10-17\\", \\"Statement\\": [{\\"Effect\\": \\"Allow\\", \\"Action\\": \\"sagemaker:*\\", '
            '\\"Resource\\": \\"*\\"}]}"\n')
    res = lint(text, "u.sh", select=["SM101"])
    assert [(f.code, f.span.line, f.span.col) for f in res] == [("SM101", 1, text.index('"sagemaker:*') + 1)]


def test_what_is_not_json_is_not_read_and_not_reported(lint):
    text = textwrap.dedent('''\
        cat <<EOF > p.json
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": $ACTIONS, "Resource": "*"}]}
        EOF
        policy='{"Statement": ['"$PART"
        echo "done"
        ''')
    assert lint(text, "gen.sh") == []
    assert lint("#!/bin/sh\necho 'Statement: nothing to see'\n", "plain.sh") == []


def test_scripts_without_policies_are_scanned_for_credentials(lint):
    kid = key_id("shell-script")
    text = f"#!/bin/sh\nexport AWS_ACCESS_KEY_ID={kid}\naws s3 ls\n"
    res = lint(text, "run.sh")
    assert [(f.code, f.span.line, f.span.col) for f in res] == [("KEY401", 2, 26)]
    assert all(kid not in f.message for f in res)


def test_every_truncation_and_stray_quote_is_read_without_an_internal_error(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    texts = [SCRIPT[:i] for i in range(0, len(SCRIPT), 11)]
    texts += [SCRIPT[:i] + ch + SCRIPT[i:] for i in range(0, len(SCRIPT), 37) for ch in ("'", '"', "\\", "{")]
    for k, t in enumerate(texts):
        (tmp_path / f"s{k}.sh").write_text(t)
    res = run(["."], Options(select=["LP000", "SM", "IAM"]))
    assert res.findings  # the scripts are read
    assert [f for f in res.findings if f.code == "LP000"] == []


def test_a_here_document_captured_in_a_variable_is_the_document_the_variable_gives(lint):
    text = textwrap.dedent('''\
        POLICY_JSON=$(cat <<EOF
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}
        EOF
        )
        JOBS=$(cat <<'EOF'
        {"Version": "2012-10-17", "Statement": [
          {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}]}
        EOF
        )
        aws iam put-role-policy --role-name trainer --policy-name pass --policy-document "$POLICY_JSON"
        aws iam put-role-policy --role-name trainer --policy-name jobs --policy-document "${JOBS}"
        ''')
    res = lint(text, "roles.sh", select=["SM301"])
    assert [(f.code, f.span.line, f.span.col) for f in res] == [("SM301", 3, 33)]
    assert res[0].message.startswith("role trainer may pass any role")


PASS = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}'
JOBS = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", '
        '"Resource": "*"}]}')


@pytest.mark.parametrize("written, used", [
    # tee, past a redirection to /dev/null
    (f"sudo tee /tmp/p.json >/dev/null <<EOF\n{PASS}\nEOF", "file:///tmp/p.json"),
    # a quoted target named by a variable the script sets once
    (f'F=/tmp/p.json\ncat > "$F" <<EOF\n{PASS}\nEOF', "file://$F"),
    # echo into a file
    (f"echo '{PASS}' > p.json", "file://p.json"),
    # a variable holding the JSON
    (f"P='{PASS}'", '"$P"'),
    # a here-document inside the command's own substitution
    (None, f'"$(cat <<EOF\n{PASS}\nEOF\n)"'),
])
def test_where_a_document_goes_the_way_the_shell_sends_it(lint, written, used):
    text = (written + "\n" if written else "") + \
        f"aws iam put-role-policy --role-name ci --policy-name pass --policy-document {used}\n" + \
        f"aws iam put-role-policy --role-name ci --policy-name jobs --policy-document '{JOBS}'\n"
    res = lint(text, "setup.sh", select=["SM301"])
    assert [f.code for f in res] == ["SM301"], text
    assert res[0].message.startswith("role ci may pass any role")


def test_a_reused_file_holds_the_document_last_written_to_it(lint):
    trust = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": '
             '"sagemaker.amazonaws.com"}, "Action": "sts:AssumeRole"}]}')
    text = (f"cat > /tmp/doc.json <<EOF\n{trust}\nEOF\n"
            "aws iam create-role --role-name ml --assume-role-policy-document file:///tmp/doc.json\n"
            f"cat > /tmp/doc.json <<EOF\n{PASS}\nEOF\n"
            "aws iam put-role-policy --role-name ml --policy-name p --policy-document file:///tmp/doc.json\n")
    # the permissions policy is not taken for a trust policy (no LP002, IAM208), and is checked
    assert [f.code for f in lint(text, "setup.sh", select=["LP002", "IAM208", "IAM301"])] == ["IAM301"]


def test_create_policy_then_attach_by_arn_eksctl_and_iot(lint):
    text = (f"aws iam create-policy --policy-name jobs --policy-document '{JOBS}'\n"
            "aws iam attach-role-policy --role-name ci --policy-arn arn:aws:iam::123456789012:policy/jobs\n"
            f"aws iam put-role-policy --role-name ci --policy-name pass --policy-document '{PASS}'\n"
            "eksctl create iamserviceaccount --name sa --attach-policy-arn="
            "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess,arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess\n"
            "aws iot create-policy --policy-name gg --policy-document "
            '\'{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iot:AssumeRoleWithCertificate", '
            '"Resource": "*"}]}\'\n')
    got = [(f.code, f.span.line, f.span.col) for f in lint(text, "setup.sh", select=["SM301", "SM105", "IAM101"])]
    assert got == [("SM301", 3, text.split("\n")[2].index('"iam:PassRole"') + 1),
                   ("SM105", 4, text.split("\n")[3].index("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess") + 1)]


def test_a_policy_arn_captured_from_create_policy_attaches_that_policy(lint):
    text = (f"cat > jobs.json <<'J'\n{JOBS}\nJ\n"
            "POLICY_ARN=$(aws iam create-policy --policy-name jobs --policy-document file://jobs.json "
            "--query Policy.Arn --output text)\n"
            "export OTHER=$(aws iam create-policy --policy-name jobs --policy-document file://jobs.json | jq -r .Policy.Arn)\n"
            'aws iam attach-role-policy --role-name ci --policy-arn "$POLICY_ARN"\n'
            f"aws iam put-role-policy --role-name ci --policy-name pass --policy-document '{PASS}'\n"
            'aws iam attach-user-policy --user-name "$ME" --policy-arn "${OTHER}"\n')
    got = lint(text, "setup.sh", select=["SM301", "KEY407"])
    lines = text.split("\n")
    assert [(f.code, f.span.line, f.span.col) for f in got] == [
        ("KEY407", 2, lines[1].index('[{') + 2),  # the statement of the policy attached to the user
        ("SM301", 7, lines[6].index('"iam:PassRole"') + 1)]
    by = {f.code: f for f in got}
    assert by["SM301"].message.startswith("role ci may pass any role")
    # the user's name as the script writes it, once
    assert by["KEY407"].message.startswith("IAM user $ME is granted SageMaker actions directly")


def test_ci_definitions_steps_are_read_as_shell(lint):
    doc = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sagemaker:CreateTrainingJob",'
           '"iam:PassRole"],"Resource":"*"}]}')
    workflow = ("name: bootstrap\non: workflow_dispatch\njobs:\n  iam:\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - uses: actions/checkout@v4\n      - name: role\n        run: |\n"
                "          aws iam put-role-policy --role-name ml-train --policy-name sm \\\n"
                f"            --policy-document '{doc}'\n")
    res = lint(workflow, ".github/workflows/bootstrap.yml", select=["SM301"])
    line = workflow.split("\n")[10]
    assert [(f.code, f.span.line, f.span.col) for f in res] == [("SM301", 11, line.index('"iam:PassRole"') + 1)]
    assert res[0].message.startswith("role ml-train may pass any role")
    buildspec = f"version: 0.2\nphases:\n  build:\n    commands:\n      - echo hi\n      - aws iam put-role-policy --role-name ci --policy-name p --policy-document '{doc}'\n"
    assert [f.code for f in lint(buildspec, "buildspec.yml", select=["SM301"])] == ["SM301"]
    gitlab = f"deploy:\n  stage: deploy\n  script:\n    - aws iam put-role-policy --role-name ci --policy-name p --policy-document '{doc}'\n"
    assert [f.code for f in lint(gitlab, ".gitlab-ci.yml", select=["SM301"])] == ["SM301"]
    # a workflow that runs no IAM command is not read (and a broken one is not reported)
    assert lint("jobs:\n  t:\n    steps:\n      - run: pytest -q\n", ".github/workflows/ci.yml") == []


def test_a_command_only_where_a_command_starts(lint):
    """`echo Run: aws iam attach-role-policy ...` prints advice: not a command it runs."""
    text = ("echo Run: aws iam attach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n"
            "echo --attach-policy-arn=arn:aws:iam::aws:policy/AdministratorAccess\n"
            "AWS_PROFILE=ml aws iam attach-role-policy --role-name r --policy-arn "
            "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess\n"
            "if true; then aws iam attach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/PowerUserAccess; fi\n"
            "true && aws iam attach-role-policy --role-name r --policy-arn arn:aws:iam::aws:policy/AmazonSageMakerFullAccess\n")
    assert [(f.code, f.span.line) for f in lint(text, "setup.sh", select=["SM105"])] == [
        ("SM105", 3), ("SM105", 4), ("SM105", 5)]


TRUST_FILE = ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",\n'
              ' "Principal": {"Service": "sagemaker.amazonaws.com"}}]}\n')
PASS_FILE = ('{"Version": "2012-10-17", "Statement": [\n'
             '  {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},\n'
             '  {"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", "Resource": "*"}]}\n')


def _committed_layout(tmp_path, script_dir: str, prefix: str) -> str:
    (tmp_path / "policies").mkdir()
    (tmp_path / "policies" / "trust.json").write_text(TRUST_FILE)
    (tmp_path / "policies" / "pass.json").write_text(PASS_FILE)
    script = (f"ROLE=ml-exec\n"
              f"aws iam create-role --role-name $ROLE --assume-role-policy-document file://{prefix}policies/trust.json\n"
              f"aws iam put-role-policy --role-name \"$ROLE\" --policy-name jobs \\\n"
              f"    --policy-document file://{prefix}policies/pass.json\n")
    path = tmp_path / script_dir / "setup.sh"
    path.parent.mkdir(exist_ok=True)
    path.write_text(script)
    return str(path.relative_to(tmp_path))


@pytest.mark.parametrize("script_dir,prefix", [
    (".", ""),  # beside the policies' directory
    ("scripts", ""),  # run from the repository's root
    (".", "$(pwd)/"), (".", "./"), ("scripts", "${ROOT_DIR}/"),
])
def test_a_committed_policy_file_is_the_commands_principals(tmp_path, monkeypatch, script_dir, prefix):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    script = _committed_layout(tmp_path, script_dir, prefix)
    res = run([script], Options(select=["SM301", "IAM301"])).findings
    # reported in the policy file, at its own lines and columns, for the role the script makes
    assert [(f.code, f.file, f.span.line, f.span.col) for f in res] == [
        ("IAM301", "policies/pass.json", 2, 33), ("SM301", "policies/pass.json", 2, 33)]
    assert res[1].message.startswith("role ml-exec may pass any role")
    assert [(r.file, r.span.line) for r in res[1].related] == [("policies/pass.json", 3)]


def test_a_committed_policy_file_linted_alone_finds_the_script_beside_it(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    _committed_layout(tmp_path, ".", "")
    alone = run(["policies/pass.json"], Options(select=["SM301"])).findings
    both = run(["."], Options(select=["SM301"])).findings
    assert [(f.file, f.span.line, f.message[:30]) for f in alone] == \
        [(f.file, f.span.line, f.message[:30]) for f in both] == [("policies/pass.json", 2, "role ml-exec may pass any role")]


def test_file_names_the_script_cannot_reach_are_not_read(tmp_path, monkeypatch):
    from linter.engine import Options, run

    (tmp_path / "outside.json").write_text(PASS_FILE)
    (tmp_path / "repo" / ".git").mkdir(parents=True)  # the repository is the tree being linted
    monkeypatch.chdir(tmp_path / "repo")
    (tmp_path / "repo" / "setup.sh").write_text(
        "aws iam put-role-policy --role-name r --policy-name p --policy-document file://../outside.json\n"
        f"aws iam put-role-policy --role-name r --policy-name p --policy-document file://{tmp_path}/outside.json\n"
        "aws iam put-role-policy --role-name r --policy-name p --policy-document file://$UNKNOWN/outside.json\n"
        "aws iam put-role-policy --role-name r --policy-name p --policy-document file://missing.json\n")
    # a file above the repository is never read, whatever the script names
    assert run(["setup.sh"], Options(select=["IAM301", "SM301"])).findings == []


GRANTS = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sagemaker:*", "iam:PassRole"], "Resource": "*"}]}'


@pytest.mark.parametrize("command,role", [
    (f"aws organizations create-policy --name ml --type SERVICE_CONTROL_POLICY --content '{GRANTS}'", "organization"),
    (f"aws organizations update-policy --policy-id p-1 --content '{GRANTS}'", "organization"),
    (f"aws ec2 create-vpc-endpoint --vpc-id vpc-1 --service-name com.amazonaws.us-east-1.sagemaker.api "
     f"--policy-document '{GRANTS}'", "endpoint"),
    (f"aws sts assume-role --role-arn arn:aws:iam::123456789012:role/x --role-session-name s --policy '{GRANTS}'",
     "session"),
])
def test_the_api_that_receives_a_document_decides_its_role(lint, command, role):
    from linter import sources

    # a document that caps or guards grants nothing: no wildcard, PassRole or escalation finding
    assert lint(command + "\n", "setup.sh", select=["SM", "IAM3"]) == []
    assert [d.role for d in sources.load("setup.sh", "setup.sh").documents] == [role]


def test_a_policy_made_by_the_script_and_given_as_a_boundary(lint):
    from linter import sources

    text = (f"aws iam create-policy --policy-name ds-cap --policy-document '{GRANTS}'\n"
            "aws iam put-role-permissions-boundary --role-name ds-exec "
            "--permissions-boundary arn:aws:iam::123456789012:policy/ds-cap\n")
    assert lint(text, "setup.sh", select=["SM", "IAM3"]) == []
    docs = sources.load("setup.sh", "setup.sh").documents
    assert [(d.role, [h.name for h in d.principals]) for d in docs] == [("boundary", ["role ds-exec"])]
