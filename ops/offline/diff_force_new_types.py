"""The record type of the force-new table (ops/offline/diff_force_new.py and its parts)."""

from __future__ import annotations

from dataclasses import dataclass

TF_AWS = "hashicorp/terraform-provider-aws: internal/service/"


@dataclass(frozen=True)
class TypeRules:
    source: str  # the provider file whose schema this entry follows
    force_new: tuple[str, ...]  # input paths whose change replaces the resource
    updatable: tuple[str, ...]  # top-level inputs changed in place
    # input → the input that must be true in the new inputs, or the provider refuses the change at preview
    # (ECS: a capacity provider strategy change needs forceNewDeployment).
    conditional: tuple[tuple[str, str], ...] = ()
