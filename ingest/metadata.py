"""Infer document metadata from text: type, period, title, gemeenten, adoption date.

Every rule reads only the text (never file names): the title and first page
weigh most, running headers help to name documents whose cover was an image.
An optional manifest (YAML or CSV) overrides what is inferred.
"""

from __future__ import annotations

import contextlib
import csv
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from ingest.errors import ConfigurationError
from ingest.gazetteer import Gazetteer
from ingest.records import DocumentMeta

DOC_TYPES = (
    "ivp",
    "raadsvoorstel",
    "raadsbrief",
    "jaarplan",
    "meerjarenplan",
    "notitie",
    "benchmark",
    "voorstel",
    "other",
)
TYPE_LABELS = {
    "ivp": "Integraal Veiligheidsplan",
    "raadsvoorstel": "Raadsvoorstel",
    "raadsbrief": "Brief aan de raad",
    "jaarplan": "Jaarplan",
    "meerjarenplan": "Meerjarenplan",
    "notitie": "Notitie",
    "benchmark": "Benchmark",
    "voorstel": "Voorstel",
    "other": "Document",
}
_TYPE_PATTERNS: dict[str, re.Pattern[str]] = {
    "raadsbrief": re.compile(r"\bgeachte (?:leden van de )?(?:gemeente)?raad\b|\braads(?:informatie)?brief\b", re.I),
    "raadsvoorstel": re.compile(
        r"\braadsvoorstel\b|\bvoorstel aan de (?:gemeente)?raad\b|\bstellen u voor te besluiten\b", re.I
    ),
    "ivp": re.compile(
        r"\bintegra(?:a|le?)l?e? veiligheids(?:plan|beleid|beleidsplan)\b|\bveiligheidsplan\b|\bIVP\b", re.I
    ),
    "jaarplan": re.compile(r"\bjaarplan\b|\bjaarprogramma\b|\buitvoeringsplan\b|\buitvoeringsprogramma\b", re.I),
    "meerjarenplan": re.compile(r"\bmeerjaren(?:koers|plan|beleid|programma|beleidsplan)\b", re.I),
    "notitie": re.compile(r"\bnotitie\b", re.I),
    "benchmark": re.compile(r"\bbenchmark\b", re.I),
    "voorstel": re.compile(r"^(?:advies|voorstel)\b", re.I),
}
#: Weight of a type cue in the title, the opening lines, the first pages, the rest.
_WEIGHTS = (6.0, 3.0, 1.0, 0.1)
OPENING_CHARS = 400
FIRST_PAGES_CHARS = 3000
_YEAR = r"(?:19|20)\d\d"
_RANGE = re.compile(rf"\b({_YEAR})\s*(?:-|–|—|t/m|tot en met|tot)\s*({_YEAR})\b")
_YEARS_AND = re.compile(rf"\bjaren ({_YEAR}) en ({_YEAR})\b")
_SINGLE_YEAR = re.compile(
    rf"\b(?:jaarplan|jaarverslag|jaarprogramma|benchmark[\w ]{{0,30}}?|ronde|uitvoeringsplan)\D{{0,25}}?({_YEAR})\b",
    re.I,
)
_PLAN_WORD = re.compile(r"(?:plan|beleid|IVP|periode|koers|programma|jaren|looptijd)\W*(?:\w+\W+){0,4}$", re.I)
_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]
_DATE = re.compile(rf"\b(\d{{1,2}}) ({'|'.join(_MONTHS)}) ({_YEAR})\b", re.I)
_ADOPTED = re.compile(r"\b(?:vastgesteld|aangenomen|besloten|vergadering)\b", re.I)
_SUBJECT = re.compile(r"^(?:onderwerp|betreft)\s*:?\s+(.{5,120})$", re.I | re.M)
MANIFEST_FIELDS = ("title", "municipalities", "doc_type", "period", "adopted", "source_url")


def infer_doc_type(title: str, text: str) -> str:
    """The most likely document type, from cues weighted by where they stand."""
    zones = (title, text[:OPENING_CHARS], text[:FIRST_PAGES_CHARS], text)
    scores: dict[str, float] = {}
    for weight, zone in zip(_WEIGHTS, zones, strict=True):
        for doc_type, pattern in _TYPE_PATTERNS.items():
            flags = re.M if doc_type == "voorstel" else 0
            hits = len(re.findall(pattern.pattern, zone, pattern.flags | flags))
            scores[doc_type] = scores.get(doc_type, 0.0) + weight * min(hits, 5)
    best = max(scores, key=lambda t: scores[t])
    return best if scores[best] >= 1.0 else "other"


def infer_period(title: str, text: str, doc_type: str) -> str | None:
    """The plan period as "YYYY-YYYY" (or one year for annual documents)."""
    annual = doc_type in ("jaarplan", "benchmark")
    if annual and (m := _SINGLE_YEAR.search(title) or _SINGLE_YEAR.search(text[:FIRST_PAGES_CHARS])):
        return m.group(1)
    for zone in (title, text[:FIRST_PAGES_CHARS], text):
        periods = Counter(_periods(zone, near_plan=zone is not title))
        if periods:
            return max(periods, key=lambda p: (periods[p], p))  # most named; ties: the latest
    return None


def _periods(text: str, *, near_plan: bool = False) -> list[str]:
    """Year ranges in ``text``; with ``near_plan`` only those right after a word
    that names a plan or period ("veiligheidsbeleid 2017-2020", "periode …")."""
    found = []
    for m in list(_RANGE.finditer(text)) + list(_YEARS_AND.finditer(text)):
        if near_plan and not _PLAN_WORD.search(text[max(0, m.start() - 60) : m.start()]):
            continue
        start, end = int(m.group(1)), int(m.group(2))
        if 0 < end - start <= 10:
            found.append((m.start(), f"{start}-{end}"))
    return [p for _, p in sorted(found)]


def infer_adopted(text: str) -> str | None:
    """An adoption date ("vastgesteld op 12 december 2024") as ISO yyyy-mm-dd."""
    zone = text[:FIRST_PAGES_CHARS] + "\n" + text[-2000:]
    for m in _DATE.finditer(zone):
        before = zone[max(0, m.start() - 80) : m.start()]
        if _ADOPTED.search(before):
            day, month, year = int(m.group(1)), _MONTHS.index(m.group(2).lower()) + 1, m.group(3)
            return f"{year}-{month:02d}-{day:02d}"
    return None


def infer_title(
    paragraphs: Sequence[str], running_lines: Sequence[str], doc_type: str, gemeenten: Sequence[str], period: str | None
) -> tuple[str, str]:
    """A title and where it came from: a title line on the first page, a subject
    line, a running header, or (failing all) one composed from type, gemeente and
    period."""
    from ingest.structure import DOCUMENT_WORDS

    words = set(DOCUMENT_WORDS) | {"integraal", "ivp"}
    for line in paragraphs[:4]:
        if (
            len(line) <= 120
            and len(line.split()) >= 3
            and not _SUBJECT.match(line)
            and set(re.findall(r"[a-zà-ÿ]+", line.lower())) & words
            and not line.endswith(".")
        ):
            return line.strip(), "first page"
    if m := _SUBJECT.search("\n".join(paragraphs[:12])):
        return f"{TYPE_LABELS[doc_type]}: {m.group(1).strip()}", "subject line"
    for line, _ in Counter(running_lines).most_common():
        if set(re.findall(r"[a-zà-ÿ]+", line.lower())) & words:
            return line.strip(), "running header"
    repeated = Counter(p.strip() for p in paragraphs if _is_title_line(p, words))
    if repeated and repeated.most_common(1)[0][1] >= 2:
        return repeated.most_common(1)[0][0], "repeated title line"
    parts = [TYPE_LABELS[doc_type], gemeenten[0] if gemeenten else "", period or ""]
    return " ".join(p for p in parts if p), "composed"


def _is_title_line(line: str, words: set[str]) -> bool:
    """A short line naming a document type and a year ("Jaarplan 2016 RIEC …")."""
    short = len(line) <= 80 and len(line.split()) >= 2 and not line.rstrip().endswith(".")
    return (
        short and bool(re.search(rf"\b{_YEAR}\b", line)) and bool(set(re.findall(r"[a-zà-ÿ]+", line.lower())) & words)
    )


def infer_municipalities(text: str, gazetteer: Gazetteer) -> list[str]:
    """The gemeenten a file is about: the one it names most, plus those named
    often too, or listed together with it on the first pages (a regional plan)."""
    counts = gazetteer.count(text)
    if not counts:
        return []
    order = {m.gemeente: m.start for m in reversed(gazetteer.mentions(text))}
    primary = max(counts, key=lambda g: (counts[g], -order[g]))
    result = [primary]
    listed = _listed_with(text[:FIRST_PAGES_CHARS], primary, gazetteer)
    for g, n in counts.most_common():
        if g != primary and (n >= 0.5 * counts[primary] or g in listed):
            result.append(g)
    return result


def _listed_with(text: str, primary: str, gazetteer: Gazetteer) -> set[str]:
    """Gemeenten named in one enumeration ("Losser, Tubbergen, … en Oldenzaal")."""
    mentions = gazetteer.mentions(text)
    groups: list[list[str]] = [[]]
    for prev, cur in zip([None, *mentions], mentions, strict=False):
        if prev is not None and not re.fullmatch(r"\s*(?:,|en|of|/)\s*", text[prev.end : cur.start]):
            groups.append([])
        groups[-1].append(cur.gemeente)
    found: set[str] = set()
    for group in groups:
        if len(set(group)) >= 3 and primary in group:
            found |= set(group)
    return found


def infer_metadata(
    paragraphs: Sequence[str], running_lines: Sequence[str], municipalities: Sequence[str]
) -> DocumentMeta:
    """Metadata of one (sub-)document from its paragraphs (cleaned text lines)."""
    text = "\n".join(paragraphs)
    first = next((p for p in paragraphs[:3] if len(p) <= 120), "")
    doc_type = infer_doc_type(first, text)
    period = infer_period(first, text, doc_type)
    title, source = infer_title(paragraphs, running_lines, doc_type, municipalities, period)
    if source in ("running header", "repeated title line"):
        doc_type = infer_doc_type(title, text)
        period = infer_period(title, text, doc_type) or period
    return DocumentMeta(
        title=title,
        municipalities=list(municipalities),
        doc_type=doc_type,
        period=period,
        adopted=infer_adopted(text),
        evidence={"title": source},
    )


# --------------------------------------------------------------------------- manifest


def load_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """Read a manifest (YAML mapping or list, or CSV with a ``path`` column).

    Returns ``{path: {field: value}}``; ``municipalities`` may be given as a list
    or as a string separated by ``;`` or ``|``.
    """
    try:
        raw = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigurationError(f"cannot read manifest {path}: {exc.strerror}") from exc
    if path.suffix.lower() == ".csv":
        entries: Iterable[dict[str, Any]] = list(csv.DictReader(raw.splitlines()))
    else:
        entries = _yaml_entries(raw, path)
    manifest = {}
    for entry in entries:
        key = str(entry.get("path") or "").strip()
        if not key:
            raise ConfigurationError(f"manifest {path}: every entry needs a 'path'")
        manifest[key] = _clean_entry(entry, path)
    return manifest


def _yaml_entries(raw: str, path: Path) -> list[dict[str, Any]]:
    import yaml

    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"manifest {path} is not valid YAML: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("documents", data)
    if isinstance(data, dict):
        return [{"path": k, **(v or {})} for k, v in data.items()]
    if isinstance(data, list) and all(isinstance(e, dict) for e in data):
        return data
    raise ConfigurationError(f"manifest {path}: expected a mapping of paths or a list of entries")


def _clean_entry(entry: dict[str, Any], path: Path) -> dict[str, Any]:
    unknown = set(entry) - set(MANIFEST_FIELDS) - {"path"}
    if unknown:
        raise ConfigurationError(f"manifest {path}: unknown field(s) {', '.join(sorted(unknown))}")
    out: dict[str, Any] = {k: v for k, v in entry.items() if k in MANIFEST_FIELDS and v not in (None, "")}
    if isinstance(out.get("municipalities"), str):
        out["municipalities"] = [m.strip() for m in re.split(r"[;|]", out["municipalities"]) if m.strip()]
    if "doc_type" in out and out["doc_type"] not in DOC_TYPES:
        raise ConfigurationError(f"manifest {path}: doc_type must be one of {', '.join(DOC_TYPES)}")
    if "period" in out:
        out["period"] = str(out["period"])
    return out


def manifest_entry(manifest: dict[str, dict[str, Any]], file_path: Path, root: Path | None = None) -> dict[str, Any]:
    """The manifest entry for a file, matched by relative path, absolute path or name."""
    candidates = [str(file_path), file_path.name]
    if root is not None:
        with contextlib.suppress(ValueError):
            candidates.insert(0, str(file_path.resolve().relative_to(root.resolve())))
    for key, entry in manifest.items():
        if key in candidates or (Path(key).name == file_path.name and "/" not in key):
            return entry
        if Path(key).resolve() == file_path.resolve():
            return entry
    return {}


def apply_manifest(meta: DocumentMeta, entry: dict[str, Any], *, whole_file: bool) -> DocumentMeta:
    """Override inferred fields; sub-documents take only gemeenten and source URL."""
    fields = MANIFEST_FIELDS if whole_file else ("municipalities", "source_url")
    for name in fields:
        if name in entry:
            setattr(meta, name, entry[name])
            meta.evidence[name] = "manifest"
    return meta
