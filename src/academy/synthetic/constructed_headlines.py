"""Constructed headlines about migration, each coded by two coders (constructed examples).

No licensed corpus of real headlines is available to the course, and real news items must not be
copied, so every headline is composed by this module from templates and fragments written for the
course: fictional countries (Arvenia, Belmora, Corvalia, Estravia), fictional towns, people and
organisations. ``generate(seed)`` draws a few hundred headlines across four outlet types and three
countries and records how two coders framed each one, using three published typologies:

- the issue-generic frame dimensions of the Media Frames Corpus (Card et al., ACL 2015);
- the immigration-specific Victim / Hero / Threat frames and the episodic vs thematic narrative
  frames of Mendelsohn, Budak and Jurgens (NAACL 2021), simplified here to one main frame per
  headline, with ``Neutral`` for a headline that uses none of the three.

Some templates are ambiguous by design (they carry a second plausible code), and each coder
sometimes slips, so the coders disagree on part of the corpus. The shares of frames by outlet type
and country are set by hand for teaching (``OUTLET_FRAME_WEIGHTS``, ``COUNTRY_FRAME_FACTORS``):
they are not calibrated to, and say nothing about, any real media system.

Each row records its ``template_id``: headlines filled from one template differ only in names,
places and numbers, so they are near-duplicates, not independent pieces of evidence (like one
agency story reprinted by many outlets). ``person_gender`` records whether the headline states the
gender of the person on the move (a first name, or a word such as "son"), for a gender lens.

``headline_pattern`` turns a template into a regular expression over the fragment lists, so a
test can check that every headline in the published table is a sentence of this grammar.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

SEED = 2015
HEADLINES_PER_CELL = 25  # per country and outlet type: 3 x 4 x 25 = 300 headlines

THREAT, VICTIM, HERO, NEUTRAL = "Threat", "Victim", "Hero", "Neutral"
IMMIGRATION_FRAMES = (THREAT, VICTIM, HERO, NEUTRAL)
EPISODIC, THEMATIC = "Episodic", "Thematic"
NARRATIVES = (EPISODIC, THEMATIC)

# Media Frames Corpus dimensions (Card et al. 2015), spelled as in the course's FACTS.md.
ECONOMIC = "Economic"
CAPACITY = "Capacity & resources"
MORALITY = "Morality"
FAIRNESS = "Fairness & equality"
LEGALITY = "Legality, constitutionality & jurisprudence"
POLICY = "Policy prescription & evaluation"
CRIME = "Crime & punishment"
SECURITY = "Security & defense"
HEALTH = "Health & safety"
QUALITY = "Quality of life"
CULTURE = "Cultural identity"
OPINION = "Public opinion"
POLITICAL = "Political"
EXTERNAL = "External regulation & reputation"
OTHER = "Other"
MFC_FRAMES = (ECONOMIC, CAPACITY, MORALITY, FAIRNESS, LEGALITY, POLICY, CRIME, SECURITY, HEALTH,
              QUALITY, CULTURE, OPINION, POLITICAL, EXTERNAL, OTHER)

DESTINATION, ORIGIN, TRANSIT = "destination", "origin", "transit"
ALL_ROLES = frozenset({DESTINATION, ORIGIN, TRANSIT})


@dataclass(frozen=True)
class Country:
    """A fictional country of the corpus: its name, its role in migration and its towns."""

    name: str
    role: str
    towns: tuple[str, ...]


COUNTRIES = (
    Country("Arvenia", DESTINATION,
            ("Halvern", "Wexmoor", "Stellbridge", "Brackenford", "Ellisport")),
    Country("Belmora", ORIGIN, ("Aldurin", "Mirrowen", "Port Abaru", "Tamsek", "Orinde")),
    Country("Corvalia", TRANSIT, ("Drovna", "Ketterby", "Sorel Gap", "Vastrel", "Kalvet")),
)
OUTLET_TYPES = ("Tabloid", "National daily", "Public broadcaster", "Local paper")

# Fragments that fill the templates' slots (all invented for the course). {town} is filled from
# the headline's country, {country} is that country, {partner} another fictional country.
FRAGMENTS: dict[str, tuple[str, ...]] = {
    "group": ("migrant workers", "newcomers", "refugee families", "asylum seekers",
              "seasonal workers", "new arrivals"),
    "sector": ("care homes", "farms", "hospitals", "building sites", "restaurants",
               "fish-processing plants"),
    "workplace": ("car wash", "farm", "restaurant", "building site", "packing plant"),
    "n": ("3", "5", "8", "12", "14"),
    "many": ("40", "65", "120", "300"),
    "family": ("four", "five", "six", "seven"),
    "name": ("Nadia", "Joseph", "Leyla", "Samuel", "Ana", "Yusuf", "Mei", "Daniel"),
    "age": ("19", "24", "31", "38", "52"),
    "job": ("nurse", "baker", "engineer", "bus driver", "teacher", "welder"),
    "org": ("the Harbour Welcome Network", "the Valley Migrant Centre",
            "the Open Doors Legal Clinic", "the Kettle Lane Food Bank"),
    "dest": ("Arvenia", "Estravia"),
    "strait": ("Corvalian Strait", "Vastrel Channel"),
    "years": ("10", "25", "40"),
    "community": ("Belmoran", "Corvalian", "Estravian"),
}
PARTNERS = ("Arvenia", "Belmora", "Corvalia", "Estravia")
# The gender a reader infers from each first name (the names were chosen as four and four).
NAME_GENDER = {"Nadia": "Woman", "Leyla": "Woman", "Ana": "Woman", "Mei": "Woman",
               "Joseph": "Man", "Samuel": "Man", "Yusuf": "Man", "Daniel": "Man"}
NOT_STATED = "Not stated"


@dataclass(frozen=True)
class Template:
    """A headline template with its codes; ``*_alt`` is a second plausible code, if any."""

    text: str
    immigration: str
    mfc: str
    narrative: str
    roles: frozenset[str] = ALL_ROLES
    immigration_alt: str | None = None
    mfc_alt: str | None = None
    narrative_alt: str | None = None
    person_gender: str | None = None  # gender of the person on the move, if a word states it


IN_DESTINATION = frozenset({DESTINATION})
IN_ORIGIN = frozenset({ORIGIN})
IN_TRANSIT = frozenset({TRANSIT})
NOT_ORIGIN = frozenset({DESTINATION, TRANSIT})

TEMPLATES: tuple[Template, ...] = (
    # Threat, thematic
    Template("Council warns arrivals of {group} will strain {town} housing budget",
             THREAT, CAPACITY, THEMATIC, NOT_ORIGIN, mfc_alt=ECONOMIC),
    Template("Report says {group} surge puts pressure on {town} schools",
             THREAT, CAPACITY, THEMATIC, NOT_ORIGIN),
    Template("Opposition says {group} are driving down wages in {sector}",
             THREAT, ECONOMIC, THEMATIC, IN_DESTINATION, mfc_alt=POLITICAL),
    Template("Minister vows to stop illegal crossings at the {town} border",
             THREAT, SECURITY, THEMATIC, NOT_ORIGIN, mfc_alt=LEGALITY),
    Template("Police chief links rise in {town} burglaries to smuggling gangs",
             THREAT, CRIME, THEMATIC, NOT_ORIGIN, narrative_alt=EPISODIC),
    Template("Poll finds most {town} residents want fewer {group}",
             THREAT, OPINION, THEMATIC, immigration_alt=NEUTRAL),
    Template("How many more {group} can {town} take, asks mayor",
             THREAT, CAPACITY, THEMATIC, NOT_ORIGIN, mfc_alt=POLITICAL),
    Template("Health officials fear camp for {group} could spread disease in {town}",
             THREAT, HEALTH, THEMATIC, NOT_ORIGIN),
    Template("Residents of {town} blame returnees from {dest} for rise in crime",
             THREAT, CRIME, THEMATIC, IN_ORIGIN, immigration_alt=NEUTRAL),
    Template("Deportations from {dest} strain {town} job centre",
             THREAT, CAPACITY, THEMATIC, IN_ORIGIN, immigration_alt=VICTIM, mfc_alt=ECONOMIC),
    # Threat, episodic
    Template("{n} {group} found in smuggler's lorry near {town}",
             THREAT, SECURITY, EPISODIC, NOT_ORIGIN, immigration_alt=VICTIM, mfc_alt=LEGALITY),
    Template("Shopkeeper in {town} says {group} 'took our jobs'",
             THREAT, ECONOMIC, EPISODIC, IN_DESTINATION),
    Template("Fight outside {town} shelter ends with {n} arrests",
             THREAT, CRIME, EPISODIC, NOT_ORIGIN),
    Template("Residents block bus carrying {group} to {town} hotel",
             THREAT, OPINION, EPISODIC, NOT_ORIGIN, immigration_alt=VICTIM, mfc_alt=QUALITY),
    Template("Illegal workers found in raid on {town} {workplace}",
             THREAT, LEGALITY, EPISODIC, IN_DESTINATION, immigration_alt=VICTIM, mfc_alt=CRIME),
    Template("Returnee from {dest} held over {town} market robbery",
             THREAT, CRIME, EPISODIC, IN_ORIGIN),
    Template("Mayor of {town} calls deportees from {dest} a threat to public order",
             THREAT, SECURITY, EPISODIC, IN_ORIGIN, mfc_alt=POLITICAL),
    # Victim, episodic
    Template("{many} people rescued from overcrowded boat off {town}",
             VICTIM, HEALTH, EPISODIC, NOT_ORIGIN, mfc_alt=SECURITY),
    Template("{name}, {age}, was paid nothing for six months on a {town} farm",
             VICTIM, FAIRNESS, EPISODIC, NOT_ORIGIN, mfc_alt=ECONOMIC),
    Template("Family of {family} evicted from {town} flat days before winter",
             VICTIM, QUALITY, EPISODIC, NOT_ORIGIN),
    Template("{group} in {town} face abuse after 'invasion' leaflets",
             VICTIM, FAIRNESS, EPISODIC, NOT_ORIGIN, mfc_alt=CULTURE),
    Template("Stranded at {town} station, {many} {group} sleep on the platform",
             VICTIM, QUALITY, EPISODIC, NOT_ORIGIN, mfc_alt=HEALTH),
    Template("Seasonal worker dies in heat on {town} farm",
             VICTIM, HEALTH, EPISODIC, NOT_ORIGIN, mfc_alt=FAIRNESS),
    Template("Mother in {town} waits for news of son detained in {dest}",
             VICTIM, LEGALITY, EPISODIC, IN_ORIGIN, mfc_alt=QUALITY, person_gender="Man"),
    Template("{name} returns to {town} after two years of unpaid work in {dest}",
             VICTIM, ECONOMIC, EPISODIC, IN_ORIGIN, immigration_alt=HERO, mfc_alt=FAIRNESS),
    Template("Families in {town} mourn {n} workers lost at sea on the way to {dest}",
             VICTIM, HEALTH, EPISODIC, IN_ORIGIN),
    # Victim, thematic
    Template("Charities warn of rising exploitation of {group} in {sector}",
             VICTIM, FAIRNESS, THEMATIC, NOT_ORIGIN, mfc_alt=ECONOMIC),
    Template("Study finds {group} often refused rental homes in {town}",
             VICTIM, FAIRNESS, THEMATIC, IN_DESTINATION, immigration_alt=NEUTRAL),
    Template("Drownings on the {strait} route rise again, agency says",
             VICTIM, HEALTH, THEMATIC, NOT_ORIGIN),
    Template("Legal clinics overwhelmed as detained {group} wait for hearings",
             VICTIM, LEGALITY, THEMATIC, NOT_ORIGIN, immigration_alt=NEUTRAL),
    Template("Doctors say detained {group} lack basic care in {town} centre",
             VICTIM, HEALTH, THEMATIC, NOT_ORIGIN, mfc_alt=FAIRNESS),
    Template("New report documents discrimination against {group} in {town} job market",
             VICTIM, FAIRNESS, THEMATIC, NOT_ORIGIN, mfc_alt=ECONOMIC),
    Template("Recruitment fees trap young workers from {town} in debt abroad",
             VICTIM, ECONOMIC, THEMATIC, IN_ORIGIN, mfc_alt=FAIRNESS),
    Template("Trafficked workers' cases pile up in {town} courts",
             VICTIM, CRIME, THEMATIC, mfc_alt=LEGALITY),
    Template("Workers from {town} in {dest} report unpaid wages and seized passports",
             VICTIM, FAIRNESS, THEMATIC, IN_ORIGIN, mfc_alt=LEGALITY),
    # Hero, episodic
    Template("{name}'s bakery opens third shop in {town} and hires {n} locals",
             HERO, ECONOMIC, EPISODIC, IN_DESTINATION),
    Template("Refugee {job} wins {town} community award",
             HERO, CULTURE, EPISODIC, NOT_ORIGIN, mfc_alt=QUALITY),
    Template("Newcomer volunteers rebuild {town} playground after flood",
             HERO, QUALITY, EPISODIC, NOT_ORIGIN),
    Template("'They take our jobs?' {town} cafe owner now employs {n} residents",
             HERO, ECONOMIC, EPISODIC, IN_DESTINATION, mfc_alt=OPINION),
    Template("Migrant {job} saves boy from river in {town}",
             HERO, HEALTH, EPISODIC, NOT_ORIGIN, mfc_alt=QUALITY),
    Template("Diaspora engineers in {dest} fund new clinic in {town}",
             HERO, HEALTH, EPISODIC, IN_ORIGIN, mfc_alt=ECONOMIC),
    Template("Returning migrant {name} starts solar business in {town}",
             HERO, ECONOMIC, EPISODIC, IN_ORIGIN),
    Template("Nurse who fled war now runs {town} night clinic",
             HERO, HEALTH, EPISODIC, NOT_ORIGIN, immigration_alt=VICTIM),
    # Hero, thematic
    Template("{group} keep {town} care homes running, survey of managers finds",
             HERO, ECONOMIC, THEMATIC, IN_DESTINATION, mfc_alt=CAPACITY),
    Template("Newcomers revive {town} high street as empty shops reopen",
             HERO, ECONOMIC, THEMATIC, IN_DESTINATION, mfc_alt=QUALITY),
    Template("Festival celebrates {years} years of the {community} community in {town}",
             HERO, CULTURE, THEMATIC, NOT_ORIGIN, narrative_alt=EPISODIC),
    Template("Money sent home from {dest} helps {town} families through the drought",
             HERO, ECONOMIC, THEMATIC, IN_ORIGIN, immigration_alt=NEUTRAL),
    Template("Employers in {town} say {group} fill gaps in {sector}",
             HERO, ECONOMIC, THEMATIC, IN_DESTINATION, mfc_alt=CAPACITY),
    Template("Top marks for {town} schools as children of newcomers lead results",
             HERO, QUALITY, THEMATIC, IN_DESTINATION, mfc_alt=CULTURE),
    Template("Diaspora investors from {dest} back {n} small firms in {town}",
             HERO, ECONOMIC, THEMATIC, IN_ORIGIN),
    Template("Diaspora-funded scholarships send {many} {town} students to college",
             HERO, QUALITY, THEMATIC, IN_ORIGIN, mfc_alt=ECONOMIC),
    Template("Returnees from {dest} start new businesses across {town}",
             HERO, ECONOMIC, THEMATIC, IN_ORIGIN),
    Template("{group} who settled in {town} now staff its {sector}",
             HERO, ECONOMIC, THEMATIC, IN_TRANSIT, mfc_alt=CAPACITY),
    Template("Volunteers in {town} share meals with {group} passing through",
             HERO, MORALITY, THEMATIC, IN_TRANSIT, immigration_alt=NEUTRAL, narrative_alt=EPISODIC),
    # Neutral, thematic
    Template("Parliament debates new rules on work permits for {group}",
             NEUTRAL, POLICY, THEMATIC, NOT_ORIGIN, mfc_alt=POLITICAL),
    Template("{country} signs labour mobility agreement with {partner}",
             NEUTRAL, EXTERNAL, THEMATIC, mfc_alt=POLICY),
    Template("Study finds no rise in crime after {town} welcomed {group}",
             NEUTRAL, CRIME, THEMATIC, IN_DESTINATION, immigration_alt=HERO),
    Template("What the new asylum law means for people arriving in {town}",
             NEUTRAL, LEGALITY, THEMATIC, NOT_ORIGIN, mfc_alt=POLICY),
    Template("Officials in {town} publish yearly figures on border crossings",
             NEUTRAL, SECURITY, THEMATIC, IN_TRANSIT, mfc_alt=OTHER),
    Template("{country} and {partner} agree new rules for transit visas",
             NEUTRAL, EXTERNAL, THEMATIC, IN_TRANSIT, mfc_alt=POLICY),
    Template("Survey asks {town} households how they use money sent from {dest}",
             NEUTRAL, ECONOMIC, THEMATIC, IN_ORIGIN, narrative_alt=EPISODIC),
    Template("What new pre-departure training means for workers leaving {town}",
             NEUTRAL, POLICY, THEMATIC, IN_ORIGIN),
    Template("Officials in {town} publish yearly figures on departures to {dest}",
             NEUTRAL, OTHER, THEMATIC, IN_ORIGIN, mfc_alt=POLICY),
    Template("Census shows {town} population growing for the first time in a decade",
             NEUTRAL, OTHER, THEMATIC, mfc_alt=QUALITY),
    Template("Fact check: do {group} really cost {town} more than they pay?",
             NEUTRAL, ECONOMIC, THEMATIC, IN_DESTINATION, immigration_alt=THREAT),
    Template("Election candidates split over {town} reception centre",
             NEUTRAL, POLITICAL, THEMATIC, NOT_ORIGIN, narrative_alt=EPISODIC),
    Template("Government of {country} opens advice desks for citizens working in {dest}",
             NEUTRAL, POLICY, THEMATIC, IN_ORIGIN),
    Template("How remittance costs from {dest} to {town} compare, in five charts",
             NEUTRAL, ECONOMIC, THEMATIC, IN_ORIGIN),
    # Neutral, episodic
    Template("Mayor of {town} meets {org} to discuss language classes",
             NEUTRAL, POLICY, EPISODIC, NOT_ORIGIN, immigration_alt=HERO, mfc_alt=CULTURE),
    Template("{town} reception centre to close in spring",
             NEUTRAL, CAPACITY, EPISODIC, NOT_ORIGIN),
    Template("Minister visits {town} border post",
             NEUTRAL, SECURITY, EPISODIC, NOT_ORIGIN, immigration_alt=THREAT, mfc_alt=POLITICAL),
    Template("{org} publishes guide to workers' rights in {n} languages",
             NEUTRAL, LEGALITY, EPISODIC, mfc_alt=FAIRNESS),
    Template("{town} job fair advertises work in {dest}",
             NEUTRAL, ECONOMIC, EPISODIC, IN_ORIGIN),
    Template("{town} nursery adds classes in {n} languages",
             NEUTRAL, QUALITY, EPISODIC, IN_DESTINATION, mfc_alt=CULTURE),
    Template("{town} border crossing reopens after repairs",
             NEUTRAL, SECURITY, EPISODIC, IN_TRANSIT, mfc_alt=OTHER),
    Template("Court in {town} hears case of recruiter accused of fraud",
             NEUTRAL, CRIME, EPISODIC, IN_ORIGIN, immigration_alt=VICTIM, mfc_alt=LEGALITY),
    Template("Delegation from {dest} visits {town} to talk about seasonal work",
             NEUTRAL, EXTERNAL, EPISODIC, IN_ORIGIN, mfc_alt=POLICY),
)

# Hand-set teaching weights (Threat, Victim, Hero, Neutral): NOT estimates of any real media.
OUTLET_FRAME_WEIGHTS: dict[str, tuple[float, float, float, float]] = {
    "Tabloid": (0.45, 0.20, 0.15, 0.20),
    "National daily": (0.25, 0.25, 0.20, 0.30),
    "Public broadcaster": (0.15, 0.30, 0.20, 0.35),
    "Local paper": (0.15, 0.20, 0.40, 0.25),
}
COUNTRY_FRAME_FACTORS: dict[str, tuple[float, float, float, float]] = {
    DESTINATION: (1.2, 0.9, 1.0, 1.0),
    ORIGIN: (0.5, 1.3, 1.4, 1.0),
    TRANSIT: (1.1, 1.4, 0.6, 1.0),
}
EPISODIC_SHARE = {"Tabloid": 0.6, "National daily": 0.45, "Public broadcaster": 0.35,
                  "Local paper": 0.7}

# How often each coder picks a template's second plausible code, and how often a coder slips
# (picks another code of the dimension at random): coder B reads ambiguity differently from A.
ALTERNATIVE_RATE = {"a": 0.25, "b": 0.45}
SLIP_RATE = 0.04
MAX_TRIES = 200

COLUMNS = ["headline_id", "template_id", "country", "outlet_type", "headline", "person_gender",
           "immigration_frame_a", "immigration_frame_b", "narrative_a", "narrative_b",
           "mfc_frame_a", "mfc_frame_b"]

_SLOT = re.compile(r"\{(\w+)\}")


def _pick(rng: random.Random, options: tuple[str, ...]) -> str:
    """Return one of ``options`` using only ``rng.random()`` (stable across Python versions)."""
    return options[min(int(rng.random() * len(options)), len(options) - 1)]


def _pick_weighted(rng: random.Random, options: tuple[str, ...],
                   weights: tuple[float, ...]) -> str:
    draw = rng.random() * sum(weights)
    for option, weight in zip(options, weights, strict=True):
        if draw < weight:
            return option
        draw -= weight
    return options[-1]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def fill(template: Template, country: Country, rng: random.Random) -> str:
    """Return the headline made by filling ``template``'s slots for ``country``."""
    return fill_with_slots(template, country, rng)[0]


def fill_with_slots(template: Template, country: Country,
                    rng: random.Random) -> tuple[str, dict[str, str]]:
    """Return the headline made by filling ``template``'s slots, and the value of each slot."""
    chosen: dict[str, str] = {}

    def value(match: re.Match[str]) -> str:
        slot = match.group(1)
        if slot == "town":
            picked = _pick(rng, country.towns)
        elif slot == "country":
            picked = country.name
        elif slot == "partner":
            picked = _pick(rng, tuple(p for p in PARTNERS if p != country.name))
        else:
            picked = _pick(rng, FRAGMENTS[slot])
        chosen[slot] = picked
        return picked

    return _capitalise(_SLOT.sub(value, template.text)), chosen


def template_id(template: Template) -> str:
    """Return the stable identifier of a template: T and its position in ``TEMPLATES``."""
    return f"T{TEMPLATES.index(template) + 1:03d}"


def person_gender(template: Template, slots: dict[str, str]) -> str:
    """Return the gender of the person on the move that the headline states, or "Not stated".

    A first name or a gendered word ("son") states it; words such as "workers" or "families" do
    not.
    """
    if template.person_gender is not None:
        return template.person_gender
    return NAME_GENDER.get(slots.get("name", ""), NOT_STATED)


def slot_values(slot: str) -> tuple[str, ...]:
    """Return every value a slot can take anywhere in the corpus."""
    if slot == "town":
        return tuple(town for country in COUNTRIES for town in country.towns)
    if slot in ("country", "partner"):
        return PARTNERS
    return FRAGMENTS[slot]


def headline_pattern(template: Template) -> re.Pattern[str]:
    """Return a regular expression matching exactly the headlines ``template`` can produce."""
    parts: list[str] = []
    position = 0
    for match in _SLOT.finditer(template.text):
        parts.append(re.escape(template.text[position:match.start()]))
        values = slot_values(match.group(1))
        if match.start() == 0:
            values = tuple(_capitalise(v) for v in values)
        parts.append("(?:" + "|".join(re.escape(v) for v in values) + ")")
        position = match.end()
    parts.append(re.escape(template.text[position:]))
    return re.compile("".join(parts))


def _code(primary: str, alternative: str | None, labels: tuple[str, ...], coder: str,
          rng: random.Random) -> str:
    """Return one coder's code: the primary code, the alternative, or (rarely) a slip."""
    code = primary
    if alternative is not None and rng.random() < ALTERNATIVE_RATE[coder]:
        code = alternative
    if rng.random() < SLIP_RATE:
        code = _pick(rng, tuple(label for label in labels if label != code))
    return code


def _frame_weights(outlet_type: str, country: Country) -> tuple[float, ...]:
    base = OUTLET_FRAME_WEIGHTS[outlet_type]
    factors = COUNTRY_FRAME_FACTORS[country.role]
    return tuple(b * f for b, f in zip(base, factors, strict=True))


def _mfc_labels() -> tuple[str, ...]:
    used = {t.mfc for t in TEMPLATES} | {t.mfc_alt for t in TEMPLATES if t.mfc_alt}
    return tuple(label for label in MFC_FRAMES if label in used)


def generate(seed: int = SEED) -> pd.DataFrame:
    """Return the constructed headline corpus: one row per headline, with both coders' codes."""
    rng = random.Random(seed)
    mfc_labels = _mfc_labels()
    rows: list[dict[str, str]] = []
    seen: set[str] = set()
    for country in COUNTRIES:
        for outlet_type in OUTLET_TYPES:
            for _ in range(HEADLINES_PER_CELL):
                frame = _pick_weighted(rng, IMMIGRATION_FRAMES,
                                       _frame_weights(outlet_type, country))
                narrative = EPISODIC if rng.random() < EPISODIC_SHARE[outlet_type] else THEMATIC
                candidates = tuple(t for t in TEMPLATES if t.immigration == frame
                                   and t.narrative == narrative and country.role in t.roles)
                for _attempt in range(MAX_TRIES):
                    template = candidates[int(rng.random() * len(candidates))]
                    headline, slots = fill_with_slots(template, country, rng)
                    if headline not in seen:
                        break
                else:
                    raise RuntimeError(f"no new headline for {frame}/{narrative} in "
                                       f"{country.name}: add templates or fragments")
                seen.add(headline)
                row = {"headline_id": f"CH{len(rows) + 1:03d}",
                       "template_id": template_id(template), "country": country.name,
                       "outlet_type": outlet_type, "headline": headline,
                       "person_gender": person_gender(template, slots)}
                for coder in ("a", "b"):
                    row[f"immigration_frame_{coder}"] = _code(
                        template.immigration, template.immigration_alt, IMMIGRATION_FRAMES,
                        coder, rng)
                    row[f"narrative_{coder}"] = _code(
                        template.narrative, template.narrative_alt, NARRATIVES, coder, rng)
                    row[f"mfc_frame_{coder}"] = _code(
                        template.mfc, template.mfc_alt, mfc_labels, coder, rng)
                rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def write_csv(path: Path, seed: int = SEED) -> None:
    """Write the corpus generated with ``seed`` to ``path`` as UTF-8 CSV."""
    generate(seed).to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


if __name__ == "__main__":  # regenerate the published table: python -m ...constructed_headlines
    from academy.paths import project_root

    write_csv(project_root() / "datasets" / "constructed_headlines.csv")
