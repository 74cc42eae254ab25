"""deploy/compose.yaml, read as a compose engine would: what runs, what is exposed, what is required."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[2]


def _compose() -> dict[str, Any]:
    data = yaml.safe_load((ROOT / "deploy" / "compose.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_only_the_tls_proxy_publishes_a_port_and_manara_sits_between_two_networks() -> None:
    services = _compose()["services"]
    assert set(services) == {"db", "manara", "proxy"}
    assert [s for s, spec in services.items() if spec.get("ports")] == ["proxy"]
    assert services["proxy"]["ports"] == ["${MANARA_HTTPS_PORT:-8443}:8443"]
    assert services["db"]["networks"] == ["backend"] and services["proxy"]["networks"] == ["front"]
    assert sorted(services["manara"]["networks"]) == ["backend", "front"]


def test_secrets_are_required_and_production_settings_are_set() -> None:
    services = _compose()["services"]
    env = services["manara"]["environment"]
    assert env["MANARA_ENV"] == "prod"
    assert env["MANARA_SECRET_KEY"].startswith("${MANARA_SECRET_KEY:?")  # no default secret: compose refuses
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${MANARA_DB_PASSWORD:?")
    assert env["MANARA_DATABASE_URL"].startswith("postgresql+psycopg://manara:${MANARA_DB_PASSWORD}@db:5432/")
    assert "MANARA_TRUSTED_PROXIES" in env


def test_every_image_is_built_here_from_the_same_base_argument() -> None:
    services = _compose()["services"]
    for name, spec in services.items():
        build = spec["build"]
        assert build["context"] == ".." and (ROOT / build["dockerfile"]).is_file(), name
        assert build["args"]["BASE"] == "${MANARA_BASE_IMAGE:-local/debian:bookworm}", name
        containerfile = (ROOT / build["dockerfile"]).read_text()
        assert "ARG BASE=local/debian:bookworm" in containerfile and "FROM ${BASE}" in containerfile, name
    manara = (ROOT / "Containerfile").read_text()
    assert "scripts/install.sh /opt/manara runtime package" in manara  # the install steps of make
    assert "USER manara" in manara and "HEALTHCHECK" in manara and "/ready" in manara
    assert "VOLUME /var/lib/manara/data" in manara
