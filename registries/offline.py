"""Bundled fixtures for offline mode (``registries/fixtures/*.json``): answers shaped exactly
like the real registries' answers, for the demo organisations. The stub server serves the same
files, so offline mode and HTTP mode against the stub agree."""
from __future__ import annotations

import json
import os
from functools import cache

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


@cache
def load_fixture(name: str) -> dict:
    """``bolagsverket`` -> {digits: {"organisationer": [...]}}; ``sanctions`` -> {digits: yente
    per-query answer}. Cached and shared: treat as read-only."""
    with open(os.path.join(FIXTURES, f"{name}.json"), encoding="utf-8") as handle:
        return json.load(handle)
