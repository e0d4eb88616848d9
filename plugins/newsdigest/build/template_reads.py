"""Which templates may show a story's own-page fields on a page that is not that story's.

Plain functions on Jinja2's syntax tree, no Pelican. A page key must cover everything the
page shows; fields like a curator's note appear in few templates, so only the pages of
those templates need every story's note in their key. The answer errs towards "yes":
a name that is rebound anywhere in a template, an attribute reached through another
object, the field's name as a string, or a template named at run time all count as reads.
"""

from __future__ import annotations

from jinja2 import Environment, nodes
from jinja2.meta import find_referenced_templates

from newsdigest.build.template_memo import TemplateMemo, compile_options


def _own_names(tree: nodes.Template, own: frozenset[str]) -> frozenset[str]:
    """The names of `own` that keep meaning the page's own item throughout this template."""
    rebound = {name.name for name in tree.find_all(nodes.Name) if name.ctx in ("store", "param")}
    rebound |= {keyword.key for keyword in tree.find_all(nodes.Keyword)}  # {% with x=... %}, call kwargs
    rebound |= {node.target for node in tree.find_all(nodes.Import)}
    rebound |= {
        name if isinstance(name, str) else name[-1] for node in tree.find_all(nodes.FromImport) for name in node.names
    }
    return own - rebound


def _reads_fields(tree: nodes.Template, fields: frozenset[str], own: frozenset[str]) -> bool:
    own_here = _own_names(tree, own)

    def on_own_item(node: nodes.Node) -> bool:
        return isinstance(node, nodes.Name) and node.name in own_here

    exempt = set()
    for subscript in tree.find_all(nodes.Getitem):
        if on_own_item(subscript.node) and isinstance(subscript.arg, nodes.Const):
            exempt.add(id(subscript.arg))
    for attribute in tree.find_all(nodes.Getattr):
        if attribute.attr in fields and not on_own_item(attribute.node):
            return True
    return any(
        isinstance(node.value, str) and node.value in fields and id(node) not in exempt
        for node in tree.find_all(nodes.Const)
    )


def reads_fields_of_others(
    environment: Environment, name: str, fields: tuple[str, ...], own: tuple[str, ...] = ()
) -> bool:
    """Whether template `name`, or any template it extends, includes or imports, may show one
    of `fields` of an item other than those passed to it under the names in `own`."""
    if environment.loader is None:
        raise TypeError("the template environment has no loader, so its templates cannot be read")
    loader = environment.loader
    wanted, own_set = frozenset(fields), frozenset(own)
    seen: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        source, _, _ = loader.get_source(environment, current)
        reads, referenced_templates = _examined(environment, current, source, wanted, own_set)
        if reads:
            return True
        for referenced in referenced_templates:
            if referenced is None:  # a template chosen at run time: it could be any of them
                return True
            pending.append(referenced)
    return False


def _examined(
    environment: Environment, name: str, source: str, fields: frozenset[str], own: frozenset[str]
) -> tuple[bool, tuple[str | None, ...]]:
    """Whether the template reads `fields` of others, and the templates it names; once per
    source for the process's life when the environment compiles through the template memo."""

    def examine() -> tuple[bool, tuple[str | None, ...]]:
        tree = environment.parse(source, name)
        return _reads_fields(tree, fields, own), tuple(find_referenced_templates(tree))

    memo = environment.bytecode_cache
    if not isinstance(memo, TemplateMemo):
        return examine()
    return memo.derived(("reads", compile_options(environment, name), name, fields, own), source, examine)
