"""A web process loads every view at start and moves what it loaded out of the garbage collector's
reach: a full collection over it landed inside some webhook's acknowledgement."""

import json
import os
import subprocess
import sys

from tests.services import ROOT

PROBE = """
import gc, json, sys
import config.wsgi
from django.urls import get_resolver
config.wsgi.create_application()
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "messenger_views": "channels.messenger.views" in sys.modules,
                  "urls_loaded": "url_patterns" in vars(get_resolver())}))
"""


def run_probe(**env: str) -> dict:
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
    )  # fmt: skip
    return json.loads(probe.stdout.splitlines()[-1])


def test_the_web_application_is_loaded_whole_and_kept_out_of_collections_at_start():
    loaded = run_probe()
    assert loaded["messenger_views"] and loaded["urls_loaded"]
    assert loaded["frozen"] > 50_000
    assert loaded["tracked"] < loaded["frozen"] / 100


def test_each_start_up_trick_of_the_web_process_can_be_switched_off():
    loaded = run_probe(PARLEY_LOAD_VIEWS_AT_START="false", PARLEY_GC_FREEZE="false")
    assert not loaded["urls_loaded"]
    assert loaded["frozen"] == 0
