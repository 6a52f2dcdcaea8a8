"""Synthetic self-assessment of a fictional city against the OECD checklist for local integration.

Ardenfeld is an invented destination city of about 400 000 residents. The table holds, for each of
the twelve key points of the OECD's checklist for local action on migrant integration (OECD 2018,
*Working Together for Local Integration of Migrants and Refugees*), the course's own paraphrase of
the point, its block (A-D, as the report groups them) and a status that the city's integration
office might give itself: 0 = not in place, 1 = partly in place, 2 = in place. The statuses are
drawn at random around block-level probabilities that are teaching assumptions (the fictional
city is stronger on sectoral services than on governance and evaluation); no real city was
assessed and nothing here is observed data.

Regenerate the CSV with ``python -m academy.synthetic city_checklist_synthetic``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 2026

# The twelve key points in the course's own words (not the OECD's wording), with their block:
# A multi-level governance and funding, B time and space, C local capacity, D sectoral policies.
KEY_POINTS: tuple[tuple[int, str, str], ...] = (
    (1, "A", "Coordinate integration work with regional and national governments, at the scale "
             "where each task is best done"),
    (2, "A", "Make the city's policies on migrants pull in the same direction across departments"),
    (3, "A", "Secure money that matches the integration tasks the city is responsible for, and "
             "use it well"),
    (4, "B", "Plan for the whole of a migrant's stay, as needs and legal status change over the "
             "years"),
    (5, "B", "Create places and occasions where newcomers and long-time residents meet"),
    (6, "C", "Train front-line staff and recruit a workforce that reflects the city's residents"),
    (7, "C", "Work with civil society, businesses and migrants' groups, with open and fair "
             "contracts"),
    (8, "C", "Measure integration results for migrants and the wider community, and act on them"),
    (9, "D", "Match migrants' skills with local jobs and business opportunities"),
    (10, "D", "Make sure migrants can find adequate housing"),
    (11, "D", "Align social services and welfare with the inclusion of migrants"),
    (12, "D", "Give schools the means to prevent segregation and open equal paths to careers"),
)

# Probability of each status (0, 1, 2) by block: teaching assumptions, not measurements.
STATUS_PROBABILITIES: dict[str, tuple[float, float, float]] = {
    "A": (0.45, 0.40, 0.15),
    "B": (0.25, 0.50, 0.25),
    "C": (0.50, 0.35, 0.15),
    "D": (0.10, 0.45, 0.45),
}
STATUS_LABELS = {0: "not in place", 1: "partly in place", 2: "in place"}


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic checklist table generated from ``seed``, typed like its schema."""
    rng = np.random.default_rng(seed)
    statuses = [int(rng.choice(3, p=STATUS_PROBABILITIES[block])) for _, block, _ in KEY_POINTS]
    return pd.DataFrame({
        "item": pd.Series([item for item, _, _ in KEY_POINTS], dtype="Int64"),
        "block": pd.Series([block for _, block, _ in KEY_POINTS], dtype="string"),
        "key_point": pd.Series([text for _, _, text in KEY_POINTS], dtype="string"),
        "status": pd.Series(statuses, dtype="Int64"),
        "status_label": pd.Series([STATUS_LABELS[s] for s in statuses], dtype="string"),
    })
