"""Synthetic table of local job vacancies by sector, for the skills exercises of Return migration.

It stands for what a municipal employment office might list in one month. The sectors match the
returnee survey (``returnee_survey_synthetic``), except that domestic work is not listed and one
sector (renewable energy) has vacancies but no returnees with that experience, so that joining the
two tables needs care. The expected numbers and the share of vacancies that ask for a recognised
qualification are teaching assumptions, not published statistics.

Regenerate the CSV with ``python -m academy.synthetic local_vacancies_synthetic``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 1821

# Sector: (expected vacancies in a month, share of them requiring a recognised qualification).
EXPECTED_VACANCIES: dict[str, tuple[float, float]] = {
    "Agriculture": (12, 0.0),
    "Construction": (30, 0.4),
    "Health care": (20, 0.9),
    "Hospitality": (15, 0.2),
    "Manufacturing": (14, 0.4),
    "Renewable energy": (8, 0.75),
    "Transport": (12, 0.75),
}
COLUMNS = ("sector", "vacancies", "vacancies_certified")


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic vacancies table generated from ``seed``, typed like its schema."""
    rng = np.random.default_rng(seed)
    sectors = sorted(EXPECTED_VACANCIES)
    vacancies = rng.poisson([EXPECTED_VACANCIES[s][0] for s in sectors])
    certified = rng.binomial(vacancies, [EXPECTED_VACANCIES[s][1] for s in sectors])
    return pd.DataFrame({
        "sector": pd.Series(sectors, dtype="string"),
        "vacancies": pd.Series(vacancies, dtype="Int64"),
        "vacancies_certified": pd.Series(certified, dtype="Int64"),
    })
