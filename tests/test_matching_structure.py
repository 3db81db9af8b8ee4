"""teams <-- matching <-- trajectories: one direction, no import circle (issue 23)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APPS = {
    "teams": ROOT / "basisjeugdhulp" / "teams",
    "matching": ROOT / "matching",
    "trajectories": ROOT / "basisjeugdhulp" / "trajectories",
}
MODULES = {"teams": "basisjeugdhulp.teams", "matching": "matching", "trajectories": "basisjeugdhulp.trajectories"}
# What each app may not import, also not inside a function.
FORBIDDEN = {"teams": ("matching", "trajectories"), "matching": ("trajectories",)}


def imports_of(folder):
    for path in folder.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                yield path, node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name


@pytest.mark.parametrize("app", FORBIDDEN)
def test_the_apps_import_each_other_in_one_direction(app):
    found = [
        f"{path.relative_to(ROOT)} imports {module}"
        for path, module in imports_of(APPS[app])
        for other in FORBIDDEN[app]
        if module == MODULES[other] or module.startswith(MODULES[other] + ".")
    ]
    assert found == []
