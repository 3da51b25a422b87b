"""One command line for every ops job: `python -m ops <command> --help`.

Each command module exposes `register(subparsers)`, which adds its sub-commands and sets `handler`
(a callable taking the parsed `argparse.Namespace` and returning an exit code). Modules are imported
here, not their heavy dependencies: those load inside the handlers, so `--help` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

# Modules that contribute sub-commands, in the order they appear in --help.
COMMAND_MODULES = ("ops.offline.commands", "ops.automation.parsers", "ops.automation.status_command")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m ops",
        description="fargate-platform operations: offline plan/check and Pulumi Automation API jobs.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.handler(args))
