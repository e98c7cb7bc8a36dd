"""Shared fixtures: one loaded coder for the whole session (loading spaCy is the slow part)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEED = SHARED / "seed" / "000_aabd378c5b300fd4.txt"


@pytest.fixture(scope="session")
def coder():
    from dyads.coder import Coder

    return Coder(geocode=False)


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
