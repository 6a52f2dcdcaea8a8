"""Synthetic integration services of a fictional city, for the budget exercise of Local development.

Ardenfeld is the invented destination city of ``city_checklist_synthetic``. For each of five local
integration services the table gives how many people need it in a year, how many the city already
serves, how many of those in need are women, the cost per person served for a year, the key point
of the OECD checklist it serves and the order in which the city council's plan would fund it. All
the means, coverage rates, shares of women and costs below are teaching assumptions of the course,
set to plausible orders of magnitude for a European city of about 400 000 residents; they are not
calibrated to published figures (no public microdata on the cost of a city's integration services
were available to the course), and nothing here is observed data.

Regenerate the CSV with ``python -m academy.synthetic city_services_synthetic``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 1115

# Service: (checklist item, council priority, expected people in need, share already served,
#           share of women among those in need, mean cost per person per year in EUR).
SERVICES: dict[str, tuple[int, int, float, float, float, float]] = {
    "Language courses": (9, 1, 2400, 0.60, 0.56, 850),
    "School support for newcomer children": (12, 2, 1200, 0.65, 0.48, 1400),
    "Job matching and skills recognition": (9, 3, 1800, 0.40, 0.42, 1100),
    "Housing advice and deposits": (10, 4, 900, 0.35, 0.45, 2600),
    "Front-line staff training": (6, 5, 260, 0.15, 0.70, 600),
}


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic services table generated from ``seed``, typed like its schema."""
    rng = np.random.default_rng(seed)
    names = list(SERVICES)
    need = rng.poisson([SERVICES[s][2] for s in names])
    served = rng.binomial(need, [SERVICES[s][3] for s in names])
    women = rng.binomial(need, [SERVICES[s][4] for s in names])
    cost = np.round(rng.normal([SERVICES[s][5] for s in names], 60) / 10) * 10
    return pd.DataFrame({
        "service": pd.Series(names, dtype="string"),
        "checklist_item": pd.Series([SERVICES[s][0] for s in names], dtype="Int64"),
        "council_priority": pd.Series([SERVICES[s][1] for s in names], dtype="Int64"),
        "people_in_need": pd.Series(need, dtype="Int64"),
        "people_served": pd.Series(served, dtype="Int64"),
        "women_in_need": pd.Series(women, dtype="Int64"),
        "cost_per_person_eur": pd.Series(cost.astype(int), dtype="Int64"),
    })
