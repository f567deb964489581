"""Importing a module changes nothing global: the environment, prometheus_client, the garbage collector and
the filesystem are left to the processes' start-up (infrastructure/process_start.py)."""

import json
import os
import subprocess
import sys

import pytest

from tests.services import ROOT

PROBE = """
import gc, importlib, json, os, pkgutil, sys
from pathlib import Path

from prometheus_client import values

environ, value_class, frozen = dict(os.environ), values.ValueClass, gc.get_freeze_count()
import django
from django.conf import settings

settings.INSTALLED_APPS  # config.settings, on its own first
django.setup()
imported = []
root = Path(sys.argv[1])
# Every package of the checkout but the tests (theirs included), config first: what runs in production.
packages = sorted((path.parent.name for path in root.glob("*/__init__.py")), key=lambda name: name != "config")
for package in [name for name in packages if name != "tests"]:
    imported.append(importlib.import_module(package).__name__)
    for module in pkgutil.walk_packages([str(root / package)], prefix=package + "."):
        if ".tests" not in module.name and not module.name.endswith(".__main__"):
            importlib.import_module(module.name)
            imported.append(module.name)
var_dir = Path(os.environ["PARLEY_VAR_DIR"])
print(json.dumps({
    "imported": imported,
    "environ_changed": sorted(set(os.environ.items()) ^ set(environ.items())),
    "prometheus_patched": values.ValueClass is not value_class,
    "frozen": gc.get_freeze_count() - frozen,
    "var_files": sorted(str(path) for path in var_dir.rglob("*")) if var_dir.exists() else [],
    "working_directory_files": sorted(str(path) for path in Path.cwd().iterdir()),
}))
"""

# Variables a start-up sets, which the test session's own start-up put in its environment.
SET_AT_START_UP = ("PROMETHEUS_MULTIPROC_DIR", "GOMP_SPINCOUNT")


@pytest.mark.parametrize("servers", ["PostgreSQL and Redis", "SQLite and the file broker"])
def test_importing_the_settings_and_every_module_changes_nothing_global(servers, tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in SET_AT_START_UP}
    if servers == "SQLite and the file broker":
        env = {key: value for key, value in env.items() if key not in ("DATABASE_URL", "REDIS_URL")}
    working_directory = tmp_path / "cwd"
    working_directory.mkdir()
    env.update(PARLEY_VAR_DIR=str(tmp_path / "var"), DJANGO_SETTINGS_MODULE="config.settings", PYTHONPATH=str(ROOT))
    probe = subprocess.run(
        [sys.executable, "-c", PROBE, str(ROOT)],
        cwd=working_directory, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr[-3000:]
    found = json.loads(probe.stdout.splitlines()[-1])

    assert {"config.settings", "config.wsgi", "agents.tools", "infrastructure.metrics"} <= set(found["imported"])
    assert found["environ_changed"] == []
    assert not found["prometheus_patched"]
    assert found["frozen"] == 0
    assert found["var_files"] == []
    assert found["working_directory_files"] == []
