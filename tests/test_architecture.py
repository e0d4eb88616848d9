"""The package's layers: each module imports only from its own layer and those below it, so
data flows one way (raw file -> ingest -> content -> read -> enrich -> write) and the Pelican
glue is reached from the build's run alone."""

import ast
from pathlib import Path

import pytest

PACKAGES = Path(__file__).resolve().parents[1] / "plugins"

# Lowest first. A module belongs to the first layer with a prefix of its name.
LAYERS = [
    ("foundation", ["newsdigest.paths", "newsdigest.settings", "newsdigest.digests", "newsdigest.workers"]),
    ("content", ["newsdigest.content"]),
    ("site", ["newsdigest.site"]),
    ("ingest", ["newsdigest.ingest"]),
    ("build engine", ["newsdigest.build"]),
    ("pelican glue", ["newsdigest.pelican_plugins"]),
    ("build run", ["newsdigest.build.run"]),
    ("serve, deploy and deliver", ["newsdigest.serve", "newsdigest.deploy", "newsdigest.deliver"]),
    ("cli", ["newsdigest.cli", "newsdigest_bench"]),
]


def layer_of(module: str) -> int:
    """The layer's index; the longest matching prefix wins (build.run sits above build)."""
    best, length = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > length:
                best, length = index, len(prefix)
    if best is None:
        raise LookupError(f"{module} is in no layer")
    return best


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGES.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGES).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0].startswith("newsdigest"):
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names if alias.name.split(".")[0].startswith("newsdigest"))
    return names


def test_every_module_imports_only_its_layer_and_those_below():
    known = modules()
    upward = []
    for name, path in known.items():
        if name == "newsdigest":
            continue
        own = layer_of(name)
        for imported in imports_of(path):
            # `from newsdigest.site import taxonomy` names the module; `from x import f`, a function in x
            target = imported if imported in known else imported.rpartition(".")[0]
            if target in ("newsdigest", "") or target not in known:
                continue
            if layer_of(target) > own:
                upward.append(f"{name} ({LAYERS[own][0]}) imports {target} ({LAYERS[layer_of(target)][0]})")
    assert not upward, "\n".join(upward)


def test_no_pelican_plugin_imports_another():
    """The plugins share what they need through the layers below the glue, never through each other."""
    known = modules()
    glue = "newsdigest.pelican_plugins."
    found = set()
    for name, path in known.items():
        if name.startswith(glue):
            for imported in imports_of(path):
                target = imported if imported in known else imported.rpartition(".")[0]
                if target.startswith(glue) and target != name:
                    found.add(f"{name} imports {target}")
    assert not found, "\n".join(sorted(found))


def test_every_module_is_in_a_layer():
    for name in modules():
        if name != "newsdigest":
            layer_of(name)


@pytest.mark.parametrize("package", sorted({name for name in modules() if modules()[name].name == "__init__.py"}))
def test_every_package_says_what_it_owns(package):
    tree = ast.parse(modules()[package].read_text(encoding="utf-8"))
    assert ast.get_docstring(tree), f"{package} has no docstring saying what it owns and may import"
