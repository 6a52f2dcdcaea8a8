"""Synthetic returnee survey for the Return migration module: seeded, documented assumptions.

No public microdata of a returnee survey exists for teaching, so this table is generated. Its
shape follows IOM's approach to measuring reintegration (indicators grouped in economic, social and
psychosocial dimensions; Samuel Hall for IOM, 2017; IOM Reintegration Handbook, 2019), but it is not
calibrated to any published survey result: every level and effect below is a teaching assumption,
chosen so that types of support differ in *which* dimension they improve. Differences between
support types in this table are built in, not evidence about real programmes.

Regenerate the CSV with ``python -m academy.synthetic returnee_survey_synthetic``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

SEED = 2117
N_RETURNEES = 300

RETURN_TYPES = ("assisted voluntary", "forced", "spontaneous")
RETURN_TYPE_SHARES = (0.55, 0.25, 0.20)

SUPPORT_TYPES = ("None", "Cash grant", "Business start-up", "Counselling", "Comprehensive")
# Which support a returnee received, given the type of return (probabilities in SUPPORT_TYPES
# order): spontaneous returnees get none; forced returnees mostly none or light support.
SUPPORT_BY_RETURN_TYPE: dict[str, tuple[float, ...]] = {
    "assisted voluntary": (0.0, 0.25, 0.30, 0.15, 0.30),
    "forced": (0.50, 0.25, 0.0, 0.25, 0.0),
    "spontaneous": (1.0, 0.0, 0.0, 0.0, 0.0),
}
# Assumed shift of the latent (0-1) economic, social and psychosocial levels.
SUPPORT_EFFECTS: dict[str, tuple[float, float, float]] = {
    "None": (0.0, 0.0, 0.0),
    "Cash grant": (0.10, 0.02, 0.02),
    "Business start-up": (0.18, 0.04, 0.0),
    "Counselling": (0.02, 0.06, 0.20),
    "Comprehensive": (0.12, 0.10, 0.12),
}
RETURN_TYPE_EFFECTS: dict[str, tuple[float, float, float]] = {
    "assisted voluntary": (0.0, 0.0, 0.0),
    "forced": (-0.08, -0.08, -0.15),
    "spontaneous": (0.05, 0.03, 0.05),
}
BASE_LEVEL = (0.30, 0.40, 0.40)
# Reintegration takes time: gain per month since return (economic, social), capped at 24 months.
MONTHLY_GAIN = (0.008, 0.004)

SECTORS = ("Agriculture", "Construction", "Domestic work", "Health care", "Hospitality",
           "Manufacturing", "Transport")
SECTOR_SHARES = (0.15, 0.25, 0.10, 0.10, 0.15, 0.13, 0.12)
# Probability of holding a formal qualification obtained abroad, by sector of experience.
QUALIFIED_ABROAD: dict[str, float] = {
    "Agriculture": 0.10, "Construction": 0.35, "Domestic work": 0.10, "Health care": 0.75,
    "Hospitality": 0.25, "Manufacturing": 0.30, "Transport": 0.45,
}
RECOGNITION_RATE = 0.30  # share of foreign qualifications already recognised at home
SEEKING_WORK_BELOW_DAYS = 12  # a returnee working fewer days than this last month seeks work

COLUMNS = (
    "returnee_id", "sex", "age", "return_type", "support_type", "months_since_return",
    "income_usd_month", "work_days_month", "debt_usd",
    "housing_quality", "services_access", "community_participation",
    "wellbeing", "discrimination", "wish_to_leave",
    "sector", "qualified_abroad", "qualification_recognised", "seeking_work",
)
INTEGER_COLUMNS = ("age", "months_since_return", "work_days_month", "housing_quality",
                   "services_access", "community_participation", "wellbeing", "discrimination",
                   "wish_to_leave")
NUMBER_COLUMNS = ("income_usd_month", "debt_usd")
BOOLEAN_COLUMNS = ("qualified_abroad", "qualification_recognised", "seeking_work")


def _likert(rng: np.random.Generator, level: np.ndarray) -> np.ndarray:
    """Return answers on a 1-5 scale around ``level`` (0-1), with response noise."""
    return np.clip(np.rint(1 + 4 * level + rng.normal(0, 0.6, level.size)), 1, 5).astype(int)


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return the synthetic returnee survey generated from ``seed``, typed like its schema."""
    rng = np.random.default_rng(seed)
    n = N_RETURNEES
    return_type = rng.choice(RETURN_TYPES, size=n, p=RETURN_TYPE_SHARES)
    support = np.array([rng.choice(SUPPORT_TYPES, p=SUPPORT_BY_RETURN_TYPE[str(r)])
                        for r in return_type])
    months = rng.integers(3, 37, size=n)
    # Sex and age have no effect on any indicator: the module uses sex to show what "no
    # difference" looks like in a sample of this size.
    sex = rng.choice(("female", "male"), size=n, p=(0.3, 0.7))
    age = rng.integers(19, 56, size=n)

    common = rng.normal(0, 0.08, n)
    levels = []
    for d in range(3):
        level = (BASE_LEVEL[d] + common + rng.normal(0, 0.12, n)
                 + np.array([SUPPORT_EFFECTS[str(s)][d] for s in support])
                 + np.array([RETURN_TYPE_EFFECTS[str(r)][d] for r in return_type]))
        if d < 2:
            level = level + MONTHLY_GAIN[d] * np.minimum(months, 24)
        levels.append(np.clip(level, 0, 1))
    economic, social, psychosocial = levels

    income = np.rint(np.exp(np.log(60) + 2.0 * economic + rng.normal(0, 0.3, n)))
    work_days = np.clip(np.rint(30 * economic + rng.normal(0, 5, n)), 0, 30).astype(int)
    debt = np.maximum(0, np.rint((3000 * (0.7 - economic) + rng.normal(0, 500, n)) / 10) * 10)
    services = np.clip(np.rint(6 * social + rng.normal(0, 1, n)), 0, 6).astype(int)

    sector = rng.choice(SECTORS, size=n, p=SECTOR_SHARES)
    qualified = rng.random(n) < np.array([QUALIFIED_ABROAD[str(s)] for s in sector])
    recognised = qualified & (rng.random(n) < RECOGNITION_RATE)

    frame = pd.DataFrame({
        "returnee_id": [f"R{i:03d}" for i in range(1, n + 1)],
        "sex": sex,
        "age": age,
        "return_type": return_type,
        "support_type": support,
        "months_since_return": months,
        "income_usd_month": income.astype(float),
        "work_days_month": work_days,
        "debt_usd": debt.astype(float),
        "housing_quality": _likert(rng, social),
        "services_access": services,
        "community_participation": _likert(rng, social),
        "wellbeing": _likert(rng, psychosocial),
        "discrimination": _likert(rng, 1 - psychosocial),
        "wish_to_leave": _likert(rng, 1 - (0.6 * psychosocial + 0.4 * economic)),
        "sector": sector,
        "qualified_abroad": qualified,
        "qualification_recognised": recognised,
        "seeking_work": work_days < SEEKING_WORK_BELOW_DAYS,
    })
    return typed(frame)


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` with the dtypes that ``academy.data.load`` gives this table."""
    out = frame.loc[:, list(COLUMNS)].copy()
    for column in COLUMNS:
        if column in INTEGER_COLUMNS:
            out[column] = out[column].astype("Int64")
        elif column in NUMBER_COLUMNS:
            out[column] = out[column].astype("float64")
        elif column in BOOLEAN_COLUMNS:
            out[column] = out[column].astype("boolean")
        else:
            out[column] = out[column].astype("string")
    return out


def to_csv_text(frame: pd.DataFrame) -> str:
    """Return the table as the CSV text stored in ``datasets/`` (whole dollars, lower-case
    booleans)."""
    out = frame.copy()
    for column in NUMBER_COLUMNS:
        out[column] = out[column].map(lambda v: f"{v:.0f}")
    for column in BOOLEAN_COLUMNS:
        out[column] = out[column].map(lambda v: "true" if v else "false")
    text: str = out.to_csv(index=False, lineterminator="\n")
    return text
