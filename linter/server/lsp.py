"""The language server: pygls wiring of :mod:`.session` (linting), :mod:`.knowledge` (hovers and
completions) and :mod:`.fixes` (code actions).

- Diagnostics: on open and save at once, on change after a pause in typing (debounced);
  each lint runs in the lint thread, one at a time, on the buffer's text of that moment, and is
  published with the version it is for (nothing is published for a version already replaced).
- Documents are synchronized in full: the client sends the whole text on every change, so the
  server never has to agree with it on where a line ends.
- Positions: the linter's 1-based code-point columns become 0-based columns in the agreed
  position encoding (UTF-16 unless the client offers UTF-8 or UTF-32).
- A code action is offered only when the linter knows the answer (a "did you mean", the case
  of an element name). A suppression comment at the end of the finding's line is offered when
  the suppression module's comment scanner reads it as that line's directive; one alone on a
  line above, and a fix marked ``verify``, when linting the edited text shows that it works
  (the finding suppressed, nothing new but the LP101 that asks for the reason).
- No request touches the network; no handler lets an exception out (it is logged).
"""
from __future__ import annotations

import asyncio
import os
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from . import fixes, knowledge, textscan
from .positions import UTF16, Lines, index_of_units, position_at, span_to_range
from .session import Outcome, Session

#: Seconds without a change before an edited buffer is linted.
DEBOUNCE = 0.25
#: Seconds after ``initialized`` when the parsers of every format are loaded, if no lint did it.
WARM_UP_DELAY = 1.0
#: Time a code-action request may spend linting edited texts to check its actions.
VERIFY_BUDGET = 0.08
_SEVERITY = {"error": t.DiagnosticSeverity.Error, "warning": t.DiagnosticSeverity.Warning,
             "note": t.DiagnosticSeverity.Information}
_KIND = {"action": t.CompletionItemKind.Function, "key": t.CompletionItemKind.Property,
         "service": t.CompletionItemKind.Module}


class Doc:
    __slots__ = ("uri", "path", "text", "version", "_lines")

    def __init__(self, uri: str, path: str, text: str, version) -> None:
        self.uri = uri
        self.path = path
        self.text = text
        self.version = version
        self._lines = None

    @property
    def lines(self) -> Lines:
        if self._lines is None or self._lines.text is not self.text:
            self._lines = Lines(self.text)
        return self._lines


class Result:
    """A lint of one version of a document."""

    __slots__ = ("version", "text", "outcome", "lines")

    def __init__(self, version, text: str, outcome: Outcome) -> None:
        self.version = version
        self.text = text
        self.outcome = outcome
        self.lines = Lines(text)


class PolicyServer(LanguageServer):
    def __init__(self, debounce: float = DEBOUNCE) -> None:
        super().__init__("lint-policies", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Full)
        self.debounce = debounce
        self.session = Session()
        self.docs: dict[str, Doc] = {}
        self.results: dict[str, Result] = {}
        self.pending: dict[str, asyncio.Task] = {}
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lint-policies-lint")
        self.reported_errors: set[str] = set()

    # -- helpers ------------------------------------------------------------

    @property
    def encoding(self) -> str:
        try:
            enc = self.server_capabilities.position_encoding
        except Exception:
            return UTF16
        enc = getattr(enc, "value", enc)
        return enc if enc in ("utf-8", "utf-16", "utf-32") else UTF16

    def log(self, message: str) -> None:
        try:
            self.window_log_message(t.LogMessageParams(type=t.MessageType.Log, message=message))
        except Exception:  # pragma: no cover - no client to tell
            pass

    def fail(self, what: str, exc: BaseException) -> None:
        self.log(f"lint-policies: {what} failed: {type(exc).__name__}: {exc}\n{traceback.format_exc()}")

    async def in_lint_thread(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)

    def _lint(self, path: str, text: str) -> Outcome:
        try:
            return self.session.lint(path, text)
        except Exception as e:  # never let a lint take the server down
            self.fail("lint", e)
            return Outcome(error=f"internal error: {type(e).__name__}: {e}")

    # -- diagnostics --------------------------------------------------------

    def schedule(self, uri: str, delay: float) -> None:
        old = self.pending.pop(uri, None)
        if old is not None:
            old.cancel()
        self.pending[uri] = asyncio.ensure_future(self._lint_later(uri, delay))

    async def _lint_later(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            await self.lint_now(uri, publish=True)
        except asyncio.CancelledError:
            pass
        except Exception as e:
            self.fail("lint", e)
        finally:
            if self.pending.get(uri) is asyncio.current_task():
                del self.pending[uri]

    async def lint_now(self, uri: str, publish: bool = True):
        doc = self.docs.get(uri)
        if doc is None:
            return None
        version, text = doc.version, doc.text
        outcome = await self.in_lint_thread(self._lint, doc.path, text)
        doc = self.docs.get(uri)
        if doc is None or doc.version != version or doc.text is not text:
            return None  # replaced while it was linted: a lint of the new text is on its way
        res = Result(version, text, outcome)
        self.results[uri] = res
        if publish:
            self.publish(uri, res)
        return res

    async def fresh(self, uri: str):
        """The lint of the document as it is now (linting it now when the last one is older)."""
        doc = self.docs.get(uri)
        if doc is None:
            return None
        for _ in range(3):
            res = self.results.get(uri)
            if res is not None and res.version == doc.version and res.text is doc.text:
                return res
            task = self.pending.pop(uri, None)
            if task is not None:
                task.cancel()
            res = await self.lint_now(uri, publish=True)
            if res is not None:
                return res
        return None

    def diagnostics(self, res: Result) -> list:
        out = []
        o = res.outcome
        if o.error:
            if o.error not in self.reported_errors:
                self.reported_errors.add(o.error)
                self.window_show_message(t.ShowMessageParams(type=t.MessageType.Error,
                                                             message=f"lint-policies: {o.error}"))
            zero = t.Position(0, 0)
            return [t.Diagnostic(range=t.Range(zero, zero), message=f"not linted: {o.error}",
                                 severity=t.DiagnosticSeverity.Error, source="lint-policies")]
        enc = self.encoding
        for f in o.findings:
            (sl, sc), (el, ec) = span_to_range(res.lines, f.span, enc)
            d = t.Diagnostic(range=t.Range(t.Position(sl, sc), t.Position(el, ec)), message=f.message,
                             severity=_SEVERITY.get(f.severity, t.DiagnosticSeverity.Warning), code=f.code,
                             source="lint-policies")
            if f.code == "LP100":
                d.tags = [t.DiagnosticTag.Unnecessary]
            out.append(d)
        return out

    def publish(self, uri: str, res: Result) -> None:
        self.text_document_publish_diagnostics(
            t.PublishDiagnosticsParams(uri=uri, diagnostics=self.diagnostics(res), version=res.version))

    # -- code actions -------------------------------------------------------

    def _verify(self, path: str, text: str, fix: "fixes.Fix", before: Outcome) -> bool:
        """Whether ``fix`` does what it says, judged by linting the text it makes: a suppression
        suppresses the finding (not merely makes it go away) and adds nothing but the LP101 asking
        for its reason; a fix removes the finding, adds no LP0xx (no broken or duplicate element)
        and keeps every other rule's finding."""
        from collections import Counter

        after = self._lint(path, fixes.apply(text, fix.edits))
        if after.error:
            return False

        def ident(f):
            return f.code, f.message, tuple(str(p) for p in f.logical_path)

        old = Counter(ident(f) for f in before.findings)
        new = Counter(ident(f) for f in after.findings)
        target = ident(fix.finding)
        if new[target] >= old[target]:
            return False
        added, lost = new - old, old - new
        if fix.kind == "suppress":
            hidden = Counter(ident(f) for f in after.suppressed) - Counter(ident(f) for f in before.suppressed)
            return (hidden[target] > 0 and all(k[0] == "LP101" for k in added)
                    and all(hidden[k] >= n for k, n in lost.items()))
        return (not any(k[0].startswith("LP0") for k in added)
                and all(k == target or k[0].startswith("LP0") for k in lost))

    def code_actions(self, doc: Doc, res: Result, rng: t.Range) -> list:
        """Candidate fixes of the findings the range touches, most useful first."""
        enc = self.encoding
        lo = (rng.start.line, rng.start.character)
        hi = (rng.end.line, rng.end.character)
        out = []
        for f in res.outcome.findings:
            start, end = span_to_range(res.lines, f.span, enc)
            if start > hi or end < lo:
                continue
            out.extend(fixes.quick_fixes(res.lines, f))
            out.append(fixes.suppressions(doc.path, res.text, f, res.outcome.config, res.outcome.display))
        return out

    def to_action(self, uri: str, res: Result, fix: "fixes.Fix", diag_by_finding: dict):
        enc = self.encoding
        diag = diag_by_finding.get(id(fix.finding))
        kind = t.CodeActionKind.QuickFix
        if fix.guidance:
            if not self._client_disabled_support():
                return None
            return t.CodeAction(title=fix.title, kind=kind, diagnostics=[diag] if diag else None,
                                disabled=t.CodeActionDisabled(reason=fix.guidance))
        edits = []
        for a, b, new in fix.edits:
            sl, sc = position_at(res.lines, a, enc)
            el, ec = position_at(res.lines, b, enc)
            edits.append(t.TextEdit(range=t.Range(t.Position(sl, sc), t.Position(el, ec)), new_text=new))
        return t.CodeAction(title=fix.title, kind=kind, diagnostics=[diag] if diag else None,
                            is_preferred=fix.preferred or None, edit=t.WorkspaceEdit(changes={uri: edits}))

    def item_defaults_edit_range(self) -> bool:
        try:
            return "editRange" in (self.client_capabilities.text_document.completion.completion_list.item_defaults or ())
        except AttributeError:
            return False

    def warm_up_later(self) -> None:
        try:
            self.pool.submit(_warm_up, True)
        except RuntimeError:  # shut down meanwhile
            pass

    def _client_disabled_support(self) -> bool:
        try:
            return bool(self.client_capabilities.text_document.code_action.disabled_support)
        except AttributeError:
            return False


def create(debounce: float = DEBOUNCE) -> PolicyServer:
    server = PolicyServer(debounce)

    @server.feature(t.INITIALIZE)
    def initialize(ls: PolicyServer, params: t.InitializeParams):
        roots = []
        for folder in params.workspace_folders or ():
            p = to_fs_path(folder.uri)
            if p:
                roots.append(p)
        if not roots:
            if params.root_uri:
                p = to_fs_path(params.root_uri)
                if p:
                    roots.append(p)
            elif params.root_path:
                roots.append(params.root_path)
        ls.session.set_roots(roots)

    @server.feature(t.INITIALIZED)
    def initialized(ls: PolicyServer, params: t.InitializedParams):
        # the rules and the knowledge base now; the parsers and ARN patterns of each format once
        # the editor has had time to open its first file (which should not wait for them)
        ls.pool.submit(_warm_up, False)
        asyncio.get_running_loop().call_later(WARM_UP_DELAY, ls.warm_up_later)

    @server.feature(t.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders(ls: PolicyServer, params: t.DidChangeWorkspaceFoldersParams):
        removed = {to_fs_path(f.uri) for f in params.event.removed or ()}
        added = [to_fs_path(f.uri) for f in params.event.added or ()]
        ls.session.set_roots([r for r in ls.session.roots if r not in removed] + [a for a in added if a])

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PolicyServer, params: t.DidOpenTextDocumentParams):
        td = params.text_document
        path = to_fs_path(td.uri) if td.uri.startswith("file:") else None
        if not path:
            return  # only files: the CLI's results depend on where a file is
        ls.docs[td.uri] = Doc(td.uri, os.path.abspath(path), td.text, td.version)
        ls.schedule(td.uri, 0)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PolicyServer, params: t.DidChangeTextDocumentParams):
        doc = ls.docs.get(params.text_document.uri)
        if doc is None:
            return
        text = doc.text
        for ch in params.content_changes:
            rng = getattr(ch, "range", None)
            if rng is None:
                text = ch.text
            else:  # not asked for (the sync is Full), but applied right if a client sends it
                from .positions import apply_change

                text = apply_change(text, (rng.start.line, rng.start.character),
                                    (rng.end.line, rng.end.character), ch.text, ls.encoding)
        doc.text = text
        doc.version = params.text_document.version
        ls.schedule(doc.uri, ls.debounce)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE, t.SaveOptions(include_text=False))
    def did_save(ls: PolicyServer, params: t.DidSaveTextDocumentParams):
        # a save can change what other buffers see: a configuration, a baseline, a .tf file
        # reading a policy file, a policy file a .tf file reads
        uri = params.text_document.uri
        if uri in ls.docs:
            ls.schedule(uri, 0)
        for other in list(ls.docs):
            if other != uri:
                ls.schedule(other, 0)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PolicyServer, params: t.DidCloseTextDocumentParams):
        uri = params.text_document.uri
        task = ls.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        ls.results.pop(uri, None)
        if ls.docs.pop(uri, None) is not None:
            ls.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def hover(ls: PolicyServer, params: t.HoverParams):
        try:
            return _hover(ls, params)
        except Exception as e:
            ls.fail("hover", e)
            return None

    @server.feature(t.TEXT_DOCUMENT_COMPLETION,
                    t.CompletionOptions(trigger_characters=[":", '"', "'"], resolve_provider=True))
    def completion(ls: PolicyServer, params: t.CompletionParams):
        try:
            return _completion(ls, params)
        except Exception as e:
            ls.fail("completion", e)
            return None

    @server.feature(t.COMPLETION_ITEM_RESOLVE)
    def completion_resolve(ls: PolicyServer, item: t.CompletionItem):
        try:
            if item.kind in (t.CompletionItemKind.Function, t.CompletionItemKind.Property):
                md = knowledge.hover(item.label, in_action=item.kind == t.CompletionItemKind.Function)
                if md:
                    item.documentation = t.MarkupContent(kind=t.MarkupKind.Markdown, value=md)
        except Exception as e:
            ls.fail("completion resolve", e)
        return item

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    async def code_action(ls: PolicyServer, params: t.CodeActionParams):
        try:
            return await _code_action(ls, params)
        except Exception as e:
            ls.fail("code action", e)
            return None

    @server.feature(t.SHUTDOWN)
    def shutdown(ls: PolicyServer, *args):
        for task in ls.pending.values():
            task.cancel()
        ls.pending.clear()
        ls.pool.shutdown(wait=False, cancel_futures=True)

    return server


_WARM_UP = {
    "warm-up.yaml": "Resources:\n  R:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n"
                    "        Statement:\n          - Effect: Allow\n            Action: ['sagemaker:*', 'iam:PassRole']\n"
                    "            Resource: arn:aws:sagemaker:us-east-1:111122223333:endpoint/x\n",
    "warm-up.json": '{"Statement": [{"Effect": "Allow", "Action": "sagemaker:Create*", "Resource": "*",'
                    ' "Condition": {"StringEquals": {"sagemaker:VolumeKmsKeyArn": "k"}}}]}',
    "warm-up.tf": 'data "aws_iam_policy_document" "d" {\n  statement {\n    actions   = ["sagemaker:*"]\n'
                  '    resources = ["*"]\n  }\n}\n',
}


def _warm_up(formats: bool = True) -> None:
    """Load what lints need (rules, the knowledge base; with ``formats``, the parsers and the ARN
    patterns, by linting a small policy of each kind from memory, at a path in no directory:
    ``os.devnull`` is a file, so nothing next to them is read)."""
    try:
        from .. import engine, iam, kb

        opts = engine.Options()
        rules = engine.RuleSet(engine.selected_codes(opts), opts)
        kb.sagemaker_actions()
        iam.expand("sagemaker:*")
        if formats:
            for name, text in _WARM_UP.items():
                engine.lint_file(os.path.join(os.devnull, name), True, rules, opts, text=text)
    except Exception:  # pragma: no cover - the first lint will say what is wrong
        pass


def _word(ls: PolicyServer, doc: Doc, pos: t.Position):
    lines = doc.lines
    if pos.line >= len(lines):
        return None
    s = lines.line(pos.line)
    if len(s) > 100_000:  # a minified file: no word-level help on a line that long
        return None
    cp = index_of_units(s, pos.character, ls.encoding)
    return lines, s, cp


def _hover(ls: PolicyServer, params: t.HoverParams):
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return None
    got = _word(ls, doc, params.position)
    if got is None:
        return None
    lines, s, cp = got
    span = textscan.word_at(s, cp)
    if span is None:
        return None
    a, b = span
    word = s[a:b]
    in_action = False
    if "*" in word or "?" in word:
        style = textscan.style_of(doc.path, doc.text)
        where = textscan.place(doc.text, lines.starts[params.position.line] + a, style)
        in_action = where is not None and where.in_action(style)
        if not in_action and ":" not in word:
            return None
    md = knowledge.hover(word, in_action=in_action)
    if not md:
        return None
    enc = ls.encoding
    from .positions import units

    start = t.Position(params.position.line, units(s[:a], enc))
    end = t.Position(params.position.line, units(s[:b], enc))
    return t.Hover(contents=t.MarkupContent(kind=t.MarkupKind.Markdown, value=md), range=t.Range(start, end))


def _completion(ls: PolicyServer, params: t.CompletionParams):
    doc = ls.docs.get(params.text_document.uri)
    if doc is None:
        return None
    got = _word(ls, doc, params.position)
    if got is None:
        return None
    lines, s, cp = got
    span = textscan.word_at(s, cp)
    a = span[0] if span is not None and span[0] < cp else cp
    typed = s[a:cp]
    style = textscan.style_of(doc.path, doc.text)
    where = textscan.place(doc.text, lines.starts[params.position.line] + a, style)
    if where is None:
        return None
    if where.in_action(style):
        items, full = knowledge.complete_action(typed), knowledge.complete_action(typed.partition(":")[0] + ":"
                                                                                if ":" in typed else "")
    elif where.at_condition_key(style):
        items, full = (knowledge.complete_condition_key(typed),
                       knowledge.complete_condition_key(typed.partition(":")[0] + ":" if ":" in typed else ""))
    else:
        return None
    if not items:
        return None
    from .positions import units

    enc = ls.encoding
    rng = {"start": {"line": params.position.line, "character": units(s[:a], enc)},
           "end": {"line": params.position.line, "character": units(s[:cp], enc)}}
    # A plain JSON-shaped answer: a service has hundreds of actions, and building and converting
    # that many lsprotocol objects takes longer than the whole rest of the request.
    defaults = ls.item_defaults_edit_range()
    out = []
    for it in items:
        d = {"label": it.label, "kind": _KIND[it.kind].value}
        if it.detail:
            d["detail"] = it.detail
        if defaults:
            if it.insert != it.label:
                d["textEditText"] = it.insert
        else:
            d["textEdit"] = {"range": rng, "newText": it.insert}
        out.append(d)
    answer = {"isIncomplete": len(items) < len(full), "items": out}
    if defaults:
        answer["itemDefaults"] = {"editRange": rng}
    return answer


async def _code_action(ls: PolicyServer, params: t.CodeActionParams):
    uri = params.text_document.uri
    only = params.context.only
    if only and not any(str(getattr(k, "value", k)).startswith("quickfix") for k in only):
        return None
    doc = ls.docs.get(uri)
    if doc is None:
        return None
    deadline = time.monotonic() + VERIFY_BUDGET
    res = await ls.fresh(uri)
    if res is None or res.outcome.error:
        return None
    candidates = ls.code_actions(doc, res, params.range)
    if not candidates:
        return None
    diags = ls.diagnostics(res)
    diag_by_finding = {id(f): d for f, d in zip(res.outcome.findings, diags)}
    actions = []
    seen = set()
    for c in candidates:
        group = c if isinstance(c, list) else [c]
        for fix in group:  # a list: ways to do one thing, most local first; the first that works
            key = (fix.title, tuple(fix.edits))
            if key in seen:
                break
            if fix.verify:
                if time.monotonic() > deadline:
                    continue
                ok = await ls.in_lint_thread(ls._verify, doc.path, res.text, fix, res.outcome)
                if not ok:
                    continue
            action = ls.to_action(uri, res, fix, diag_by_finding)
            if action is not None:
                seen.add(key)
                actions.append(action)
            break
    return actions or None
