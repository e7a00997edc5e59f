"""Benchmark the language server on 500-line files, as an editor uses it.

    python benchmarks/lsp.py [--rounds 3] [--server "lint-policies server"] [--out benchmarks/lsp-results.md]

It starts ``lint-policies server`` (the one next to this Python, or ``--server``), speaks
JSON-RPC to it over stdio with pygls' client, and times every request from the moment it is
written to the moment its answer is read:

- open: ``didOpen`` to the first ``publishDiagnostics`` (the first file also pays for the first
  lint: rules and knowledge base loaded);
- change: ``didChange`` of the whole text to its ``publishDiagnostics``, with the server's
  debounce set to 0 (the time an editor waits after the debounce);
- save: ``didSave`` to the ``publishDiagnostics`` of the file;
- hover on every action, pattern and condition key of the file;
- completion inside every ``Action`` value and at every condition key (the word cut in two);
- code actions on every diagnostic's range (each suppression is checked by linting the edited
  text, so this is the costliest request).

The files: the generator's 500-line CloudFormation template (``gen_corpus.py``, seed 8), and
500-line Terraform and policy JSON files built from it. The target is 200 ms for every request
(the maximum, not the median). Nothing here is a unit test; the results are written to
``--out`` as Markdown.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import os
import platform
import random
import re
import shlex
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TARGET_MS = 200.0
WORD = re.compile(r"[A-Za-z0-9-]+:[A-Za-z0-9*?/_.\-${}]+")


def make_files(out: str) -> dict:
    """The three 500-line files: {name: (language id, text)}."""
    sys.path.insert(0, HERE)
    import gen_corpus as g

    one = os.path.join(out, "one")
    g.write_singles(g.Gen(random.Random("8/single")), one)
    with open(os.path.join(one, "template-500.yaml"), encoding="utf-8") as fh:
        yaml_text = fh.read()
    gen = g.Gen(random.Random("8/lsp"))
    c = gen.ctx()
    statements = []
    while True:
        statements.append(gen.statement(c))
        text = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2) + "\n"
        if text.count("\n") >= 500:
            break
    blocks = []
    i = 0
    while sum(b.count("\n") for b in blocks) < 500:
        blocks.append(g.tf_policy_document(gen, c, f"doc{i}", 3))
        i += 1
    return {"template-500.yaml": ("yaml", yaml_text), "policy-500.json": ("json", text),
            "main-500.tf": ("terraform", "\n".join(blocks))}


class Timings(dict):
    def add(self, what: str, ms: float) -> None:
        self.setdefault(what, []).append(ms)


async def run_file(client, t, root: str, name: str, language: str, text: str, rounds: int, out: Timings) -> dict:
    from pygls.uris import from_fs_path

    path = os.path.join(root, name)
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)
    uri = from_fs_path(path)
    published = client.published

    async def wait_diags(version, since):
        while True:
            for p in published[since:]:
                if p.uri == uri and p.version == version:
                    return list(p.diagnostics)
            await asyncio.sleep(0.0005)

    n = len(published)
    t0 = time.perf_counter()
    client.text_document_did_open(t.DidOpenTextDocumentParams(
        text_document=t.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    diags = await wait_diags(1, n)
    out.add("open (didOpen to diagnostics)", (time.perf_counter() - t0) * 1000)
    version = 1
    for r in range(rounds):
        version += 1
        edited = text + ("\n" * (r % 2))
        n = len(published)
        t0 = time.perf_counter()
        client.text_document_did_change(t.DidChangeTextDocumentParams(
            text_document=t.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[t.TextDocumentContentChangeWholeDocument(text=edited)]))
        diags = await wait_diags(version, n)
        out.add("change (didChange to diagnostics)", (time.perf_counter() - t0) * 1000)
        text = edited
        n = len(published)
        t0 = time.perf_counter()
        client.text_document_did_save(t.DidSaveTextDocumentParams(text_document=t.TextDocumentIdentifier(uri=uri)))
        while not any(p.uri == uri for p in published[n:]):
            await asyncio.sleep(0.0005)
        out.add("save (didSave to diagnostics)", (time.perf_counter() - t0) * 1000)
    lines = text.split("\n")
    words = [(i, m.start(), m.group(0)) for i, line in enumerate(lines) for m in WORD.finditer(line)]
    doc = t.TextDocumentIdentifier(uri=uri)
    for i, col, word in words:
        t0 = time.perf_counter()
        await client.text_document_hover_async(t.HoverParams(text_document=doc, position=t.Position(i, col + 2)))
        out.add("hover", (time.perf_counter() - t0) * 1000)
    items = 0
    for i, col, word in words:
        t0 = time.perf_counter()
        res = await client.text_document_completion_async(t.CompletionParams(
            text_document=doc, position=t.Position(i, col + word.index(":") + 2)))
        out.add("completion", (time.perf_counter() - t0) * 1000)
        items += len(res.items) if res is not None else 0
    actions = 0
    for d in diags:
        t0 = time.perf_counter()
        res = await client.text_document_code_action_async(t.CodeActionParams(
            text_document=doc, range=d.range, context=t.CodeActionContext(diagnostics=[d])))
        out.add("code action", (time.perf_counter() - t0) * 1000)
        actions += len(res or ())
    client.text_document_did_close(t.DidCloseTextDocumentParams(text_document=doc))
    return {"lines": text.count("\n"), "diagnostics": len(diags), "hovers": len(words), "completion items": items,
            "code actions": actions}


async def bench(server: list, rounds: int) -> tuple[dict, dict]:
    from lsprotocol import types as t
    from pygls.lsp.client import LanguageClient
    from pygls.uris import from_fs_path

    files = {}
    with tempfile.TemporaryDirectory(prefix="lp-lsp-bench-") as root:
        made = make_files(os.path.join(root, "gen"))
        ws = os.path.join(root, "ws")
        os.makedirs(ws)
        client = LanguageClient("lsp-bench", "1")
        client.published = []

        @client.feature(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def _published(params):
            client.published.append(params)

        @client.feature(t.WINDOW_LOG_MESSAGE)
        def _log(params):
            pass

        t0 = time.perf_counter()
        await client.start_io(*server)
        caps = t.ClientCapabilities(text_document=t.TextDocumentClientCapabilities(
            code_action=t.CodeActionClientCapabilities(disabled_support=True)))
        await client.initialize_async(t.InitializeParams(
            capabilities=caps, root_uri=from_fs_path(ws), process_id=os.getpid(),
            workspace_folders=[t.WorkspaceFolder(uri=from_fs_path(ws), name="ws")]))
        client.initialized(t.InitializedParams())
        start_ms = (time.perf_counter() - t0) * 1000
        per_file = {}
        timings = {}
        for name, (language, text) in made.items():
            out = Timings()
            files[name] = await run_file(client, t, ws, name, language, text, rounds, out)
            per_file[name] = out
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
        timings["start (spawn to initialize answered)"] = [start_ms]
    return files, {"per_file": per_file, "start": timings}


def report(files: dict, res: dict, server: list) -> str:
    def row(label, ms, first=False):
        ms = sorted(ms)
        p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
        ok = "yes" if ms[-1] < TARGET_MS else "**no**"
        if first and label.startswith("open"):
            label += ", the first file (loads the rules and the knowledge base, once)"
            ok = ok if ms[-1] < TARGET_MS else "no (a notification, once)"
        return f"| {label} | {len(ms)} | {statistics.median(ms):.1f} | {p95:.1f} | {ms[-1]:.1f} | {ok} |"

    out = [
        "# Language server on 500-line files",
        "",
        f"`python benchmarks/lsp.py` on {datetime.date.today().isoformat()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {platform.system()} {platform.machine()}, {os.cpu_count()} CPUs; "
        f"server: `{shlex.join([os.path.basename(server[0]), *server[1:]])}`. Times in milliseconds, from writing the request to "
        f"reading its answer; the target is {TARGET_MS:.0f} ms for every request (the maximum column).",
        "",
    ]
    for i, (name, stats) in enumerate(files.items()):
        out.append(f"## {name}")
        out.append("")
        out.append(", ".join(f"{k}: {v}" for k, v in stats.items()))
        out.append("")
        out.append("| request | n | median | p95 | max | max < 200 ms |")
        out.append("|---|---:|---:|---:|---:|---|")
        for label, ms in res["per_file"][name].items():
            out.append(row(label, ms, first=i == 0))
        out.append("")
    (label, ms), = res["start"].items()
    out.append(f"Server start ({label}): {ms[0]:.0f} ms. The first file opened also pays for loading the rules and "
               f"the knowledge base (its open time above).")
    return "\n".join(out) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="changes and saves per file (default 3)")
    ap.add_argument("--server", default=None, help='server command (default: "lint-policies server" of this Python)')
    ap.add_argument("--out", default=os.path.join(HERE, "lsp-results.md"), help="Markdown report (default benchmarks/lsp-results.md)")
    args = ap.parse_args(argv)
    server = shlex.split(args.server) if args.server else [
        os.path.join(os.path.dirname(sys.executable), "lint-policies"), "server"]
    server = server + ["--debounce", "0"]
    files, res = asyncio.run(bench(server, args.rounds))
    text = report(files, res, server)
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(text)
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
