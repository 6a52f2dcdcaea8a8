"""A synthetic message-testing experiment: a fact-based or a value-based message about newcomers.

Respondents in three audience segments of a fictional town (Halvern, Arvenia) are randomly
assigned, half and half within each segment, to read one of two messages, and say whether they
would support the town's welcome programme for newcomers. ``generate(seed)`` draws the answers
from the support rates in ``SUPPORT_RATE``. Those rates are invented for teaching: the table is
synthetic, calibrated to no published study, and says nothing about how real audiences respond.
"""

from __future__ import annotations

import random
from pathlib import Path

import pandas as pd

SEED = 2018
RESPONDENTS_PER_ARM = 150  # per segment and message: 3 segments x 2 messages x 150 = 900

FACT_BASED, VALUE_BASED = "Fact-based", "Value-based"
MESSAGES = (FACT_BASED, VALUE_BASED)
SEGMENTS = ("Long-time residents", "Recent residents", "Local business owners")

# Invented probabilities of answering "support": NOT estimates from any real survey.
SUPPORT_RATE: dict[tuple[str, str], float] = {
    ("Long-time residents", FACT_BASED): 0.40,
    ("Long-time residents", VALUE_BASED): 0.52,
    ("Recent residents", FACT_BASED): 0.60,
    ("Recent residents", VALUE_BASED): 0.62,
    ("Local business owners", FACT_BASED): 0.47,
    ("Local business owners", VALUE_BASED): 0.55,
}

COLUMNS = ["respondent_id", "segment", "message", "supports"]


def _shuffled(items: list[str], rng: random.Random) -> list[str]:
    """Return a Fisher-Yates shuffle of ``items`` that uses only ``rng.random()``."""
    out = list(items)
    for i in range(len(out) - 1, 0, -1):
        j = min(int(rng.random() * (i + 1)), i)
        out[i], out[j] = out[j], out[i]
    return out


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return one row per synthetic respondent: segment, message seen, and support (1) or not (0).
    """
    rng = random.Random(seed)
    rows: list[dict[str, str | int]] = []
    for segment in SEGMENTS:
        assignment = _shuffled([m for m in MESSAGES for _ in range(RESPONDENTS_PER_ARM)], rng)
        for message in assignment:
            supports = int(rng.random() < SUPPORT_RATE[(segment, message)])
            rows.append({"respondent_id": f"R{len(rows) + 1:04d}", "segment": segment,
                         "message": message, "supports": supports})
    return pd.DataFrame(rows, columns=COLUMNS)


def write_csv(path: Path, seed: int = SEED) -> None:
    """Write the experiment generated with ``seed`` to ``path`` as UTF-8 CSV."""
    generate(seed).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


if __name__ == "__main__":  # regenerate the published table
    from academy.paths import project_root

    write_csv(project_root() / "datasets" / "synthetic_message_test.csv")
