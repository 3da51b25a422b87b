"""Shared fixtures for the program tests (tests/test_stacks.py, tests/components/, …).

Plans are recorded once per session and only read by tests; see program_support.py for the helpers."""

from __future__ import annotations

import pytest
from program_support import stack_plan

from ops.offline.recording import Plan


@pytest.fixture(scope="session")
def dev_plan() -> Plan:
    return stack_plan("dev")


@pytest.fixture(scope="session")
def prod_plan() -> Plan:
    return stack_plan("prod")
