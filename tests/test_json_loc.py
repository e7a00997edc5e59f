"""Tests for linter.parsers.json_loc: values, exact spans, errors, robustness."""
from __future__ import annotations

import gc
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from linter.located import LDict, LList, LScalar, LStr, ParseError, Span
from linter.parsers import json_loc
from linter.parsers.json_loc import MAX_DEPTH, parse_json

POLICY = """{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["sagemaker:*", "iam:PassRole"],
      "Resource": "*"
    }
  ]
}
"""


# --------------------------------------------------------------------------- helpers

def located(node):
    """The whole located tree as plain data with every span, for comparisons."""
    if isinstance(node, LDict):
        return ("obj", node.span,
                [(k, node.key_spans[k], located(v)) for k, v in node.items()],
                list(node.duplicates))
    if isinstance(node, LList):
        return ("arr", node.span, [located(v) for v in node])
    if isinstance(node, LStr):
        return ("str", node.span, str(node))
    assert isinstance(node, LScalar), type(node)
    return ("scalar", node.span, type(node.value).__name__, node.value)


def raw(text: str, sp: Span) -> str:
    """The text a single-line or multi-line span covers (lines split on \\n)."""
    lines = text.split("\n")
    if text.startswith("\ufeff"):
        lines[0] = lines[0][1:]
    if sp.line == sp.end_line:
        return lines[sp.line - 1][sp.col - 1:sp.end_col - 1]
    parts = [lines[sp.line - 1][sp.col - 1:]]
    parts += lines[sp.line:sp.end_line - 1]
    parts.append(lines[sp.end_line - 1][:sp.end_col - 1])
    return "\n".join(parts)


def check_spans(text: str, node) -> None:
    """Every span covers exactly the literal it belongs to."""
    todo = [node]
    while todo:
        n = todo.pop()
        if isinstance(n, LDict):
            r = raw(text, n.span)
            assert r[0] == "{" and r[-1] == "}", r
            for k, v in n.items():
                assert json.loads(raw(text, n.key_spans[k])) == k
                todo.append(v)
            for k, sp in n.duplicates:
                assert json.loads(raw(text, sp)) == k
        elif isinstance(n, LList):
            r = raw(text, n.span)
            assert r[0] == "[" and r[-1] == "]", r
            todo.extend(n)
        elif isinstance(n, LStr):
            assert n.span.line == n.span.end_line
            assert json.loads(raw(text, n.span)) == str(n)
        else:
            assert json.loads(raw(text, n.span)) == n.value


def error_of(text: str, **kw) -> ParseError:
    with pytest.raises(ParseError) as info:
        parse_json(text, **kw)
    return info.value


# --------------------------------------------------------------------------- values and types

def test_policy_values_and_types():
    tree = parse_json(POLICY)
    assert tree == json.loads(POLICY)
    assert isinstance(tree, LDict)
    assert all(type(k) is str for k in tree)
    stmt = tree["Statement"]
    assert isinstance(stmt, LList) and isinstance(stmt[0], LDict)
    assert isinstance(tree["Version"], LStr)
    assert tree.duplicates == []


def test_scalars():
    tree = parse_json('[1, -2, 3.5, 1e3, -0, true, false, null, 12345678901234567890]')
    assert all(isinstance(v, LScalar) for v in tree)
    assert [v.value for v in tree] == json.loads('[1, -2, 3.5, 1e3, -0, true, false, null, 12345678901234567890]')
    assert [type(v.value) for v in tree] == [int, int, float, float, int, bool, bool, type(None), int]
    assert tree[3].span == Span(1, 14, 1, 17)
    assert tree[5].span == Span(1, 23, 1, 27)
    assert tree[7].span == Span(1, 36, 1, 40)


@pytest.mark.parametrize("text", ['"x"', "1", "-2.5e-3", "true", "null", "[]", "{}", ' \n "top" \n'])
def test_top_level_values(text):
    tree = parse_json(text)
    assert tree == json.loads(text)
    check_spans(text, tree)


# --------------------------------------------------------------------------- exact spans

def test_policy_exact_spans():
    t = parse_json(POLICY)
    assert t.span == Span(1, 1, 10, 2)
    assert t.key_spans["Version"] == Span(2, 3, 2, 12)
    assert t["Version"].span == Span(2, 14, 2, 26)
    assert t.key_spans["Statement"] == Span(3, 3, 3, 14)
    stmts = t["Statement"]
    assert stmts.span == Span(3, 16, 9, 4)
    s0 = stmts[0]
    assert s0.span == Span(4, 5, 8, 6)
    assert s0.key_spans["Effect"] == Span(5, 7, 5, 15)
    assert s0["Effect"].span == Span(5, 17, 5, 24)
    assert s0.key_spans["Action"] == Span(6, 7, 6, 15)
    assert s0["Action"].span == Span(6, 17, 6, 48)
    assert s0["Action"][0].span == Span(6, 18, 6, 31)
    assert s0["Action"][1].span == Span(6, 33, 6, 47)
    assert s0.key_spans["Resource"] == Span(7, 7, 7, 17)
    assert s0["Resource"].span == Span(7, 19, 7, 22)
    check_spans(POLICY, t)


def test_crlf_gives_the_same_spans():
    crlf = POLICY.replace("\n", "\r\n")
    assert located(parse_json(crlf)) == located(parse_json(POLICY))


def test_tabs_count_one_column():
    text = '{\n\t"a":\t"b",\n\t\t"c": [\t1]\n}'
    t = parse_json(text)
    assert t.key_spans["a"] == Span(2, 2, 2, 5)
    assert t["a"].span == Span(2, 7, 2, 10)
    assert t.key_spans["c"] == Span(3, 3, 3, 6)
    assert t["c"].span == Span(3, 8, 3, 12)
    assert t["c"][0].span == Span(3, 10, 3, 11)


def test_bom_is_skipped_and_columns_ignore_it():
    with_bom = "\ufeff" + POLICY
    assert located(parse_json(with_bom)) == located(parse_json(POLICY))
    t = parse_json('\ufeff{"a": "b"}')
    assert t.span == Span(1, 1, 1, 11)
    assert t.key_spans["a"] == Span(1, 2, 1, 5)
    assert t["a"].span == Span(1, 7, 1, 10)
    # Errors on line 1 use the same columns.
    assert error_of('\ufeff{"a" 1}').span == Span(1, 6, 1, 7)


def test_lone_cr_is_not_a_line_break():
    t = parse_json('{"a":\r"b"}')
    assert t["a"].span == Span(1, 7, 1, 10)


def test_escapes_span_the_raw_literal():
    text = '{"u": "\\u0041", "s": "a\\/b", "all": "\\"\\\\\\/\\b\\f\\n\\r\\t", "k\\u00e9y": 1}'
    t = parse_json(text)
    assert t == json.loads(text)
    assert t["u"] == "A" and t["s"] == "a/b"
    assert t["u"].span == Span(1, 7, 1, 15)  # "\u0041" is 8 characters
    assert t["s"].span == Span(1, 22, 1, 28)  # "a\/b" is 6 characters
    assert t["all"] == '"\\/\b\f\n\r\t'
    assert "kéy" in t
    check_spans(text, t)


def test_escaped_quotes_and_backslashes():
    text = '{\n  "a\\"b": "say \\"hi\\"",\n  "c": ["x\\\\", "\\\\"],\n  "d": "e"\n}'
    t = parse_json(text)
    assert t == json.loads(text)
    assert t.key_spans['a"b'] == Span(2, 3, 2, 9)
    assert t['a"b'].span == Span(2, 11, 2, 23)
    assert t["c"][0].span == Span(3, 9, 3, 14)
    assert t["c"][1].span == Span(3, 16, 3, 20)
    assert t["d"].span == Span(4, 8, 4, 11)
    check_spans(text, t)


def test_surrogate_pairs_and_non_bmp_text():
    text = '["\\ud83d\\ude00", "\U0001F600x", "\\ud800", "é"]'
    t = parse_json(text)
    assert t == json.loads(text)
    assert t[0] == "\U0001F600"
    assert t[0].span == Span(1, 2, 1, 16)  # 12 escape characters plus quotes
    assert t[1].span == Span(1, 18, 1, 22)  # one code point is one column
    assert t[2] == "\ud800"
    assert t[3].span == Span(1, 34, 1, 37)
    check_spans(text, t)


def test_duplicate_keys():
    text = '{\n  "a": 1,\n  "b": 2,\n  "a": 3,\n  "a": {"x": 1, "x": 2}\n}'
    t = parse_json(text)
    assert t == json.loads(text)
    assert list(t) == list(json.loads(text))  # same key order
    assert t["a"] == {"x": 2}
    assert t.duplicates == [("a", Span(4, 3, 4, 6)), ("a", Span(5, 3, 5, 6))]
    assert t.key_spans["a"] == Span(5, 3, 5, 6)  # the occurrence whose value was kept
    assert t["a"].duplicates == [("x", Span(5, 17, 5, 20))]
    assert t.key_spans["b"] == Span(3, 3, 3, 6)


def test_empty_containers_and_strings():
    text = '{"a": {}, "b": [], "c": "", "d": [{}, [], ""]}'
    t = parse_json(text)
    assert t == json.loads(text)
    assert t["a"].span == Span(1, 7, 1, 9)
    assert t["b"].span == Span(1, 16, 1, 18)
    assert t["c"].span == Span(1, 25, 1, 27)
    assert t["d"][2].span == Span(1, 43, 1, 45)
    check_spans(text, t)


@pytest.mark.parametrize("text", [
    '[" ", "a"]', '[" "]', '["", " "]', '{"a": " "}', '{"a":" "}', '{"a" : " ", "b": [" ", ""]}',
    '[" \\\\", " "]', '["\\"", " "]', '{"a": ", \\"", "b": ": "}',
])
def test_strings_that_look_like_separators(text):
    tree = parse_json(text)
    assert tree == json.loads(text)
    check_spans(text, tree)
    assert located(json_loc._parse_checked(text)) == located(tree)


def test_multiline_container_spans():
    text = '[\n  [\n    1,\n\n    2\n  ],\n  {\n  }\n]'
    t = parse_json(text)
    assert t.span == Span(1, 1, 9, 2)
    assert t[0].span == Span(2, 3, 6, 4)
    assert t[0][1].span == Span(5, 5, 5, 6)
    assert t[1].span == Span(7, 3, 8, 4)


# --------------------------------------------------------------------------- mapper

def test_mapper_maps_every_span():
    def mapper(line, col):
        return line + 10, col + (4 if line == 1 else 0)

    plain_tree = parse_json(POLICY)
    mapped = parse_json(POLICY, mapper=mapper)
    assert mapped == plain_tree

    def shift(sp):
        a = mapper(sp.line, sp.col)
        b = mapper(sp.end_line, sp.end_col)
        return Span(a[0], a[1], b[0], b[1])

    assert mapped.span == shift(plain_tree.span) == Span(11, 5, 20, 2)
    assert mapped.key_spans["Version"] == Span(12, 3, 12, 12)
    assert mapped["Statement"][0]["Action"][1].span == Span(16, 33, 16, 47)

    def shifted(node):
        kind, sp, *rest = node
        if kind == "obj":
            members, dups = rest
            return ("obj", shift(sp), [(k, shift(ks), shifted(v)) for k, ks, v in members],
                    [(k, shift(s)) for k, s in dups])
        if kind == "arr":
            return ("arr", shift(sp), [shifted(v) for v in rest[0]])
        return (kind, shift(sp), *rest)

    assert located(mapped) == shifted(located(plain_tree))
    dup = parse_json('{"a": 1, "a": 2}', mapper=mapper)
    assert dup.duplicates == [("a", Span(11, 14, 11, 17))]


def test_mapper_maps_errors():
    err = error_of('{\n  "a": 1\n  "b": 2\n}', mapper=lambda line, col: (line + 100, col + 1))
    assert err.span == Span(103, 4, 103, 7)
    assert "expected ',' or '}'" in err.message


# --------------------------------------------------------------------------- errors

@pytest.mark.parametrize("text, message, span", [
    ('{\n  "a": 1\n  "b": 2\n}', "expected ',' or '}' after object member", Span(3, 3, 3, 6)),
    ('{\r\n  "a": 1\r\n  "b": 2\r\n}', "expected ',' or '}' after object member", Span(3, 3, 3, 6)),
    ('["a" "b"]', "expected ',' or ']' after array element", Span(1, 6, 1, 9)),
    ('{"a": 1,}', "trailing comma before '}'", Span(1, 9, 1, 10)),
    ('[1, 2,]', "trailing comma before ']'", Span(1, 7, 1, 8)),
    ('{"a": "abc', "unterminated string", Span(1, 7, 1, 11)),
    ('{"a": "abc\n}', "unterminated string", Span(1, 7, 1, 11)),
    ('{"a": [1, 2', "unexpected end of file", Span(1, 12, 1, 12)),
    ('{"a": [1, 2]', "unexpected end of file", Span(1, 13, 1, 13)),
    ('{"a":', "unexpected end of file", Span(1, 6, 1, 6)),
    ('', "unexpected end of file", Span(1, 1, 1, 1)),
    ('  \n ', "unexpected end of file", Span(2, 2, 2, 2)),
    ('{"a": 1} x', "trailing data after JSON value", Span(1, 10, 1, 11)),
    ('{}\n{}', "trailing data after JSON value", Span(2, 1, 2, 2)),
    ('[1}', "expected ',' or ']'", Span(1, 3, 1, 4)),
    ('{"a" 1}', "expected ':' after object key", Span(1, 6, 1, 7)),
    ('{"a\\u00e9" 1}', "expected ':' after object key", Span(1, 12, 1, 13)),
    ('{"a": }', "expected a value", Span(1, 7, 1, 8)),
    ('{1: 2}', "expected a string key", Span(1, 2, 1, 3)),
    ('{"a": 1, 2: 3}', "expected a string key", Span(1, 10, 1, 11)),
    ('[,]', "expected a value", Span(1, 2, 1, 3)),
    ('["a": 1]', "expected ',' or ']'", Span(1, 5, 1, 6)),
    ('{"a": NaN}', "NaN is not allowed", Span(1, 7, 1, 10)),
    ('[Infinity]', "Infinity is not allowed", Span(1, 2, 1, 10)),
    ('[-Infinity]', "-Infinity is not allowed", Span(1, 2, 1, 11)),
    ('[01]', "invalid number '01'", Span(1, 2, 1, 4)),
    ('[1.]', "invalid number '1.'", Span(1, 2, 1, 4)),
    ('[-]', "invalid number '-'", Span(1, 2, 1, 3)),
    ('[True]', "invalid literal 'True'", Span(1, 2, 1, 6)),
    ('[tru]', "invalid literal 'tru'", Span(1, 2, 1, 5)),
    ("['a']", "double quotes", Span(1, 2, 1, 3)),
    ('["a\tb"]', "invalid control character U+0009", Span(1, 4, 1, 5)),
    ('["a\\qb"]', "invalid escape sequence \\q", Span(1, 4, 1, 6)),
    ('["\\u12"]', "invalid \\u escape", Span(1, 3, 1, 7)),
    ('// c\n{}', "comments are not allowed", Span(1, 1, 1, 2)),
    ('{"a": 1 /* c */}', "expected ',' or '}'", Span(1, 9, 1, 10)),
    ('[1, 2]]', "trailing data after JSON value", Span(1, 7, 1, 8)),
])
def test_errors(text, message, span):
    err = error_of(text)
    assert message in err.message
    assert err.span == span
    with pytest.raises(ValueError):
        json.loads(text, parse_constant=_no_constants)


@pytest.mark.parametrize("text, message, span", [
    ('{"a"  ', "unexpected end of file: expected ':' after object key", Span(1, 7, 1, 7)),
    ('{"a"', "unexpected end of file: expected ':' after object key", Span(1, 5, 1, 5)),
    ('{"a" 123}', "expected ':' after object key", Span(1, 6, 1, 9)),  # the whole token
    ('{"a" @}', "expected ':' after object key", Span(1, 6, 1, 7)),  # no token: one character
    ('[1,', "unexpected end of file: '[' opened at line 1 column 1 is not closed", Span(1, 4, 1, 4)),
    ('{"a": [1,', "unexpected end of file: '[' opened at line 1 column 7 is not closed", Span(1, 10, 1, 10)),
    ('', "unexpected end of file: no JSON value", Span(1, 1, 1, 1)),
    (' \n', "unexpected end of file: no JSON value", Span(2, 1, 2, 1)),
])
def test_error_messages_exactly(text, message, span):
    err = error_of(text)
    assert (err.message, err.span) == (message, span)


def test_huge_integer_is_a_parse_error():
    err = error_of("[" + "9" * 5000 + "]")
    assert "number" in err.message
    assert err.span == Span(1, 2, 1, 5002)


def test_not_a_string():
    with pytest.raises(ParseError):
        parse_json(b'{}')  # type: ignore[arg-type]


# --------------------------------------------------------------------------- nesting

@pytest.mark.parametrize("opener, closer", [("[", "]"), ('{"a":', "}")])
def test_deep_nesting_is_a_parse_error(opener, closer):
    text = opener * 10_000 + "1" + closer * 10_000
    err = error_of(text)
    assert "nested too deeply" in err.message
    col = len(opener) * MAX_DEPTH + 1
    assert err.span == Span(1, col, 1, col + 1)
    # Unclosed, too.
    assert "nested too deeply" in error_of(opener * 10_000).message


def test_nesting_limit_is_exact():
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    t = parse_json(ok)
    depth = 0
    while isinstance(t, list) and t:
        t = t[0]
        depth += 1
    assert depth == MAX_DEPTH - 1
    # Deeper than the limit but shallow enough for json.loads: still rejected.
    deeper = "[" * (MAX_DEPTH + 100) + "]" * (MAX_DEPTH + 100)
    json.loads(deeper)
    assert "nested too deeply" in error_of(deeper).message


# --------------------------------------------------------------------------- never anything but ParseError

DOCS = [
    POLICY,
    '{"a": [1, -2.5e+3, true, false, null, "x\\"y", {"b\\u00e9": []}], "c": {}}',
    '[\r\n "\\ud83d\\ude00", 0, "a\\\\" ]',
    '\ufeff{"k": "v", "k": "w"}',
]


@pytest.mark.parametrize("doc", DOCS)
def test_every_truncation(doc):
    for i in range(len(doc) + 1):
        prefix = doc[:i]
        try:
            expected = json.loads(prefix.lstrip("\ufeff"))
        except (ValueError, RecursionError):
            expected = ParseError
        if expected is ParseError:
            with pytest.raises(ParseError):
                parse_json(prefix)
        else:
            assert parse_json(prefix) == expected


# --------------------------------------------------------------------------- generated documents

# Strings made of the characters that surround literals, to trip up any shortcut
# the parser takes to find them.
tricky_strings = st.sampled_from(["", " ", "  ", ", ", ": ", '" '])| st.text(
    alphabet=st.sampled_from(list(' "\\,:[]{}\n\t')), max_size=4)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False) | st.text() | tricky_strings,
    lambda children: st.lists(children, max_size=6)
    | st.dictionaries(st.text(max_size=8) | tricky_strings, children, max_size=6),
    max_leaves=40,
)

dump_styles = st.sampled_from([
    {},
    {"indent": 2},
    {"indent": "\t"},
    {"indent": 1, "ensure_ascii": False},
    {"separators": (",", ":")},
    {"separators": (" , ", " :\n "), "ensure_ascii": False},
])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=json_values, style=dump_styles, crlf=st.booleans(), bom=st.booleans())
def test_generated_documents(value, style, crlf, bom):
    text = json.dumps(value, **style)
    if crlf:
        text = text.replace("\n", "\r\n")  # only between tokens: strings escape \n
    expected = json.loads(text)
    if bom:
        text = "\ufeff" + text
    tree = parse_json(text)
    assert tree == expected
    check_spans(text, tree)
    # The checking parser (used for errors) builds the very same located tree.
    assert located(json_loc._parse_checked(text)) == located(tree)


# Documents without a single backslash take the parser's quickest path.
unescaped_strings = st.sampled_from(["", " ", "  ", ", ", ": ", " ]", "é"]) | st.text(
    alphabet=st.sampled_from(list(" ,:[]{}abé")), max_size=5)
unescaped_values = st.recursive(
    st.none() | st.booleans() | st.integers() | unescaped_strings,
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(unescaped_strings, children, max_size=5),
    max_leaves=30,
)


@settings(max_examples=300, deadline=None)
@given(value=unescaped_values, style=dump_styles)
def test_generated_documents_without_escapes(value, style):
    text = json.dumps(value, **{**style, "ensure_ascii": False})
    assert "\\" not in text
    tree = parse_json(text)
    assert tree == json.loads(text)
    check_spans(text, tree)
    assert located(json_loc._parse_checked(text)) == located(tree)


@settings(max_examples=120, deadline=None)
@given(value=json_values, data=st.data())
def test_generated_documents_with_duplicate_keys(value, data):
    members = data.draw(st.lists(st.tuples(st.sampled_from(["a", "b", "c\\u00e9"]), json_values), max_size=6))
    text = "{" + ", ".join(f'"{k}": {json.dumps(v)}' for k, v in members) + "}"
    expected = json.loads(text)
    tree = parse_json(text)
    assert tree == expected and list(tree) == list(expected)
    keys = [json.loads(f'"{k}"') for k, _ in members]
    assert [k for k, _ in tree.duplicates] == [k for i, k in enumerate(keys) if k in keys[:i]]
    check_spans(text, tree)
    assert located(json_loc._parse_checked(text)) == located(tree)


JSONISH = st.text(alphabet=st.sampled_from(list('{}[],:"\\ \n\t\r0123456789-+.eEtrufalsnNI/u\x00\x1fé\U0001F600\ufeff')))


def _agrees_with_json_loads(text: str) -> None:
    try:
        expected = json.loads(text.removeprefix("\ufeff"), parse_constant=_no_constants)
    except (ValueError, RecursionError):
        expected = ParseError
    if expected is ParseError:
        with pytest.raises(ParseError):
            parse_json(text)
    else:
        tree = parse_json(text)
        assert tree == expected
        check_spans(text, tree)


def _no_constants(name):
    raise ValueError(name)


@settings(max_examples=1500, deadline=None)
@given(text=JSONISH)
@example(text='"\\ud800"')
@example(text="[1e400]")
@example(text='{"a":1}\x00')
def test_jsonish_text_parses_like_json_loads(text):
    _agrees_with_json_loads(text)


@settings(max_examples=500, deadline=None)
@given(text=st.text())
def test_any_text_parses_like_json_loads(text):
    _agrees_with_json_loads(text)


@settings(max_examples=300, deadline=None)
@given(value=json_values, cut=st.integers(min_value=0), junk=JSONISH)
def test_damaged_documents(value, cut, junk):
    text = json.dumps(value, indent=1)
    cut %= len(text) + 1
    _agrees_with_json_loads(text[:cut] + junk + text[cut:])
    _agrees_with_json_loads(text[:cut])


# --------------------------------------------------------------------------- fast path and gc

def test_valid_documents_never_need_the_checking_parser(monkeypatch):
    def boom(text):
        raise AssertionError("the checking parser ran on valid JSON")

    monkeypatch.setattr(json_loc, "_parse_checked", boom)
    for doc in DOCS + ['{"a\\"b": ["\\\\"]}', '["\\n", "x"]', "[[[[]]]]", "7"]:
        assert parse_json(doc) == json.loads(doc.removeprefix("\ufeff"))


def test_gc_state_is_restored():
    assert gc.isenabled()
    parse_json(POLICY)
    assert gc.isenabled()
    error_of("[1,")
    assert gc.isenabled()
    gc.disable()
    try:
        parse_json(POLICY)
        assert not gc.isenabled()
    finally:
        gc.enable()
