"""Facts shown as their sources state them: tense, inference, scope and conflicts.

The mechanical checks here catch the kinds of slip a careful reading found: a "since <date>"
sentence in the present or present perfect read as a past event, and a `prompted_by` link the
source gives no causal word for. The rest is read by hand against the sources.
"""

from __future__ import annotations

import calendar
import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from dprkrel.cli.app import app
from dprkrel.core import model
from dprkrel.core.dates import PartialDate
from dprkrel.core.store import FactBase

SOURCES_DIR = Path(__file__).resolve().parent.parent.parent / "shared" / "sources"
FILES = {
    "wikipedia-prk-esp": "north-korea-spain-relations.txt",
    "eeas-eu-dprk": "eu-dprk-relations.txt",
    "wikipedia-prk-foreign-relations-2019": "foreign-relations-of-north-korea-2019.txt",
}
# The 2019 overview's headings are lines of their own, as the source lists its sections.
OVERVIEW_HEADINGS = frozenset(
    {
        "Principles and practice",
        "History",
        "Inter-Korean relations",
        "Nuclear weapons program",
        "Bilateral relations",
        "International organizations",
    }
)
needs_sources = pytest.mark.skipif(not SOURCES_DIR.is_dir(), reason=f"the source documents are not at {SOURCES_DIR}")

MONTHS = list(calendar.month_name)[1:]


def sections(source_id: str) -> dict[str, list[str]]:
    """The sentences of each section of a source document, by the section names records cite."""
    text = (SOURCES_DIR / FILES[source_id]).read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    current = "introduction" if source_id == "eeas-eu-dprk" else "lead"
    headings = {"Political dialogue", "Aid and cooperation", "Human rights"}
    if source_id == "wikipedia-prk-foreign-relations-2019":
        headings = OVERVIEW_HEADINGS | set(_coverage()["overview_sections"])
    for line in text.splitlines():
        heading = re.fullmatch(r"=+\s*(.*?)\s*=+", line.strip())
        if heading or line.strip() in headings:
            current = heading.group(1) if heading else line.strip()
            continue
        for sentence in re.split(r"(?<=[.!?])\s+", line.strip()):
            if sentence:
                found.setdefault(current, []).append(sentence)
    return found


def _coverage() -> dict[str, Any]:
    import yaml

    loaded: dict[str, Any] = yaml.safe_load((Path(__file__).parent / "data" / "coverage.yaml").read_text("utf-8"))
    return loaded


def since_dates(sentence: str) -> list[PartialDate]:
    """The dates a present or present-perfect sentence says something holds "since"."""
    if not re.search(r"\b(has|have|maintains|is|are)\b", sentence):
        return []
    dates = []
    for month, day, year in re.findall(r"\b[Ss]ince (?:(\w+) (?:(\d{1,2}), )?)?(\d{4})\b", sentence):
        if month in MONTHS:
            dates.append(PartialDate(int(year), MONTHS.index(month) + 1, int(day) if day else None))
        else:
            dates.append(PartialDate(int(year)))
    return dates


def record_starts(record: model.Record) -> list[PartialDate]:
    match record:
        # An event that begins what still holds (a relation, a period); a single happening,
        # such as a visit the same year, holds nothing in the present tense.
        case model.Event() if record.relation or record.opens_period:
            return [claim.value for claim in record.date]
        case model.Aid():
            return [record.period_from] if record.period_from else []
        case model.Mission():
            return [item.since for item in record.accredited_to if item.since]
        case model.Entity():
            return [role.since for role in record.roles if role.since]
    return []


@needs_sources
def test_every_record_dated_by_a_present_perfect_since_is_in_the_present_tense(
    shipped_records: list[model.Record],
) -> None:
    slips = []
    for record in shipped_records:
        for citation in record.sources:
            if citation.source not in FILES:
                continue
            for sentence in sections(citation.source).get(citation.section, []):
                for date in since_dates(sentence):
                    if date in record_starts(record) and not record.present_tense:
                        slips.append(f"{record.id}: '{sentence[:60]}…'")
    assert not slips, "records the sources state in the present tense lack present_tense:\n" + "\n".join(slips)


def test_the_since_check_reads_the_sources_dates() -> None:
    assert since_dates("Spain formally maintains relations with Pyongyang since February 7, 2001.") == [
        PartialDate(2001, 2, 7)
    ]
    assert since_dates("The relations have been channeled since 2006 under accreditation.") == [PartialDate(2006)]
    assert since_dates("It was set up in 2003 and has closed since.") == []


CAUSAL = (
    r"\b(because|due to|caused by|in response to|as a response|following|as a result|prompted|to alleviate|to help)\b"
)


@needs_sources
def test_a_prompted_by_link_without_a_causal_word_in_the_source_is_marked_inferred(
    shipped_base: FactBase, shipped_records: list[model.Record]
) -> None:
    slips = []
    for record in shipped_records:
        prompts = getattr(record, "prompted_by", ())
        if not prompts or record.inferred:
            continue
        for event_id in prompts:
            event = shipped_base.by_id[event_id]
            assert isinstance(event, model.Event)
            # The sentence that says so names the event's year, unless the source dates it not.
            years = {str(claim.value.year) for claim in event.date} if not event.undated else {""}
            stated = any(
                re.search(CAUSAL, sentence) and any(year in sentence for year in years)
                for citation in record.sources
                if citation.source in FILES
                for sentence in sections(citation.source).get(citation.section, [])
            )
            if not stated:
                slips.append(f"{record.id} -> {event_id}")
    assert not slips, "causes the sources do not state are not marked inferred:\n" + "\n".join(slips)


# -- records corrected against the sources ------------------------------------------------


def test_the_ambassador_role_ends_with_the_2017_expulsion(shipped_base: FactBase) -> None:
    person = shipped_base.by_id["kim-hyok-chol"]
    assert isinstance(person, model.Entity)
    assert [role.until for role in person.roles] == [PartialDate(2017)]


def test_the_paris_and_seoul_accreditations_share_the_tense_of_their_one_sentence(shipped_base: FactBase) -> None:
    paris, seoul = shipped_base.by_id["prk-embassy-paris"], shipped_base.by_id["esp-embassy-seoul"]
    assert paris.present_tense and seoul.present_tense


def test_the_aid_channels_leave_the_supervisor_out(shipped_base: FactBase) -> None:
    aid = shipped_base.by_id["aid-esp-2007-floods"]
    assert isinstance(aid, model.Aid)
    assert "international-red-cross" not in aid.channels


def test_a_round_figure_is_not_claimed_exact(shipped_base: FactBase) -> None:
    aid = shipped_base.by_id["aid-eu-2011-emergency"]
    assert isinstance(aid, model.Aid)
    assert aid.amount_qualifier != "exactly"


def test_the_launch_keeps_direct_violation_and_has_only_north_korea_as_actor(shipped_base: FactBase) -> None:
    launch = shipped_base.by_id["ev-2012-12-satellite-launch"]
    test = shipped_base.by_id["ev-2013-02-third-nuclear-test"]
    assert isinstance(launch, model.Event) and isinstance(test, model.Event)
    assert launch.actors == ("prk",)
    assert "direct" in launch.summary
    assert "Security Council" in test.summary


def test_inferred_nationality_and_donor_are_not_stated_as_fact(shipped_base: FactBase) -> None:
    for event_id in ("ev-2001-12-11-paer-nam-sun-visit", "ev-2013-10-25-kung-sok-ung-visit"):
        event = shipped_base.by_id[event_id]
        assert isinstance(event, model.Event)
        assert "North Korean" not in event.summary
    aid_start = shipped_base.by_id["ev-1995-eu-aid-period-starts"]
    assert aid_start.inferred and "the EU has given" not in aid_start.summary


def test_the_red_cross_arrangement_keeps_its_would(shipped_base: FactBase) -> None:
    event = shipped_base.by_id["ev-2007-09-esp-flood-aid"]
    assert isinstance(event, model.Event)
    assert not any("works directly" in detail for detail in event.details)


def test_the_parliament_resolution_names_the_date_it_was_the_latest_once() -> None:
    # "The most recent" holds as of the EU page's date: every view names that date, once.
    import dprkrel

    result = dprkrel.timeline(dprkrel.open_base(), "eu")
    item = next(item for item in result.items if item.record.id == "ev-2012-05-ep-resolution")
    assert item.stated_as_of == PartialDate(2013)
    shown = run("timeline", "eu", "--format", "markdown").stdout.splitlines()
    row = next(line for line in shown if "Parliament" in line)
    assert row.count("2013") == 1 and "(as of 2013)" in row


# -- every view, through the command line ----------------------------------------------------


def run(*args: str) -> Result:
    runner = CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "DPRKREL_DATA": None})
    return runner.invoke(app, list(args), catch_exceptions=False)


def run_json(*args: str) -> dict[str, Any]:
    result = run(*args, "--json")
    payload: dict[str, Any] = json.loads(result.stdout)
    return payload


def event_ids(payload: dict[str, Any]) -> list[str]:
    return [item["id"] for item in payload["results"]]


def test_the_eu_timeline_holds_the_events_its_own_records_refer_to() -> None:
    ids = event_ids(run_json("timeline", "eu"))
    assert {"ev-2003-six-party-talks", "ev-2012-12-satellite-launch", "ev-2013-02-third-nuclear-test"} <= set(ids)


def test_show_holds_the_events_of_the_subjects_scope() -> None:
    related = [item["id"] for item in run_json("show", "eu")["results"][0]["related"]]
    assert "ev-2012-05-ep-resolution" in related


def test_present_tense_records_say_as_of_in_show_search_and_timeline_tables() -> None:
    shown = run("show", "spain").stdout
    assert "Spain has no embassy in North Korea. (as of 2023)" in shown
    profile = run("show", "cao de benos").stdout
    assert "Permanent advocate (North Korea), since 1990 (as of 2023)" in profile
    found = run("search", "autonomous measures").stdout
    assert "in force against North Korea. (as of 2013)" in found
    timeline = run("timeline", "spain", "--format", "markdown").stdout
    assert "since this day. (as of 2023)" in timeline


def test_present_tense_records_are_warned_about_in_the_json_of_show_and_search() -> None:
    for payload in (run_json("show", "eu"), run_json("search", "policy")):
        stale = {item["id"] for item in payload["warnings"] if item["type"] == "stale"}
        assert "pol-eu-critical-engagement" in stale


def test_profile_references_carry_tense_inference_and_conflicts() -> None:
    related = {item["id"]: item for item in run_json("show", "spain")["results"][0]["related"]}
    assert related["st-esp-no-embassy-in-prk"]["present_tense"] is True
    assert related["st-esp-no-embassy-in-prk"]["stated_as_of"] == {"date": "2023", "precision": "year"}
    assert related["ev-2007-08-floods"]["inferred"] is True
    assert related["ev-2013-10-prk-embassy-madrid-opens"]["conflicts"][0]["field"] == "date"


def test_a_role_that_ended_is_not_shown_as_current() -> None:
    assert "Ambassador of North Korea to Spain (North Korea), until 2017" in run("show", "kim hyok chol").stdout


def test_the_chart_ends_present_tense_periods_at_their_sources_date() -> None:
    spain = run("timeline", "spain", "--chart").stdout
    eu = run("timeline", "eu", "--chart").stdout
    assert "ongoing as of" not in spain and "ongoing as of" not in eu
    assert "still so as of its source's date (2023)" in spain


def test_a_period_its_source_only_says_began_is_not_drawn_as_still_running() -> None:
    # The EU page says relations were established in May 2001; it never says they go on.
    eu = run("timeline", "eu", "--chart").stdout
    relations = next(line for line in eu.splitlines() if line.startswith("EU\u2013DPRK relations"))
    assert relations.rstrip().endswith("?")
    assert "end unknown" in eu


def test_a_date_filter_matches_any_claim_of_a_disputed_date() -> None:
    ids = event_ids(run_json("timeline", "spain", "--since", "2014", "--until", "2014"))
    assert ids == ["ev-2013-10-prk-embassy-madrid-opens"]


def test_every_view_of_a_disputed_date_shows_every_claim() -> None:
    shown = "Oct 2013 / 2014 / Jan 2014 *: North Korea opens a resident embassy in Madrid."
    assert shown in run("show", "north korea").stdout
    charted = run("timeline", "spain", "--chart").stdout
    assert "* disputed: Madrid embassy opened Oct 2013 / 2014 / Jan 2014" in charted
    assert "Oct 2013 / 2014 / Jan 2014 *" in charted.split("* disputed:")[1]  # the table under the chart


# -- slips found re-reading both sources sentence by sentence ---------------------------------


def summaries(payload: dict[str, Any]) -> str:
    return " ".join(item["summary"] for item in payload["results"])


def test_the_2019_entry_is_not_made_a_break_in() -> None:
    # The source: people "allegedly entered" the embassy; it says nothing of forcing a way in.
    shown = summaries(run_json("timeline", "spain", "--since", "2019"))
    assert "allegedly enter" in shown
    assert "break" not in shown


def test_officials_met_are_not_given_a_country_the_source_leaves_unsaid() -> None:
    # "held meetings with the Secretary of State for Foreign Affairs and the Director General …":
    # no country is named, as with the vice minister himself.
    shown = run("timeline", "spain", "--details", "--format", "markdown").stdout
    assert "meets the Secretary of State for Foreign Affairs" in shown
    assert "Spain's Secretary of State" not in shown


def test_the_flood_aid_is_channelled_as_agreed_through_the_one_agency_the_source_names() -> None:
    # "signed an agreement with the Spanish Red Cross to channel aid through this agency that
    # would work directly with the North Korean Red Cross": one channel, by agreement.
    import dprkrel

    aid = dprkrel.show(dprkrel.open_base(), "aid-esp-2007-floods").items[0].record
    assert isinstance(aid, model.Aid)
    assert aid.channels == ("spanish-red-cross",)
    shown = run("timeline", "spain", "--details", "--format", "markdown").stdout
    assert "agreement with the Spanish Red Cross to channel" in shown
    assert "Red Cross channels the aid" not in shown


def test_a_regular_exchange_is_not_made_regular_meetings() -> None:
    # "the European Parliament has a regular exchange with parliamentarians from there"
    shown = run("show", "eu").stdout
    assert "regular exchanges with North Korean parliamentarians" in shown
    assert "meets North Korean parliamentarians" not in shown


@pytest.mark.parametrize(
    ("query", "when"),
    [
        ("paer nam sun", "11 December 2001"),
        ("kung sok-ung", "25 October 2013"),
        ("alfonso dastis", "19 September 2017"),
    ],
)
def test_a_role_the_source_gives_at_one_date_is_shown_with_that_date(query: str, when: str) -> None:
    # The source names each title only at one event; a bare role would read as held today.
    shown = run("show", query).stdout
    assert f"held on {when}" in shown


def test_the_committees_country_is_marked_inferred() -> None:
    # "a special delegate of the Committee on Cultural Relations with Foreign Countries": the
    # source does not say whose committee it is.
    shown = run("show", "prk-cultural-relations-committee").stdout
    assert "North Korea's is inferred" in shown


def test_the_formal_opening_is_not_given_the_day_of_the_visit_that_was_part_of_it(shipped_base: FactBase) -> None:
    # "visited Madrid (October 25, 2013) as part of the formal opening": the day is the visit's.
    mission = shipped_base.by_id["prk-embassy-madrid"]
    assert isinstance(mission, model.Mission)
    notes = " ".join(claim.note or "" for claim in mission.opened)
    assert "formally opened with a visit on" not in notes
    assert "part of its formal opening" in notes


@pytest.mark.parametrize(
    ("event_id", "actor", "why"),
    [
        ("ev-2001-12-11-paer-nam-sun-visit", "prk", "inferred"),
        ("ev-2013-10-25-kung-sok-ung-visit", "prk", "inferred"),
        ("ev-2003-six-party-talks", "prk", "inferred"),
        ("ev-2007-09-esp-flood-aid", "prk-red-cross", "arrangement"),
        ("ev-2007-09-esp-flood-aid", "international-red-cross", "arrangement"),
    ],
)
def test_an_actor_the_source_does_not_state_as_taking_part_is_explained(event_id: str, actor: str, why: str) -> None:
    # The visits' vice ministers are given no country; the talks are "to address concerns over"
    # North Korea, not said to include it; the Red Crosses "would work" and "supervise".
    import dprkrel

    event = dprkrel.show(dprkrel.open_base(), event_id).items[0].record
    assert isinstance(event, model.Event)
    assert actor in event.actors
    assert event.note and why in event.note


def test_a_garbled_cause_is_quoted_not_mended() -> None:
    # "due to the launch of Japan missiles by North Korea": the source's words are unclear, so
    # the summary quotes them rather than read a meaning into them.
    shown = summaries(run_json("timeline", "spain", "--since", "2017", "--until", "2017"))
    assert "'launch of Japan missiles'" in shown
    assert "involving Japan" not in shown
