"""Jupyter notebooks: the Python code cells read as one module, positions in the notebook file
(the character inside the cell's JSON string, escapes counted), magics and other languages left out."""
import json

from keygen import key_id

SM = ["SM", "IAM3", "LP"]


def notebook(*cells, language="python", ensure_ascii=True, nbformat=4):
    """A notebook's text, each cell a list of source lines (a str: a markdown cell)."""
    out = []
    for c in cells:
        if isinstance(c, str):
            out.append({"cell_type": "markdown", "metadata": {}, "source": [c]})
        else:
            src = [line + "\n" for line in c[:-1]] + [c[-1]] if c else []
            out.append({"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                        "source": src})
    nb = {"cells": out, "metadata": {"kernelspec": {"language": language, "name": "k"}},
          "nbformat": nbformat, "nbformat_minor": 5}
    return json.dumps(nb, indent=1, ensure_ascii=ensure_ascii)


def where(text, needle, nth=0):
    """(line, column) of the nth ``needle`` in the notebook's text."""
    lines = text.split("\n")
    hits = [(i + 1, line.index(needle) + 1) for i, line in enumerate(lines) if needle in line]
    return hits[nth]


def found(findings):
    return [(f.code, f.span.line, f.span.col) for f in findings]


POLICY_CELL = [
    "policy = {",
    '    "Version": "2012-10-17",',
    '    "Statement": [{"Effect": "Allow", "Action": ["sagemaker:*", "iam:PassRole"], "Resource": "*"}],',
    "}",
]
ATTACH_CELL = ['iam.put_role_policy(RoleName="nb-role", PolicyName="p", PolicyDocument=json.dumps(policy))']


def test_policy_in_a_code_cell_reported_at_the_notebook_line_and_column(lint):
    text = notebook("# Set up", ["!pip install boto3", "%matplotlib inline", "import boto3, json",
                                 'iam = boto3.client("iam")'], POLICY_CELL, ["%%bash", "aws s3 ls"], ATTACH_CELL)
    line, col = where(text, '\\"sagemaker:*')
    pline, pcol = where(text, '\\"iam:PassRole')
    rline, rcol = where(text, '\\"*\\"}]')
    assert found(lint(text, "setup.ipynb", select=["SM101", "SM201", "IAM301", "SM301"])) == [
        ("SM101", line, col), ("IAM301", pline, pcol), ("SM301", pline, pcol), ("SM201", rline, rcol)]


def test_same_findings_as_the_python_file_of_its_cells(lint):
    text = notebook(["import boto3, json", 'iam = boto3.client("iam")'], POLICY_CELL, ATTACH_CELL)
    nb = sorted(f.code for f in lint(text, "a.ipynb", select=SM))
    code = "\n".join(["import boto3, json", 'iam = boto3.client("iam")', *POLICY_CELL, *ATTACH_CELL]) + "\n"
    assert nb == sorted(f.code for f in lint(code, "a.py", select=SM))
    assert nb  # the policy is read


def test_columns_count_escapes_and_non_ascii(lint):
    cell = ['p = {"Version": "2012-10-17", "Statement": [{"Sid": "caf\u00e9 \\t x", "Effect": "Allow",',
            '      "Action": "sagemaker:Create*", "Resource": "*"}]}']
    for ensure_ascii in (True, False):
        text = notebook(cell, ensure_ascii=ensure_ascii)
        sid = where(text, '\\"caf')
        act = where(text, '\\"sagemaker:Create*')
        got = found(lint(text, "esc.ipynb", select=["LP002", "SM102"]))
        assert got == [("LP002", *sid), ("SM102", *act)], ensure_ascii


def test_source_written_as_one_string(lint):
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "outputs": [],
                     "source": 'import json\nd = {"Statement": [{"Effect": "Allow",\n'
                               '  "Action": "sagemaker:*", "Resource": "*"}]}\n'}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 2}
    text = json.dumps(nb)
    line, _ = where(text, "sagemaker:*")
    col = text.split("\n")[line - 1].index('\\"sagemaker:*') + 1
    assert found(lint(text, "one.ipynb", select=["SM101"])) == [("SM101", line, col)]


def test_cells_that_are_not_python_are_left_out_and_the_rest_read(lint):
    text = notebook(["x = = 1"], ["files = !ls", "if True:", "    %time y = 1"], POLICY_CELL)
    assert [f.code for f in lint(text, "mixed.ipynb", select=["SM101", "LP001"])] == ["SM101"]


def test_other_languages_checkpoints_and_notebooks_without_policies(lint, tmp_path):
    assert lint(notebook(POLICY_CELL, language="R"), "r.ipynb", select=SM) == []
    assert lint(notebook(POLICY_CELL), ".ipynb_checkpoints/a-checkpoint.ipynb", select=SM) == []
    assert lint(notebook(["print('no policy here')"]), "plain.ipynb") == []
    assert lint('{"cells": [', "broken.ipynb") == []  # a broken notebook is no policy source
    text = notebook(['d = {"Statement": "not a policy"}', "x = = 1"], "text")
    assert lint(text, "other.ipynb") == []  # the marker, no policy; a cell that does not parse


def test_markdown_cells_are_documentation(lint):
    md = "```json\n" + json.dumps({"Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]})
    assert lint(notebook(md, ["x = 1"]), "doc.ipynb", select=SM) == []


def test_suppression_comment_on_its_own_line_applies_to_the_next_line(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)

    def run_in(text, name):
        (tmp_path / name).write_text(text)
        return run([name], Options(select=["SM101", "LP100"]))

    cell = ['p = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",',
            "    # lint-policies: ignore[SM101] -- demo role, deleted after the workshop",
            '    "Action": "sagemaker:*", "Resource": "arn:aws:sagemaker:us-east-1:123456789012:model/x"}]}']
    text = notebook(cell)
    res = run_in(text, "s.ipynb")
    assert found(res.findings) == [] and [f.code for f in res.suppressed] == ["SM101"]
    same = ['p = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Resource": "*",',
            '    "Action": "sagemaker:*"}]}  # lint-policies: ignore[SM101] -- demo']
    res = run_in(notebook(same), "t.ipynb")
    assert found(res.findings) == [] and [f.code for f in res.suppressed] == ["SM101"]


def test_credentials_anywhere_in_the_notebook_still_found(lint):
    kid = key_id("notebook")
    text = notebook(POLICY_CELL, [f'sm = boto3.client("sagemaker", aws_access_key_id="{kid}")'])
    res = lint(text, "k.ipynb", select=["KEY401"])
    assert found(res) == [("KEY401", *where(text, kid))]
    assert all(kid not in f.message for f in res)


def test_format_3_worksheets(lint):
    nb = {"worksheets": [{"cells": [{"cell_type": "code", "language": "python",
                                     "input": ['d = {"Statement": [{"Effect": "Allow", "Action": "sagemaker:*",'
                                               ' "Resource": "*"}]}']}]}],
          "metadata": {}, "nbformat": 3}
    assert [f.code for f in lint(json.dumps(nb, indent=1), "v3.ipynb", select=["SM101"])] == ["SM101"]


def test_every_truncation_and_stray_character_is_read_without_an_internal_error(tmp_path, monkeypatch):
    from linter.engine import Options, run

    monkeypatch.chdir(tmp_path)
    text = notebook(["!pip install boto3", "import json"], POLICY_CELL, ["%%bash", "ls"], ATTACH_CELL)
    texts = [text[:i] for i in range(0, len(text), 13)]
    texts += [text[:i] + ch + text[i:] for i in range(0, len(text), 41) for ch in ('"', "\\", "{", "\u00e9")]
    for k, t in enumerate(texts):
        (tmp_path / f"n{k}.ipynb").write_text(t)
    res = run(["."], Options(select=["LP000", "SM", "IAM"]))
    assert res.findings
    assert [f for f in res.findings if f.code == "LP000"] == []


def test_shell_cells_bang_lines_and_writefile_cells_are_read_by_the_shell_reader(lint):
    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:*", "Resource": "*"}]}'
    text = notebook(
        ["%%writefile sm-policy.json", policy],
        ["%%bash", "cat <<EOF > pass.json",
         '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}',
         "EOF", "aws iam put-role-policy --role-name kfp --policy-name p --policy-document file://pass.json"],
        ["import os", "!aws iam put-role-policy --role-name kfp --policy-name sm \\",
         "    --policy-document file://sm-policy.json",
         "!aws iam attach-role-policy --role-name kfp --policy-arn arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
         "sagemaker.Session?", "x = 1"])
    res = lint(text, "setup.ipynb", select=["SM101", "SM301", "SM105"])
    assert [(f.code, f.span.line, f.span.col) for f in res] == [
        ("SM101", *where(text, '\\"sagemaker:*')),
        ("SM301", *where(text, '\\"iam:PassRole')),
        ("SM105", *where(text, "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")),
    ]
    assert next(f for f in res if f.code == "SM301").message.startswith("role kfp may pass any role")


def test_a_name_rebound_in_a_later_cell_is_the_policy_of_the_call_after_it(lint):
    text = notebook(
        ["import boto3, json", 'iam = boto3.client("iam")'],
        ['policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": '
         '["sagemaker:CreateTrainingJob"], "Resource": "*"}]}',
         'iam.put_role_policy(RoleName="trainer", PolicyName="t", PolicyDocument=json.dumps(policy))'],
        ['policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", '
         '"Resource": "*"}]}',
         'iam.put_role_policy(RoleName="trainer", PolicyName="p", PolicyDocument=json.dumps(policy))'],
        ['policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": '
         '["sagemaker:CreateProcessingJob"], "Resource": "*"}]}',
         'iam.put_role_policy(RoleName="other", PolicyName="o", PolicyDocument=json.dumps(policy))'])
    res = lint(text, "roles.ipynb", select=["SM301"])
    assert [(f.code, f.span.line) for f in res] == [("SM301", where(text, '\\"iam:PassRole')[0])]
    assert res[0].message.startswith("role trainer may pass any role")
    assert "CreateTrainingJob" in res[0].message and "CreateProcessingJob" not in res[0].message


def test_python_cell_magics_and_a_policy_attached_from_create_policys_response(lint):
    text = notebook(
        ["%%time", "import boto3, json", 'iam = boto3.client("iam")',
         'jobs = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateTrainingJob", '
         '"Resource": "*"}]}',
         'iam.put_role_policy(RoleName="cp-role", PolicyName="j", PolicyDocument=json.dumps(jobs))'],
        ["%%capture",
         'p = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}',
         'resp = iam.create_policy(PolicyName="pass", PolicyDocument=json.dumps(p))',
         'iam.attach_role_policy(RoleName="cp-role", PolicyArn=resp["Policy"]["Arn"])',
         'iam.attach_role_policy(RoleName="cp-role", PolicyArn="arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")'])
    res = lint(text, "setup.ipynb", select=["SM301", "SM105"])
    assert [(f.code, f.span.line) for f in res] == [("SM301", where(text, '\\"iam:PassRole')[0]),
                                                    ("SM105", where(text, "AmazonSageMakerFullAccess")[0])]
    assert res[0].message.startswith("role cp-role may pass any role")
    assert res[1].label == "role cp-role: attach_role_policy(PolicyArn)"
