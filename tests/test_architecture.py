"""The import rules of docs/architecture.md, read from the source tree.

Every `import` counts, also one inside a function: a lazy import hides a
dependency, it does not remove it. Migrations and tests are not application code
and are left out; `portal.settings` names the stand-in's key loader when the
stand-in is enabled, which is configuration, not a dependency of the portal.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Which apps each app may import (besides itself). Feature apps are layered:
# core at the bottom, then organisations, then portal, then the features.
ALLOWED = {
    "core": set(),
    "organisations": {"core"},
    "portal": {"core", "organisations"},
    "establishments": {"core", "organisations", "portal"},
    "providers": {"core", "organisations", "portal", "establishments"},
    "registrations": {"core", "organisations", "portal", "providers"},
    "projects": {"core", "organisations", "portal", "providers", "registrations"},
    "directory": {
        "core",
        "organisations",
        "portal",
        "providers",
        "establishments",
        "registrations",
    },
    # Development tools: they may use the portal, nothing of the portal uses them.
    "demo": {
        "core",
        "organisations",
        "portal",
        "providers",
        "establishments",
        "registrations",
        "projects",
    },
    "standin": {"core", "demo"},
    "benchmarks": {
        "core",
        "organisations",
        "portal",
        "providers",
        "establishments",
        "registrations",
        "projects",
        "directory",
        "demo",
    },
}
APPS = set(ALLOWED)
CONFIGURATION_MODULES = {"portal.settings"}
# The public search learns who is listed from one place only.
DIRECTORY_MAY_IMPORT_FROM_REGISTRATIONS = {"registrations.selectors"}


def _module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _source_modules():
    for app in sorted(APPS):
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield _module_name(path), path


def _imported_modules(path, known):
    """First-party modules `path` imports: `from a.b import c` is a.b.c when that is a
    module, else a.b."""
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [
                f"{node.module}.{alias.name}"
                if f"{node.module}.{alias.name}" in known
                else node.module
                for alias in node.names
            ]
        else:
            continue
        for name in names:
            if name.split(".")[0] in APPS:
                yield name


def import_graph():
    modules = dict(_source_modules())
    return {
        module: set(_imported_modules(path, modules)) - {module}
        for module, path in modules.items()
    }


def app_of(module):
    return module.split(".")[0]


def wrong_arrows(graph):
    wrong = []
    for module, imported in graph.items():
        if module in CONFIGURATION_MODULES:
            continue
        for target in sorted(imported):
            source_app, target_app = app_of(module), app_of(target)
            if source_app == target_app:
                continue
            if target_app not in ALLOWED[source_app]:
                wrong.append(f"{module} imports {target} ({source_app} may not use {target_app})")
            elif (
                source_app == "directory"
                and target_app == "registrations"
                and not any(
                    target == allowed or target.startswith(f"{allowed}.")
                    for allowed in DIRECTORY_MAY_IMPORT_FROM_REGISTRATIONS
                )
            ):
                wrong.append(
                    f"{module} imports {target}: the directory reads registrations "
                    "through registrations.selectors only"
                )
    return wrong


def cycles(graph):
    """The strongly connected components of more than one module (Tarjan)."""
    index, lowlink, on_stack, stack, found = {}, {}, set(), [], []

    def visit(module):
        index[module] = lowlink[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in graph.get(module, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                lowlink[module] = min(lowlink[module], lowlink[target])
            elif target in on_stack:
                lowlink[module] = min(lowlink[module], index[target])
        if lowlink[module] == index[module]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == module:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


@pytest.fixture(scope="module")
def graph():
    return import_graph()


def test_every_app_of_the_source_tree_has_rules():
    packages = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert packages == APPS


def test_every_import_points_the_allowed_way(graph):
    assert wrong_arrows(graph) == []


def test_no_modules_import_each_other(graph):
    assert cycles(graph) == []


def test_the_checks_see_a_wrong_import_and_a_cycle():
    """The rules themselves are tested: a core module that imports a feature app, a
    feature app that imports the stand-in, the directory reading registrations'
    models, and two modules that import each other."""
    graph = {
        "core.mail": {"projects.models"},
        "projects.views": {"standin.demo"},
        "directory.search": {"registrations.models", "registrations.selectors"},
        "providers.a": {"providers.b"},
        "providers.b": {"providers.a"},
    }
    assert wrong_arrows(graph) == [
        "core.mail imports projects.models (core may not use projects)",
        "projects.views imports standin.demo (projects may not use standin)",
        "directory.search imports registrations.models: the directory reads registrations "
        "through registrations.selectors only",
    ]
    assert cycles(graph) == [["providers.a", "providers.b"]]
