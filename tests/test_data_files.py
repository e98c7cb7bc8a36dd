"""Consistency of the packaged knowledge files (src/dyads/data): codebook, actor dictionaries, people.

Each test states one property the coder relies on; several compare against the reference codebooks in
../shared/reference and skip when that folder is absent.
"""

from __future__ import annotations

import collections
import csv
import datetime
import itertools
import re
from importlib import resources
from pathlib import Path

import pycountry
import pytest
import yaml

from dyads.knowledge import Knowledge, _read_cameo, normalize_phrase

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
REFERENCE = SHARED / "reference"
INTERNATIONAL = {"IGO", "NGO", "IMG"}  # non-state "country" values of CAMEO actor codes
EXTRA_SECTORS = {"REL"}  # religious: used by dyads, not in the transcribed CAMEO type list
PERSON_KEYS = {"name", "aliases", "country", "sector", "from", "to"}
COUNTRY_STRING_FIELDS = ("names", "demonyms", "capitals", "government")


def _data_text(name: str) -> str:
    return resources.files("dyads.data").joinpath(name).read_text("utf-8")


def _data_yaml(name: str):
    return yaml.safe_load(_data_text(name))


def _reference(relative: str) -> Path:
    path = REFERENCE / relative
    if not path.exists():
        pytest.skip(f"reference file not found: {path}")
    return path


@pytest.fixture(scope="module")
def cameo():
    return _read_cameo(_data_text("cameo.tsv"))


@pytest.fixture(scope="module")
def countries() -> list[dict]:
    return _data_yaml("countries.yaml")


@pytest.fixture(scope="module")
def organizations() -> list[dict]:
    return _data_yaml("organizations.yaml")


@pytest.fixture(scope="module")
def agents() -> dict[str, list[str]]:
    return _data_yaml("agents.yaml")


@pytest.fixture(scope="module")
def people() -> list[dict]:
    return _data_yaml("people.yaml")


@pytest.fixture(scope="module")
def cameo_types() -> set[str]:
    path = _reference("cameo/CAMEO.type.transcribed.tsv")
    with path.open(encoding="utf-8") as handle:
        return {row["CODE"].strip() for row in csv.DictReader(handle, delimiter="\t")} | EXTRA_SECTORS


def _country_codes(countries: list[dict]) -> set[str]:
    return {c["code"] for c in countries}


def _region_codes(organizations: list[dict], countries: list[dict]) -> set[str]:
    """Codes such as WST, AFR, MEA: organisations whose country is neither a state nor IGO/NGO/IMG."""
    states = _country_codes(countries)
    return {o["country"] for o in organizations if o["country"] not in states | INTERNATIONAL}


def _person_strings(person: dict) -> list[str]:
    return [person["name"], *(person.get("aliases") or [])]


def _date(value) -> datetime.date | None:
    """A from/to value: a YAML date (unquoted ISO date), an ISO date string, or null."""
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        raise ValueError(f"{value!r} has a time of day")
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return datetime.date.fromisoformat(value)
    raise ValueError(f"{value!r} is not an ISO date")


# ---------------------------------------------------------------------------------------- cameo.tsv
def test_cameo_has_the_311_codes_of_the_codebook_once_each(cameo):
    rows = [line.split("\t")[0] for line in _data_text("cameo.tsv").splitlines()
            if line and not line.startswith("#")][1:]
    duplicated = sorted(code for code, n in collections.Counter(rows).items() if n > 1)
    assert not duplicated, f"codes listed twice in cameo.tsv: {duplicated}"
    by_length = collections.Counter(len(code) for code in cameo)
    assert len(cameo) == 311
    assert by_length == {2: 20, 3: 147, 4: 144}
    assert all(code.isdigit() for code in cameo)
    orphans = sorted(code for code in cameo if len(code) > 2 and code[:-1] not in cameo)
    assert not orphans, f"codes whose parent code is missing: {orphans}"
    assert all(info.label.strip() for info in cameo.values())


def test_cameo_codes_are_those_of_the_reference_codebook(cameo):
    path = _reference("cameo/CAMEO.eventcodes.txt")
    codes = {line.split("\t")[0].strip() for line in path.read_text("utf-8").splitlines()[1:] if line.strip()}
    assert set(cameo) == codes


def test_goldstein_values_equal_the_reference_scale(cameo):
    path = _reference("cameo/CAMEO.goldsteinscale.txt")
    reference = {}
    for line in path.read_text("utf-8").splitlines()[1:]:
        if line.strip():
            code, value = line.split("\t")
            reference[code.strip()] = float(value)
    assert set(reference) == set(cameo)
    wrong = {code: (cameo[code].goldstein, value) for code, value in reference.items()
             if cameo[code].goldstein != value}
    assert not wrong, f"code: (ours, reference) {wrong}"


def test_quad_class_follows_the_root_code(cameo):
    def quad(root: int) -> int:
        return 1 if root <= 5 else 2 if root <= 8 else 3 if root <= 13 else 4

    wrong = {code: info.quad_class for code, info in cameo.items() if info.quad_class != quad(int(code[:2]))}
    assert not wrong, f"wrong quad class: {wrong}"


def test_statements_have_no_plover_type_and_appeals_are_requests(cameo):
    typed = sorted(code for code, info in cameo.items() if code[:2] == "01" and info.plover_type)
    assert not typed, f"01 codes with a PLOVER type: {typed}"
    # the CAMEO->PLOVER table leaves appeals out; the manual: REQUEST is "all requests, demands, and orders"
    appeals = {code: info for code, info in cameo.items() if code[:2] == "02"}
    assert appeals and all(info.plover_type == "REQUEST" for info in appeals.values())
    assert cameo["023"].plover_mode == cameo["103"].plover_mode == "assist" and cameo["026"].plover_mode == "meet"
    untyped = sorted(code for code, info in cameo.items() if code[:2] not in ("01", "02") and not info.plover_type)
    assert not untyped, f"codes 03-20 without a PLOVER type: {untyped}"


def test_plover_type_agrees_with_the_cameo_to_plover_table(cameo):
    path = _reference("plover/CAMEO2PLOVER-2021.txt")
    listed: dict[str, set[str]] = collections.defaultdict(set)  # root 08 is listed as CONCEDE and RETREAT
    for line in path.read_text("utf-8").splitlines():
        match = re.match(r"^(\d{2,4}):\s*([A-Z_]+)", line)
        if match:
            listed[match[1]].add(match[2])
    assert len(listed) > 250, "the conversion table did not parse"
    compared = [code for code in listed if code in cameo]
    assert len(compared) >= len(listed) - 2  # the table also lists 1213/1214, which CAMEO does not have
    # the manual's text: "International sanctions are coded as discontinue"; CONCEDE covers "easing of
    # administrative or legal restrictions on persons and organizations, removing curfews"
    manual = {"163": "SANCTION", "0813": "CONCEDE", "0814": "CONCEDE"}
    wrong = {code: (cameo[code].plover_type, sorted(listed[code])) for code in compared
             if cameo[code].plover_type not in listed[code] and manual.get(code) != cameo[code].plover_type}
    assert not wrong, f"code: (ours, table) {wrong}"


# ----------------------------------------------------------------------------------- countries.yaml
def test_every_iso_country_is_present_once(countries):
    codes = [c["code"] for c in countries]
    assert len(codes) == len(set(codes)), "a country code is listed twice"
    missing = sorted({c.alpha_3 for c in pycountry.countries} - set(codes))
    assert not missing, f"ISO 3166 countries missing from countries.yaml: {missing}"
    for c in countries:
        assert re.fullmatch(r"[A-Z]{3}", c["code"]) and c["name"], c
        unknown = set(c) - {"code", "name", *COUNTRY_STRING_FIELDS}
        assert not unknown, f"{c['code']}: unknown fields {unknown}"


def test_a_country_string_names_one_country_only(countries):
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for c in countries:
        strings = [c["name"]]
        for field in COUNTRY_STRING_FIELDS:
            strings += c.get(field) or []
        for string in strings:
            assert isinstance(string, str) and string.strip(), f"{c['code']}: empty or non-text entry {string!r}"
            owners[normalize_phrase(string)].add(c["code"])
    clashes = {string: sorted(codes) for string, codes in owners.items() if len(codes) > 1}
    assert not clashes, f"strings claimed by several countries: {clashes}"


# ------------------------------------------------------------------------------- organizations.yaml
def test_organization_codes_and_names_are_unique(organizations):
    codes = collections.Counter(o["code"] for o in organizations)
    assert not [code for code, n in codes.items() if n > 1], "an organisation code is listed twice"
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for o in organizations:
        for name in o.get("names") or []:
            owners[normalize_phrase(name)].add(o["code"])
    clashes = {name: sorted(codes) for name, codes in owners.items() if len(codes) > 1}
    assert not clashes, f"names claimed by several organisations: {clashes}"


def test_organization_codes_agree_with_their_country_and_sector(organizations, countries):
    states = _country_codes(countries)
    for o in organizations:
        code, country, sector = o["code"], o["country"], o.get("sector")
        assert code.startswith(country), f"{code} does not start with its country {country}"
        if country in states:  # a nationally based group: ISO-3 + CAMEO sector + own suffix (PSEREBHMS)
            assert sector and code.startswith(country + sector), f"{code}: code disagrees with sector {sector}"
        elif country not in INTERNATIONAL:  # a region: the code is the region itself
            assert code == country and sector is None, f"region {code} with country {country}, sector {sector}"


# -------------------------------------------------------------------------------------- agents.yaml
def test_agent_sectors_are_cameo_types(agents, cameo_types):
    unknown = sorted(set(agents) - cameo_types)
    assert not unknown, f"agents.yaml sectors that are not CAMEO actor types: {unknown}"


def test_an_agent_phrase_belongs_to_one_sector(agents):
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for sector, phrases in agents.items():
        for phrase in phrases or []:
            assert isinstance(phrase, str) and phrase.strip(), f"{sector}: non-text phrase {phrase!r}"
            owners[normalize_phrase(phrase)].add(sector)
    clashes = {phrase: sorted(sectors) for phrase, sectors in owners.items() if len(sectors) > 1}
    assert not clashes, f"phrases under several sectors: {clashes}"


# -------------------------------------------------------------------------------------- people.yaml
def test_people_file_is_substantial_and_well_formed(people):
    assert len(people) >= 300
    for person in people:
        assert set(person) <= PERSON_KEYS, f"{person.get('name')}: unknown fields {set(person) - PERSON_KEYS}"
        assert isinstance(person["name"], str) and person["name"].strip()
        aliases = person.get("aliases") or []
        assert all(isinstance(a, str) and a.strip() for a in aliases), person["name"]
        strings = [normalize_phrase(s) for s in _person_strings(person)]
        assert len(strings) == len(set(strings)), f"{person['name']}: an alias repeats the name or another alias"


def test_people_dates_are_iso_and_ordered(people):
    for person in people:
        try:
            start, end = _date(person.get("from")), _date(person.get("to"))
        except ValueError as error:
            pytest.fail(f"{person['name']}: {error}")
        if start and end:
            assert start <= end, f"{person['name']}: from {start} is after to {end}"
        for day in (start, end):
            assert day is None or datetime.date(1900, 1, 1) <= day <= datetime.date(2100, 1, 1), person["name"]


def test_people_have_known_countries_and_sectors(people, countries, organizations, cameo_types):
    states = _country_codes(countries)
    valid_countries = states | INTERNATIONAL | _region_codes(organizations, countries)
    org_by_pair = collections.Counter((o["country"], o.get("sector")) for o in organizations)
    for person in people:
        country, sector = person["country"], person["sector"]
        assert country in valid_countries, f"{person['name']}: unknown country {country}"
        if country in INTERNATIONAL:
            # the sector names the organisation, so that the person and the body share a code
            assert org_by_pair[(country, sector)] == 1, (
                f"{person['name']}: {country} {sector} names no single organisation in organizations.yaml")
        else:
            assert sector in cameo_types, f"{person['name']}: sector {sector} is not a CAMEO actor type"


def test_a_shared_name_never_means_two_roles_at_once(people):
    """"Bush", "Assad", "Kabila", or one person's successive roles: on any date a phrase must point to
    one actor code, so that the story date decides."""
    by_phrase: dict[str, list[dict]] = collections.defaultdict(list)
    for person in people:
        for string in _person_strings(person):
            by_phrase[normalize_phrase(string)].append(person)
    lowest, highest = datetime.date.min, datetime.date.max
    for phrase, holders in by_phrase.items():
        for a, b in itertools.combinations(holders, 2):
            if (a["country"], a["sector"]) == (b["country"], b["sector"]):
                continue
            a_from, a_to = _date(a.get("from")) or lowest, _date(a.get("to")) or highest
            b_from, b_to = _date(b.get("from")) or lowest, _date(b.get("to")) or highest
            assert not (a_from < b_to and b_from < a_to), (
                f"{phrase!r}: {a['name']} ({a['country']}{a['sector']} {a_from}..{a_to}) overlaps "
                f"{b['name']} ({b['country']}{b['sector']} {b_from}..{b_to})")


def test_well_known_people_resolve_as_expected(people):
    def roles(phrase: str) -> set[tuple[str, str]]:
        key = normalize_phrase(phrase)
        return {(p["country"], p["sector"]) for p in people if key in map(normalize_phrase, _person_strings(p))}

    assert roles("Putin") == {("RUS", "GOV")}
    assert roles("Bush") == {("USA", "GOV")} and len([p for p in people if "Bush" in (p.get("aliases") or [])]) == 2
    assert roles("bin Laden") == {("IMG", "ALQ")}
    assert roles("Nasrallah") == {("LBN", "REB")}
    assert roles("Ban Ki-moon") == {("KOR", "GOV"), ("IGO", "UNO")}
    for common_word in ("may", "major", "rice", "moon", "begin", "brown", "hunt", "park", "store"):
        assert not roles(common_word), f"{common_word!r} is an English word, not a safe alias"


# ------------------------------------------------------------------------------------- across files
def test_a_phrase_is_defined_in_one_place_only(countries, organizations, agents, people):
    regions = _data_yaml("regions.yaml")
    """The loader keeps one term per normalised phrase (the last one read), so a phrase defined by two
    files, or by an acronym and a word ("SADR" / "Sadr"), would silently lose one meaning."""
    owners: dict[str, set[str]] = collections.defaultdict(set)
    for c in countries:
        for string in [c["name"], *itertools.chain.from_iterable(c.get(f) or [] for f in COUNTRY_STRING_FIELDS)]:
            owners[normalize_phrase(string)].add(f"countries.yaml:{c['code']}")
    for o in organizations:
        for name in o.get("names") or []:
            owners[normalize_phrase(name)].add(f"organizations.yaml:{o['code']}")
    for sector, phrases in agents.items():
        for phrase in phrases or []:
            owners[normalize_phrase(str(phrase))].add(f"agents.yaml:{sector}")
    for person in people:
        for string in _person_strings(person):
            owners[normalize_phrase(string)].add("people.yaml")  # shared names between people: see the date test
    for region in regions:
        owners[normalize_phrase(region)].add("regions.yaml")
    clashes = {phrase: sorted(where) for phrase, where in owners.items() if len(where) > 1}
    assert not clashes, f"phrases defined in several places: {clashes}"


def test_knowledge_loads_and_every_event_pattern_uses_a_known_code():
    events = _data_yaml("events.yaml")
    ids = collections.Counter(entry["id"] for entry in events["events"])
    assert not [i for i, n in ids.items() if n > 1], "two event patterns share an id (one would be dropped)"
    # unquoted codes would be read as numbers (0231 as octal 153): every code must be a YAML string
    assert all(isinstance(entry["cameo"], str) and isinstance(entry.get("jointly", ""), str)
               for entry in events["events"])
    knowledge = Knowledge.load()
    assert len(knowledge.patterns) == len(events["events"])
    unknown = sorted({p.cameo for p in knowledge.patterns if p.cameo not in knowledge.cameo})
    assert not unknown, f"patterns with unknown CAMEO codes: {unknown}"
    for kind, table in knowledge.recode.items():
        for source, target in table.items():
            assert source == "default" or str(source) in knowledge.cameo, f"recode {kind}: unknown {source!r}"
            assert target is None or str(target) in knowledge.cameo, f"recode {kind}: unknown {target!r}"
    putin = knowledge.actor_terms[normalize_phrase("Putin")]
    assert (putin.kind, putin.country, putin.sector) == ("person", "RUS", "GOV")
    assert knowledge.case_sensitive_terms["UN"].code == "IGOUNO"
