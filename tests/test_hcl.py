"""The HCL parser (tree-sitter) and its located evaluation: values, spans, errors, depth."""
from __future__ import annotations

import pytest

from linter.located import LDict, LList, LScalar, LStr, ParseError, Span, Unresolved
from linter.parsers import hcl


def attrs(text):
    return {k: a.value for k, a in hcl.parse(text).attributes.items()}


def test_string_values_and_spans():
    v = attrs('a = "x y  "\nb = ""\nc = "q\\"\\n\\\\\\u00e9"\n')
    assert v["a"] == "x y  " and isinstance(v["a"], LStr)
    assert v["a"].span == Span(1, 5, 1, 12)  # quotes included, trailing spaces kept
    assert v["b"] == "" and v["b"].span == Span(2, 5, 2, 7)
    assert v["c"] == 'q"\n\\é'
    assert v["c"].span == Span(3, 5, 3, 20)


def test_escaped_interpolation_is_literal():
    v = attrs('a = "$${aws:username} %%{x}"\n')
    assert v["a"] == "${aws:username} %{x}"


def test_template_keeps_interpolation_as_placeholder_text():
    v = attrs('r = "arn:aws:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:notebook-instance/x"\n')
    assert v["r"] == "arn:aws:sagemaker:${var.region}:${data.aws_caller_identity.current.account_id}:notebook-instance/x"
    assert v["r"].span == Span(1, 5, 1, 5 + len(v["r"]) + 2)


def test_single_interpolation_is_the_expression():
    v = attrs('a = "${var.x}"\nb = "${"lit"}"\n')
    assert isinstance(v["a"], Unresolved) and v["a"].text == "var.x" and v["a"].kind == "reference"
    assert v["a"].span == Span(1, 5, 1, 15)
    assert v["b"] == "lit" and v["b"].span == Span(2, 5, 2, 15)


def test_template_directive_is_unresolved():
    v = attrs('a = "x%{ if var.y }*%{ endif }"\n')
    assert isinstance(v["a"], Unresolved) and v["a"].kind == "template"


def test_scalars_tuples_objects():
    v = attrs('n = 12\nf = -2.5\nt = true\nz = null\nl = ["a", 1, [false]]\n'
              'o = { A = 1, "b-c" = { x = "y" }, (var.k) = 2 }\n')
    assert isinstance(v["n"], LScalar) and v["n"].value == 12 and v["n"].span == Span(1, 5, 1, 7)
    assert v["f"].value == -2.5 and v["f"].span == Span(2, 5, 2, 9)
    assert v["t"].value is True and v["z"].value is None
    lst = v["l"]
    assert isinstance(lst, LList) and lst.span == Span(5, 5, 5, 22)
    assert lst[0] == "a" and lst[1].value == 1 and lst[2][0].value is False
    assert lst[2].span == Span(5, 14, 5, 21)
    o = v["o"]
    assert isinstance(o, LDict) and list(o) == ["A", "b-c", "${var.k}"]
    assert o.key_spans["A"] == Span(6, 7, 6, 8)
    assert o.key_spans["b-c"] == Span(6, 14, 6, 19)
    assert o["b-c"]["x"] == "y" and o["b-c"]["x"].span == Span(6, 28, 6, 31)


def test_duplicate_object_keys_are_recorded():
    o = attrs('o = { a = 1, a = 2 }\n')["o"]
    assert o["a"].value == 2 and o.duplicates == [("a", Span(1, 14, 1, 15))]


@pytest.mark.parametrize("expr,kind", [
    ("var.notebook_arn", "reference"),
    ("local.x", "reference"),
    ("aws_iam_role.r.arn", "reference"),
    ("aws_iam_role.r[0].arn", "reference"),
    ("aws_iam_role.r.*.arn", "splat"),
    ("merge(var.a, {b = 1})", "call"),
    ("jsonencode({a = 1})", "call"),
    ("[for x in var.l : x]", "for"),
    ("var.a ? \"*\" : \"x\"", "conditional"),
    ("1 + 2", "operation"),
])
def test_expressions_needing_evaluation_are_unresolved(expr, kind):
    v = attrs(f"a = {expr}\n")["a"]
    assert isinstance(v, Unresolved), v
    assert v.kind == kind and v.text == expr
    assert v != "*" and v.span == Span(1, 5, 1, 5 + len(expr))


def test_format_with_literal_pattern():
    v = attrs('a = format("arn:%s:iam::aws:policy/%s", data.aws_partition.p.partition, "AmazonSageMakerFullAccess")\n'
              'b = format("%08.3f", 1)\n')
    assert v["a"] == "arn:${data.aws_partition.p.partition}:iam::aws:policy/AmazonSageMakerFullAccess"
    assert isinstance(v["b"], Unresolved) and v["b"].kind == "call"


def test_value_preserving_calls():
    v = attrs('a = concat(["sagemaker:Describe*"], var.more)\nb = toset(["x"])\nc = concat(var.a, "x")\n')
    assert v["a"][0] == "sagemaker:Describe*" and v["a"][0].span == Span(1, 13, 1, 34)
    assert isinstance(v["a"][1], Unresolved) and v["a"][1].text == "var.more"
    assert v["b"] == ["x"]
    assert isinstance(v["c"], Unresolved) and v["c"].kind == "call"


def test_heredoc_multiline():
    text = 'p = <<EOT\n{\n  "a": "b ${var.x}"\n}\nEOT\n'
    doc = hcl.parse(text)
    v = doc.attributes["p"].value
    assert v == '{\n  "a": "b ${var.x}"\n}\n'
    assert v.span == Span(1, 5, 5, 4)
    tpl = hcl.template(doc.attributes["p"].node, doc.pos)
    assert tpl.specials == [(12, 20, "interp", "${var.x}")]
    # offsets in the value map back into the file
    off = tpl.text.index('"b ')
    assert doc.pos.index.pos(tpl.omap(off)) == (3, 8)


def test_indented_heredoc_strips_common_indentation():
    text = 'x {\n  p = <<-EOT\n    {\n      "k": "v"\n    }\n    EOT\n}\n'
    doc = hcl.parse(text)
    a = doc.blocks[0].attributes["p"]
    assert a.value == '{\n  "k": "v"\n}\n'
    tpl = hcl.template(a.node, doc.pos)
    off = tpl.text.index('"v"')
    assert doc.pos.index.pos(tpl.omap(off)) == (4, 12)


def test_indented_heredoc_strips_the_smallest_indentation_not_the_first_lines():
    # Terraform: "<<-" removes the indentation of the least indented line, wherever it is
    text = 'p = <<-EOT\n      first\n    second\n        third\n    EOT\n'
    assert attrs(text)["p"] == "  first\nsecond\n    third\n"


def test_quoted_template_keeps_literal_percent_and_dollar():
    # only a backslash starts an escape; a "%" or "$" not followed by "{" is itself
    assert attrs('a = "${var.p}: 100% of $5 \\u0041"\n')["a"] == "${var.p}: 100% of $5 A"


def test_empty_heredoc():
    assert attrs("a = <<EOT\nEOT\n")["a"] == ""


def test_blocks_labels_and_comments():
    text = ('# top\nresource "aws_iam_policy" "p" { // trailing\n  name = "n"\n  /* c */\n'
            '  inline { x = 1 }\n}\n')
    doc = hcl.parse(text)
    b = doc.blocks[0]
    assert b.type == "resource" and b.labels == ["aws_iam_policy", "p"]
    assert b.labels[1].span == Span(2, 27, 2, 30)
    assert b.span == Span(2, 1, 6, 2) and b.type_span == Span(2, 1, 2, 9)
    assert b.attributes["name"].name_span == Span(3, 3, 3, 7)
    assert b.blocks[0].type == "inline" and b.blocks[0].attributes["x"].value.value == 1
    assert [(str(c), c.span) for c in doc.comments] == [
        ("# top", Span(1, 1, 1, 6)), ("// trailing", Span(2, 33, 2, 44)), ("/* c */", Span(4, 3, 4, 10))]


def test_columns_count_code_points():
    text = 'locals {\n  s = "é—ü" # ünï\n  t = "x"\n}\n'
    doc = hcl.parse(text)
    a = doc.blocks[0].attributes
    assert a["s"].value == "é—ü" and a["s"].value.span == Span(2, 7, 2, 12)
    assert doc.comments[0].span == Span(2, 13, 2, 18)
    assert a["t"].value.span == Span(3, 7, 3, 10)


def test_to_tree_shape():
    text = 'provider "aws" {\n  access_key = "k"\n}\nresource "a" "b" {\n  env = jsonencode({ K = "v" })\n  n { m = 1 }\n}\n'
    tree = hcl.to_tree(hcl.parse(text))
    p = tree["provider"][0]
    assert p["__labels__"] == ["aws"] and p["access_key"] == "k" and p["access_key"].span == Span(2, 16, 2, 19)
    r = tree["resource"][0]
    assert r["env"]["K"] == "v"  # jsonencode is looked through for file-scope scans
    assert r["n"][0]["m"].value == 1


@pytest.mark.parametrize("text,where", [
    ('resource "a" "b" {\n  x = [1, 2\n  y = "z"\n}\n', (3, 3)),   # MISSING "]"
    ('a = "x"\nb = = 2\n', (2, 1)),                          # ERROR node
    ('a {\n', (2, 1)),                                       # unclosed block
])
def test_broken_file_reports_first_error(text, where):
    with pytest.raises(ParseError) as ei:
        hcl.parse(text)
    assert (ei.value.span.line, ei.value.span.col) == where


@pytest.mark.parametrize("text", [
    "a = " + "[" * 10000 + "]" * 10000 + "\n",
    "a = " + "{x = " * 10000 + "1" + "}" * 10000 + "\n",
])
def test_deep_values_do_not_crash(text):
    doc = hcl.parse(text)
    with pytest.raises(ParseError, match="nested too deeply"):
        doc.attributes["a"].value
    tree = hcl.to_tree(doc)  # the whole-file tree degrades to Unresolved instead
    node = tree["a"]
    while isinstance(node, (list, dict)):
        node = node[0] if isinstance(node, list) else node["x"]
    assert isinstance(node, Unresolved) and node.kind == "too-deep"


def test_deep_blocks_are_a_parse_error():
    with pytest.raises(ParseError, match="nested too deeply"):
        hcl.parse("a {" * 10000 + "}" * 10000 + "\n")


def test_blocks_nested_up_to_the_limit_parse():
    from linter.parsers.hcl import MAX_DEPTH

    ok = MAX_DEPTH + 1  # the top-level block and MAX_DEPTH blocks inside it
    hcl.parse("a {\n" * ok + "}\n" * ok)
    with pytest.raises(ParseError, match="blocks are nested too deeply") as e:
        hcl.parse("a {\n" * (ok + 1) + "}\n" * (ok + 1))
    assert e.value.span == Span(ok + 1, 1, ok + 1, 2)  # the first block past the limit


def test_scan_template_text():
    tpl = hcl.scan_template_text('{"a": "${x}", "b": ${jsonencode({k = "}"})}, "c": "$${d}"}')
    assert tpl.text == '{"a": "${x}", "b": ${jsonencode({k = "}"})}, "c": "${d}"}'
    assert [s[3] for s in tpl.specials] == ["${x}", '${jsonencode({k = "}"})}']


def test_a_broken_files_errors_are_each_reported_once(monkeypatch):
    """The error of the whole file and the same error found again in the piece that holds it are
    one error, even when tree-sitter ends them differently (an ERROR node of one character in the
    whole file, a zero-width MISSING node in the piece, as a real module showed)."""
    text = 'a = 1\nb = {\n  iam:PassedToService = "x"\n}\nc = 2\n'
    real = hcl._first_error
    calls = []

    def first_error(root, pos):
        err = real(root, pos)
        calls.append(err)
        if len(calls) == 1:  # the whole file: the same place, one character wide
            sp = err.span
            return ParseError(err.message, Span(sp.line, sp.col, sp.end_line, sp.col + 1))
        return err

    monkeypatch.setattr(hcl, "_first_error", first_error)
    errors = hcl.parse(text, recover=True).errors
    assert [(e.span.line, e.span.col, e.message) for e in errors] == [(3, 23, "syntax error: unexpected '='")]
