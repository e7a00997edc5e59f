"""Shell scripts (``.sh``, ``.bash``): the policies a setup script writes and the AWS CLI IAM
commands it runs, read as text (the script is never run).

A tutorial or a bootstrap script creates SageMaker's roles with the AWS CLI::

    cat > trust.json <<EOF
    {"Version": "2012-10-17", "Statement": [...]}
    EOF
    aws iam create-role --role-name ml-exec --assume-role-policy-document file://trust.json
    aws iam put-role-policy --role-name ml-exec --policy-name jobs --policy-document '{...}'
    aws iam attach-role-policy --role-name ml-exec --policy-arn arn:aws:iam::aws:policy/AmazonSageMakerFullAccess

What is read:

* a here-document whose body is a JSON object with a ``Statement`` (``<<EOF``, ``<<'EOF'``,
  ``<<-EOF``), at its own lines and columns; the shell's expansions inside its strings
  (``"arn:aws:iam::${ACCOUNT_ID}:role/x"``, ``$(aws sts ...)``) stay in the strings, as
  placeholders do in templates; a body that is not JSON (an expansion in place of a value) is
  not read, and not reported;
* a single-quoted argument that is such a JSON object (``--policy-document '{...}'``);
* ``aws iam`` commands: ``create-role`` and ``update-assume-role-policy`` give a role its trust
  policy, ``put-role-policy`` / ``put-user-policy`` / ``put-group-policy`` an inline policy,
  ``attach-role-policy`` / ``attach-user-policy`` / ``attach-group-policy`` a managed policy
  (AWS's: SM105), each naming the document inline or as ``file://NAME`` of a here-document the
  script writes. A document a command uses this way is that principal's (the escalation rules read
  a script's policies for one role together), and a document given as a trust policy is one.
* ``file://NAME`` of a JSON file the script does not write (one committed beside it): the file is
  read where the script's directory, or one of the two above it (a script in ``scripts/`` run from
  the repository's root), holds it, inside the tree being linted; its documents are the command's
  principal's, at their own file, lines and columns. The policy file linted on its own finds the
  script the same way (:func:`owner_documents`), so both give the same findings.

Anything else in a script (variables, functions, loops, other commands) is not interpreted. A
script without ``Statement`` or an AWS managed policy ARN is only scanned for credentials.
"""
from __future__ import annotations

import re

from ..located import ParseError, Span
from ..model import Holder, ManagedPolicyRef, Origin, Val, build_document
from .base import role_by_content

#: Text a script must hold to be read for policies.
MARKERS = ("Statement", ":iam::aws:policy/", "policy-document")

_HEREDOC = re.compile(r"<<(-?)[ \t]*(?:'([A-Za-z_][A-Za-z0-9_]*)'|\"([A-Za-z_][A-Za-z0-9_]*)\"|\\?([A-Za-z_][A-Za-z0-9_]*))")
_TARGET = re.compile(r">[ \t]*([^\s;|&<>]+)")
_TEE = re.compile(r"(?<![\w-])tee(?:[ \t]+-[a-z]+)*[ \t]+([^\s;|&<>-][^\s;|&<>]*)")
_CAPTURED = re.compile(r"\A[ \t]*(?:(?:export|local|readonly)[ \t]+)?([A-Za-z_][A-Za-z0-9_]*)=[\"']?\$\(")

#: aws iam sub-commands: -> (principal kind, option naming it, option holding the document, the document's role)
_COMMANDS = {"create-role": ("role", "--role-name", "--assume-role-policy-document", "trust"),
             "create-policy": ("policy", "", "--policy-document", "identity"),
             "update-assume-role-policy": ("role", "--role-name", "--policy-document", "trust"),
             "put-role-policy": ("role", "--role-name", "--policy-document", "identity"),
             "put-user-policy": ("user", "--user-name", "--policy-document", "identity"),
             "put-group-policy": ("group", "--group-name", "--policy-document", "identity"),
             "attach-role-policy": ("role", "--role-name", "--policy-arn", ""),
             "attach-user-policy": ("user", "--user-name", "--policy-arn", ""),
             "attach-group-policy": ("group", "--group-name", "--policy-arn", ""),
             "create-access-key": ("user", "--user-name", "", "key"),
             "put-role-permissions-boundary": ("role", "--role-name", "--permissions-boundary", "boundary-arn"),
             "put-user-permissions-boundary": ("user", "--user-name", "--permissions-boundary", "boundary-arn")}
#: Commands of other services that take a policy document whose role their API decides: a service
#: or resource control policy, a VPC endpoint policy, a session policy.
_OTHER_COMMANDS = {("organizations", "create-policy"): ("", "", "--content", "organization"),
                   ("organizations", "update-policy"): ("", "", "--content", "organization"),
                   ("ec2", "create-vpc-endpoint"): ("", "", "--policy-document", "endpoint"),
                   ("ec2", "modify-vpc-endpoint"): ("", "", "--policy-document", "endpoint"),
                   ("sts", "assume-role"): ("", "", "--policy", "session"),
                   ("sts", "assume-role-with-web-identity"): ("", "", "--policy", "session"),
                   ("sts", "assume-role-with-saml"): ("", "", "--policy", "session"),
                   ("sts", "get-federation-token"): ("", "", "--policy", "session")}


def parse(src):
    """The script's pieces: (here-documents, single-quoted JSON arguments, commands), or None
    when it holds no policy (it is then scanned for credentials only)."""
    text = src.text
    if not any(m in text for m in MARKERS):
        from ..secrets import may_hold

        if not may_hold(text):
            src.text = None
        return None
    return parse_text(text)


def parse_text(text: str, where=None):
    """What :func:`extract` reads from a script's ``text``. ``where(line, col)``, when given, says where
    a position of ``text`` is in the file being linted (a Jupyter notebook's shell cells are
    joined into one script): every position is mapped through it."""
    lines = text.split("\n")
    heredocs, skip = _heredocs(lines)
    logical = _logical_lines(lines, skip)
    if where is not None:
        for _line, words in logical:
            for w in words:
                w.at = [where(ln, c) for ln, c in w.at]
    return heredocs, logical, where


def _heredocs(lines: list) -> tuple:
    """[(target file name or "", first body line (1-based), body lines, the command's line)] and the
    set of 0-based lines that are here-document bodies or their ends."""
    out = []
    skip: set = set()
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in skip or "<<" not in line or line.lstrip().startswith("#"):
            i += 1
            continue
        pending = []
        targets = None
        for m in _HEREDOC.finditer(line):
            if line[m.start():m.start() + 3] == "<<<":
                continue  # a here-string
            if len(pending) >= 8:
                break
            word = m.group(2) or m.group(3) or m.group(4)
            if targets is None:  # where output goes: '> FILE', '>> FILE', 'tee [-a] FILE'
                targets = [(t.start(), t.group(1).strip("\"'")) for t in _TARGET.finditer(line)]
                targets = [(at, name) for at, name in targets if name and name != "/dev/null"]
                tees = [(t.start(), t.group(1).strip("\"'")) for t in _TEE.finditer(line)]
                if tees:
                    targets = tees  # sudo tee FILE >/dev/null <<EOF: the file tee writes
            after = [name for at, name in targets if at > m.start()]
            target = after[0] if after else targets[-1][1] if targets else ""
            if not target:
                v = _CAPTURED.match(line)  # POLICY=$(cat <<EOF ... EOF): the variable holds it
                target = "$" + v.group(1) if v is not None and v.end() <= m.start() else ""
            pending.append((word, m.group(1) == "-", target))
        j = i + 1
        for word, dash, target in pending:
            body_start = j
            while j < len(lines) and (lines[j].lstrip("\t") if dash else lines[j]).rstrip("\r") != word:
                j += 1
            out.append((target, body_start + 1, lines[body_start:j], i + 1))
            skip.update(range(body_start, min(j + 1, len(lines))))
            j += 1
        i = max(i + 1, j) if pending else i + 1
    return out, skip


def _logical_lines(lines: list, skip: set) -> list:
    """The script's commands, a line continued by a backslash joined to the next, outside
    here-document bodies: [(first line (1-based), [word])], each word a :class:`_Word` (its text
    with the shell's quotes removed, and where each of its characters is written)."""
    out = []
    i = 0
    n = len(lines)
    while i < n:
        if i in skip:
            i += 1
            continue
        first = i
        words: list = []
        cur = None
        quote = None
        j = i
        col = 0
        line = lines[j]
        while True:
            if col >= len(line):
                if quote is not None and j + 1 < n:  # a quoted word goes on over the newline
                    cur.add("\n", j + 1, col + 1)
                    j += 1
                    line, col = lines[j], 0
                    continue
                if cur is not None:
                    words.append(cur.done())
                    cur = None
                break
            ch = line[col]
            if quote == "'":
                if ch == "'":
                    quote = None
                else:
                    cur.add(ch, j + 1, col + 1)
                col += 1
                continue
            if quote == '"':
                if ch == '"':
                    quote = None
                elif ch == "\\" and col + 1 < len(line) and line[col + 1] in '"\\$`':
                    cur.add(line[col + 1], j + 1, col + 2)
                    col += 1
                else:
                    cur.add(ch, j + 1, col + 1)
                col += 1
                continue
            if ch == "\\" and col == len(line) - 1 and j + 1 < n:  # a continued line
                if cur is not None:
                    words.append(cur.done())
                    cur = None
                j += 1
                line, col = lines[j], 0
                continue
            if ch == "#" and cur is None:
                break  # a comment: the rest of the line
            if ch == "(" and cur is not None and cur.chars[-1:] == ["$"] and line.startswith("(pwd)", col):
                for k in range(5):  # "$(pwd)" in a path (file://$(pwd)/trust.json) stays in its word
                    cur.add(line[col + k], j + 1, col + k + 1)
                col += 5
                continue
            if ch in " \t;|&()":
                if cur is not None:
                    words.append(cur.done())
                    cur = None
                if ch not in " \t":  # where one command ends and another starts
                    sep = _Word()
                    sep.add(ch, j + 1, col + 1)
                    words.append(sep.done())
                col += 1
                continue
            if cur is None:
                cur = _Word()
            if ch in "'\"":
                quote = ch
            elif ch == "\\" and col + 1 < len(line):
                cur.add(line[col + 1], j + 1, col + 2)
                col += 1
            else:
                cur.add(ch, j + 1, col + 1)
            col += 1
        if words:
            out.append((first + 1, words))
        i = j + 1
    return out


class _Word:
    """One word of a command: ``text`` without the shell's quotes, ``at[i]`` the (line, column)
    of its i-th character in the script; ``entry``: the document read from it, if one was."""

    __slots__ = ("chars", "at", "text", "entry")

    def __init__(self) -> None:
        self.chars: list = []
        self.at: list = []
        self.entry = None

    def add(self, ch: str, line: int, col: int) -> None:
        self.chars.append(ch)
        self.at.append((line, col))

    def done(self) -> "_Word":
        self.text = "".join(self.chars)
        return self

    def span(self, start: int = 0) -> Span:
        """From its ``start``-th character to its end."""
        a = self.at[min(start, len(self.at) - 1)] if self.at else (1, 1)
        b = self.at[-1] if self.at else a
        return Span(a[0], a[1], b[0], b[1] + 1)


def extract(src, parsed) -> None:
    if parsed is None:
        src.kind = "text"
        return
    heredocs, logical, where = parsed
    consts = _constants(logical)
    # file or "$VAR" -> [(line where it is written, entry)]; an entry: [tree, label, name, role, holders]
    docs: dict = {}
    inline: dict = {}  # line of the command -> here-documents it starts ("$(cat <<EOF ... EOF)")
    order: list = []
    for target, first_line, body, cmd_line in heredocs:
        at = (first_line, 1) if where is None else (lambda ln, c, f=first_line: where(ln + f - 1, c))
        tree = _json("\n".join(body), at)
        shown = cmd_line if where is None else where(cmd_line, 1)[0]  # the line in the file
        if tree is None:
            continue
        name = _expand(target, consts)
        name = name if name.startswith("$") and "/" not in name else name.rsplit("/", 1)[-1]
        label = (f"here-document {name}" if name and not name.startswith("$") else
                 f"here-document at line {shown}")
        order.append([tree, label, name, None, None])
        if name:
            docs.setdefault(name, []).append((cmd_line, order[-1]))
        inline.setdefault(shown, []).append(order[-1])
    holders: dict = {}
    created: dict = {}  # policy name (create-policy) -> [entry]
    captured: dict = {}  # variable set to create-policy's output -> the policy's name
    committed = _Committed(src)
    for line, words in logical:
        service = _aws_service(words)
        if service in _NOT_IAM_SERVICES:
            continue  # an AWS IoT policy is not an IAM policy
        redirect = _redirect(words, consts)
        for w in words:
            t = w.text
            k = t.find("{")
            if k < 0 or "Statement" not in t:
                continue
            assign = _ASSIGN.match(t[:k] + "x") if t[:k].strip() else None
            if t[:k].strip() and assign is None:
                continue
            tree = _json(t[k:], w.at[k:])  # '{...}', or POLICY='{...}'
            if tree is None:
                continue
            w.entry = [tree, f"JSON at line {w.at[k][0]}", "", None, None]
            order.append(w.entry)
            if assign is not None:
                docs.setdefault("$" + assign.group(1), []).append((line, w.entry))
            elif redirect:
                docs.setdefault(redirect, []).append((line, w.entry))  # echo '{...}' > policy.json
        _attached_elsewhere(src, words, consts)
        cmd = _iam_command(words, service) if service in _SERVICES else None
        if cmd is None:
            continue
        sub, opts = cmd
        kind, who_opt, doc_opt, role = _COMMANDS[sub] if service == "iam" else _OTHER_COMMANDS[(service, sub)]
        boundary = opts.get("--permissions-boundary") if sub in ("create-role", "create-user") else None
        holder = None
        who = opts.get(who_opt) if who_opt else None
        if who is not None and who[0].text[who[1]:].strip():
            name = _expand(who[0].text[who[1]:], consts)
            key = (kind, name)
            holder = holders.get(key)
            if holder is None:
                iam_name = name if "$" not in name else None
                holder = holders[key] = Holder(f"{src.path}::{kind}/{name}", f"{kind} {name}", kind, iam_name,
                                               src.path, who[0].span(who[1]))
        if boundary is not None:  # create-role --permissions-boundary ARN: the role's boundary
            _bound(created, _expand(boundary[0].text[boundary[1]:], consts), holder)
        if role == "boundary-arn":  # put-role-permissions-boundary --permissions-boundary ARN
            arg = opts.get(doc_opt)
            if arg is not None:
                _bound(created, _expand(arg[0].text[arg[1]:], consts), holder)
            continue
        if role == "key":  # aws iam create-access-key: a long-term key, its secret in the command's output
            from ..model import AccessKey

            label = f"{holder.name}: {sub}" if holder else sub
            at = next((w for w in words if w.text == sub), words[0])
            src.credential_facts().keys.append(AccessKey(_user(holder) if holder else "", label,
                                                         at.span(), (label,), "output"))
            continue
        arg = opts.get(doc_opt)
        if arg is None:
            continue
        word, start = arg
        value = word.text[start:]
        if not role:  # attach-*-policy --policy-arn
            arn = _expand(value, consts)
            if ":iam::aws:policy/" in arn:
                label = f"{holder.name}: {sub}" if holder else sub
                sp = word.span(start)
                ref = ManagedPolicyRef.of(Val(arn, sp, (label,)), Origin(src.path, "shell", label, (label,)))
                src.managed_refs.append(ref)
                if holder is not None and holder.kind == "user":
                    from ..model import UserGrant

                    src.credential_facts().user_grants.append(UserGrant(_user(holder), managed=ref))
            elif ":policy/" in arn:  # a policy this script makes with create-policy
                entries = created.get(arn.rsplit("/", 1)[-1], [])
                _hold(entries, "", holder)
            else:  # "$POLICY_ARN" captured from create-policy's output
                v = _VAR.fullmatch(value)
                name = captured.get(v.group(1) or v.group(2)) if v else None
                if name is not None:
                    _hold(created.get(name, []), "", holder)
            continue
        if word.entry is not None:
            entries = [word.entry]
            word.entry[1] = f"{sub} {doc_opt}"
        elif value.startswith("file://"):
            target = _expand(value[7:], consts)
            entries = _written_before(docs.get(target.rsplit("/", 1)[-1], ()), line)
            if not entries:
                entries = committed.read(target, order)
        elif value.startswith("$(") and word.at:
            entries = inline.get(word.at[0][0], [])  # --policy-document "$(cat <<EOF ... EOF)"
        else:
            v = _VAR.fullmatch(value)  # "$POLICY": a variable a document was captured in
            entries = _written_before(docs.get("$" + (v.group(1) or v.group(2)), ()), line) if v else []
        if sub == "create-policy" and service == "iam":
            name = opts.get("--policy-name")
            if name is not None:
                pname = _expand(name[0].text[name[1]:], consts)
                created.setdefault(pname, []).extend(entries)
                k = 1 if words[0].text in ("export", "local", "readonly", "declare") else 0
                cap = _CAPTURE.fullmatch(words[k].text) if k + 1 < len(words) and words[k + 1].text == "(" else None
                if cap is not None:  # POLICY_ARN=$(aws iam create-policy ... --query Policy.Arn ...)
                    captured[cap.group(1)] = pname
            continue
        _hold(entries, role, holder)
    labels: dict = {}
    for tree, label, _name, role, held, *elsewhere in order:
        n = labels.get(label, 0)
        labels[label] = n + 1
        role = role or role_by_content(tree)
        where = elsewhere[0] if elsewhere else src.path
        doc = build_document(tree, Origin(where, "shell", label, (label,) if not n else (label, n)), role=role)
        if held and role in ("identity", "trust", "boundary"):
            doc.principals = list(held)
            if role == "identity":
                from ..model import UserGrant

                for h in held:
                    if h.kind == "user":  # put-user-policy: a policy of an IAM user (KEY407)
                        src.credential_facts().user_grants.append(UserGrant(_user(h), document=doc))
        src.documents.append(doc)
        if not elsewhere:
            for st in doc.statements:
                src.blocks.append(st.span)


def owner_documents(src) -> bool:
    """Lint a policy file the way a shell script that names it with ``file://`` in an ``aws iam``
    command does (a script in the policy's directory or one of the two above it): the command's
    principal's document, with the command's role. False when no script does."""
    import os

    from .. import safety
    from .base import SourceFile, read_file, read_by_another_file

    roots = src.roots if src.roots is not None else safety.read_roots([src.abspath])

    def readers(directory):
        from . import run_id

        run = run_id()
        hit = _SCRIPTS.get(directory)
        if hit is not None and run and hit[0] == run:  # read once per run: many policies share a directory
            return hit[1]
        try:
            names = sorted(n for n in os.listdir(directory) if n.endswith((".sh", ".bash")))
        except OSError:
            names = []
        out = []
        for n in names:
            path = os.path.join(directory, n)
            if os.path.isfile(path) and safety.inside(os.path.realpath(path), roots):
                text, _err = read_file(path, _MAX_POLICY_FILE)
                if text is not None and "file://" in text:
                    out.append((path, text))
        if run:
            if len(_SCRIPTS) >= 256:
                _SCRIPTS.clear()
            _SCRIPTS[directory] = (run, out)
        return out

    def read(reader: SourceFile) -> None:
        reader.roots = roots
        extract(reader, parse(reader))

    return read_by_another_file(src, readers, read, _FILE_DEPTH)


#: directory -> (run, [(path, text)] of its scripts that name a file://), for one run.
_SCRIPTS: dict = {}

#: How far above the script's directory a ``file://`` name is looked for, and the largest file read.
_FILE_DEPTH = 3
_MAX_POLICY_FILE = 1024 * 1024
_LEADING_DIR = re.compile(r"\A(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\((?:pwd|dirname[^)]*)\)|`pwd`|\.)/")


class _Committed:
    """The JSON files ``file://NAME`` names that the script does not write, read once each."""

    def __init__(self, src) -> None:
        self.src = src
        self.read_already: dict = {}  # absolute path -> [entry] ([] when not a policy)

    def read(self, name: str, order: list) -> list:
        """``[entry]`` of the policy file ``name`` names (see the module docstring), or []."""
        import os

        from .base import file_above

        src = self.src
        if not src.abspath or "\x00" in name:
            return []
        while True:  # "$DIR/x.json", "$(pwd)/x.json", "./x.json": relative to where the script runs
            m = _LEADING_DIR.match(name)
            if m is None:
                break
            name = name[m.end():]
        if not name or "$" in name or "`" in name or os.path.isabs(name) or name.startswith("~"):
            return []
        found = file_above(src, name, _FILE_DEPTH)
        return self._entries(*found, order) if found is not None else []

    def _entries(self, path: str, shown: str, order: list) -> list:
        hit = self.read_already.get(path)
        if hit is not None:
            return hit
        from .base import read_file

        out: list = []
        self.read_already[path] = out
        text, _err = read_file(path, _MAX_POLICY_FILE)
        tree = _json(text, (1, 1)) if text is not None else None
        if tree is not None:
            self.src.referenced_texts.append(text)  # its credentials are masked in every finding
            entry = [tree, f"policy file {shown.rsplit('/', 1)[-1]}", "", None, None, shown]
            order.append(entry)
            out.append(entry)
        return out


def _bound(created: dict, arn: str, holder) -> None:
    """A policy the script makes with ``create-policy`` is ``holder``'s permissions boundary."""
    if ":policy/" in arn:
        _hold(created.get(arn.rsplit("/", 1)[-1], []), "boundary", holder)


def _hold(entries: list, role: str, holder) -> None:
    """The documents ``entries`` are ``holder``'s (a trust policy when ``role`` says so; the role
    the API gives them, for the commands of other services)."""
    for e in entries:
        if role in ("trust", "boundary", "organization", "endpoint", "session"):
            e[3] = role
        if holder is not None:
            e[4] = e[4] or []
            if holder not in e[4]:
                e[4].append(holder)


def _written_before(written, line: int) -> list:
    """The document last written to a file or variable before ``line`` (a script that reuses one
    temporary file for several documents means the latest); else the first written after."""
    before = [e for at, e in written if at < line]
    if before:
        return [before[-1]]
    return [written[0][1]] if written else []


#: AWS CLI services whose "policies" are not IAM policies (AWS IoT Core policies).
_NOT_IAM_SERVICES = frozenset(("iot", "greengrass", "greengrassv2"))


#: What ends one command and starts another, and words after which a command follows.
_SEPARATORS = frozenset((";", "|", "&", "(", ")"))
_PREFIXES = frozenset(("sudo", "then", "do", "else", "if", "while", "until", "time", "exec", "command", "nohup",
                       "!", "xargs", "eval"))


def _at_command(names: list, k: int) -> bool:
    """Whether ``names[k]`` is where a command starts (not an argument: ``echo Run: aws iam ...``)."""
    if k == 0:
        return True
    prev = names[k - 1]
    return prev in _SEPARATORS or prev in _PREFIXES or _ASSIGN.match(prev) is not None


def _segment_head(names: list, k: int) -> str:
    """The first word of the command ``names[k]`` belongs to."""
    i = k
    while i > 0 and names[i - 1] not in _SEPARATORS:
        i -= 1
    return names[i] if i < len(names) else ""


def _aws_service(words: list) -> str:
    """The service of an ``aws`` command (``aws --region x iam ...``: ``iam``), or ""."""
    names = [w.text for w in words]
    for k, n in enumerate(names):
        if (n == "aws" or n == "awslocal") and _at_command(names, k):
            j = k + 1
            while j < len(names) and names[j].startswith("-"):
                j += 1 if "=" in names[j] else 2
            return names[j] if j < len(names) else ""
    return ""


def _redirect(words: list, consts: dict) -> str:
    """The file a command's output goes to (``> policy.json``), by its base name, or ""."""
    for k, w in enumerate(words):
        t = w.text
        if t.startswith(">"):
            name = t.lstrip(">") or (words[k + 1].text if k + 1 < len(words) else "")
            name = _expand(name, consts)
            if name and name != "/dev/null":
                return name.rsplit("/", 1)[-1]
    return ""


def _attached_elsewhere(src, words: list, consts: dict) -> None:
    """``eksctl create iamserviceaccount --attach-policy-arn=arn:...`` (and the like): AWS managed
    policies a command attaches to the role it makes, for SM105."""
    names = [w.text for w in words]
    for k, w in enumerate(words):
        t = w.text
        if not t.startswith("--attach-policy-arn") or _segment_head(names, k) in ("echo", "printf"):
            continue
        if "=" in t:
            word, start = w, t.index("=") + 1
        elif k + 1 < len(words):
            word, start = words[k + 1], 0
        else:
            continue
        pos = start
        for part in word.text[start:].split(","):
            arn = _expand(part, consts)
            if ":iam::aws:policy/" in arn and pos < len(word.at):
                label = f"{words[0].text} --attach-policy-arn"
                a = word.at[pos]
                sp = Span(a[0], a[1], a[0], a[1] + len(part))
                src.managed_refs.append(ManagedPolicyRef.of(Val(arn, sp, (label,)),
                                                            Origin(src.path, "shell", label, (label,))))
            pos += len(part) + 1


_ASSIGN = re.compile(r"\A([A-Za-z_][A-Za-z0-9_]*)=(.*)\Z", re.S)
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")


#: ``NAME=$`` before ``(``: a variable set to a command's output.
_CAPTURE = re.compile(r"\A([A-Za-z_][A-Za-z0-9_]*)=\$\Z")


def _constants(logical: list) -> dict:
    """Variables the script sets once, to a literal (``ROLE=ml-exec``, ``export ROLE="ml-exec"``)."""
    seen: dict = {}
    for _line, words in logical:
        k = 1 if words[0].text in ("export", "readonly", "local", "declare") else 0
        m = _ASSIGN.fullmatch(words[k].text) if k < len(words) else None
        if m is None:
            continue
        name, value = m.group(1), m.group(2)
        seen[name] = None if name in seen or "$" in value or "`" in value else value
    return {k: v for k, v in seen.items() if v is not None}


def _expand(s: str, consts: dict) -> str:
    """``s`` with the variables the script sets once to a literal replaced by their value."""
    if "$" not in s or not consts:
        return s
    return _VAR.sub(lambda m: consts.get(m.group(1) or m.group(2), m.group(0)), s)


#: The services whose commands this module reads.
_SERVICES = frozenset(("iam",) + tuple(svc for svc, _ in _OTHER_COMMANDS))


def _iam_command(words: list, service: str = "iam"):
    """(sub-command, {option: (word, where its value starts in the word)}) of an ``aws <service>``
    command this module reads (``iam``, or one of :data:`_OTHER_COMMANDS`), or None."""
    names = [w.text for w in words]
    for k in range(len(names) - 2):
        if names[k] not in ("aws", "awslocal") or not _at_command(names, k):
            continue
        j = k + 1
        while j < len(names) and names[j].startswith("-"):
            j += 1 if "=" in names[j] else 2  # a global option (--profile x, --region=y)
        if j + 1 < len(names) and names[j] == service and (
                names[j + 1] in _COMMANDS if service == "iam" else (service, names[j + 1]) in _OTHER_COMMANDS):
            opts: dict = {}
            m = j + 2
            while m < len(words):
                w = names[m]
                if w.startswith("--") and "=" in w:
                    opt = w.split("=", 1)[0]
                    opts[opt] = (words[m], len(opt) + 1)
                    m += 1
                elif w.startswith("--") and m + 1 < len(words):
                    opts[w] = (words[m + 1], 0)
                    m += 2
                else:
                    m += 1
            return names[j + 1], opts
    return None


def _json(text: str, at):
    """The located tree of a JSON object with a ``Statement`` written in ``text``, or None. ``at``:
    for a here-document, the (line, column) of its first line; for a word, where each character
    of ``text`` is written."""
    text = text.replace("\r\n", "\n")
    if not text.lstrip("\ufeff \t\n").startswith("{") or "Statement" not in text:
        return None
    from ..parsers.json_loc import parse_json

    if callable(at):
        mapper = at
    elif isinstance(at, tuple):
        line0 = at[0]

        def mapper(ln: int, c: int) -> tuple:
            return ln + line0 - 1, c
    else:
        starts = [0]
        for i, ch in enumerate(text):
            if ch == "\n":
                starts.append(i + 1)
        last = len(at) - 1

        def mapper(ln: int, c: int) -> tuple:
            i = starts[min(ln, len(starts)) - 1] + c - 1
            if i <= last:
                return at[i]
            return at[last][0], at[last][1] + i - last
    try:
        tree = parse_json(text, mapper=mapper)
    except ParseError:
        return None
    if not isinstance(tree, dict) or "Statement" not in tree:
        return None
    return tree


def _user(h) -> str:
    """The IAM user a holder of this script names: its name, or what the script writes for it
    (``$CURRENT_USER``) when that is not known here."""
    return h.iam_name or h.name.split(" ", 1)[-1]
