"""Policy files written as templates: ``*.json.tpl``, ``*.tftpl``, ``*.json.tftpl``
(Terraform template syntax: ``${...}``, ``%{ ... }``) and ``*.json.j2``, ``*.json.jinja2``
(Jinja: ``{{ ... }}``, ``{% ... %}``).

Placeholders are unresolved values, never errors: inside a JSON string they stay as
written (``arn:aws:s3:::${bucket}/*``), standing for a whole value they are
:class:`~linter.located.Unresolved`, and directives disappear. A template that is not a
JSON policy once read this way (a YAML file, a shell script) is only scanned for
credentials. A template that a nearby Terraform file reads with ``templatefile()`` is
linted as that resource's policy (:func:`linter.sources.terraform.owner_documents`). A template
with directives is not ``sized``: how often its text repeats is not known.
"""
from __future__ import annotations

from ..located import LineIndex, ParseError

def syntax_of(name: str) -> str:
    """``"jinja"`` or ``"terraform"``: how placeholders are written in a template file."""
    return "jinja" if ".j2" in name.lower()[-4:] or name.lower().endswith((".jinja", ".jinja2")) else "terraform"


def parse(src, syntax: str = ""):
    """The JSON tree of a template, or None when it holds no JSON policy (then only the
    credential rules read it). A template a nearby Terraform file reads is linted as that
    file uses it, here (:func:`linter.sources.terraform.owner_documents`). ``syntax`` (how
    placeholders are written) defaults to what the file's name says."""
    from . import terraform
    from .templated import scan_jinja, template_json

    text = src.text
    if "Statement" not in text:
        return None
    if terraform.owner_documents(src):
        return None
    if (syntax or syntax_of(src.abspath)) == "jinja":
        tpl = scan_jinja(text)
    else:
        from ..parsers.hcl import scan_template_text

        tpl = scan_template_text(text)
    if not tpl.text.lstrip().startswith(("{", "$", "%")):
        return None
    try:
        tree = template_json(tpl, LineIndex(text))
    except ParseError as e:
        if not any(s[2] == "directive" for s in tpl.specials):
            src.error("LP001", f"policy template is not JSON once its placeholders are read: {e.message}", e.span)
        return None  # with directives, it cannot be read without evaluating them
    src.trees.append(tree)
    return tree


def extract(src, tree, syntax: str = "") -> None:
    from . import policy_json

    if tree is not None and policy_json.claims(src.path, tree):
        policy_json.extract(src, tree)
        if _DIRECTIVE[syntax or syntax_of(src.abspath)] in src.text:
            # a directive (%{ for }, {% if %}) may repeat or drop text: the size is not known
            for doc in src.documents:
                doc.sized = False
    src.kind = "policy-template"


_DIRECTIVE = {"terraform": "%{", "jinja": "{%"}
