"""validation/build_report.py publishes nothing unless the whole report was computed.

Cheap: the report itself is never built here. A fake build stands in for `build_markdown`; it writes a figure
into the staging folder it is given (as the real sections do) and then succeeds or raises.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report():
    spec = importlib.util.spec_from_file_location("build_report_under_test", REPO / "validation" / "build_report.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture()
def docs(tmp_path, report):
    """A docs/ folder with a previous report and figure, as the repository has."""
    d = tmp_path / "docs"
    (d / report.FIG_NAME).mkdir(parents=True)
    (d / report.REPORT_NAME).write_text("# old report\n", "utf-8")
    (d / report.FIG_NAME / "crank.png").write_bytes(b"old png")
    (d / report.FIG_NAME / "kept.png").write_bytes(b"not produced any more")
    return d


class SectionFailed(RuntimeError):
    pass


def test_failing_section_leaves_docs_untouched(report, docs):
    before = _snapshot(docs)
    seen = {}

    def build(fig_dir):
        seen["fig_dir"] = fig_dir
        assert fig_dir.name == report.FIG_NAME  # the sections' links are <fig_dir.name>/<file>
        assert docs not in fig_dir.parents
        (fig_dir / "crank.png").write_bytes(b"new png")  # an early section's figure ...
        (fig_dir / "new_section.png").write_bytes(b"new")
        raise SectionFailed("a later section crashed")  # ... then a later section fails

    with pytest.raises(SectionFailed):
        report.build_and_publish(build, docs=docs)
    assert _snapshot(docs) == before
    assert not seen["fig_dir"].exists()  # the staging folder is cleaned up


def test_main_with_failing_build_leaves_docs_untouched(report, docs, monkeypatch):
    def build(fig_dir, sections=report.EXTRA_SECTIONS):
        (fig_dir / "convergence.png").write_bytes(b"new")
        raise SectionFailed("verification crashed")

    before = _snapshot(docs)
    monkeypatch.setattr(report, "DOCS", docs)
    monkeypatch.setattr(report, "build_markdown", build)
    with pytest.raises(SectionFailed):
        report.main()
    assert _snapshot(docs) == before


def test_real_build_stops_at_a_failing_section_before_writing(report, docs, monkeypatch):
    """`build_markdown` itself: a section module that raises (after the cheap parts are stubbed out)."""
    import sys
    import types

    calls = []

    def section_ok(fig_dir):
        calls.append("ok")
        (fig_dir / "ok_section.png").write_bytes(b"png")
        return ["## ok section"]

    def section_bad(fig_dir):
        calls.append("bad")
        raise SectionFailed("section crashed")

    monkeypatch.setitem(sys.modules, "fake_section_ok", types.SimpleNamespace(section=section_ok))
    monkeypatch.setitem(sys.modules, "fake_section_bad", types.SimpleNamespace(section=section_bad))
    stub_rows = {"model": "m", "n": 1, "rmse": 0.0, "mae": 0.0, "bias": 0.0, "r2": 1.0, "n_compounds": 1,
                 "compound_median_rmse": 0.0, "dataset": "d"}
    monkeypatch.setattr(report, "verification_rows", lambda: [("case", "method", 0.0)])
    monkeypatch.setattr(report, "convergence", lambda fig_dir: ([1, 2], [0.1, 0.025], [2.0], [1, 2], [0.1, 0.025], [2.0]))
    monkeypatch.setattr(report, "crank_figure", lambda fig_dir: (fig_dir / "crank.png").write_bytes(b"new"))
    monkeypatch.setattr(report, "caffeine_check", lambda: (__import__("numpy").array([-3.7]),
                                                           {"kp_cm_per_h": 2e-4, "lag_time_h": 1.0}))
    monkeypatch.setattr(report, "resolution_check", lambda: [(1, 0.0, 0.0, 0.0, 0.0)])
    qspr_cheruvu = types.SimpleNamespace(write_outputs=lambda csv_path, png_path: [stub_rows])
    qspr_compilations = types.SimpleNamespace(compilation_table=lambda: [stub_rows])
    monkeypatch.setitem(sys.modules, "qspr_cheruvu", qspr_cheruvu)
    monkeypatch.setitem(sys.modules, "qspr_compilations", qspr_compilations)

    before = _snapshot(docs)
    with pytest.raises(SectionFailed):
        report.build_and_publish(lambda d: report.build_markdown(d, ("fake_section_ok", "fake_section_bad")),
                                 docs=docs)
    assert calls == ["ok", "bad"]
    assert _snapshot(docs) == before

    # the same build without the failing section publishes everything it rendered, and the report
    text = report.build_and_publish(lambda d: report.build_markdown(d, ("fake_section_ok",)), docs=docs)
    assert "## ok section" in text
    assert (docs / report.REPORT_NAME).read_text("utf-8") == text
    assert (docs / report.FIG_NAME / "ok_section.png").read_bytes() == b"png"
    assert (docs / report.FIG_NAME / "crank.png").read_bytes() == b"new"


def test_success_publishes_figures_and_report_atomically(report, docs):
    def build(fig_dir):
        (fig_dir / "crank.png").write_bytes(b"new png")
        (fig_dir / "qspr_cheruvu.csv").write_text("model,n\n", "utf-8")
        return "# new report\n"

    assert report.build_and_publish(build, docs=docs) == "# new report\n"
    after = _snapshot(docs)
    assert after == {
        report.REPORT_NAME: b"# new report\n",
        f"{report.FIG_NAME}/crank.png": b"new png",
        f"{report.FIG_NAME}/qspr_cheruvu.csv": b"model,n\n",
        f"{report.FIG_NAME}/kept.png": b"not produced any more",
    }


def test_failure_while_publishing_replaces_nothing(report, docs, monkeypatch):
    """If copying a staged file fails, no target is replaced and no temporary file is left behind."""
    staged = docs.parent / "staging" / report.FIG_NAME
    staged.mkdir(parents=True)
    (staged / "a.png").write_bytes(b"a")
    (staged / "crank.png").write_bytes(b"new png")
    real_copy = report.shutil.copyfile
    copied = []

    def copy_then_fail(src, dst):
        if copied:
            raise OSError("disk full")
        copied.append(src)
        return real_copy(src, dst)

    before = _snapshot(docs)
    monkeypatch.setattr(report.shutil, "copyfile", copy_then_fail)
    with pytest.raises(OSError, match="disk full"):
        report.publish(staged, "# new report\n", docs)
    assert copied  # the first file was written (under a temporary name) before the failure
    assert _snapshot(docs) == before
