"""The located YAML parser: spans, CloudFormation short forms, limits, comments."""

import pytest

from linter.located import LDict, LList, LStr, ParseError, Span, plain
from linter.parsers.yaml_loc import (MAX_ALIAS_NODES, MAX_DEPTH, YAMLLimitError, YScalar, parse_yaml,
                                     parse_yaml_stream, scan_comments)


def test_spans_are_one_based_and_end_exclusive():
    t = parse_yaml('Effect: Allow\nAction: "sagemaker:*"\nResource:\n  - arn:aws:s3:::b\n')
    assert t.key_spans["Effect"] == Span(1, 1, 1, 7)
    assert t["Effect"].span == Span(1, 9, 1, 14)
    assert t["Action"].span == Span(2, 9, 2, 22)  # quotes included
    assert t["Resource"].span == Span(4, 3, 4, 19)
    assert t["Resource"][0].span == Span(4, 5, 4, 19)
    assert t.span == Span(1, 1, 4, 19)  # a block collection ends where its last node ends


def test_columns_count_code_points_and_crlf_is_one_break():
    t = parse_yaml('a: "ü😀"\r\nb: !Ref  x\r\n')
    assert t["a"].span == Span(1, 4, 1, 8)
    assert t["b"].span == Span(2, 4, 2, 11)
    assert t["b"]["Ref"].span == Span(2, 10, 2, 11)


SHORT = """\
A: !Ref Role
B: !Sub "arn:${AWS::Partition}:s3:::b"
C: !Sub ["arn:${P}:s3:::${B}", {B: !Ref Bucket}]
D: !GetAtt Role.Arn
E: !GetAtt [Role, Arn]
F: !Join ["", [a, !Ref B]]
G: !If [IsProd, x, !Ref AWS::NoValue]
H: !Select [0, !GetAZs ""]
I: !Split [",", !ImportValue Out]
J: !FindInMap [M, K, V]
K: !Base64 text
L: !Cidr [10.0.0.0/16, 6, 5]
M: !Equals [!Ref Env, prod]
N: !And [!Condition A, !Not [!Condition B]]
O: !Or [!Condition A, !Condition B]
P: !Transform {Name: AWS::Include, Parameters: {Location: s3://b/k}}
"""

LONG = """\
A: {Ref: Role}
B: {"Fn::Sub": "arn:${AWS::Partition}:s3:::b"}
C: {"Fn::Sub": ["arn:${P}:s3:::${B}", {B: {Ref: Bucket}}]}
D: {"Fn::GetAtt": [Role, Arn]}
E: {"Fn::GetAtt": [Role, Arn]}
F: {"Fn::Join": ["", [a, {Ref: B}]]}
G: {"Fn::If": [IsProd, x, {Ref: AWS::NoValue}]}
H: {"Fn::Select": [0, {"Fn::GetAZs": ""}]}
I: {"Fn::Split": [",", {"Fn::ImportValue": Out}]}
J: {"Fn::FindInMap": [M, K, V]}
K: {"Fn::Base64": text}
L: {"Fn::Cidr": [10.0.0.0/16, 6, 5]}
M: {"Fn::Equals": [{Ref: Env}, prod]}
N: {"Fn::And": [{Condition: A}, {"Fn::Not": [{Condition: B}]}]}
O: {"Fn::Or": [{Condition: A}, {Condition: B}]}
P: {"Fn::Transform": {Name: AWS::Include, Parameters: {Location: s3://b/k}}}
"""


def test_short_forms_give_the_long_form_tree():
    assert plain(parse_yaml(SHORT)) == plain(parse_yaml(LONG))


def test_short_form_spans_tag_and_value():
    t = parse_yaml('R: !Sub "arn:${AWS::Partition}:s3:::b"\nG: !GetAtt Role.Arn\nQ: !GetAtt "Q.Arn"\n')
    sub = t["R"]
    assert isinstance(sub, LDict) and list(sub) == ["Fn::Sub"]
    assert sub.span == Span(1, 4, 1, 39)  # the whole tagged node
    assert sub.key_spans["Fn::Sub"] == Span(1, 4, 1, 8)  # the tag
    assert sub["Fn::Sub"].span == Span(1, 9, 1, 39)  # the string after the tag
    res, attr = t["G"]["Fn::GetAtt"]
    assert (res, res.span, attr, attr.span) == ("Role", Span(2, 12, 2, 16), "Arn", Span(2, 17, 2, 20))
    assert t["Q"]["Fn::GetAtt"][0].span == Span(3, 13, 3, 14)  # inside the quotes


def test_tagged_block_collection():
    t = parse_yaml("X: !If\n  - Cond\n  - a\n  - b\nY: 1\n")
    assert t["X"].key_spans["Fn::If"] == Span(1, 4, 1, 7)
    assert t["X"]["Fn::If"].span == Span(2, 3, 4, 6)
    assert plain(t["X"]) == {"Fn::If": ["Cond", "a", "b"]}


def test_plain_scalars_resolve_as_yaml_1_1_but_dates_stay_strings():
    t = parse_yaml("v: 2012-10-17\nacct: 012345678901\nn: 42\no: 0o17\nb: yes\nz: ~\nf: 1.5\nq: '42'\n")
    assert t["v"] == "2012-10-17" and isinstance(t["v"], LStr)
    assert t["acct"] == "012345678901"  # 8 and 9 are not octal digits: a string
    assert isinstance(t["n"], YScalar) and t["n"].value == 42 and t["n"].text == "42"
    assert t["b"].value is True and t["b"].text == "yes"
    assert t["z"].value is None
    assert t["f"].value == 1.5
    assert isinstance(t["q"], LStr) and t["q"] == "42"


def test_keys_are_strings():
    t = parse_yaml("1: a\ntrue: b\n? [x, y]\n: c\n")
    assert set(t) == {"1", "true", "['x', 'y']"}


def test_duplicate_keys_are_recorded_last_wins():
    t = parse_yaml("a: 1\nb: 2\na: 3\n")
    assert t["a"].value == 3
    assert t.duplicates == [("a", Span(3, 1, 3, 2))]
    assert t.key_spans["a"] == Span(3, 1, 3, 2)


def test_explicit_tags_decide_the_type():
    t = parse_yaml("a: !!str 10\nb: !!float 10\nc: !!int 10\nd: !!str true\n")
    assert [(type(t[k]).__name__, plain(t[k])) for k in "abcd"] == [
        ("LStr", "10"), ("YScalar", 10.0), ("YScalar", 10), ("LStr", "true")]
    assert isinstance(plain(t["b"]), float)


def test_a_quoted_merge_key_is_an_ordinary_key():
    t = parse_yaml('base: &b {x: 1}\nd:\n  "<<": *b\n  y: 3\n')
    assert plain(t["d"]) == {"<<": {"x": 1}, "y": 3}


def test_merge_keys():
    t = parse_yaml("base: &b {x: 1, y: 2}\nd:\n  <<: *b\n  y: 3\n")
    assert plain(t["d"]) == {"x": 1, "y": 3}


def test_aliases_share_the_anchor_value():
    t = parse_yaml("a: &r !Ref Role\nb: *r\n")
    assert t["b"] is t["a"]


def test_multiple_documents():
    docs = parse_yaml_stream("a: 1\n---\nb: 2\n---\n")
    assert [plain(d) for d in docs] == [{"a": 1}, {"b": 2}, None]


def test_unknown_alias_is_a_parse_error():
    with pytest.raises(ParseError) as e:
        parse_yaml("a: *nope\n")
    assert e.value.span == Span(1, 4, 1, 9)


def test_syntax_error_points_at_the_problem():
    with pytest.raises(ParseError) as e:
        parse_yaml("a: b\n  c: d\n")
    assert e.value.message.startswith("YAML syntax error")
    assert (e.value.span.line, e.value.span.col) == (2, 4)


def billion_laughs(levels=9):
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    prev = "a"
    for name in "bcdefghijklmnop"[:levels - 1]:
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
        prev = name
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused():
    text = billion_laughs()  # ~600 bytes standing for 9**9 (387 million) strings
    with pytest.raises(YAMLLimitError) as e:
        parse_yaml(text)
    assert "alias bomb" in e.value.message
    assert e.value.span.line <= 6  # stopped early, at the alias that crossed the limit


def test_alias_bomb_budget_counts_expanded_nodes():
    ok = "a: &a [1, 2, 3]\nb: [*a, *a]\n"
    assert plain(parse_yaml(ok)) == {"a": [1, 2, 3], "b": [[1, 2, 3], [1, 2, 3]]}
    with pytest.raises(YAMLLimitError):
        parse_yaml(ok, max_alias_nodes=7)


def test_alias_budget_default_is_100_000_nodes():
    # a collection counts one node plus its contents: the list below stands for 1,000 nodes
    base = "a: &a [" + ", ".join(["x"] * 999) + "]\ns: &s x\n"
    at_limit = base + "b: [" + ", ".join(["*a"] * 100) + "]\n"  # 100,000 nodes through aliases
    assert len(parse_yaml(at_limit)["b"]) == 100
    with pytest.raises(YAMLLimitError) as e:
        parse_yaml(at_limit + "c: *s\n")  # one more
    assert e.value.message == ("YAML aliases expand to more than 100,000 nodes (alias *s alone stands for 1); "
                               "not linted: this looks like an alias bomb")
    assert e.value.span == Span(4, 4, 4, 6)


@pytest.mark.parametrize("text", [
    "[" * 10_000 + "]" * 10_000,
    "- " * 10_000 + "x\n",
    "{a: " * 10_000 + "1" + "}" * 10_000,
    "a:\n" + "".join(" " * (i + 1) + "a:\n" for i in range(1, 2_000)),
])
def test_deep_nesting_is_refused_cleanly(text):
    with pytest.raises(YAMLLimitError) as e:
        parse_yaml(text)
    assert f"more than {MAX_DEPTH} levels" in e.value.message
    assert e.value.span.line >= 1


def test_limits_are_generous_for_real_templates():
    nested = "a:\n" + "".join("  " * i + "b:\n" for i in range(1, 60)) + "  " * 60 + "c\n"
    assert parse_yaml(nested) is not None
    assert MAX_ALIAS_NODES >= 10_000


def test_safe_loading_only():
    t = parse_yaml("x: !!python/object/apply:os.system ['true']\ny: !!binary aGk=\n")
    # No Python object is ever built: unknown tags keep the data as written.
    assert plain(t)["y"] == "aGk="
    assert isinstance(t["x"], (LDict, LList, LStr))


def test_comments_with_spans():
    text = ('# head\na: "x # not a comment"  # trailing\nb: |\n  line # inside a block scalar\n'
            "c: 'it''s # still a string'\n#tail\n")
    hs = []
    parse_yaml_stream(text, hash_spans=hs)
    got = [(str(c), c.span) for c in scan_comments(text, hs)]
    assert got == [("# head", Span(1, 1, 1, 7)), ("# trailing", Span(2, 25, 2, 35)), ("#tail", Span(6, 1, 6, 6))]


def test_comment_scanner_without_a_parse_respects_quotes():
    text = 'a: "x # no" # yes\nb: \'q # no\'\nurl: http://h/#frag\n'
    assert [str(c) for c in scan_comments(text)] == ["# yes"]


def test_comment_scanner_without_a_parse_after_an_apostrophe_in_a_plain_scalar():
    # a quote starts a quoted scalar only where a node starts (after a blank, ":", "-", "[", "{" or ",")
    text = "Description: Bob's role  # a note\nName: 'x' # two\n"
    assert [(str(c), c.span) for c in scan_comments(text)] == [
        ("# a note", Span(1, 26, 1, 34)), ("# two", Span(2, 11, 2, 16))]


def test_a_large_template_parses_whole():
    one = ("  Role{i}:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n"
           "        - PolicyName: p\n          PolicyDocument:\n            Statement:\n"
           "              - Effect: Allow\n                Action: !Sub 'sagemaker:${{A}}'\n"
           "                Resource: !GetAtt R{i}.Arn\n")
    text = "Resources:\n" + "".join(one.format(i=i) for i in range(50))  # ~500 lines
    tree = parse_yaml(text)
    assert len(tree["Resources"]) == 50
    assert tree["Resources"].key_span("Role49").line == 2 + 49 * 10


def test_pure_python_fallback_gives_the_same_tree(monkeypatch):
    import yaml

    import linter.parsers.yaml_loc as yaml_loc

    text = SHORT + 'S: "quoted"\nT: |\n  block\nU: [1, 2]\n'
    expected = parse_yaml(text)
    monkeypatch.setattr(yaml_loc, "_loader_class", lambda: yaml.SafeLoader)
    got = parse_yaml(text)
    assert plain(got) == plain(expected)
    assert [got[k].span for k in got] == [expected[k].span for k in expected]
    with pytest.raises(YAMLLimitError):
        parse_yaml(billion_laughs())
    with pytest.raises(YAMLLimitError):
        parse_yaml("- " * 10_000 + "x\n")
