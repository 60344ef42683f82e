"""The repository stands alone: no file refers to a path outside it, and nothing cites internal notes.

Scanned: every text file under src/, tests/, validation/, docs/, benchmarks/, examples/, .ci/ plus README.md,
Makefile and pyproject.toml -- the files git knows (tracked, or new and not ignored) when .git exists,
otherwise every file of those folders. Binary files (PNG, netCDF, ...) are skipped.

Flagged, with file:line:
(a) paths outside the repository: the team notebook beside it (its "data" and "reference" folders, or the
    parent folder's copy), and absolute paths into work, root, home, Users or tmp at the file-system root
    used as file paths (URLs such as https://doi.org/... and unit strings such as ug/cm^2 are not paths: the
    slash must not follow a letter, digit, dot, colon or another slash);
(b) citations of internal notes instead of papers: the notebook's "reference" notes named as such, numbered
    "evidence" items, the notes' file names, and their evidence tags in square brackets (V, M, D, S, BK, and
    V followed by a qualifier).

The patterns are assembled from pieces so that this file does not match them itself.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FOLDERS = ("src", "tests", "validation", "docs", "benchmarks", "examples", ".ci")
TOP_FILES = ("README.md", "Makefile", "pyproject.toml")
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".pdf", ".nc", ".npz", ".npy", ".h5", ".xlsx", ".zip",
                   ".gz", ".pyc", ".so", ".whl"}
SKIP_PARTS = {"__pycache__", ".pytest_cache", ".venv", "build"}

_DOTDOT = "." + "."
_SHARED = "sha" + "red"
_NOTES = ("permeation-" + "models", "microneedle-" + "evidence", "epidermis-" + "parameters",
          "wave2-" + "evidence", "peer-" + "benchmarks")
_TAGS = ("V", "M", "D", "S", "BK")

PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("path outside the repository", re.compile(re.escape(_DOTDOT + "/" + _SHARED))),
    ("path outside the repository", re.compile(_SHARED + r"/(?:reference|data)\b")),
    ("absolute path", re.compile(r"(?<![\w.:/~-])/(?:work|root|home|Users|tmp)/")),
    ("internal-note citation", re.compile(_SHARED + r"\s+reference", re.IGNORECASE)),
    ("internal-note citation", re.compile(r"\bevid" + r"ence\s+\d", re.IGNORECASE)),
    ("internal-note citation", re.compile("|".join(re.escape(n + ".md") for n in _NOTES))),
    ("evidence tag", re.compile(r"(?<![\w\]])\[(?:" + "|".join(_TAGS) + r")\]")),
    ("evidence tag", re.compile(r"(?<![\w\]])\[V[\s,;:]")),
)


def repository_files(root: Path = REPO) -> list[Path]:
    """Files to scan: git's (tracked + untracked-not-ignored) when root is a git work tree, else a walk."""
    names: list[str] | None = None
    if (root / ".git").exists():
        try:
            out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--",
                                  *FOLDERS, *TOP_FILES], cwd=root, capture_output=True, check=True)
            names = sorted({n for n in out.stdout.decode("utf-8").split("\0") if n})
        except (OSError, subprocess.CalledProcessError):
            names = None
    if names is None:
        names = [f for f in TOP_FILES if (root / f).is_file()]
        for folder in FOLDERS:
            for dirpath, dirnames, filenames in os.walk(root / folder):
                dirnames[:] = [d for d in dirnames if d not in SKIP_PARTS and not d.endswith(".egg-info")]
                names += [str((Path(dirpath) / f).relative_to(root)) for f in filenames]
    files = []
    for name in names:
        path = root / name
        parts = set(Path(name).parts)
        if parts & SKIP_PARTS or any(p.endswith(".egg-info") for p in parts):
            continue
        if path.is_file() and path.suffix.lower() not in BINARY_SUFFIXES:  # deleted-but-tracked files skipped
            files.append(path)
    return files


def _text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def scan(paths, root: Path = REPO) -> list[str]:
    """'file:line: kind: text' for every line of ``paths`` that matches a pattern."""
    hits = []
    for path in paths:
        text = _text(Path(path))
        if text is None:
            continue
        shown = Path(path).relative_to(root) if Path(path).is_relative_to(root) else Path(path)
        for number, line in enumerate(text.splitlines(), 1):
            kinds = [kind for kind, pattern in PATTERNS if pattern.search(line)]
            if kinds:
                hits.append(f"{shown}:{number}: {', '.join(dict.fromkeys(kinds))}: {line.strip()[:160]}")
    return hits


def test_no_external_paths_or_internal_note_citations():
    files = repository_files()
    assert len(files) > 50, "the scan found almost no files: is the repository layout as expected?"
    hits = scan(files)
    assert not hits, f"{len(hits)} line(s) refer outside the repository or cite internal notes:\n" + "\n".join(hits)


def test_scanner_finds_what_it_must_and_spares_urls_and_units(tmp_path):
    bad = [
        "DATA = Path('" + _DOTDOT + "/" + _SHARED + "/data/x.csv')",
        "see " + _SHARED + "/reference/notes for the problem",
        "read " + _SHARED + "/data/cheruvu.csv",
        'ACTIVES = Path("/' + 'work/somewhere/file.csv")',
        "Rscript script.R --out /" + "tmp/sk",
        "cd /" + "home/user/project && make",
        "open('/" + "Users/me/data.csv')",
        "value from the " + _SHARED + " reference notes",
        "source = 'Smith 2001 (evid" + "ence 3)'",
        "as in " + _NOTES[0] + ".md section 5",
        "case A of " + _NOTES[-1] + ".md",
        "source = 'Jones 2010 [" + "V]'",
        "# tag [" + "BK] background knowledge",
        "[" + "M] literature value",
        "checked [" + "V, secondary]",
        "[" + "D] and [" + "S] tags",
    ]
    good = [
        "doi: https://doi.org/10.1016/j.dib.2022.108242",
        "flux in ug/cm^2/h, kp in cm/h",
        "url = 'https://github.com/" + "work/tmp/home/x'",
        "layers = x[D] + y[S]",
        "out/case_a and docs/validation/crank.png",
        "[derived] lambda = 168 / 311",
        "data in validation/data/cheruvu2022_skin_permeability.csv",
    ]
    sample = tmp_path / "sample.txt"
    sample.write_text("\n".join(bad + good) + "\n", "utf-8")
    hits = scan([sample], root=tmp_path)
    flagged = {int(h.split(":")[1]) for h in hits}
    assert flagged == set(range(1, len(bad) + 1)), "\n".join(hits)
    assert all(h.startswith("sample.txt:") for h in hits)


def test_scanner_covers_the_repository_files():
    names = {str(p.relative_to(REPO)) for p in repository_files()}
    for expected in ("README.md", "Makefile", "pyproject.toml", "tests/test_self_contained.py",
                     "validation/build_report.py", "benchmarks/README.md"):
        assert expected in names
    assert not any(n.endswith(".png") for n in names)
