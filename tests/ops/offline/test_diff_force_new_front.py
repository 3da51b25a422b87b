"""ops/offline/diff_force_new_front.py: the WAF entries classify every input the WebFirewall component sets
(tests/components/programs/waf.py), cite their provider source, and keep force-new and updatable apart."""

from __future__ import annotations

from program_support import component_plan

from ops.offline.diff_force_new_front import FRONT_TYPES


def test_front_types_cover_every_input_the_web_firewall_sets() -> None:
    plan = component_plan("waf")
    missing: list[str] = []
    for resource in plan.resources:
        if not resource.type.startswith("aws:wafv2/"):
            continue
        assert resource.type in FRONT_TYPES, f"{resource.type}: not in FRONT_TYPES"
        rules = FRONT_TYPES[resource.type]
        known = {f.split(".", 1)[0].split("[", 1)[0] for f in rules.force_new} | set(rules.updatable)
        missing += [f"{resource.type}.{k}" for k in sorted(set(resource.inputs) - known - {"__defaults"})]
    assert missing == []
    assert {r.type for r in plan.resources if r.type.startswith("aws:wafv2/")} == set(FRONT_TYPES)


def test_every_entry_cites_its_source() -> None:
    for type_, rules in FRONT_TYPES.items():
        assert rules.source.startswith("hashicorp/terraform-provider-aws: internal/service/wafv2/"), type_
        assert not set(rules.force_new) & set(rules.updatable), type_
