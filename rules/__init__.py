"""Built-in rules, one module per rule (installed as ``linter.rules``).

Each module defines one :class:`linter.rule.Rule` subclass and ``RULE``, an instance.
The index of codes to modules is :data:`linter.registry.BUILTIN`.
"""
