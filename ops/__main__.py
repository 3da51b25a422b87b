"""`python -m ops …` entry point."""

import importlib.util
import os
import sys

# `python -m ops` puts the current directory first on sys.path. From a directory holding an `ops/` folder
# of its own without __init__.py (tests/ holds tests/ops/), Python takes that folder for a namespace package
# named ops and finds this file only through the editable install; the CLI's modules would then be looked
# up in that folder. Put the real package in its place before the CLI is imported.
_here = os.path.dirname(os.path.abspath(__file__))
_package = sys.modules.get("ops")
if _package is not None and getattr(_package, "__file__", None) is None:
    _spec = importlib.util.spec_from_file_location(
        "ops", os.path.join(_here, "__init__.py"), submodule_search_locations=[_here]
    )
    if _spec is not None and _spec.loader is not None:
        _real = importlib.util.module_from_spec(_spec)
        sys.modules["ops"] = _real
        _spec.loader.exec_module(_real)

from ops.cli import main  # noqa: E402

sys.exit(main())
