"""Python writes the trace file format of `softcard ... --trace-file` (docs/trace.md)."""
import json
import os
import subprocess

import pytest

from softcard.gids import GIDS_AID

SOFTCARD_BIN = os.environ.get("SOFTCARD_BIN")


def test_save_writes_json_lines_with_redaction(card, trace, tmp_path):
    card.select(GIDS_AID)
    card.verify("123456")
    path = tmp_path / "t.jsonl"
    trace.save(path, card="python card")
    records = [json.loads(line) for line in path.read_text().splitlines()]
    apdus = [r for r in records if r["type"] == "apdu"]
    assert [r["name"] for r in apdus] == ["SELECT", "VERIFY"]
    assert all(r["v"] == 1 and r["card"] == "python card" for r in records)
    assert apdus[0]["summary"] == "SELECT GIDS"
    assert apdus[1]["redacted"] is True and "313233343536" not in path.read_text()


@pytest.mark.skipif(not SOFTCARD_BIN, reason="SOFTCARD_BIN not set (softcard CLI not built)")
def test_the_cli_reads_what_python_wrote(card, trace, tmp_path):
    card.select(GIDS_AID)
    card.verify("123456")
    path = tmp_path / "t.jsonl"
    trace.save(path)
    shown = subprocess.run([SOFTCARD_BIN, "trace", "show", "--colour", "never", str(path)],
                           capture_output=True, text=True, check=True).stdout
    assert "#1 GIDS  SELECT GIDS  9000 success" in shown
    assert "#2 GIDS  VERIFY user PIN" in shown and "not shown (secret)" in shown
    same = subprocess.run([SOFTCARD_BIN, "trace", "diff", str(path), str(path)])
    assert same.returncode == 0
