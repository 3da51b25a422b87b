"""Generated configs (hypothesis): each validates or fails with one line per problem naming a key path.

Every config must either validate or raise ConfigError whose every line starts with a key path of the input
(or a key the models define under such a path) followed by ": " — never any other exception."""

from __future__ import annotations

import copy
import glob
import json
from collections import Counter
from typing import Any

import yaml
from config_cases import good
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

import config
from config import ConfigError, format_path, load_config

Path = tuple[str | int, ...]


def _stack_raw(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)["config"]
    return {
        k.removeprefix("fargate-platform:"): v for k, v in doc.items() if k.startswith("fargate-platform:")
    }


BASES: list[dict[str, Any]] = [
    good(),
    _stack_raw("Pulumi.dev.yaml"),
    _stack_raw("Pulumi.prod.yaml"),
    *(_stack_raw(p) for p in sorted(glob.glob("examples/*.yaml"))),
]


def _all_aliases() -> set[str]:
    seen: set[type[BaseModel]] = set()
    aliases: set[str] = set()

    def walk(model: type[BaseModel]) -> None:
        if model in seen:
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            aliases.add(field.alias or name)
            for sub in _models_in(field.annotation):
                walk(sub)

    walk(config.PlatformConfig)
    return aliases


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in typing.get_args(annotation) for m in _models_in(arg)]


ALIASES = _all_aliases()
TOP_LEVEL = list(config.TOP_LEVEL_KEYS)

# Plausible values: swapping one in usually keeps a config valid (or breaks exactly one rule).
PLAUSIBLE: list[Any] = [
    256,
    512,
    1024,
    2048,
    4096,
    8192,
    16384,
    3072,
    30720,
    61440,
    1,
    2,
    3,
    4,
    0,
    10,
    30,
    60,
    100,
    200,
    8000,
    5432,
    True,
    False,
    "spot",
    "onDemand",
    "none",
    "single",
    "perAz",
    "private",
    "public",
    "dev",
    "prod",
    "staging",
    "enabled",
    "disabled",
    "enhanced",
    "/health",
    "/",
    "/api/*",
    "START",
    "HEALTHY",
    "COMPLETE",
    "read",
    "readWrite",
    "ENABLED",
    "DISABLED",
    "x86_64",
    "arm64",
    "1000:1000",
    "70:70",
    "nginx:1.27",
    "latest",
    "1.2.3",
    "10.0.0.0/16",
    "dev.local",
    ["ALL"],
    ["/tmp"],
    ["/api/*"],
    ["CMD-SHELL", "true"],
    {"default": True},
    {"generate": "dbPassword"},
    {"ssmParameter": "/app/key"},
    {"cpuTarget": 60},
    {"scratch": True},
    {},
]

junk = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=True)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.text(max_size=8) | st.integers(-3, 3), children, max_size=3)
    ),
    max_leaves=6,
)


def _paths(doc: Any, prefix: Path = ()) -> list[Path]:
    out: list[Path] = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out.extend(_paths(value, (*prefix, key)))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out.extend(_paths(value, (*prefix, i)))
    return out


def _get(doc: Any, path: Path) -> Any:
    for part in path:
        doc = doc[part]
    return doc


def _mutate(data: st.DataObject, doc: dict[str, Any]) -> dict[str, Any]:
    paths = [p for p in _paths(doc) if p]
    path = data.draw(st.sampled_from(paths), label="path")
    parent = _get(doc, path[:-1])
    key = path[-1]
    op = data.draw(
        st.sampled_from(["plausible"] * 4 + ["delete"] * 2 + ["junk", "unknown", "rename"]), label="op"
    )
    if op == "plausible":
        parent[key] = copy.deepcopy(data.draw(st.sampled_from(PLAUSIBLE), label="value"))
    elif op == "junk":
        parent[key] = data.draw(junk, label="junk")
    elif op == "delete":
        del parent[key]
    elif op == "unknown" and isinstance(parent, dict):
        parent[data.draw(st.text(min_size=1, max_size=10), label="new key")] = data.draw(junk)
    elif op == "rename" and isinstance(parent, dict) and isinstance(key, str) and key:
        value = parent.pop(key)
        parent[key[:-1] if len(key) > 1 else key + "x"] = value
    return doc


def _starts_with_key_path(line: str, bases: list[str]) -> bool:
    """`<input path>: …` or `<input path>.<a key the models define>: …`."""
    for base in bases:
        if line.startswith(base + ": "):
            return True
        if line.startswith(base + "."):
            key, sep, _ = line[len(base) + 1 :].partition(": ")
            if sep and key in ALIASES:
                return True
    return False


def _check_lines(raw: Any, problems: list[str]) -> None:
    assert problems, "ConfigError without problems"
    bases = ["(root)", *TOP_LEVEL, *(format_path(p) for p in _paths(raw) if p)]
    for line in problems:
        assert "\n" not in line, line
        assert _starts_with_key_path(line, bases), f"no key path at the start of: {line!r}"
        assert len(line.partition(": ")[2]) > 3, line


def test_generated_configs_validate_or_fail_with_key_paths() -> None:
    outcomes: Counter[str] = Counter()

    @settings(
        max_examples=2000,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        doc = copy.deepcopy(data.draw(st.sampled_from(BASES), label="base"))
        for _ in range(data.draw(st.sampled_from([1, 1, 1, 2, 3]), label="mutations")):
            doc = _mutate(data, doc)
        raw = json.loads(json.dumps(doc, default=str, allow_nan=True))  # what Pulumi hands over: JSON values
        try:
            load_config(raw)
            outcomes["valid"] += 1
        except ConfigError as exc:
            _check_lines(raw, exc.problems)
            outcomes["invalid"] += 1

    run()
    assert sum(outcomes.values()) >= 2000
    # Near-valid: a real share of mutated configs stays valid, and most mutations are caught.
    assert outcomes["valid"] >= 80, outcomes  # typically 150-200
    assert outcomes["invalid"] >= 500, outcomes


def test_stack_files_are_valid_bases() -> None:
    for base in BASES:
        load_config(copy.deepcopy(base))
