"""Place names to IANA time zones, for the clock: "Tokyo", "new york", "Germany", "Australia".

Cities come from the time zone database itself (the last part of each
Region/City name, so "Asia/Tokyo" gives "tokyo"), plus a table of common
places it does not name (countries, and cities that share another's zone).
A country that spans several zones maps to its most populous one, with a
note saying so.
"""

import re
import zoneinfo
from functools import cache
from typing import NamedTuple

_REGIONS = {"Africa", "America", "Asia", "Atlantic", "Australia", "Europe", "Indian", "Pacific"}
# Last parts of zone names that are everyday words or regions, not cities people ask about.
_NOT_PLACES = {
    "act", "christmas", "easter", "johnston", "lhi", "midway", "north", "nsw", "oral", "queensland",
    "regina", "resolute", "south", "stanley", "tasmania", "victoria", "virgin", "wake", "west", "yap",
    "yancowinna", "cayenne", "knox in",
}  # fmt: skip

OTHER_PLACES = {
    "argentina": "America/Argentina/Buenos_Aires",
    "austria": "Europe/Vienna",
    "bangladesh": "Asia/Dhaka",
    "belgium": "Europe/Brussels",
    "britain": "Europe/London",
    "china": "Asia/Shanghai",
    "colombia": "America/Bogota",
    "czechia": "Europe/Prague",
    "denmark": "Europe/Copenhagen",
    "egypt": "Africa/Cairo",
    "england": "Europe/London",
    "finland": "Europe/Helsinki",
    "france": "Europe/Paris",
    "germany": "Europe/Berlin",
    "greece": "Europe/Athens",
    "hawaii": "Pacific/Honolulu",
    "holland": "Europe/Amsterdam",
    "hungary": "Europe/Budapest",
    "iceland": "Atlantic/Reykjavik",
    "india": "Asia/Kolkata",
    "iran": "Asia/Tehran",
    "ireland": "Europe/Dublin",
    "israel": "Asia/Jerusalem",
    "italy": "Europe/Rome",
    "japan": "Asia/Tokyo",
    "kenya": "Africa/Nairobi",
    "korea": "Asia/Seoul",
    "netherlands": "Europe/Amsterdam",
    "new zealand": "Pacific/Auckland",
    "nigeria": "Africa/Lagos",
    "norway": "Europe/Oslo",
    "pakistan": "Asia/Karachi",
    "peru": "America/Lima",
    "philippines": "Asia/Manila",
    "poland": "Europe/Warsaw",
    "portugal": "Europe/Lisbon",
    "romania": "Europe/Bucharest",
    "saudi arabia": "Asia/Riyadh",
    "scotland": "Europe/London",
    "south africa": "Africa/Johannesburg",
    "south korea": "Asia/Seoul",
    "spain": "Europe/Madrid",
    "sweden": "Europe/Stockholm",
    "switzerland": "Europe/Zurich",
    "taiwan": "Asia/Taipei",
    "thailand": "Asia/Bangkok",
    "turkey": "Europe/Istanbul",
    "uae": "Asia/Dubai",
    "uk": "Europe/London",
    "ukraine": "Europe/Kyiv",
    "united arab emirates": "Asia/Dubai",
    "united kingdom": "Europe/London",
    "vietnam": "Asia/Ho_Chi_Minh",
    "wales": "Europe/London",
    # cities the zone database does not name
    "abu dhabi": "Asia/Dubai",
    "austin": "America/Chicago",
    "bangalore": "Asia/Kolkata",
    "barcelona": "Europe/Madrid",
    "beijing": "Asia/Shanghai",
    "bengaluru": "Asia/Kolkata",
    "boston": "America/New_York",
    "california": "America/Los_Angeles",
    "dallas": "America/Chicago",
    "delhi": "Asia/Kolkata",
    "doha": "Asia/Qatar",
    "edinburgh": "Europe/London",
    "frankfurt": "Europe/Berlin",
    "geneva": "Europe/Zurich",
    "hamburg": "Europe/Berlin",
    "hanoi": "Asia/Ho_Chi_Minh",
    "ho chi minh city": "Asia/Ho_Chi_Minh",
    "houston": "America/Chicago",
    "kyoto": "Asia/Tokyo",
    "las vegas": "America/Los_Angeles",
    "lyon": "Europe/Paris",
    "manchester": "Europe/London",
    "marseille": "Europe/Paris",
    "miami": "America/New_York",
    "milan": "Europe/Rome",
    "mumbai": "Asia/Kolkata",
    "munich": "Europe/Berlin",
    "new delhi": "Asia/Kolkata",
    "new jersey": "America/New_York",
    "new york city": "America/New_York",
    "nyc": "America/New_York",
    "osaka": "Asia/Tokyo",
    "ottawa": "America/Toronto",
    "philadelphia": "America/New_York",
    "rio de janeiro": "America/Sao_Paulo",
    "saint petersburg": "Europe/Moscow",
    "san francisco": "America/Los_Angeles",
    "são paulo": "America/Sao_Paulo",
    "seattle": "America/Los_Angeles",
    "st petersburg": "Europe/Moscow",
    "washington dc": "America/New_York",
}
SEVERAL_ZONES = {
    "america": ("America/New_York", "the United States", "eastern"),
    "united states": ("America/New_York", "the United States", "eastern"),
    "usa": ("America/New_York", "the United States", "eastern"),
    "australia": ("Australia/Sydney", "Australia", "south-eastern (Sydney)"),
    "brazil": ("America/Sao_Paulo", "Brazil", "Brasília"),
    "canada": ("America/Toronto", "Canada", "eastern"),
    "indonesia": ("Asia/Jakarta", "Indonesia", "western (Jakarta)"),
    "mexico": ("America/Mexico_City", "Mexico", "central"),
    "russia": ("Europe/Moscow", "Russia", "Moscow"),
}


class Place(NamedTuple):
    """A place found in some text, its time zone, and a note when the zone is one of several."""

    name: str
    zone: str
    note: str | None = None


@cache
def _zones_by_name() -> dict[str, str]:
    zones = {}
    for zone in sorted(zoneinfo.available_timezones()):
        region, _, city = zone.partition("/")
        name = city.replace("_", " ").lower()
        if region in _REGIONS and "/" not in city and name not in _NOT_PLACES:
            zones.setdefault(name, zone)
    return {**zones, **OTHER_PLACES}


@cache
def _place_pattern() -> re.Pattern[str]:
    names = sorted([*_zones_by_name(), *SEVERAL_ZONES], key=len, reverse=True)  # "new york city" first
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in names) + r")\b", re.IGNORECASE)


def find_place(text: str) -> Place | None:
    """The first place in `text` whose time zone is known, or None."""
    match = _place_pattern().search(text.replace("_", " "))
    if match is None:
        return None
    name = match.group(1)
    if (several := SEVERAL_ZONES.get(name.lower())) is not None:
        zone, country, which = several
        note = f"{country} has several time zones; this is its {which} one, name a city for another"
        return Place(name, zone, note)
    return Place(name, _zones_by_name()[name.lower()])
