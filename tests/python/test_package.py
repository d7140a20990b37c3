"""Packaging: stubs and py.typed ship, and pip installs the package without any download."""
import os
import shutil
import subprocess
import sys

import pytest

import softcard
from softcard import _core

PKG_SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python")


def test_stubs_and_marker_exist():
    pkg = os.path.join(PKG_SRC, "softcard")
    assert os.path.exists(os.path.join(pkg, "py.typed"))
    assert os.path.exists(os.path.join(pkg, "_core.pyi"))


def test_core_stub_names_match_the_module():
    stub = open(os.path.join(PKG_SRC, "softcard", "_core.pyi")).read()
    public = [n for n in dir(_core) if not n.startswith("_")]
    missing = [n for n in public if f"def {n}(" not in stub and f"class {n}" not in stub and f"{n}:" not in stub]
    assert missing == []


def test_pip_install_into_a_target_dir(tmp_path):
    pytest.importorskip("wheel", reason="python3-wheel is needed to build the wheel")
    build_dir = os.path.normpath(os.path.join(os.path.dirname(_core.__file__), "..", ".."))
    if not os.path.exists(os.path.join(build_dir, "CMakeCache.txt")):
        pytest.skip("softcard._core does not come from a CMake build tree")
    src = tmp_path / "src"
    shutil.copytree(PKG_SRC, src, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = tmp_path / "site"
    env = {**os.environ, "SOFTCARD_BUILD_DIR": build_dir, "SOFTCARD_USE_BUILT": "1"}
    p = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-index", "--no-deps",
                        "--target", str(target), str(src)], capture_output=True, text=True, env=env, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    p = subprocess.run([sys.executable, "-c", "import softcard, sys; c = softcard.Card.create(None, 'gids'); "
                        "print(softcard.__file__); from softcard import minidriver as md; "
                        "md.available() and md.Minidriver.no_card().close(); "
                        "sys.exit(0 if c.select('A000000397425446590201').ok else 1)"],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.startswith(str(target))
    assert (target / "softcard" / "py.typed").exists()
    assert list((target).glob("softcard-*.dist-info/entry_points.txt"))


def test_version():
    assert softcard.__version__
