"""Data flows one way: webhook (channels) → conversation store → agent → outbox → platform sender. The layers
below never import the ones above: the store enqueues the agent's turn by name and reaches the platforms through
what the channels app installs at start-up (conversations/platforms.py); the business knows no platform,
no conversation and no agent; the judge (judging/) knows only the business, so that the
evaluation and test cases share it; infrastructure (metrics, logs, encryption...) imports none of the apps. Tests
are left out: they exercise the layers together on purpose."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Each package and the top-level packages none of its modules may import.
APPS = {"agents", "analytics", "business", "channels", "console", "conversations", "operations", "test_cases"}
FORBIDDEN = {
    "infrastructure": APPS | {"evaluation", "judging"},
    "business": APPS - {"business"} | {"evaluation", "judging"},
    "conversations": APPS - {"business", "conversations"} | {"evaluation", "judging"},
    # The judge reads replies against the business's data, whoever played them: the evaluation set or test cases.
    "judging": APPS - {"business"} | {"evaluation"},
}


def imported_packages(path: Path) -> set[str]:
    """Every top-level package a module imports, at its top or inside a function (relative imports stay inside)."""
    packages = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            packages |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            packages.add(node.module.split(".")[0])
    return packages


def modules(package: str) -> list[Path]:
    return sorted(path for path in (ROOT / package).rglob("*.py") if "tests" not in path.relative_to(ROOT).parts)


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_module_of_a_lower_layer_imports_a_layer_above_it(package):
    found = modules(package)
    assert found, f"no module found in {package}/"
    crossings = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & FORBIDDEN[package])
        for path in found
        if imported_packages(path) & FORBIDDEN[package]
    }
    assert crossings == {}


def test_the_layer_check_sees_an_import_inside_a_function(tmp_path):
    module = tmp_path / "late.py"
    module.write_text("def later():\n    from agents.tasks import answer_message\n    from .models import Message\n")
    assert imported_packages(module) == {"agents"}
