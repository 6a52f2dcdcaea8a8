"""Generator of `mentoring_pool_synthetic`: private-sector mentors and returning entrepreneurs.

No public microdata exist on mentors and diaspora entrepreneurs, so the table is synthetic. Its
size follows the Migration Laboratory's "Private Sector Mentoring" proposal (Global Leadership
Academy and GIZ, 2018): 20 partner companies operating in Africa recruit 10 mentors each (200
mentors) for 200 or more returning diaspora and migrant entrepreneurs, with mentoring in sectors
such as IT, engineering and finance. Every other share below is a teaching assumption, chosen so
that the pairing problem has visible trade-offs: mentors are concentrated in the sectors of the
partner companies and few are based in Central Africa, while entrepreneurs spread across sectors
and regions.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 2019
COMPANIES = 20
MENTORS_PER_COMPANY = 10
ENTREPRENEURS = 240

SECTORS = ("Agribusiness", "Engineering", "Finance", "Health", "Information technology",
           "Renewable energy", "Retail and trade", "Tourism")
SKILLS = ("Business planning", "Digital tools", "Export and market access", "Financial management",
          "Legal and regulatory", "Marketing and sales")
REGIONS = ("Central Africa", "East Africa", "North Africa", "Southern Africa", "West Africa")
LANGUAGES = ("Arabic", "English", "French", "Portuguese", "Swahili")

# Teaching assumptions (shares, not published figures).
COMPANY_SECTOR_WEIGHTS = (1, 4, 4, 1, 5, 3, 1, 1)
ENTREPRENEUR_SECTOR_WEIGHTS = (6, 2, 1, 2, 3, 2, 5, 3)
MENTOR_REGION_WEIGHTS = (1, 6, 4, 3, 6)
ENTREPRENEUR_REGION_WEIGHTS = (3, 5, 3, 3, 6)
MENTOR_SKILL_WEIGHTS = (2, 4, 2, 4, 1, 2)
ENTREPRENEUR_SKILL_WEIGHTS = (4, 2, 3, 3, 2, 3)
# Language spoken, by region (same order as LANGUAGES); mentors from international companies
# also work in English wherever they are based, hence their separate weights.
REGION_LANGUAGE_WEIGHTS = {
    "Central Africa": (0, 2, 8, 0, 0),
    "East Africa": (0, 7, 0, 0, 3),
    "North Africa": (5, 0, 5, 0, 0),
    "Southern Africa": (0, 8, 0, 2, 0),
    "West Africa": (0, 6, 4, 0, 0),
}
MENTOR_ENGLISH_SHARE = 0.5

COLUMNS = ["person_id", "role", "company", "sector", "skill", "language", "region"]


def _draw(rng: np.random.Generator, options: tuple[str, ...], weights: tuple[float, ...],
          size: int) -> list[str]:
    """Return ``size`` draws from ``options`` with the given weights, by inverse CDF on uniforms.

    Uniform doubles are the most stable part of numpy's Generator across versions, so the table
    regenerates identically where ``Generator.choice`` might not.
    """
    cumulative = np.cumsum(np.asarray(weights, dtype=float))
    cumulative /= cumulative[-1]
    picks = np.searchsorted(cumulative, rng.random(size), side="right")
    return [options[int(i)] for i in picks]


def _languages(rng: np.random.Generator, regions: list[str], english_share: float) -> list[str]:
    """Return one working language per person: English with ``english_share``, else regional."""
    english = rng.random(len(regions)) < english_share
    regional = [_draw(rng, LANGUAGES, REGION_LANGUAGE_WEIGHTS[r], 1)[0] for r in regions]
    return ["English" if e else lang for e, lang in zip(english, regional, strict=True)]


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic mentoring pool: 200 mentors then 240 entrepreneurs, one row each.

    ``skill`` is the skill a mentor offers or an entrepreneur needs; ``company`` is empty for
    entrepreneurs.
    """
    rng = np.random.default_rng(seed)
    n_mentors = COMPANIES * MENTORS_PER_COMPANY
    company_sectors = _draw(rng, SECTORS, COMPANY_SECTOR_WEIGHTS, COMPANIES)
    mentor_regions = _draw(rng, REGIONS, MENTOR_REGION_WEIGHTS, n_mentors)
    mentors = pd.DataFrame({
        "person_id": [f"M{i:03d}" for i in range(1, n_mentors + 1)],
        "role": "mentor",
        "company": [f"Partner company {i // MENTORS_PER_COMPANY + 1:02d}"
                    for i in range(n_mentors)],
        "sector": [company_sectors[i // MENTORS_PER_COMPANY] for i in range(n_mentors)],
        "skill": _draw(rng, SKILLS, MENTOR_SKILL_WEIGHTS, n_mentors),
        "language": _languages(rng, mentor_regions, MENTOR_ENGLISH_SHARE),
        "region": mentor_regions,
    })
    entrepreneur_regions = _draw(rng, REGIONS, ENTREPRENEUR_REGION_WEIGHTS, ENTREPRENEURS)
    entrepreneurs = pd.DataFrame({
        "person_id": [f"E{i:03d}" for i in range(1, ENTREPRENEURS + 1)],
        "role": "entrepreneur",
        "company": "",
        "sector": _draw(rng, SECTORS, ENTREPRENEUR_SECTOR_WEIGHTS, ENTREPRENEURS),
        "skill": _draw(rng, SKILLS, ENTREPRENEUR_SKILL_WEIGHTS, ENTREPRENEURS),
        "language": _languages(rng, entrepreneur_regions, 0.0),
        "region": entrepreneur_regions,
    })
    return pd.concat([mentors, entrepreneurs], ignore_index=True)[COLUMNS]
