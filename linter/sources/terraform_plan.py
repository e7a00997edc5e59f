"""Terraform plans: what ``terraform show -json`` prints (planned values, resource changes).

Values in a plan are resolved; policies are JSON strings. Documents get the same roles as
in ``.tf`` files (:mod:`linter.sources.terraform`).
"""
from __future__ import annotations


def claims(name: str, tree) -> bool:
    return isinstance(tree, dict) and ("planned_values" in tree or "resource_changes" in tree
                                       or ("format_version" in tree and "terraform_version" in tree))


def extract(src, tree) -> None:
    from . import terraform

    terraform.extract_plan(src, tree)
