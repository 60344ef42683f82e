"""Writing result files: JSON-safe values and atomic writes (a reader never sees a half-written file)."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path

import numpy as np


def json_safe(value):
    """JSON-safe copy: NaN/inf -> None, numpy scalars and arrays -> Python, tuples -> lists."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: Path, write) -> None:
    """Write via a temporary file in the same directory, then rename (never a half-written file).

    ``write(tmp_path)`` writes the content; the file gets the usual umask permissions.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically."""
    atomic_write(path, lambda p: Path(p).write_text(text, "utf-8"))
    return Path(path)


def write_json(path: Path, data) -> Path:
    """Write ``data`` as indented JSON (NaN/inf as null) to ``path`` atomically."""
    return write_text(path, json.dumps(json_safe(data), indent=2, ensure_ascii=False, allow_nan=False) + "\n")
