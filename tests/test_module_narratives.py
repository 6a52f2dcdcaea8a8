"""Tests of the Narratives module beyond the generic ones: regeneration of its constructed and
synthetic tables, the provenance of the headlines, the reference solutions checked against
independent implementations (scikit-learn, scipy), the claims the prose makes about the data,
and the explorer's accessibility (second cue besides colour, examples as text, alt text per
state)."""

from __future__ import annotations

import html
import random
import re
from pathlib import Path
from typing import Any

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml
from scipy.stats import norm
from sklearn.metrics import (
    cohen_kappa_score,
    confusion_matrix,
    precision_score,
    recall_score,
)

from academy import data
from academy.checks import Exercise
from academy.explore import narratives as explorer
from academy.paths import project_root
from academy.synthetic import constructed_headlines, synthetic_message_test

ROOT = project_root(Path(__file__).parent)
MODULE = ROOT / "modules" / "narratives"
NOTEBOOK = MODULE / "narratives.ipynb"
DIMENSIONS = {"immigration": "immigration_frame", "narrative": "narrative", "mfc": "mfc_frame"}

# Names of real news outlets and agencies (a sample, not a complete list). Short or common words
# ("Sun", "Time", "Mail") are matched case-sensitively as whole words so that ordinary English in a
# headline does not trip the check.
REAL_OUTLETS = (
    "BBC", "CNN", "Reuters", "Associated Press", "AFP", "Agence France-Presse", "Al Jazeera",
    "Guardian", "Daily Mail", "Mail Online", "The Times", "New York Times", "Washington Post",
    "Wall Street Journal", "USA Today", "Le Monde", "Le Figaro", "Libération", "Der Spiegel",
    "Spiegel", "Bild", "Die Zeit", "Süddeutsche", "Frankfurter Allgemeine", "Deutsche Welle",
    "El País", "El Mundo", "Corriere della Sera", "La Repubblica", "Fox News", "Sky News",
    "Daily Express", "The Sun", "Telegraph", "The Independent", "Financial Times", "Economist",
    "France 24", "Euronews", "Dawn", "The Hindu", "Times of India", "Hindustan Times",
    "Daily Nation", "Mail & Guardian", "Clarín", "El Universal", "South China Morning Post",
    "Sydney Morning Herald", "Politico", "Bloomberg", "Breitbart", "HuffPost", "BuzzFeed",
    "Newsweek", "Time", "NRC", "De Telegraaf", "Aftonbladet", "Expressen", "Kathimerini",
    "Hürriyet", "Sabah", "Gulf News", "Khaleej Times", "Arab News", "Daily Star", "Mirror",
    "Metro", "Herald Sun", "Globe and Mail", "Toronto Star", "Rappler", "Inquirer",
    "Jakarta Post", "Straits Times", "Punch", "Vanguard", "ThisDay", "Premium Times", "NPR",
    "PBS", "ABC News", "CBS", "NBC", "RT", "Sputnik", "Xinhua", "TRT", "ARD", "ZDF", "RAI",
    "RTVE", "NHK", "Yomiuri", "Asahi", "Haaretz", "Jerusalem Post", "Daily Maverick",
    "News24", "Nation Media", "Standard", "Observer", "Daily Record", "Evening Standard",
)
# Real countries that a migration headline might plausibly name (the corpus uses only fictional
# ones).
REAL_COUNTRIES = (
    "Afghanistan", "Albania", "Algeria", "Bangladesh", "Belgium", "Brazil", "Canada", "China",
    "Colombia", "Egypt", "Eritrea", "Ethiopia", "France", "Germany", "Ghana", "Greece",
    "Guatemala", "Haiti", "Honduras", "India", "Indonesia", "Iran", "Iraq", "Italy", "Jordan",
    "Kenya", "Lebanon", "Libya", "Malawi", "Mali", "Mexico", "Morocco", "Nepal", "Nigeria",
    "Pakistan", "Philippines", "Poland", "Romania", "Russia", "Senegal", "Somalia", "Spain",
    "Sudan", "Sweden", "Syria", "Tajikistan", "Tunisia", "Türkiye", "Turkey", "Ukraine",
    "United Kingdom", "Britain", "United States", "America", "Venezuela", "Yemen",
)


def _read_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(ROOT / "datasets" / f"{name}.csv", dtype=str, keep_default_na=False)


def _as_text(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(str).reset_index(drop=True)


# --- the tables ---------------------------------------------------------------------------------

def test_corpus_regenerates_from_its_seed() -> None:
    pd.testing.assert_frame_equal(_as_text(constructed_headlines.generate()),
                                  _read_csv("constructed_headlines"))


def test_experiment_regenerates_from_its_seed() -> None:
    pd.testing.assert_frame_equal(_as_text(synthetic_message_test.generate()),
                                  _read_csv("synthetic_message_test"))


@pytest.mark.parametrize("generator", [constructed_headlines, synthetic_message_test])
def test_generators_depend_on_the_seed_only(generator: Any) -> None:
    assert generator.generate(7).equals(generator.generate(7))
    assert not generator.generate(7).equals(generator.generate(8))


def test_tables_load_with_their_schema_and_are_labelled() -> None:
    corpus = data.load("constructed_headlines")
    experiment = data.load("synthetic_message_test")
    assert len(corpus) == 300 and corpus["headline"].is_unique
    assert len(experiment) == 900
    assert set(experiment["supports"].unique()) == {0, 1}
    corpus_info = data.describe("constructed_headlines")
    assert corpus_info.synthetic and "Constructed examples" in corpus_info.title
    assert "constructed" in corpus_info.name
    experiment_info = data.describe("synthetic_message_test")
    assert experiment_info.synthetic and "Synthetic" in experiment_info.title
    for info in (corpus_info, experiment_info):
        assert "seed=" in str(info.descriptor["generation"])


def test_data_package_validates() -> None:
    problems = [p for p in data.validate_package()
                if "constructed_headlines" in p or "synthetic_message_test" in p]
    assert problems == []


def test_experiment_is_randomised_half_and_half_within_segments() -> None:
    experiment = data.load("synthetic_message_test")
    counts = experiment.groupby(["segment", "message"]).size()
    assert set(counts) == {synthetic_message_test.RESPONDENTS_PER_ARM}


# --- provenance of the headlines ----------------------------------------------------------------

def test_every_headline_is_a_sentence_of_the_course_grammar() -> None:
    patterns = [constructed_headlines.headline_pattern(t) for t in constructed_headlines.TEMPLATES]
    corpus = _read_csv("constructed_headlines")
    unmatched = [h for h in corpus["headline"] if not any(p.fullmatch(h) for p in patterns)]
    assert unmatched == []


def test_template_id_names_the_template_each_headline_was_filled_from() -> None:
    templates = constructed_headlines.TEMPLATES
    corpus = _read_csv("constructed_headlines")
    wrong = [row.headline_id for row in corpus.itertuples(index=False)
             if not constructed_headlines.headline_pattern(
                 templates[int(row.template_id[1:]) - 1]).fullmatch(row.headline)]
    assert wrong == []
    # the reason for the column: far fewer templates than headlines, some used many times
    per_template = corpus.groupby("template_id").size()
    assert len(per_template) < len(corpus) / 3 and per_template.max() >= 8


def test_person_gender_is_stated_only_by_a_first_name_or_a_gendered_word() -> None:
    corpus = _read_csv("constructed_headlines")
    names = constructed_headlines.NAME_GENDER
    for row in corpus.itertuples(index=False):
        template = constructed_headlines.TEMPLATES[int(row.template_id[1:]) - 1]
        named = [g for name, g in names.items() if re.search(rf"\b{name}\b", row.headline)]
        expected = template.person_gender or (named[0] if named else "Not stated")
        assert row.person_gender == expected, row.headline_id
    assert set(corpus["person_gender"]) == {"Woman", "Man", "Not stated"}


def test_coders_codes_come_from_the_template_or_a_rare_slip() -> None:
    templates = constructed_headlines.TEMPLATES
    patterns = [constructed_headlines.headline_pattern(t) for t in templates]
    corpus = _read_csv("constructed_headlines")
    expected = 0
    for row in corpus.itertuples(index=False):
        template = next(t for t, p in zip(templates, patterns, strict=True)
                        if p.fullmatch(row.headline))
        for coder in ("a", "b"):
            code = getattr(row, f"immigration_frame_{coder}")
            expected += code in (template.immigration, template.immigration_alt)
    assert expected / (2 * len(corpus)) > 0.9


def test_no_headline_names_a_real_outlet_or_country() -> None:
    corpus = _read_csv("constructed_headlines")
    text = "\n".join(corpus["headline"])
    names = REAL_OUTLETS + REAL_COUNTRIES
    found = [name for name in names if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text)]
    assert found == []


def test_fictional_names_are_not_real_outlets() -> None:
    fictional = [c.name for c in constructed_headlines.COUNTRIES]
    fictional += [t for c in constructed_headlines.COUNTRIES for t in c.towns]
    fictional += list(constructed_headlines.FRAGMENTS["org"])
    clashes = [f for f in fictional for name in REAL_OUTLETS if name.lower() == f.lower()]
    assert clashes == []


# --- the reference solutions against independent implementations -------------------------------

@pytest.fixture(scope="module")
def solved() -> dict[str, Any]:
    """Run the source notebook's code cells in-process (no kernel) and return the namespace."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    namespace: dict[str, Any] = {}
    for cell in notebook.cells:
        if cell.cell_type != "code" or "interactive" in cell.metadata.get("tags", []):
            continue
        source = "\n".join(line for line in cell.source.splitlines()
                           if not line.lstrip().startswith("%"))
        exec(compile(source, f"{NOTEBOOK.name}:{cell.metadata['nbgrader']['grade_id']}", "exec"),
             namespace)
    return namespace


def test_source_solutions_earn_full_points(solved: dict[str, Any]) -> None:
    exercises = [v for v in solved.values() if isinstance(v, Exercise)]
    assert len(exercises) >= 5
    for exercise in exercises:
        assert float(exercise.score()) == pytest.approx(exercise.points), exercise.grade_id


def test_kappa_matches_scikit_learn_on_the_corpus(solved: dict[str, Any]) -> None:
    corpus = solved["corpus"]
    for key, column in DIMENSIONS.items():
        a, b = corpus[f"{column}_a"].tolist(), corpus[f"{column}_b"].tolist()
        assert solved["kappa"][key] == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)
        agreement = 100 * np.mean(np.array(a) == np.array(b))
        assert solved["agreement"][key] == pytest.approx(agreement, abs=1e-12)
    assert solved["least_reliable"] == min(solved["kappa"], key=solved["kappa"].get)


def test_kappa_matches_scikit_learn_on_random_codes(solved: dict[str, Any]) -> None:
    rng = random.Random(11)
    for _ in range(50):
        n = rng.randint(5, 60)
        a = [rng.choice("wxyz") for _ in range(n)]
        b = [x if rng.random() < 0.6 else rng.choice("xyz") for x in a]
        if len(set(a) | set(b)) < 2:
            continue
        assert solved["cohens_kappa"](a, b) == pytest.approx(cohen_kappa_score(a, b), abs=1e-12)


def _independent_classify(headline: str, keywords: dict[str, list[str]]) -> str:
    hits = {frame: len([w for w in words if w in headline.casefold()])
            for frame, words in keywords.items()}
    best = max(hits.values(), default=0)
    return next(f for f, h in hits.items() if h == best) if best else "Neutral"


def test_classifier_matches_an_independent_implementation(solved: dict[str, Any]) -> None:
    corpus = solved["corpus"]
    expected = [_independent_classify(h, solved["KEYWORDS"]) for h in corpus["headline"]]
    assert corpus["predicted"].tolist() == expected


def test_precision_recall_and_confusion_match_scikit_learn(solved: dict[str, Any]) -> None:
    gold, frames = solved["gold"], solved["FRAMES"]
    human, predicted = gold["immigration_frame_a"].tolist(), gold["predicted"].tolist()
    assert (gold["immigration_frame_a"] == gold["immigration_frame_b"]).all()
    precision = precision_score(human, predicted, labels=frames, average=None, zero_division=0)
    recall = recall_score(human, predicted, labels=frames, average=None, zero_division=0)
    for i, frame in enumerate(frames):
        p, r = solved["precision_recall"](human, predicted, frame)
        assert (p, r) == pytest.approx((precision[i], recall[i]), abs=1e-12), frame
    assert solved["threat_precision"] == pytest.approx(precision[0], abs=1e-12)
    assert solved["threat_recall"] == pytest.approx(recall[0], abs=1e-12)
    matrix = confusion_matrix(human, predicted, labels=frames)
    assert solved["confusion"].to_numpy().tolist() == matrix.tolist()


def test_error_lists_match_the_confusion_matrix(solved: dict[str, Any]) -> None:
    confusion = solved["confusion"]
    assert len(solved["false_threats"]) == confusion["Threat"].sum() - confusion.loc["Threat",
                                                                                   "Threat"]
    assert len(solved["missed_threats"]) == confusion.loc["Threat"].sum() - confusion.loc[
        "Threat", "Threat"]


def _wald_interval(supports_value: np.ndarray, supports_fact: np.ndarray) -> list[float]:
    p_v, p_f = supports_value.mean(), supports_fact.mean()
    se = np.sqrt(p_v * (1 - p_v) / supports_value.size + p_f * (1 - p_f) / supports_fact.size)
    z = norm.ppf(0.975)
    return [100 * (p_v - p_f), 100 * (p_v - p_f - z * se), 100 * (p_v - p_f + z * se)]


def test_difference_in_support_matches_an_independent_computation(solved: dict[str, Any]) -> None:
    experiment = solved["experiment"]

    def arms(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        supports = frame["supports"].astype(int)
        return (supports[frame["message"] == "Value-based"].to_numpy(),
                supports[frame["message"] == "Fact-based"].to_numpy())

    assert list(solved["overall"]) == pytest.approx(_wald_interval(*arms(experiment)), abs=1e-3)
    for segment, group in experiment.groupby("segment"):
        row = solved["by_segment"].loc[segment].tolist()
        assert row == pytest.approx(_wald_interval(*arms(group)), abs=1e-3), segment
    clear = sorted(s for s, g in experiment.groupby("segment") if _wald_interval(*arms(g))[1] > 0)
    assert solved["segments_clear"] == clear


def test_one_per_template_evaluation_matches_scikit_learn(solved: dict[str, Any]) -> None:
    gold = solved["gold"]
    first = gold.sort_values("headline_id").groupby("template_id").head(1)
    assert sorted(solved["one_per_template"]["headline_id"]) == sorted(first["headline_id"])
    human, predicted = first["immigration_frame_a"].tolist(), first["predicted"].tolist()
    precision = precision_score(human, predicted, labels=["Threat"], average=None)[0]
    recall = recall_score(human, predicted, labels=["Threat"], average=None)[0]
    assert solved["threat_precision_unique"] == pytest.approx(precision, abs=1e-12)
    assert solved["threat_recall_unique"] == pytest.approx(recall, abs=1e-12)
    counts = solved["corpus"]["template_id"].value_counts().sort_index()
    assert solved["headlines_per_template"].tolist() == counts.tolist()


# --- what the prose says about the data ---------------------------------------------------------

def test_classifier_gives_every_headline_of_a_template_the_same_frame(
        solved: dict[str, Any]) -> None:
    """Exercise 7 says a classifier mistake in a template repeats with every use of it."""
    assert (solved["corpus"].groupby("template_id")["predicted"].nunique() == 1).all()


def test_cluster_bootstrap_interval_is_wider_than_the_naive_one(solved: dict[str, Any]) -> None:
    intervals = solved["intervals"]["width"].tolist()
    assert intervals[1] > intervals[0] > 0


def test_illegal_is_the_only_reason_those_headlines_are_threats(solved: dict[str, Any]) -> None:
    """The wording section: every 'illegal' headline is a Threat for the classifier, none after
    rewording, most become Neutral and one Hero ('stop' contains 'top')."""
    says_illegal = solved["says_illegal"]
    assert len(says_illegal) > 0 and set(says_illegal["predicted"]) == {"Threat"}
    reworded = [solved["classify_headline"](h, solved["KEYWORDS"]) for h in solved["rewritten"]]
    assert "Threat" not in reworded and reworded.count("Hero") == 1
    assert reworded.count("Neutral") > len(reworded) / 2


def test_named_people_appear_only_in_victim_and_hero_headlines(solved: dict[str, Any]) -> None:
    """The gender-lens text says so; regenerating the corpus must not silently change it."""
    corpus = solved["corpus"]
    named = corpus[corpus["person_gender"] != "Not stated"]
    assert set(named["immigration_frame_a"]) <= {"Victim", "Hero"}
    assert len(named) < len(corpus) / 5


def test_cells_that_use_answers_say_so_before_the_answers_exist(
        capsys: pytest.CaptureFixture[str]) -> None:
    """As in the learner book (solutions blank), no cell outside the exercises raises: the ones
    that need answers print which exercise to do first."""
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    namespace: dict[str, Any] = {}
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader", {})
        if (cell.cell_type != "code" or "interactive" in cell.metadata.get("tags", [])
                or meta.get("solution") or meta.get("grade")):
            continue
        exec(compile(cell.source, meta["grade_id"], "exec"), namespace)
    printed = capsys.readouterr().out
    assert "answer Exercise 4 first" in printed
    assert "from Exercises 4 and 5: answer them" in printed


# --- the explorer -------------------------------------------------------------------------------

def test_frames_differ_by_hatching_and_letter_as_well_as_colour() -> None:
    corpus = data.load("constructed_headlines")
    hatches = [explorer.FRAME_HATCHES[f] for f in explorer.FRAME_ORDER]
    assert len(set(hatches)) == len(hatches)
    assert len({explorer.FRAME_COLOURS[f] for f in explorer.FRAME_ORDER}) == 4
    figure = explorer.explorer_figure(corpus)
    axes = figure.axes[0]
    labels = {t.get_text() for t in axes.texts}
    counts = explorer.frame_counts(corpus)
    assert f"T {counts.loc['Tabloid', 'Threat']}" in labels
    assert f"H {counts.loc['Local paper', 'Hero']}" in labels
    legend = [t.get_text() for t in axes.get_legend().get_texts()]
    assert legend == ["T = Threat", "V = Victim", "H = Hero", "N = Neutral"]


def test_example_headlines_are_text_not_drawn_in_the_image() -> None:
    corpus = data.load("constructed_headlines")
    chart, examples = explorer.explorer_view(corpus, frame="Threat", country="Corvalia")
    assert isinstance(examples, pd.DataFrame) and 0 < len(examples) <= 5
    assert set(examples["frame"]) == {"Threat"} and set(examples["country"]) == {"Corvalia"}
    assert set(examples["headline"]) <= set(corpus["headline"])
    drawn = " ".join(t.get_text() for ax in explorer.explorer_figure(corpus).axes
                     for t in ax.texts)
    assert not any(h in drawn for h in corpus["headline"])


def test_alt_text_describes_each_state_of_the_explorer() -> None:
    corpus = data.load("constructed_headlines")
    default, _ = explorer.explorer_view(corpus)
    filtered, _ = explorer.explorer_view(corpus, frame="Threat", outlet_type="Tabloid",
                                         country="Corvalia", coder="B")
    assert default.alt != filtered.alt
    counts = explorer.frame_counts(corpus, country="Corvalia", coder="B")
    tabloid = ", ".join(f"{counts.loc['Tabloid', f]} {f}" for f in explorer.FRAME_ORDER)
    assert f"Tabloid: {tabloid}" in filtered.alt
    assert "Corvalia" in filtered.alt and "coder B" in filtered.alt
    assert "the Threat frame and the Tabloid bar" in filtered.alt
    matching = len(explorer.filter_headlines(corpus, "Threat", "Tabloid", "Corvalia", "B"))
    assert f"{matching} headline(s) match" in filtered.alt
    assert f'alt="{html.escape(filtered.alt)}"' in filtered._repr_html_()


# --- wrong answers ------------------------------------------------------------------------------

def test_every_exercise_has_three_plausible_wrong_answers() -> None:
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    graded = [c.metadata["nbgrader"]["grade_id"] for c in notebook.cells
              if c.cell_type == "code" and c.metadata.get("nbgrader", {}).get("grade")]
    wrong = yaml.safe_load((MODULE / "wrong_answers.yml").read_text(encoding="utf-8"))
    per_test = {g: sum(1 for w in wrong if w["tests"] == g) for g in graded}
    assert len(graded) >= 5
    assert all(n >= 3 for n in per_test.values()), per_test
