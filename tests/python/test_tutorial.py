"""docs/python.md's tutorial runs as written: its two files are extracted from the document and
run in a scratch directory (so the document and the code cannot drift apart)."""
import os
import re
import subprocess
import sys

import pytest

DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "python.md")


def tutorial_files():
    text = open(DOC, encoding="utf-8").read()
    m = re.search(r"<!-- tutorial:begin.*?-->(.*?)<!-- tutorial:end -->", text, re.S)
    assert m, "docs/python.md has no tutorial section"
    section = m.group(1)
    files = re.findall(r"`([\w.]+\.py)`[^\n]*\n+```python\n(.*?)```", section, re.S)
    assert [name for name, _ in files] == ["bonus_card.py", "use_bonus.py"]
    return dict(files)


def test_the_card_fits_in_50_lines():
    assert len(tutorial_files()["bonus_card.py"].splitlines()) <= 50


def test_the_tutorial_runs_as_written(tmp_path):
    pytest.importorskip("cryptography")
    pytest.importorskip("smartcard", reason="python3-pyscard is not installed")
    from softcard.rig import find_softcard_binary
    if not find_softcard_binary() or not os.path.exists("/usr/sbin/pcscd"):
        pytest.skip("the tutorial's last part needs the softcard program and pcscd")
    for name, code in tutorial_files().items():
        (tmp_path / name).write_text(code)
    # The scratch directory is the working directory: relative entries of PYTHONPATH go absolute.
    path = os.pathsep.join(os.path.abspath(d) for d in os.environ.get("PYTHONPATH", "").split(os.pathsep) if d)
    p = subprocess.run([sys.executable, "use_bonus.py"], cwd=tmp_path, capture_output=True,
                       text=True, timeout=120, env={**os.environ, "PYTHONPATH": path})
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.splitlines() == ["spent 5, left 15", "balance through PC/SC: 15"]
    assert (tmp_path / "bonus.img").exists()
