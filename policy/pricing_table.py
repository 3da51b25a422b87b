"""The price table of the cost estimate: ``prices.json`` next to this file, loaded and checked at import.

The file is the one place prices live: one object per region with its ``source`` and ``date`` (YYYY-MM) and
every field of ``RegionPrices`` below, in USD. ``null`` means "not found in the sources": the estimate
reports the item as not priced and never guesses. Anything else that is not a positive number, a missing or
unknown field, or a field given twice is an error naming the file, the region and the field, raised when the
pack (or ``ops check``) imports the estimate, so a bad edit never prices a stack silently wrong.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

PRICES_FILE = Path(__file__).resolve().with_name("prices.json")


@dataclass(frozen=True)
class RegionPrices:
    """Unit prices of one region in USD. ``None`` means "not found in the sources": never guessed."""

    region: str
    source: str
    date: str
    fargate_x86_vcpu_hour: float | None
    fargate_x86_gb_hour: float | None
    fargate_arm_vcpu_hour: float | None
    fargate_arm_gb_hour: float | None
    ephemeral_storage_gb_hour: float | None  # per GB above the free 20 GB
    alb_hour: float | None
    alb_lcu_hour: float | None
    nat_gateway_hour: float | None
    nat_gb_processed: float | None
    public_ipv4_hour: float | None
    vpc_interface_endpoint_az_hour: float | None
    logs_ingested_gb: float | None
    logs_stored_gb_month: float | None
    custom_metric_month: float | None  # Container Insights (classic) bills its metrics as custom metrics
    cloudwatch_alarm_metric_month: float | None  # standard resolution (period >= 60 s), per alarm metric
    cloudwatch_high_resolution_alarm_metric_month: float | None  # period < 60 s, per metric in an alarm
    cloudwatch_dashboard_month: float | None
    cloud_map_instance_month: float | None
    ssm_advanced_parameter_month: float | None
    secrets_manager_secret_month: float | None
    kms_key_month: float | None
    ecr_gb_month: float | None
    efs_standard_gb_month: float | None
    waf_web_acl_month: float | None  # AWS WAF: the same in every region
    waf_rule_month: float | None  # per rule of a web ACL; a rule group (managed or not) counts as one
    waf_requests_million: float | None  # per million requests a web ACL inspects
    waf_bot_control_month: float | None  # paid AWS managed rule groups: their own subscription fee
    waf_atp_month: float | None
    waf_acfp_month: float | None


PRICE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(RegionPrices))[3:]
REGION_FIELDS: tuple[str, ...] = ("source", "date", *PRICE_FIELDS)
FILE_FIELDS: tuple[str, ...] = ("about", "regions")

_REGION_CODE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class PriceTableError(ValueError):
    """The price file is malformed; the message names the file, the region and the field."""


class _Object(dict[str, Any]):
    """A JSON object that remembers the keys it was given more than once (``json`` keeps the last)."""

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        keys = [k for k, _ in pairs]
        self.repeated = [k for i, k in enumerate(keys) if k in keys[:i]]


def load_prices(path: Path = PRICES_FILE) -> dict[str, RegionPrices]:
    """The regions of a price file, checked; raises PriceTableError on the first problem."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"), object_pairs_hook=_Object)
    except OSError as e:
        raise PriceTableError(f"{path}: cannot be read ({e.strerror})") from e
    except json.JSONDecodeError as e:
        raise PriceTableError(f"{path}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from e
    _check_fields(path, "", data, FILE_FIELDS)
    if not isinstance(data["about"], str):
        raise PriceTableError(f"{path}: field 'about' must be a string")
    regions = data["regions"]
    if not isinstance(regions, _Object) or not regions:
        raise PriceTableError(f"{path}: field 'regions' must be an object with one entry per region")
    if regions.repeated:
        raise PriceTableError(f"{path}: region '{regions.repeated[0]}' is given twice")
    return {region: _region(path, region, entry) for region, entry in regions.items()}


def _region(path: Path, region: str, entry: Any) -> RegionPrices:
    where = f"region '{region}'"
    if not _REGION_CODE.match(region):
        raise PriceTableError(f"{path}: {where} is not an AWS region code (like 'eu-west-2')")
    _check_fields(path, where, entry, REGION_FIELDS)
    source, date = entry["source"], entry["date"]
    if not isinstance(source, str) or not source.strip():
        raise PriceTableError(f"{path}: {where}: field 'source' must name where the prices come from")
    if not isinstance(date, str) or not _MONTH.match(date):
        raise PriceTableError(f"{path}: {where}: field 'date' must be the month of the prices (YYYY-MM)")
    prices: dict[str, float | None] = {}
    for name in PRICE_FIELDS:
        value = entry[name]
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if value is not None and not (number and math.isfinite(value) and value > 0):
            raise PriceTableError(
                f"{path}: {where}: field '{name}' must be a positive number (USD) or null (price not found), "
                f"got {_shown(value)}"
            )
        prices[name] = None if value is None else float(value)
    return RegionPrices(region=region, source=source, date=date, **prices)


def _check_fields(path: Path, where: str, value: Any, expected: tuple[str, ...]) -> None:
    """``value`` is a JSON object with exactly the ``expected`` fields, each given once."""
    at = f"{path}: {where}: " if where else f"{path}: "
    if not isinstance(value, _Object):
        raise PriceTableError(f"{at}must be a JSON object, got {_shown(value)}")
    if value.repeated:
        raise PriceTableError(f"{at}field '{value.repeated[0]}' is given twice")
    for key in value:
        if key not in expected:
            close = difflib.get_close_matches(key, expected, n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise PriceTableError(f"{at}unknown field '{key}'{hint}")
    for key in expected:
        if key not in value:
            hint = " (write null for a price that was not found)" if key in PRICE_FIELDS else ""
            raise PriceTableError(f"{at}missing field '{key}'{hint}")


def _shown(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."


PRICES: dict[str, RegionPrices] = load_prices()
SUPPORTED_REGIONS: tuple[str, ...] = tuple(sorted(PRICES))


class UnknownRegionError(ValueError):
    """No price table for the region: the estimate refuses to guess."""

    def __init__(self, region: str | None) -> None:
        self.region = region
        shown = f"region {region!r}" if region else "an unknown region"
        super().__init__(
            f"No prices for {shown}; supported regions: {', '.join(SUPPORTED_REGIONS)}. "
            "Set aws:region to a supported region, or add the region's prices (with source and date) "
            "to policy/prices.json."
        )


def prices_for(region: str | None) -> RegionPrices:
    if region is None or region not in PRICES:
        raise UnknownRegionError(region)
    return PRICES[region]
