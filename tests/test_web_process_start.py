"""A web process loads every view at start and moves what it loaded out of the garbage collector's
reach: a full collection over it took about 90 ms, which landed inside some webhook's acknowledgement."""
import json
import os
import subprocess
import sys

from tests.services import ROOT

PROBE = """
import gc, json, sys
import config.wsgi
print(json.dumps({"frozen": gc.get_freeze_count(), "tracked": len(gc.get_objects()),
                  "messenger_views": "channels.messenger.views" in sys.modules}))
"""


def test_the_web_application_is_loaded_whole_and_kept_out_of_collections_at_start():
    probe = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )  # fmt: skip
    loaded = json.loads(probe.stdout.splitlines()[-1])
    assert loaded["messenger_views"]
    assert loaded["frozen"] > 50_000
    assert loaded["tracked"] < loaded["frozen"] / 100
