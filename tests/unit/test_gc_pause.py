"""paused_gc: the cyclic collector is off inside the block and back as it was after it;
the web entry point freezes the app's objects."""
import gc
import os
import subprocess  # nosec B404 - the test runs the entry point in a fresh interpreter
import sys
from pathlib import Path

import pytest

from oversight.gc_pause import paused_gc


def test_the_collector_is_paused_and_restored_also_on_error():
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("trasig")
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_wsgi_entry_point_leaves_the_app_frozen(tmp_path):
    """Imported as gunicorn does, in a fresh interpreter: the app's objects are frozen and the
    collector stays on for what requests create."""
    root = Path(__file__).resolve().parents[2]
    code = ("import gc, wsgi; "
            "print(gc.get_freeze_count(), gc.isenabled(), type(wsgi.app).__name__)")
    env = dict(os.environ, OVERSIGHT_INSTANCE_PATH=str(tmp_path),
               OVERSIGHT_DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite'}")
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, check=True,  # nosec B603
                         capture_output=True, text=True).stdout.split()
    frozen, enabled, kind = int(out[0]), out[1], out[2]
    assert frozen > 10_000 and enabled == "True" and kind == "Flask"
