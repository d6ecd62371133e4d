"""Replay results kept in ``<data_dir>/replays``, where the console's replay page lists them.

``hazwatch replay … --save`` writes there, and loading the demo replays the bundled 2·7
scenarios into it so a new installation has something to open.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hazwatch.core.settings import Settings
from hazwatch.scenarios.loader import bundled


def folder(settings: Settings) -> Path:
    return settings.data_dir / "replays"


def write(result: dict[str, Any], target: Path) -> Path:
    """``<target>/<scenario name>.json``, the form the console's replay page reads."""
    target.mkdir(parents=True, exist_ok=True)
    path = target / f"{result['scenario']['name']}.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def save(settings: Settings, result: dict[str, Any]) -> Path:
    return write(result, folder(settings))


def missing_bundled(settings: Settings) -> list[Path]:
    """The bundled scenarios whose result is not kept yet."""
    return [
        path for name, path in bundled().items() if not (folder(settings) / f"{name}.json").exists()
    ]
