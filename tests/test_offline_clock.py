"""The offline model reads the clock where the question asks, and says which zone it used and why."""

import pytest
from langchain_core.messages import BaseMessage, HumanMessage

from agent.offline import OfflineChatModel
from agent.places import find_place
from agent.tools import current_time, default_tools

model = OfflineChatModel(token_delay=0).bind_tools(default_tools())
clock = default_tools()[1]


async def ask(question: str) -> tuple[str, str]:
    """The zone the offline model asks the clock for, and its answer once the clock has answered."""
    messages: list[BaseMessage] = [HumanMessage(question)]
    call = await model.ainvoke(messages)
    messages += [call, await clock.ainvoke({**call.tool_calls[0], "type": "tool_call"})]
    return call.tool_calls[0]["args"]["timezone"], (await model.ainvoke(messages)).content


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("what time is it in Tokyo?", "Asia/Tokyo"),
        ("what time is it in tokyo", "Asia/Tokyo"),
        ("the time in New York City, please", "America/New_York"),
        ("what's the time in Los Angeles?", "America/Los_Angeles"),
        ("what time is it in São Paulo?", "America/Sao_Paulo"),
        ("what time is it in Mexico City?", "America/Mexico_City"),
        ("and the date in Hong Kong?", "Asia/Hong_Kong"),
        ("what time is it in Japan?", "Asia/Tokyo"),
        ("what time is it in Germany?", "Europe/Berlin"),
        ("what time is it in India?", "Asia/Kolkata"),
        ("what time is it in the UK?", "Europe/London"),
        ("what time is it in Beijing?", "Asia/Shanghai"),
        ("what time is it in New Jersey?", "America/New_York"),
    ],
)
def test_city_and_country_names_map_to_their_zones(text: str, zone: str) -> None:
    place = find_place(text)
    assert place is not None and place.zone == zone and place.note is None


@pytest.mark.parametrize(
    "text", ["what time is it?", "what time is it at Christmas?", "time for the west wing"]
)
def test_words_that_are_not_places_find_none(text: str) -> None:
    assert find_place(text) is None


def test_a_country_with_several_zones_gets_one_and_a_note() -> None:
    place = find_place("what time is it in Australia?")
    assert place is not None and place.zone == "Australia/Sydney"
    assert place.note is not None and "several time zones" in place.note


async def test_the_clock_is_read_in_the_place_asked_about_and_the_answer_says_so() -> None:
    zone, answer = await ask("what time is it in Tokyo?")
    assert zone == "Asia/Tokyo"
    assert answer.startswith("The clock says it is ") and answer.endswith(" in Asia/Tokyo (for Tokyo).")
    assert "+09:00" in answer


async def test_an_iana_zone_is_used_as_given() -> None:
    zone, answer = await ask("what time is it in Europe/Paris?")
    assert zone == "Europe/Paris" and answer.endswith(" in Europe/Paris.")


async def test_with_no_place_it_says_it_used_utc_and_why() -> None:
    zone, answer = await ask("what time is it?")
    assert zone == "UTC"
    assert "+00:00 in UTC: I found no place or time zone I know in your question" in answer


async def test_a_country_with_several_zones_is_said_to_have_them() -> None:
    zone, answer = await ask("what time is it in the USA?")
    assert zone == "America/New_York"
    assert "in America/New_York (for USA: the United States has several time zones" in answer


def test_the_clock_tool_takes_a_place_name_too() -> None:
    assert current_time("Tokyo").endswith("+09:00")
    result = clock.invoke(
        {"type": "tool_call", "name": "current_time", "args": {"timezone": "Atlantis"}, "id": "c"}
    )
    assert result.status == "error" and "unknown time zone" in result.content
