"""Shared fixtures: one loaded coder for the whole session (loading spaCy is the slow part)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "000_aabd378c5b300fd4.txt"


@pytest.fixture(scope="session")
def coder():
    from dyads.coder import Coder

    return Coder(geocode=False)


@pytest.fixture(scope="session")
def geo_coder():
    """A coder as `dyads code` runs it, resolving places (which give actors their countries)."""
    from dyads.coder import Coder

    return Coder(geocode=True)


@pytest.fixture(scope="session")
def all_events_coder():
    """A coder that keeps every event found, negated ones and passing mentions too (--all-events)."""
    from dyads.coder import Coder

    return Coder(geocode=False, all_events=True)


@pytest.fixture(scope="session")
def bench_story():
    """One story of the throughput benchmark's real news, by id."""
    bench = SHARED / "bench" / "news.jsonl"
    if not bench.exists():
        pytest.skip(f"benchmark news not found at {bench}")

    def story(story_id: str) -> dict:
        return next(rec for line in bench.open() if (rec := json.loads(line))["id"] == story_id)
    return story


@pytest.fixture(scope="session")
def seed_path() -> Path:
    if not SEED.exists():
        pytest.skip(f"seed story not found at {SEED}")
    return SEED


@pytest.fixture(scope="session")
def seed_story():
    if not SEED.exists():
        pytest.skip(f"seed story not found at {SEED}")
    from dyads.models import Story
    from dyads.reader import read_stories

    (story,) = list(read_stories([str(SEED)]))
    assert isinstance(story, Story)
    return story


@pytest.fixture(scope="session")
def seed_store(tmp_path_factory, seed_path) -> Path:
    """The seed story coded by ``dyads code`` (geocoding on) into a DuckDB file, once per session."""
    db = tmp_path_factory.mktemp("seed-store") / "seed.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", "from dyads.cli import app; app()", "code", str(seed_path), "--db", str(db),
         "--rejects", str(db.with_suffix(".rejects.jsonl"))],
        capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        pytest.fail(f"dyads code failed on the seed:\n{done.stderr[-3000:]}")
    return db
