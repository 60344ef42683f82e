"""predict-kp: CSV in, CSV out with log_kp_cm_h; vectorised; bad rows rejected with one line."""

import csv
import subprocess
import sys

import numpy as np
import pytest

from dermsim.chemistry.qspr import potts_guy_log_kp
from dermsim.predict import predict_kp_csv


def write(path, rows, header=("name", "mw", "log_kow", "pka", "acid_base")):
    with open(path, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_potts_guy_column_matches_equation(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(src, [("caffeine", 194.19, -0.07, "", ""), ("testosterone", 288.42, 3.32, "", "neutral"),
                ("salicylic acid", 138.12, 2.26, 2.97, "acid")])
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "predict-kp", str(src), "--out", str(out),
                           "--model", "potts-guy"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.DictReader(open(out)))
    assert [r["name"] for r in rows] == ["caffeine", "testosterone", "salicylic acid"]
    got = np.array([float(r["log_kp_cm_h"]) for r in rows[:2]])
    assert got == pytest.approx(potts_guy_log_kp(np.array([194.19, 288.42]), np.array([-0.07, 3.32])), abs=1e-4)


def test_default_model_handles_many_rows(tmp_path, rng):
    n = 5000
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(src, [(f"c{i}", m, k, "", "") for i, (m, k) in
                enumerate(zip(rng.uniform(30, 600, n), rng.uniform(-3, 6, n)))])
    assert predict_kp_csv(src, out) == n
    values = [float(r["log_kp_cm_h"]) for r in csv.DictReader(open(out))]
    assert len(values) == n and np.all(np.isfinite(values))


@pytest.mark.parametrize("rows, header, field", [
    ([("a", "heavy", 1.0, "", "")], None, "column mw"),
    ([("a", -5, 1.0, "", "")], None, "column mw"),
    ([("a", 100, 1.0, "", "zwitter")], None, "column acid_base"),
    ([("a", 100)], ("name", "mw"), "columns"),
])
def test_bad_rows_are_rejected_and_nothing_written(tmp_path, rows, header, field):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(src, rows, header or ("name", "mw", "log_kow", "pka", "acid_base"))
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "predict-kp", str(src), "--out", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and field in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert not out.exists()


@pytest.mark.parametrize("rows, header, ph, fragment", [
    ([("a", 100, 1.0, "", "")], ("name", "mw", "log_kow", "pka", "acid_base"), float("nan"), "--ph"),
    ([("a", 100, 1.0, "", "")], ("name", "mw", "log_kow", "pka", "acid_base"), 99.0, "--ph"),
    ([("a", 100, 1.0, 2.0)], ("name", "mw", "log_kow", "mw"), 7.0, "appear more than once"),
    ([("a", 100, 1.0, "", "acid")], ("name", "mw", "log_kow", "pka", "acid_base"), 7.0, "a pKa for an acid"),
    ([("a", "inf", 1.0, "", "")], ("name", "mw", "log_kow", "pka", "acid_base"), 7.0, "column mw"),
    ([("a", 100, 40.0, "", "")], ("name", "mw", "log_kow", "pka", "acid_base"), 7.0, "column log_kow"),
    ([("a", 100, 1.0, 99, "base")], ("name", "mw", "log_kow", "pka", "acid_base"), 7.0, "column pka"),
])
def test_predict_kp_is_as_strict_as_the_scenario_loader(tmp_path, rows, header, ph, fragment):
    from dermsim.errors import InputError

    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(src, rows, header)
    with pytest.raises(InputError, match=fragment):
        predict_kp_csv(src, out, ph=ph)
    assert not out.exists()


def test_cells_a_spreadsheet_would_run_are_neutralised(tmp_path):
    src, out = tmp_path / "in.csv", tmp_path / "out.csv"
    write(src, [("=HYPERLINK(\"x\")", 100, 1.0, "", ""), ("+1+1", 120, 0.5, "", ""), ("@SUM(A1)", 130, 0.2, "", ""),
                ("-3", 140, 0.1, "", ""), ("caffeine", 194.19, -0.07, "", "")])
    predict_kp_csv(src, out)
    names = [r["name"] for r in csv.DictReader(open(out))]
    assert names == ["'=HYPERLINK(\"x\")", "'+1+1", "'@SUM(A1)", "-3", "caffeine"]


@pytest.mark.parametrize("target,fragment", [("folder", "a folder of that name exists"),
                                             ("link.csv", "not a symbolic link"),
                                             ("", "a file name for the output CSV"),
                                             ("missing/out.csv", "an existing folder")])
def test_predict_kp_out_is_checked_in_one_line(tmp_path, target, fragment):
    """#18: an existing folder, a dangling link or an empty --out gave IsADirectoryError / OSError tracebacks."""
    src = tmp_path / "c.csv"
    write(src, [("caffeine", 194.19, -0.07, "", "neutral")])
    (tmp_path / "folder").mkdir()
    (tmp_path / "link.csv").symlink_to(tmp_path / "nowhere" / "x.csv")
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "predict-kp", str(src), "--out", target],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and fragment in proc.stderr
    assert "Traceback" not in proc.stderr


def test_predict_kp_removes_the_temporaries_of_a_killed_run(tmp_path):
    src = tmp_path / "c.csv"
    write(src, [("caffeine", 194.19, -0.07, "", "neutral")])
    (tmp_path / ".kp.csv.x1y2.tmp").write_text("half")
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "predict-kp", str(src), "--out", "kp.csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.csv", "kp.csv"]


def test_upper_case_headers_and_semicolon_files_are_read(tmp_path):
    """#11: 'MW' vs 'mw' and semicolon CSVs (spreadsheets in other locales) were refused without saying why."""
    upper = tmp_path / "upper.csv"
    upper.write_text("Name,MW,Log_Kow\ncaffeine,194.19,-0.07\n")
    semi = tmp_path / "semi.csv"
    semi.write_text("name;mw;log_kow\ncaffeine;194.19;-0.07\n")
    for src in (upper, semi):
        out = tmp_path / f"{src.stem}_kp.csv"
        assert predict_kp_csv(src, out) == 1
        row = next(csv.DictReader(open(out)))
        assert float(row["log_kp_cm_h"]) == pytest.approx(-4.04, abs=0.01)


def test_a_macromolecule_row_says_why_it_has_no_kp(tmp_path):
    """#11: a BSA row came back with an empty log_kp and only 'wrote 1 rows'."""
    src = tmp_path / "bsa.csv"
    write(src, [("BSA", 66500, -3, "", "neutral"), ("caffeine", 194.19, -0.07, "", "neutral")])
    proc = subprocess.run([sys.executable, "-m", "dermsim.cli", "predict-kp", str(src), "--out", "kp.csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "1 of 2 rows have no kp" in proc.stdout
    rows = list(csv.DictReader(open(tmp_path / "kp.csv")))
    assert rows[0]["log_kp_cm_h"] == "" and "macromolecule" in rows[0]["note"]
    assert rows[1]["note"] == "" and rows[1]["log_kp_cm_h"]
