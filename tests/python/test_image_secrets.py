"""Secrets at rest (docs/card-image.md): file modes, image keys through Python and the CLI,
read-only inspection, and a full medium answering 6581."""
import os
import shutil
import stat
import subprocess
import sys
import textwrap

import pytest

import softcard
from softcard import Card
from softcard.gids import Gids

KEY = bytes(range(32))
SOFTCARD_BIN = os.environ.get("SOFTCARD_BIN")


def _mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


def _can_unshare():
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


def test_image_files_are_0600_whatever_the_umask(tmp_path):
    old = os.umask(0)
    try:
        path = tmp_path / "c.img"
        with Card.create(path, "gids") as c:
            c.verify("000000")
            files = [p for p in (str(path), f"{path}-wal", f"{path}-shm") if os.path.exists(p)]
            assert len(files) >= 2
            for p in files:
                assert _mode(p) == 0o600, p
    finally:
        os.umask(old)


def test_encrypted_image_needs_its_key(tmp_path):
    path = tmp_path / "c.img"
    with Card.create(path, "gids", key=KEY) as c:
        assert Gids(c).select().ok
        assert c.verify("000000").sw == 0x63C2
    with pytest.raises(softcard.ImageError, match="encrypted") as missing:
        Card.open(path)
    assert str(path) in str(missing.value)
    with pytest.raises(softcard.ImageError, match="wrong key"):
        Card.open(path, key=bytes(32))
    with Card.open(path, key=KEY) as again:
        assert again.inspect.pin(0x80).tries_left == 2
        assert Gids(again).select().ok
        assert again.verify("123456").ok
    with pytest.raises(softcard.ImageError, match="32 bytes"):
        Card.create(tmp_path / "short.img", "gids", key=b"short")
    assert not (tmp_path / "short.img").exists()


def test_plain_image_holds_no_pin(tmp_path):
    path = tmp_path / "c.img"
    Card.create(path, "gids").close()
    assert b"123456" not in path.read_bytes()


def _cli(*args, **kw):
    return subprocess.run([SOFTCARD_BIN, *args], capture_output=True, text=True, **kw)


@pytest.mark.skipif(not SOFTCARD_BIN, reason="SOFTCARD_BIN not set (softcard CLI not built)")
def test_cli_key_file_and_key_fd(tmp_path):
    key_file = tmp_path / "card.key"
    key_file.write_text(KEY.hex() + "\n")
    image = tmp_path / "c.img"
    r = _cli("init", "--profile", "gids", "--key-file", str(key_file), str(image))
    assert r.returncode == 0, r.stderr
    assert "encrypted" in r.stdout
    r = _cli("inspect", str(image))
    assert r.returncode != 0
    assert str(image) in r.stderr and "encrypted" in r.stderr
    r = _cli("inspect", "--key-file", str(key_file), str(image))
    assert r.returncode == 0, r.stderr
    assert "encrypted under the image key" in r.stdout
    read_fd, write_fd = os.pipe()
    os.write(write_fd, KEY)
    os.close(write_fd)
    try:
        r = _cli("inspect", "--objects", "--key-fd", str(read_fd), str(image), pass_fds=(read_fd,))
    finally:
        os.close(read_fd)
    assert r.returncode == 0, r.stderr
    assert "gids/pin/80" in r.stdout and "secret" in r.stdout
    bad = tmp_path / "bad.key"
    bad.write_bytes(b"not a key")
    r = _cli("inspect", "--key-file", str(bad), str(image))
    assert r.returncode != 0 and str(bad) in r.stderr
    r = _cli("inspect", "--key-file", str(key_file), "--key-fd", "0", str(image))
    assert r.returncode != 0


@pytest.mark.skipif(not SOFTCARD_BIN, reason="SOFTCARD_BIN not set (softcard CLI not built)")
@pytest.mark.skipif(not _can_unshare(), reason="needs root and unshare -m (private mounts)")
def test_inspect_works_on_a_read_only_file_system(tmp_path):
    image = tmp_path / "c.img"
    assert _cli("init", "--profile", "gids", str(image)).returncode == 0
    mnt = tmp_path / "ro"
    mnt.mkdir()
    script = textwrap.dedent(f"""\
        set -e
        mount -t tmpfs -o size=4m tmpfs {mnt}
        cp {image} {mnt}/c.img
        mount -o remount,ro {mnt}
        if touch {mnt}/probe 2>/dev/null; then echo "not read-only"; exit 3; fi
        {SOFTCARD_BIN} inspect {mnt}/c.img
        ls {mnt}
    """)
    r = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "user PIN" in r.stdout
    assert "c.img-wal" not in r.stdout and "c.img-shm" not in r.stdout


@pytest.mark.skipif(not _can_unshare(), reason="needs root and unshare -m (private mounts)")
def test_full_medium_answers_6581_and_spends_no_try(tmp_path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    child = textwrap.dedent(f"""\
        import os, sys
        from softcard import Card
        from softcard.gids import Gids
        c = Card.create("{mnt}/c.img", "gids")
        assert Gids(c).select().ok
        # Fill the medium (unbuffered: nothing left to flush at close).
        fd = os.open("{mnt}/filler", os.O_WRONLY | os.O_CREAT)
        for chunk in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, bytes(chunk))
            except OSError:
                pass
        os.close(fd)
        out = []
        for _ in range(3):
            out.append(c.verify("123456").sw)
            out.append(c.verify("000000").sw)
        out.append(c.verify(None).sw)
        os.remove("{mnt}/filler")
        out.append(c.verify(None).sw)
        out.append(c.verify("123456").sw)
        print(" ".join(f"{{s:04X}}" for s in out))
    """)
    script = (f"mount -t tmpfs -o size=2m tmpfs {mnt} && "
              f"{sys.executable} -c '{child}'")
    r = subprocess.run(["unshare", "-m", "sh", "-c", script], capture_output=True, text=True,
                       env=os.environ)
    assert r.returncode == 0, r.stdout + r.stderr
    sws = r.stdout.split()
    # Every write refused: 6581, the PIN never verified, no try spent; then all as before.
    assert sws == ["6581"] * 6 + ["63C3", "63C3", "9000"], r.stdout + r.stderr
