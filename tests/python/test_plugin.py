"""The pytest plugin: fixtures, and the trace attached to a failing test's report."""
import os
import subprocess
import sys
import textwrap


def test_failed_test_report_carries_the_trace(tmp_path):
    (tmp_path / "test_inner.py").write_text(textwrap.dedent("""
        def test_fails(card, trace):
            card.select(bytes.fromhex("A000000397425446590201"))
            card.verify("123456")
            assert len(trace.apdus()) == 0, "deliberate failure"

        def test_passes(card, blank_card):
            assert card.applet == "gids" and blank_card.inspect.identity().profile == "gids-blank"
    """))
    p = subprocess.run([sys.executable, "-m", "pytest", "-p", "softcard.pytest_plugin", "-p", "no:cacheprovider",
                        "-q", str(tmp_path)], capture_output=True, text=True, timeout=120, env=os.environ.copy(),
                       cwd=tmp_path)
    out = p.stdout + p.stderr
    assert p.returncode == 1, out
    assert "1 failed, 1 passed" in out
    assert "softcard trace (card)" in out
    assert "SELECT" in out and "VERIFY" in out and "data redacted" in out


def test_profile_override_fixture(tmp_path):
    (tmp_path / "test_iso.py").write_text(textwrap.dedent("""
        import pytest

        @pytest.fixture
        def softcard_profile():
            return "iso"

        def test_iso(card):
            assert card.applet == "iso"
    """))
    p = subprocess.run([sys.executable, "-m", "pytest", "-p", "softcard.pytest_plugin", "-p", "no:cacheprovider",
                        "-q", str(tmp_path)], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert p.returncode == 0, p.stdout + p.stderr
