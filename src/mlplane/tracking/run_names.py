"""Readable names for runs started without one, like `calm-heron-417`."""

from __future__ import annotations

import secrets

_ADJECTIVES = (
    "amber", "bold", "brave", "bright", "calm", "clever", "crisp", "daring", "eager", "fair",
    "gentle", "glad", "grand", "happy", "honest", "keen", "kind", "lively", "lucky", "merry",
    "mighty", "nimble", "noble", "polite", "proud", "quick", "quiet", "rapid", "sharp", "shiny",
    "silent", "smooth", "steady", "sunny", "swift", "tidy", "vivid", "warm", "wise", "zesty",
)  # fmt: skip
_ANIMALS = (
    "badger", "bear", "bison", "crane", "deer", "dolphin", "eagle", "falcon", "ferret", "finch",
    "fox", "gull", "hare", "hawk", "heron", "ibis", "jay", "koala", "lark", "lemur", "lynx",
    "mole", "moose", "newt", "otter", "owl", "panda", "puffin", "quail", "raven", "robin",
    "seal", "sparrow", "stork", "swan", "tiger", "toad", "trout", "wolf", "wren",
)  # fmt: skip


def new_run_name() -> str:
    number = secrets.randbelow(1000)
    return f"{secrets.choice(_ADJECTIVES)}-{secrets.choice(_ANIMALS)}-{number}"
