"""Secrets for several app nodes: from the configuration, or created once in a shared folder."""

from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from lms.config import ConfigurationError, build_config, read_or_create_secret


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    with pytest.raises(ConfigurationError, match="ATLAS_SECRET_KEY"):
        build_config(tmp_path, env={"ATLAS_ENVIRONMENT": "production"})
    with pytest.raises(ConfigurationError):
        build_config(tmp_path, env={"ATLAS_ENVIRONMENT": "production",
                                    "ATLAS_SECRET_KEY": "short"})
    assert not (tmp_path / "secret_key").exists()  # nothing generated behind the admin's back


def test_production_takes_the_configured_key(tmp_path):
    key = "k" * 48
    config = build_config(tmp_path, env={"ATLAS_ENVIRONMENT": "production",
                                         "ATLAS_SECRET_KEY": key})
    assert config["SECRET_KEY"] == key
    assert config["ATLAS_ENVIRONMENT"] == "production"


def test_development_generates_the_key_into_the_shared_folder(tmp_path):
    shared = tmp_path / "shared"
    one = build_config(tmp_path / "node-a", env={"ATLAS_SHARED_DIR": str(shared)})
    two = build_config(tmp_path / "node-b", env={"ATLAS_SHARED_DIR": str(shared)})
    assert one["SECRET_KEY"] == two["SECRET_KEY"]
    assert (shared / "secret_key").read_text() == one["SECRET_KEY"]
    assert (shared / "secret_key").stat().st_mode & 0o777 == 0o600
    assert one["ATLAS_SHARED_DIR"] == str(shared)


def _secret(folder: str) -> str:
    return read_or_create_secret(Path(folder), "secret_key")


def test_processes_starting_together_share_one_secret(tmp_path):
    with ProcessPoolExecutor(max_workers=6) as pool:
        secrets = set(pool.map(_secret, [str(tmp_path)] * 24))
    assert len(secrets) == 1
    assert secrets == {(tmp_path / "secret_key").read_text()}
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # no temporary left over
