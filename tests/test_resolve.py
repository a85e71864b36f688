"""Subject resolution against the shipped fact base, and against tiny bases built here."""

from __future__ import annotations

import subprocess
import sys
import unicodedata

import pytest

from dprkrel.core import model
from dprkrel.core.compiler import in_memory
from dprkrel.core.errors import EXIT_NOT_FOUND, DprkrelError
from dprkrel.core.normalise import normalise
from dprkrel.core.paths import builtin_fact_paths
from dprkrel.core.reading import load
from dprkrel.core.search import search, words_of
from dprkrel.core.store import FactBase
from dprkrel.core.subjects import (
    ALTERNATIVE_MARGIN,
    THRESHOLD,
    Match,
    NoMatch,
    Resolution,
    SubjectIndex,
    complete,
    resolve,
)


@pytest.fixture(scope="module")
def base() -> FactBase:
    return load(builtin_fact_paths())


def tiny(*entities: tuple[str, str, tuple[str, ...]]) -> FactBase:
    """A fact base of countries given as (id, name, aliases), in that order."""
    records = tuple(
        model.Entity(id=id_, entity_kind="country", name=name, aliases=aliases) for id_, name, aliases in entities
    )
    return in_memory(records)


def full_width(text: str) -> str:
    """ASCII letters as their full-width forms (U+FF21 on), as some Asian keyboards type them."""
    return "".join(chr(ord(char) + 0xFEE0) for char in text)


# -- normalise ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("España", "espana"),
        ("ESPAÑA", "espana"),
        ("North-Korea", "northkorea"),
        ("north   korea", "northkorea"),
        ("P'yŏngyang", "pyongyang"),
        ("P\u2019y\u014fngyang", "pyongyang"),
        ("Democratic People's Republic of Korea", "democraticpeoplesrepublicofkorea"),
        ("  !!! -- ''  ", ""),
        # Letters NFD leaves whole, spelt as readers of English type them.
        ("Ærø Łódź", "aerolodz"),
    ],
)
def test_normalise(text: str, key: str) -> None:
    assert normalise(text) == key


def test_normalise_keeps_korean_syllables_whatever_form_they_come_in() -> None:
    decomposed = unicodedata.normalize("NFD", "에스빠냐")
    assert decomposed != "에스빠냐"
    assert normalise(decomposed) == "에스빠냐"
    assert normalise("조선민주주의인민공화국") == "조선민주주의인민공화국"


def test_normalise_folds_full_width_letters() -> None:
    assert normalise(full_width("SPAIN")) == "spain"


# -- exact matches on every kind of name ----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "entity_id", "matched_text"),
    [
        # English names and aliases
        ("North Korea", "prk", "North Korea"),
        ("Democratic People's Republic of Korea", "prk", "Democratic People's Republic of Korea"),
        ("DPRK", "prk", "DPRK"),
        ("Spain", "esp", "Spain"),
        ("Kingdom of Sweden", "swe", "Kingdom of Sweden"),
        ("Republic of Korea", "kor", "Republic of Korea"),
        ("European Union", "eu", "European Union"),
        # Spanish
        ("Corea del Norte", "prk", "Corea del Norte"),
        ("España", "esp", "España"),
        ("Reino de España", "esp", "Reino de España"),
        ("Unión Europea", "eu", "Unión Europea"),
        ("Pionyang", "pyongyang", "Pionyang"),
        # Korean and Japanese
        ("에스빠냐", "esp", "에스빠냐"),
        ("스페인", "esp", "스페인"),
        ("조선", "prk", "조선"),
        ("조선민주주의인민공화국", "prk", "조선민주주의인민공화국"),
        ("평양", "pyongyang", "평양"),
        ("마드리드", "madrid", "마드리드"),
        ("日本", "jpn", "日本"),
        # ISO alpha-2 and alpha-3 codes, any case, and the EU abbreviation
        ("ES", "esp", "ES"),
        ("es", "esp", "ES"),
        ("ESP", "esp", "ESP"),
        ("esp", "esp", "ESP"),
        ("KP", "prk", "KP"),
        ("PRK", "prk", "PRK"),
        ("kor", "kor", "KOR"),
        ("EU", "eu", "EU"),
        ("eu", "eu", "EU"),
        # cities
        ("Madrid", "madrid", "Madrid"),
        ("Pyongyang", "pyongyang", "Pyongyang"),
        ("Seúl", "seoul", "Seúl"),
        # people
        ("Cao de Benós", "cao-de-benos", "Cao de Benós"),
        ("cao de benos", "cao-de-benos", "Cao de Benós"),
        ("조선일", "cao-de-benos", "조선일"),
        ("Choseon-il", "cao-de-benos", "Choseon-il"),
        ("Zo Sun Il", "cao-de-benos", "Zo Sun Il"),
        ("Kim Hyok-chol", "kim-hyok-chol", "Kim Hyok Chol"),
        # ids, as answers print them ("South Korea (kor)")
        ("es-foreign-ministry", "es-foreign-ministry", "es-foreign-ministry"),
    ],
)
def test_exact_names_aliases_and_codes_score_100(base: FactBase, query: str, entity_id: str, matched_text: str) -> None:
    resolution = resolve(base, query)
    assert resolution.best.id == entity_id
    assert resolution.best.score == 100.0
    assert resolution.matched_text == matched_text
    assert resolution.query == query


def test_match_carries_the_entity_display_name_and_kind(base: FactBase) -> None:
    resolution = resolve(base, "Choseon-il")
    assert resolution.best == Match("cao-de-benos", "Alejandro Cao de Benós de Les y Pérez", "person", 100.0)
    assert resolution.matched_text == "Choseon-il"
    assert resolve(base, "madrid").best.kind == "city"
    assert resolve(base, "EU").best.kind == "international_organisation"


@pytest.mark.parametrize(
    ("query", "entity_id"),
    [
        ("espana", "esp"),
        ("ESPAÑA", "esp"),
        ("eSpAñA", "esp"),
        ("  spain  ", "esp"),
        ("north-korea", "prk"),
        ("northkorea", "prk"),
        ("NORTH   KOREA", "prk"),
        ("North_Korea", "prk"),
        ("p'yŏngyang", "pyongyang"),
        ("PYONGYANG", "pyongyang"),
        ("seul", "seoul"),
        ("Kung Sok Ung", "kung-sok-ung"),
        ("kungsokung", "kung-sok-ung"),
        ("cao de benós", "cao-de-benos"),
        ("CAO-DE-BENOS", "cao-de-benos"),
        ("democratic peoples republic of korea", "prk"),
    ],
)
def test_case_accents_hyphens_apostrophes_and_spacing_do_not_matter(base: FactBase, query: str, entity_id: str) -> None:
    best = resolve(base, query).best
    assert (best.id, best.score) == (entity_id, 100.0)


def test_decomposed_korean_matches(base: FactBase) -> None:
    query = unicodedata.normalize("NFD", "에스빠냐")
    assert query != "에스빠냐"
    best = resolve(base, query).best
    assert (best.id, best.score) == ("esp", 100.0)
    assert resolve(base, unicodedata.normalize("NFD", "평양")).best.id == "pyongyang"


def test_full_width_letters_match(base: FactBase) -> None:
    best = resolve(base, full_width("SPAIN")).best
    assert (best.id, best.score) == ("esp", 100.0)
    assert resolve(base, full_width("PRK")).best.id == "prk"


# -- typos and fuzzy matches ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "entity_id"),
    [
        ("spian", "esp"),
        ("madird", "madrid"),
        ("sweeden", "swe"),
        ("pyongyan", "pyongyang"),
        ("corea del nort", "prk"),
        ("Korea, North", "prk"),
        ("dastis", "alfonso-dastis"),
        ("서을", "seoul"),
    ],
)
def test_typos_and_partial_names_are_forgiven(base: FactBase, query: str, entity_id: str) -> None:
    resolution = resolve(base, query)
    assert resolution.best.id == entity_id
    assert THRESHOLD <= resolution.best.score < 100.0
    assert resolution.alternatives == ()


def test_typo_in_a_spanish_name_shows_which_name_matched(base: FactBase) -> None:
    assert resolve(base, "corea del nort").matched_text == "Corea del Norte"


def test_an_exact_match_is_not_shadowed_by_longer_names_containing_it(base: FactBase) -> None:
    # "Council of Ministers of Spain", "Spanish ..." contain the word: the exact name wins alone.
    assert resolve(base, "spain").alternatives == ()
    assert resolve(base, "united nations").alternatives == ()


def test_scores_are_rounded_to_one_decimal(base: FactBase) -> None:
    for query in ("madird", "sweeden", "pyongyan", "korea"):
        resolution = resolve(base, query)
        for match in (resolution.best, *resolution.alternatives):
            assert match.score == round(match.score, 1)
            assert 0.0 <= match.score <= 100.0


# Words and names that look like a name of the base without being a typo of it: "tajikistan"
# scores 77.8 against Pakistan, "malawi" 76.9 against Malaysia ("Malasia").
@pytest.mark.parametrize(
    ("query", "nearest"), [("android", "madrid"), ("series", "swe"), ("tajikistan", "pak"), ("malawi", "mys")]
)
def test_resemblances_below_the_threshold_are_neither_answers_nor_suggestions(
    base: FactBase, query: str, nearest: str
) -> None:
    accepted, near = SubjectIndex.of(base).candidates(query)
    assert near[0].id == nearest
    assert 60.0 < near[0].score < THRESHOLD
    assert nearest not in {match.id for match in accepted}
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    assert caught.value.suggestions == ()


# Real names outside the base that score as well as typos against names inside it: a score
# says how alike two spellings are, not whether one is a slip for the other.
@pytest.mark.parametrize(
    ("query", "lookalike"),
    [
        ("zambia", "gmb"),  # 83.3 against "Gambia": z for g, no neighbouring key
        ("liberia", "lby"),  # 83.3 against "Libia": two letters more
        ("colombia", "colombo"),  # 80.0 against "Colombo"
        ("lenin", "ben"),  # 80.0 against "Benin"
        ("luanda", "rwa"),  # 83.3 against "Ruanda", as against "Uganda"
        ("kim young-sam", "kim-yong-nam"),  # 85.7 against "Kim Yong-nam"
        # The words "Republic of" that both share excuse no slip in the others.
        ("republic of zambia", "nam"),  # 90.9 against "Republic of Namibia"
        ("republic of iceland", "irl"),  # 94.1 against "Republic of Ireland"
    ],
)
def test_lookalikes_of_names_are_not_taken_for_them(base: FactBase, query: str, lookalike: str) -> None:
    _accepted, near = SubjectIndex.of(base).candidates(query)
    assert {match.id: match.score for match in near}[lookalike] >= THRESHOLD
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    # Nor a suggestion: a lookalike is no more plausible a typo for being offered.
    assert caught.value.suggestions == ()


@pytest.mark.parametrize(
    ("query", "entity_id"),
    [
        ("spian", "esp"),  # two letters swapped
        ("spaun", "esp"),  # a neighbouring key
        ("madred", "madrid"),  # a vowel for another
        ("sweeden", "swe"),  # a letter doubled
        ("pyongyan", "pyongyang"),  # a letter left out
        ("kim jong eun", "kim-jong-un"),  # a vowel beside a vowel, as names are romanised
        ("cheongjin", "chongjin"),
        ("madriid", "madrid"),
        ("democratic peoples republc of korae", "prk"),  # a slip in each of two words
        ("corea del nortw", "prk"),
    ],
)
def test_slips_of_the_fingers_are_typos(base: FactBase, query: str, entity_id: str) -> None:
    best = resolve(base, query).best
    assert best.id == entity_id
    assert THRESHOLD <= best.score < 100.0


@pytest.mark.parametrize("query", ["spxin", "madrip", "swedez", "madirdo"])
def test_a_letter_no_slip_explains_is_no_typo(base: FactBase, query: str) -> None:
    # x for a, p for d, z for n: keys far apart; and "madirdo" is two swapped letters and an
    # extra one no key beside it explains, too many slips for a six-letter name.
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    assert caught.value.suggestions == ()


def test_an_alternative_within_the_margin_is_reported() -> None:
    small = tiny(("long", "Alphabeticals", ()), ("short", "Alphabetical", ()), ("far", "Alphabet", ()))
    resolution = resolve(small, "alphabeticalx")
    # 96.0 against "Alphabetical", 92.3 against "Alphabeticals", 76.2 against "Alphabet".
    assert (resolution.best.id, resolution.best.score) == ("short", 96.0)
    assert [(match.id, match.score) for match in resolution.alternatives] == [("long", 92.3)]


def test_of_two_names_scoring_alike_the_earlier_is_shown() -> None:
    # The display name scores 90 as a part ("abcdefghi" of "Abcdefghi Zed"), the alias 90 as
    # a whole: the display name comes first, so it is the one shown.
    small = tiny(("one", "Abcdefghi Zed", ("Abcdefghijk",)))
    resolution = resolve(small, "abcdefghi")
    assert resolution.best == Match("one", "Abcdefghi Zed", "country", 90.0)
    assert resolution.matched_text == "Abcdefghi Zed"


# -- short queries --------------------------------------------------------------------------


def test_two_letter_codes_match_but_two_letters_do_not_match_fuzzily(base: FactBase) -> None:
    assert resolve(base, "es").best.id == "esp"
    with pytest.raises(NoMatch) as caught:
        resolve(base, "ul")
    # Not an answer, but the obvious suggestion: the one subject with a name that begins so.
    assert [match.id for match in caught.value.suggestions] == ["ulaanbaatar"]


def test_a_beginning_many_names_share_suggests_none_of_them(base: FactBase) -> None:
    # Madrid, Madagascar, Malaysia, Malta, Manila, Maputo...: naming three would be a guess.
    assert len(complete(base, "ma", limit=50)) > 10
    with pytest.raises(NoMatch) as caught:
        resolve(base, "ma")
    assert caught.value.suggestions == ()


def test_three_letter_prefix_is_not_an_answer(base: FactBase) -> None:
    # Not Madeleine Albright's, though she is the one person with a name that begins so.
    with pytest.raises(NoMatch) as caught:
        resolve(base, "mad")
    # Every subject with a name that begins so, the one more of the base involves first.
    assert [match.id for match in caught.value.suggestions] == ["madrid", "mdg", "madeleine-albright"]


def test_three_letters_match_only_exactly(base: FactBase) -> None:
    # "sul" is one letter short of "Seúl" (85.7), but three letters are too few to guess from.
    with pytest.raises(NoMatch) as caught:
        resolve(base, "sul")
    assert caught.value.suggestions[0].id == "seoul"


@pytest.mark.parametrize("query", ["uncs", "unsca"])
def test_acronyms_match_only_exactly(base: FactBase, query: str) -> None:
    assert resolve(base, "unsc").best.id == "un-security-council"
    # One letter off an acronym is another acronym, not a typo of this one.
    with pytest.raises(NoMatch):
        resolve(base, query)


@pytest.mark.parametrize("query", ["x", "a", "k", "조", "é"])
def test_one_character_queries_do_not_crash(base: FactBase, query: str) -> None:
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    assert len(caught.value.suggestions) <= 3


# -- no match -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["atlantis", "zzzz", "xyzzy", "pizza", "qwertyuiop"])
def test_clear_non_matches_raise_no_match(base: FactBase, query: str) -> None:
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    error = caught.value
    assert isinstance(error, DprkrelError)
    assert error.exit_code == EXIT_NOT_FOUND == 1
    assert error.query == query
    assert len(error.suggestions) <= 3
    assert all(isinstance(match, Match) for match in error.suggestions)
    message = f"'{query}' is not in the fact base ({SubjectIndex.of(base).covered()}; 'dprkrel subjects' lists them)."
    if error.suggestions:
        message += f" Did you mean: {', '.join(match.name for match in error.suggestions)}?"
    assert str(error) == message
    assert "\n" not in str(error)


def test_no_match_message_names_the_three_nearest() -> None:
    small = tiny(("esp", "Spain", ()), ("jpn", "Japan", ()), ("madrid", "Madrid", ()), ("seoul", "Seoul", ("Seúl",)))
    with pytest.raises(NoMatch) as caught:
        resolve(small, "atlantis")
    # Nothing is close to "atlantis" (57 at best): no nonsense suggestions.
    assert (
        str(caught.value)
        == "'atlantis' is not in the fact base (4 subjects: 4 countries; 'dprkrel subjects' lists them)."
    )
    assert caught.value.suggestions == ()
    # Too short to match, but one letter short of a name ("Seúl"), and the beginning of another.
    with pytest.raises(NoMatch) as caught:
        resolve(small, "sul")
    assert str(caught.value).endswith(" Did you mean: Seoul?")
    assert [match.id for match in caught.value.suggestions] == ["seoul"]
    with pytest.raises(NoMatch) as caught:
        resolve(small, "ja")
    assert [match.id for match in caught.value.suggestions] == ["jpn"]
    # A typo of a longer name's word scores too little to be an answer: the one suggestion.
    small = tiny(("esp", "Spain", ()), ("madrid", "Villa de Madrid", ()), ("jpn", "Japan", ("Nippon",)))
    with pytest.raises(NoMatch) as caught:
        resolve(small, "madird")
    assert [match.id for match in caught.value.suggestions] == ["madrid"]
    scores = [match.score for match in caught.value.suggestions]
    assert scores == sorted(scores, reverse=True)


def test_no_match_in_an_empty_base_suggests_nothing() -> None:
    with pytest.raises(NoMatch) as caught:
        resolve(in_memory(()), "spain")
    assert str(caught.value) == "No subject matches 'spain'."
    assert caught.value.suggestions == ()


@pytest.mark.parametrize("query", ["", " ", "   \t ", "!!!", "-", "'", "...?", "\u3000"])
def test_blank_or_punctuation_queries_raise_no_match(base: FactBase, query: str) -> None:
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    assert caught.value.suggestions == ()
    assert caught.value.query == query
    assert caught.value.exit_code == 1


def test_blank_query_message() -> None:
    with pytest.raises(NoMatch, match=r"^No subject matches ''\.$"):
        resolve(tiny(("esp", "Spain", ())), "")


def test_message_stays_on_one_line(base: FactBase) -> None:
    with pytest.raises(NoMatch) as caught:
        resolve(base, "atl\nantis\r\tzz")
    assert "\n" not in str(caught.value)
    assert "\r" not in str(caught.value)
    assert caught.value.query == "atl\nantis\r\tzz"


@pytest.mark.parametrize("query", ["x" * 10_000, "spain " * 2_000, "조선" * 5_000, "!" * 10_000])
def test_very_long_queries_get_a_short_answer(base: FactBase, query: str) -> None:
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    assert caught.value.query == query
    assert len(str(caught.value)) < 250


# -- people by a word of their name, and subjects outside the base -------------------------


@pytest.mark.parametrize(
    ("query", "entity_id"),
    [("Sin", "sin-son-ho"), ("Cao", "cao-de-benos"), ("kim hy", "kim-hyok-chol"), ("dastis", "alfonso-dastis")],
)
def test_a_word_or_the_beginning_of_a_persons_name_finds_that_person(
    base: FactBase, query: str, entity_id: str
) -> None:
    resolution = resolve(base, query)
    assert resolution.best.id == entity_id
    assert resolution.best.score >= THRESHOLD


def test_a_word_two_people_share_finds_neither() -> None:
    records = tuple(
        model.Entity(id=id_, entity_kind="person", name=name) for id_, name in (("a", "Kim Il"), ("b", "Kim Yo"))
    )
    with pytest.raises(NoMatch) as caught:
        resolve(in_memory(records), "kim")
    assert caught.value.shared_by == 2
    assert [match.id for match in caught.value.suggestions] == ["a", "b"]


def test_kim_is_a_word_of_many_peoples_names_and_finds_none_of_them(base: FactBase) -> None:
    people = [
        entity
        for entity in base.of_type(model.Entity)
        if entity.entity_kind == "person"
        and any(
            "kim" in words_of(text) for text in (entity.name, *(name.text for name in entity.names), *entity.aliases)
        )
    ]
    assert len(people) > 3
    with pytest.raises(NoMatch) as caught:
        resolve(base, "kim")
    error = caught.value
    assert error.shared_by == len(people)
    # The best known of them, by how many records involve each.
    counts = {id_: records for id_, _name, _kind, records in SubjectIndex.of(base).listing()}
    ranked = sorted(people, key=lambda entity: (-counts[entity.id], entity.id))
    assert [match.id for match in error.suggestions] == [entity.id for entity in ranked[:3]]
    assert str(error) == (
        f"'kim' could be any of {len(people)} people in the fact base ('dprkrel subjects --kind person' lists them)."
        f" Did you mean: {', '.join(entity.name for entity in ranked[:3])}?"
    )
    # More of the name finds one of them.
    assert resolve(base, "kim il sung").best.id == "kim-il-sung"
    assert resolve(base, "kim hyok").best.id == "kim-hyok-chol"


# Names the base does not hold (`dprkrel subjects` lists what it does): countries, cities,
# people and bodies people ask about. None of them gets a suggestion; see SUGGESTION_SCORE.
OUTSIDE = [
    "argentina", "chile", "colombia", "bolivia", "zambia", "liberia", "kazakhstan", "saudi arabia", "qatar", "oman",
    "yemen", "lebanon", "kuwait", "georgia", "ukraine", "morocco", "tunisia", "malawi", "tajikistan", "nicaragua",
    "tokyo", "cairo", "tunis", "nairobi", "lagos", "kabul", "tehran", "baghdad", "shanghai", "busan", "new york",
    "biden", "putin", "obama", "xi jinping", "mao zedong", "park geun-hye", "shinzo abe", "lenin", "stalin",
    "merkel", "mandela", "kim young-sam", "kim jong-chul", "dennis rodman",
    "nato", "african union", "world bank", "interpol", "amnesty international", "greenpeace", "opec", "warsaw pact",
    "samsung", "reuters", "air koryo",
    "atlantis", "pizza", "hello", "weather",
]  # fmt: skip
# Names outside the base that still find something inside it by their spelling alone: to
# tell them apart would need a list of the world's names that the base does not hold.
OUTSIDE_BUT_ALIKE = [
    pytest.param("jordan", marks=pytest.mark.xfail(strict=True, reason="a word of Michael Jordan's name")),
    pytest.param("niger", marks=pytest.mark.xfail(strict=True, reason="the beginning of Nigeria")),
    pytest.param("panama", marks=pytest.mark.xfail(strict=True, reason="two letters short of 'Panorama'")),
    pytest.param("ankara", marks=pytest.mark.xfail(strict=True, reason="a letter short of 'Sankara'")),
]


@pytest.mark.parametrize("query", OUTSIDE)
def test_a_subject_outside_the_base_gets_no_nonsense_suggestions(base: FactBase, query: str) -> None:
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    assert caught.value.suggestions == ()
    assert str(caught.value).startswith(f"'{query}' is not in the fact base (")
    assert "'dprkrel subjects' lists them" in str(caught.value)


@pytest.mark.parametrize("query", OUTSIDE_BUT_ALIKE)
def test_what_spelling_alone_cannot_tell_from_a_name_of_the_base(base: FactBase, query: str) -> None:
    # Kept in view, so that a change that tells them apart, or finds more of them, is seen.
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    assert caught.value.suggestions == ()


@pytest.mark.parametrize(
    ("query", "entity_id"), [("dastsi", "alfonso-dastis"), ("ul", "ulaanbaatar"), ("mad", "madrid"), ("sul", "seoul")]
)
def test_a_near_miss_still_gets_its_suggestion(base: FactBase, query: str, entity_id: str) -> None:
    with pytest.raises(NoMatch) as caught:
        resolve(base, query)
    assert caught.value.suggestions[0].id == entity_id


# -- ambiguity and determinism --------------------------------------------------------------


def test_korea_is_ambiguous(base: FactBase) -> None:
    resolution = resolve(base, "korea")
    found = [resolution.best.id, *(match.id for match in resolution.alternatives)]
    # The two Koreas, and the Korea of before the division ("Korea (Joseon)", "Joseon Korea").
    assert set(found) == {"kor", "prk", "joseon"}
    # An equal score: the one more of the base involves wins, North Korea in a base about it,
    # and South Korea is the first alternative.
    assert resolution.best.id == "prk"
    assert resolution.alternatives[0].id == "kor"
    assert resolution.alternatives[0].score == resolution.best.score
    # "Korean Friendship Association" only shares part of a word; bodies named after Korea
    # carry the word among more ("Workers' Party of Korea", "United States Forces Korea",
    # "Liberty in North Korea"): not alternatives.
    for named_after in (
        "korean-friendship-association",
        "korean-workers-party",
        "united-states-forces-korea",
        "liberty-in-north-korea",
        "korea-ghana-friendship-association",
    ):
        assert named_after not in found
    # Little words written in lower case do not count: "Corea del Norte" is two words.
    corea = resolve(base, "corea")
    assert (corea.best, corea.alternatives) == (resolution.best, resolution.alternatives)
    assert corea.matched_texts == ("Corea del Norte", "Corea del Sur", "Corea (Joseon)")


def test_alternatives_are_distinct_plausible_and_ordered(base: FactBase) -> None:
    resolution = resolve(base, "red cross")
    ids = [resolution.best.id, *(match.id for match in resolution.alternatives)]
    # Equal scores: ordered by how many records involve each, then by id. Every Red Cross
    # body of the base: "Red Cross" is at least half the words of each of these names.
    assert set(ids) == {
        "international-red-cross",
        "prk-red-cross",
        "spanish-red-cross",
        "korean-red-cross",
        "ifrc",  # "International Federation of the Red Cross"
    }
    assert len(set(ids)) == len(ids)
    for match in resolution.alternatives:
        assert match.score >= THRESHOLD
        assert match.score >= resolution.best.score - ALTERNATIVE_MARGIN
    scores = [match.score for match in (resolution.best, *resolution.alternatives)]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["korea", "red cross", "spian", "Cao de Benós", "council"])
def test_same_query_same_answer(base: FactBase, query: str) -> None:
    first = resolve(base, query)
    assert resolve(base, query) == first
    # A freshly loaded base (and so a fresh index) answers alike.
    assert resolve(load(builtin_fact_paths()), query) == first


def test_ties_go_to_the_smaller_id_whatever_the_file_order() -> None:
    beta, alpha = ("b-twin", "Beta", ("Twin",)), ("a-twin", "Alpha", ("Twin",))
    for entities in ((beta, alpha), (alpha, beta)):
        resolution = resolve(tiny(*entities), "twin")
        assert resolution.best == Match("a-twin", "Alpha", "country", 100.0)
        assert resolution.alternatives == (Match("b-twin", "Beta", "country", 100.0),)
        assert resolution.matched_texts == ("Twin", "Twin")


def test_an_entity_appears_once_with_its_best_name() -> None:
    small = tiny(("one", "Twin", ("Twins", "Twin City", "TWIN")), ("two", "Other", ("Twin Peaks",)))
    resolution = resolve(small, "twin")
    assert resolution.best == Match("one", "Twin", "country", 100.0)
    assert resolution.matched_text == "Twin"
    ids = [match.id for match in resolution.alternatives]
    assert "one" not in ids
    assert len(ids) == len(set(ids))


def test_a_match_is_id_name_kind_and_score_in_that_order(base: FactBase) -> None:
    # The JSON answers' "matched" objects are these dicts.
    match = resolve(base, "madrid").best
    assert list(match.as_dict().items()) == [("id", "madrid"), ("name", "Madrid"), ("kind", "city"), ("score", 100.0)]


def test_resolution_is_a_plain_value(base: FactBase) -> None:
    resolution = resolve(base, "madrid")
    assert isinstance(resolution, Resolution)
    assert resolution == Resolution("madrid", Match("madrid", "Madrid", "city", 100.0), (), ("Madrid",))


# -- completion -----------------------------------------------------------------------------


def test_complete_offers_names_starting_with_the_prefix(base: FactBase) -> None:
    assert "Madrid" in complete(base, "ma")
    assert complete(base, "ma") == complete(base, "MA")
    assert {"ES", "ESP", "España"} <= set(complete(base, "es"))
    assert complete(base, "esp") == ["ESP", "España"]
    assert complete(base, "espa") == ["España"]
    assert complete(base, "new") == ["New Delhi", "New Zealand"]
    north = complete(base, "north k")
    assert {"North Korea", "North Korean Red Cross"} <= set(north)
    assert all(text.startswith("North Korea") for text in north)
    assert "조선" in complete(base, "조")
    assert complete(base, "zzzz") == []


def test_complete_is_sorted_deduplicated_and_limited(base: FactBase) -> None:
    for prefix in ("", "a", "un", "co", "k"):
        found = complete(base, prefix)
        assert len(found) <= 20
        assert len({normalise(text) for text in found}) == len(found)
        assert [normalise(text) for text in found] == sorted(normalise(text) for text in found)
        assert all(normalise(text).startswith(normalise(prefix)) for text in found)
    assert len(complete(base, "", limit=5)) == 5
    assert complete(base, "un", limit=0) == []
    # "Alejandro Cao de Benós" and "Alejandro Cao de Benos" are one candidate.
    assert complete(base, "alejandro cao de benos", limit=50) == [
        "Alejandro Cao de Benós",
        "Alejandro Cao de Benós de Les y Pérez",
    ]


def test_complete_handles_odd_prefixes(base: FactBase) -> None:
    assert complete(base, "x" * 10_000) == []
    assert complete(base, unicodedata.normalize("NFD", "마드")) == ["마드리드"]


# -- the index ------------------------------------------------------------------------------


def test_index_is_built_once_per_base(base: FactBase) -> None:
    assert SubjectIndex.of(base) is SubjectIndex.of(base)
    other = tiny(("esp", "Spain", ()))
    assert SubjectIndex.of(other) is not SubjectIndex.of(base)
    assert resolve(other, "spain").best.id == "esp"
    with pytest.raises(NoMatch):
        resolve(other, "madrid")


def test_importing_the_module_leaves_rapidfuzz_unloaded() -> None:
    code = "import sys, dprkrel.core.subjects; print('rapidfuzz' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# -- one folding for subjects, completion and search ------------------------------------------

PYONGYANG_SPELLINGS = ["P\u02bby\u014fngyang", "P'y\u014fngyang", "P\u2019yongyang", "Pyongyang", "PY\u014eNGYANG"]


@pytest.mark.parametrize("spelling", PYONGYANG_SPELLINGS)
def test_every_spelling_of_pyongyang_folds_alike_for_subjects_and_search(spelling: str) -> None:
    assert normalise(spelling) == "pyongyang"
    assert words_of(spelling) == ["pyongyang"]


@pytest.mark.parametrize("spelling", PYONGYANG_SPELLINGS)
def test_every_spelling_finds_the_city_however_the_file_spells_it(spelling: str) -> None:
    for written in PYONGYANG_SPELLINGS:
        base = in_memory([model.Entity(id="pyongyang", entity_kind="city", name=written)])
        assert resolve(base, spelling).best.score == 100.0
        assert complete(base, spelling) == [written]
        assert [hit.record.id for hit in search(base, spelling)] == ["pyongyang"]
        assert search(base, spelling)[0].score == 100.0
