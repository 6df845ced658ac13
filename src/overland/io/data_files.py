"""Reading the crossing data: YAML files → validated :class:`Catalog`.

The only module that reads data files. Errors name the file, the line, the field
and what is expected, one line each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from overland.errors import DataError
from overland.io.parse_cache import parsed
from overland.model.catalog import Catalog, PlacesFile, Uncertainty, check_references
from overland.model.crossing import Crossing
from overland.model.entry import EntryRegimesFile
from overland.model.leg import LegsFile
from overland.model.transport import TransportFile
from overland.model.traveller import TravellersFile

PLACES_FILE = "places.yaml"
LEGS_FILE = "legs.yaml"
TRAVELLERS_FILE = "travellers.yaml"
UNCERTAINTY_FILE = "uncertainty.yaml"
ENTRY_FILE = "entry-regimes.yaml"
TRANSPORT_FILE = "transport.yaml"
CROSSINGS_DIR = "crossings"

try:
    _BaseLoader: Any = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - wheels ship libyaml
    _BaseLoader = yaml.SafeLoader


class _Loader(_BaseLoader):
    """Safe loader that keeps dates and times as text (pydantic parses them, offsets intact)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}


def default_data_dir() -> Path:
    """The bundled data: ``data/`` of the source tree, or the copy inside an installed wheel."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "_data", package.parent.parent / "data"):
        if (candidate / PLACES_FILE).is_file():
            return candidate
    msg = f"bundled data not found next to {package}; pass a data directory"
    raise DataError([msg])


@dataclass(frozen=True)
class YamlDoc:
    """A parsed YAML file and the line of every field path in it."""

    path: Path
    data: Any
    lines: dict[tuple[str | int, ...], int]

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        """The line of the deepest part of ``loc`` found in the file."""
        for end in range(len(loc), -1, -1):
            line = self.lines.get(tuple(loc[:end]))
            if line is not None:
                return line
        return 1


def read_yaml(path: Path) -> YamlDoc:
    """Parse ``path`` (or take its parsed form from the cache, by content); malformed YAML and
    duplicate keys raise :class:`DataError`."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise DataError([f"{path}: cannot read ({error.strerror})"]) from None
    data, lines = parsed(content, lambda: _parse(path, content))
    return YamlDoc(path, data, lines)


def _parse(path: Path, content: bytes) -> tuple[Any, dict[tuple[str | int, ...], int]]:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise DataError([f"{path}: not UTF-8 text"]) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(error, "problem", None) or str(error)
        raise DataError([f"{path}:{line}: malformed YAML: {problem}"]) from None
    if node is None:
        raise DataError([f"{path}:1: the file is empty"])
    lines: dict[tuple[str | int, ...], int] = {}
    problems: list[str] = []
    _map_lines(node, lines, problems, path)
    if problems:
        raise DataError(problems)
    try:
        data = loader.construct_document(node)
    except (yaml.YAMLError, RecursionError) as error:  # pragma: no cover - the walk above refuses these first
        raise DataError([f"{path}: cannot read the YAML: {error}"]) from None
    finally:
        loader.dispose()
    return data, lines


MAX_DEPTH = 40  # nesting of mappings and lists: the data's deepest is under 10
MAX_NODES = 400_000  # values read, aliases counted each time they are used: the largest file has ~60,000
PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")}


def _map_lines(root: yaml.Node, lines: dict, problems: list[str], path: Path) -> None:
    """Record the line of every field path, find duplicate keys, and refuse what is not plain data:
    tags (``!!python/object``), nesting deeper than ``MAX_DEPTH``, and aliases that expand past
    ``MAX_NODES`` values (an alias bomb)."""
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())]
    visited = 0
    while stack:
        node, loc = stack.pop()
        visited += 1
        line = node.start_mark.line + 1
        if visited > MAX_NODES:
            problems.append(f"{path}:{line}: more than {MAX_NODES:,} values once its aliases are expanded: "
                            "write the values out, or use fewer aliases of aliases")  # fmt: skip
            return
        if len(loc) > MAX_DEPTH:
            problems.append(f"{path}:{line}: {_dotted(loc[:3])}...: nested more than {MAX_DEPTH} levels deep")
            return
        if node.tag not in PLAIN_TAGS:
            problems.append(f"{path}:{line}: {_dotted(loc)}: the tag {node.tag!r} is not allowed: data files hold "
                            "plain values (text, numbers, true/false, lists and mappings)")  # fmt: skip
            return
        lines.setdefault(loc, line)
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value
                key_line = key_node.start_mark.line + 1
                if not isinstance(key, str):
                    problems.append(f"{path}:{key_line}: {_dotted(loc)}: a key must be text")
                    return
                if key in seen:
                    problems.append(
                        f"{path}:{key_line}: {_dotted((*loc, key))}: duplicate key (first on line {seen[key]})"
                    )
                seen[key] = key_line
                lines[(*loc, key)] = key_line
                stack.append((value_node, (*loc, key)))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append((item, (*loc, index)))


def _dotted(loc: tuple[str | int, ...]) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts.append(f"[{part}]")
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "(top)"


def _clean_loc(loc: tuple[str | int, ...]) -> tuple[str | int, ...]:
    """Drop pydantic's internal steps (union branches, validators) from an error location."""
    return tuple(
        p for p in loc if isinstance(p, int) or ("[" not in p and p not in {"function-after", "function-before"})
    )


def _describe(error: dict[str, Any]) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown field (check its spelling; the JSON Schema in data/schema lists the fields)"
    if kind == "missing":
        return "required field is missing"
    message = error["msg"]
    for prefix in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(prefix)
    return message


def validate_doc(doc: YamlDoc, model: type[BaseModel]) -> Any:
    """``doc.data`` validated as ``model``; errors give file, line and field."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as error:
        lines = []
        for item in error.errors(include_url=False):
            loc = _clean_loc(item["loc"])
            lines.append(f"{doc.path}:{doc.line_of(loc)}: {_dotted(loc)}: {_describe(dict(item))}")
        raise DataError(lines) from None


def load_catalog(data_dir: Path | None = None) -> Catalog:
    """Read and validate every data file under ``data_dir`` (the bundled data by default).

    Raises
    ------
    DataError
        With one line per problem in any file.
    """
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    problems: list[str] = []
    places_path = root / PLACES_FILE
    if not places_path.is_file():
        raise DataError([f"{places_path}: missing (the places file with 'countries' and 'places')"])
    docs: dict[str, YamlDoc] = {}
    places_file: PlacesFile | None = None
    try:
        docs["places"] = read_yaml(places_path)
        places_file = validate_doc(docs["places"], PlacesFile)
    except DataError as error:
        problems.extend(error.lines)
    crossings: dict[str, Crossing] = {}
    for path in sorted((root / CROSSINGS_DIR).glob("*.yaml")):
        try:
            doc = read_yaml(path)
            crossing = validate_doc(doc, Crossing)
        except DataError as error:
            problems.extend(error.lines)
            continue
        if crossing.id != path.stem:
            problems.append(
                f"{path}:{doc.line_of(('id',))}: id: {crossing.id!r} must match the file name {path.stem!r}"
            )
            continue
        crossings[crossing.id] = crossing
        docs[crossing.id] = doc
    legs_file: LegsFile | None = None
    legs_path = root / LEGS_FILE
    if legs_path.is_file():
        try:
            docs["legs"] = read_yaml(legs_path)
            legs_file = validate_doc(docs["legs"], LegsFile)
        except DataError as error:
            problems.extend(error.lines)
    travellers: TravellersFile | None = None
    travellers_path = root / TRAVELLERS_FILE
    if travellers_path.is_file():
        try:
            docs["travellers"] = read_yaml(travellers_path)
            travellers = validate_doc(docs["travellers"], TravellersFile)
        except DataError as error:
            problems.extend(error.lines)
    uncertainty: Uncertainty | None = None
    uncertainty_path = root / UNCERTAINTY_FILE
    if uncertainty_path.is_file():
        try:
            docs["uncertainty"] = read_yaml(uncertainty_path)
            uncertainty = validate_doc(docs["uncertainty"], Uncertainty)
        except DataError as error:
            problems.extend(error.lines)
    entry: EntryRegimesFile | None = None
    entry_path = root / ENTRY_FILE
    if entry_path.is_file():
        try:
            docs["entry-regimes"] = read_yaml(entry_path)
            entry = validate_doc(docs["entry-regimes"], EntryRegimesFile)
        except DataError as error:
            problems.extend(error.lines)
    transport: TransportFile | None = None
    transport_path = root / TRANSPORT_FILE
    if transport_path.is_file():
        try:
            docs["transport"] = read_yaml(transport_path)
            transport = validate_doc(docs["transport"], TransportFile)
        except DataError as error:
            problems.extend(error.lines)
    if not crossings and not problems:
        problems.append(f"{root / CROSSINGS_DIR}: no crossing files (*.yaml)")
    if problems or places_file is None:
        raise DataError(problems)
    catalog = Catalog(
        countries=places_file.countries,
        places=places_file.places,
        crossings=crossings,
        legs=tuple(legs_file.legs) if legs_file else (),
        profiles=dict(travellers.profiles) if travellers else {},
        uncertainty=uncertainty,
        entry={country: dict(by_passport) for country, by_passport in entry.regimes.items()} if entry else {},
        services=dict(transport.services) if transport else {},
    )
    broken = check_references(catalog)
    if broken:
        raise DataError(
            [f"{docs[p.origin].path}:{docs[p.origin].line_of(p.loc)}: {_dotted(p.loc)}: {p.message}" for p in broken]
        )
    return catalog


def data_docs(data_dir: Path | None = None) -> dict[str, YamlDoc]:
    """The parsed data files with the line of every field, keyed as a catalog's records name their file
    (``places``, ``legs``, ``travellers``, ``transport``, ``uncertainty``, ``entry-regimes``, a crossing
    id): for reports that point at a line."""
    root = Path(data_dir) if data_dir is not None else default_data_dir()
    paths = {"places": root / PLACES_FILE, "legs": root / LEGS_FILE, "travellers": root / TRAVELLERS_FILE,
             "transport": root / TRANSPORT_FILE, "uncertainty": root / UNCERTAINTY_FILE,
             "entry-regimes": root / ENTRY_FILE}  # fmt: skip
    paths.update({path.stem: path for path in sorted((root / CROSSINGS_DIR).glob("*.yaml"))})
    return {origin: read_yaml(path) for origin, path in paths.items() if path.is_file()}


def json_schemas() -> dict[str, str]:
    """The JSON Schema of each kind of data file, as text keyed by file name."""
    from overland.model.observed import ObservationsFile  # read by io.observation_files, not by load_catalog

    models: dict[str, type[BaseModel]] = {
        "places": PlacesFile, "crossing": Crossing, "legs": LegsFile, "travellers": TravellersFile,
        "observations": ObservationsFile, "uncertainty": Uncertainty,
        "entry-regimes": EntryRegimesFile, "transport": TransportFile,
    }  # fmt: skip
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), indent=2, ensure_ascii=False) + "\n"
        for name, model in models.items()
    }
