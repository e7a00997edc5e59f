"""Helpers of the language-server tests: a pytest-lsp client that keeps every diagnostics
notification, waits for the one of a document version, and applies workspace edits to a text
the way an editor does (positions in the negotiated encoding)."""
from __future__ import annotations

import asyncio
import os
import re
import sys

from lsprotocol import types as t
from pygls.protocol import default_converter
from pytest_lsp import LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features


#: How the tests start the server: the command the README's editor set-ups run.
SERVER = [os.path.join(os.path.dirname(sys.executable), "lint-policies"), "server"]


def recording_client() -> LanguageClient:
    """A test client that records every publishDiagnostics (``client.published``)."""
    client = LanguageClient(converter_factory=default_converter)
    client.published = []

    def publish(ls, params: t.PublishDiagnosticsParams):
        ls.diagnostics[params.uri] = params.diagnostics
        ls.published.append(params)

    features = dict(DEFAULT_CLIENT_FEATURES)
    features[t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    register_lsp_features(client, features)
    return client


async def diagnostics(client, uri: str, version: int, timeout: float = 20.0):
    """The diagnostics published for ``version`` of ``uri`` (waiting for them)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for p in reversed(client.published):
            if p.uri == uri and p.version == version:
                return list(p.diagnostics)
        if loop.time() > deadline:
            raise AssertionError(f"no diagnostics for {uri} version {version}; got "
                                 f"{[(p.uri, p.version) for p in client.published]}")
        await asyncio.sleep(0.01)


def open_doc(client, path, text: str, language: str = "json", version: int = 1) -> str:
    uri = path.as_uri()
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))
    return uri


def change_doc(client, uri: str, text: str, version: int) -> None:
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[t.TextDocumentContentChangeWholeDocument(text=text)]))


def _offset(text: str, line: int, character: int, encoding: str) -> int:
    """Code-point offset of an LSP position, computed apart from the server's own code: lines cut
    at \\n, \\r\\n and \\r, the column decoded from the line's bytes in ``encoding``."""
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    start = starts[line]
    m = re.compile(r"\r\n|\r|\n").search(text, start)
    body = text[start:m.start() if m else len(text)]
    if encoding == "utf-16":
        head = body.encode("utf-16-le")[:2 * character].decode("utf-16-le")
    elif encoding == "utf-8":
        head = body.encode("utf-8")[:character].decode("utf-8")
    else:
        head = body[:character]
    return start + len(head)


def apply_edits(text: str, edits, encoding: str = "utf-16") -> str:
    """``text`` with LSP text edits applied, as an editor applies them."""
    spans = []
    for e in edits:
        a = _offset(text, e.range.start.line, e.range.start.character, encoding)
        b = _offset(text, e.range.end.line, e.range.end.character, encoding)
        spans.append((a, b, e.new_text))
    for a, b, new in sorted(spans, reverse=True):
        text = text[:a] + new + text[b:]
    return text


def rng(d) -> tuple:
    """A diagnostic's or edit's range as ((line, character), (line, character))."""
    r = d.range
    return (r.start.line, r.start.character), (r.end.line, r.end.character)


def pos_of(text: str, needle: str, nth: int = 1, delta: int = 0) -> t.Position:
    """The UTF-16 LSP position of the ``nth`` occurrence of ``needle`` (plus ``delta`` code points),
    computed apart from the server's own code."""
    at = -1
    for _ in range(nth):
        at = text.index(needle, at + 1)
    at += delta
    line_start = max(text.rfind("\n", 0, at), text.rfind("\r", 0, at)) + 1
    line = len(re.findall(r"\r\n|\r|\n", text[:line_start]))
    return t.Position(line, len(text[line_start:at].encode("utf-16-le")) // 2)
