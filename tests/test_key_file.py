"""Key-file problems are one clear ConnectanaError naming the file (issue #15)."""

from __future__ import annotations

import builtins
import os

import pytest

from connectana.cli import main
from connectana.errors import ConnectanaError, InputError
from connectana.privacy import load_or_create_key, pseudonymize


def test_a_folder(tmp_path):
    with pytest.raises(InputError, match="it is a folder") as info:
        load_or_create_key(tmp_path)
    assert info.value.file == str(tmp_path)


def test_a_path_through_a_file(tmp_path):
    f = tmp_path / "plain.txt"
    f.write_text("x")
    with pytest.raises(InputError, match="not a folder"):
        load_or_create_key(f / "course.key")


def test_no_permission_to_read(tmp_path, monkeypatch):
    p = tmp_path / "course.key"
    load_or_create_key(p)
    real_open = builtins.open

    def deny(file, *args, **kwargs):  # as for another user's 0600 file (tests may run as root)
        if str(file) == str(p):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", deny)
    with pytest.raises(InputError, match="permission denied") as info:
        pseudonymize(__import__("pandas").DataFrame({"actor": ["a"]}), key_file=p)
    assert isinstance(info.value, ConnectanaError) and info.value.file == str(p)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_no_permission_chmod(tmp_path):
    p = tmp_path / "course.key"
    load_or_create_key(p)
    p.chmod(0)
    with pytest.raises(InputError, match="permission denied"):
        load_or_create_key(p)


def test_a_device_is_not_read_forever(tmp_path):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    with pytest.raises(InputError, match="not a connectana key file"):
        load_or_create_key("/dev/zero")


def test_cli_prints_one_line(tmp_path, capsys):
    status = main(["demo", "--out", str(tmp_path / "out"), "--key-file", str(tmp_path)])
    assert status == 2
    err = capsys.readouterr().err
    assert err.startswith("connectana: error: file ") and "it is a folder" in err
    assert "Traceback" not in err
