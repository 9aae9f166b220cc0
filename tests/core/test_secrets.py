"""Secrets a newcomer never makes by hand: generated once into instance/, private, and read back on every start."""

import stat

from cryptography.fernet import Fernet

from portal.core.secrets import keyring_file, load_secrets


def test_missing_secrets_are_generated_once_privately_and_read_back(tmp_path):
    first = {"INSTANCE_PATH": tmp_path / "instance"}
    load_secrets(first)
    for name in ("secret_key", "receipt_key", "encryption_keys"):
        assert stat.S_IMODE((tmp_path / "instance" / name).stat().st_mode) == 0o600
    Fernet(first["ENCRYPTION_KEYS"])  # a usable key
    assert first["SECRET_KEY"] != first["RECEIPT_KEY"]

    second = {"INSTANCE_PATH": tmp_path / "instance"}
    load_secrets(second)  # the next start (or a second worker) reads what the first wrote
    assert {key: second[key] for key in ("SECRET_KEY", "RECEIPT_KEY", "ENCRYPTION_KEYS")} == {
        key: first[key] for key in ("SECRET_KEY", "RECEIPT_KEY", "ENCRYPTION_KEYS")
    }


def test_secrets_from_the_environment_are_kept_and_nothing_is_written(tmp_path):
    config = {"INSTANCE_PATH": tmp_path, "SECRET_KEY": "s", "RECEIPT_KEY": "r", "ENCRYPTION_KEYS": "k"}
    load_secrets(config)
    assert (config["SECRET_KEY"], config["RECEIPT_KEY"], config["ENCRYPTION_KEYS"]) == ("s", "r", "k")
    assert list(tmp_path.iterdir()) == []


def test_a_key_ring_file_of_several_lines_becomes_a_comma_separated_ring(tmp_path):
    config = {"INSTANCE_PATH": tmp_path}
    newest, older = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    keyring_file(config).write_text(f"{newest}\n{older}\n")
    load_secrets(config)
    assert config["ENCRYPTION_KEYS"] == f"{newest},{older}"
