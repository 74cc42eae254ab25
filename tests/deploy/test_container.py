"""The container stack of deploy/compose.yaml, built and run with podman: Manara, PostgreSQL and the TLS proxy.

Slow (a base image from debootstrap, three image builds, PostgreSQL's first start, migrations): run by
`make container-test`, never by `make test`. Images are kept between runs (the build cache makes a rerun
quick); containers, volumes and networks of the run are removed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[2]
COMPOSE = ROOT / "deploy" / "compose.yaml"
HOST_CA = Path("/etc/ssl/certs/ca-certificates.crt")
IMAGES = {  # image of deploy/compose.yaml -> its Containerfile
    "localhost/manara:0.2.0": "Containerfile",
    "localhost/manara-postgres:15": "deploy/postgres/Containerfile",
    "localhost/manara-proxy:2.6": "deploy/proxy/Containerfile",
}
# podman's defaults need systemd cgroups, crun and a raisable RLIMIT_NOFILE; these work in sandboxes and on hosts.
FALLBACK_CONF = """[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
"""

pytestmark = [
    pytest.mark.serial,
    pytest.mark.skipif(
        os.environ.get("MANARA_CONTAINER_TEST") != "1",
        reason="builds and runs the container stack (minutes): run it with `make container-test`",
    ),
    pytest.mark.skipif(
        not (shutil.which("podman") and shutil.which("podman-compose") and shutil.which("debootstrap")),
        reason="podman, podman-compose or debootstrap is not installed "
        "(apt-get install podman runc debootstrap podman-compose)",
    ),
]


def _run(args: list[str], env: dict[str, str], timeout: float = 1800, check: bool = True) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if check and done.returncode != 0:
        raise AssertionError(
            f"{' '.join(args[:4])} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def podman_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    env = dict(os.environ)
    if "CONTAINERS_CONF" not in env:
        conf = tmp_path_factory.mktemp("podman") / "containers.conf"
        conf.write_text(FALLBACK_CONF)
        env["CONTAINERS_CONF"] = str(conf)
    return env


@pytest.fixture(scope="module")
def stack(podman_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Build the base image and the three images, start the stack; yield its settings; take it down."""
    env = podman_env
    _run(["scripts/container-base.sh"], env)
    started = time.monotonic()
    for image, containerfile in IMAGES.items():
        build = ["podman", "build", "--format", "docker", "--force-rm", "--network", "host", "-t", image]
        build += ["-f", containerfile]
        if HOST_CA.exists():  # a TLS-inspecting proxy's CA is in the host's bundle: pip in the build needs it
            build += ["--volume", f"{HOST_CA}:/run/host-ca.crt:ro", "--build-arg", "PIP_CERT=/run/host-ca.crt"]
        _run([*build, "."], env)
    project = f"manaratest{secrets.token_hex(3)}"
    settings = {
        "MANARA_SECRET_KEY": secrets.token_hex(32),
        "MANARA_DB_PASSWORD": secrets.token_hex(24),
        "MANARA_HTTPS_PORT": str(_free_port()),
        "MANARA_WORKERS": "1",
        "PROJECT": project,
        "BUILD_SECONDS": f"{time.monotonic() - started:.0f}",
    }
    env = {**env, **settings}
    compose = ["podman-compose", "-p", project, "-f", str(COMPOSE)]
    try:
        _run([*compose, "up", "-d"], env, timeout=600)
        yield {**settings, "env": json.dumps(env)}
    finally:
        _run([*compose, "down", "-v"], env, timeout=300, check=False)
        for volume in ("pgdata", "data", "caddy", "backups"):
            _run(["podman", "volume", "rm", "-f", f"{project}_{volume}"], env, check=False)
        for network in ("backend", "front"):
            _run(["podman", "network", "rm", "-f", f"{project}_{network}"], env, check=False)


def _container(stack: dict[str, str], service: str) -> str:
    return f"{stack['PROJECT']}_{service}_1"


def test_the_stack_answers_ready_through_the_tls_proxy(stack: dict[str, str]) -> None:
    env = json.loads(stack["env"])
    proxy, manara = _container(stack, "proxy"), _container(stack, "manara")
    url = f"https://localhost:{stack['MANARA_HTTPS_PORT']}/ready"
    deadline, last = time.monotonic() + 600, ""
    response = None
    context: ssl.SSLContext | None = None
    started = time.monotonic()
    while time.monotonic() < deadline:
        if context is None:  # the proxy's own CA, made at its first start
            root = subprocess.run(
                ["podman", "exec", proxy, "cat", "/data/caddy/pki/authorities/local/root.crt"],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if root.returncode == 0 and "BEGIN CERTIFICATE" in root.stdout:
                context = ssl.create_default_context(cadata=root.stdout)
        if context is not None:
            try:
                response = httpx.get(url, verify=context, timeout=10)
                if response.status_code == 200:
                    break
                last = f"{response.status_code} {response.text[:200]}"
            except httpx.HTTPError as exc:
                last = repr(exc)
        time.sleep(3)
    logs = _run(["podman", "logs", "--tail", "40", manara], env, check=False)
    assert response is not None and response.status_code == 200, f"last answer: {last}\n{logs}"
    ready_seconds = time.monotonic() - started
    assert response.json()["status"] == "ready"
    assert response.headers["strict-transport-security"].startswith("max-age=")

    # The certificate is checked: a client that trusts only the public CAs refuses it.
    with pytest.raises(httpx.ConnectError):
        httpx.get(url, timeout=10)

    # Manara runs as its own unprivileged user, and its image's health check passes.
    assert _run(["podman", "exec", manara, "id", "-u"], env).strip() == "10001"
    assert _run(["podman", "exec", _container(stack, "db"), "id", "-un"], env).strip() == "postgres"
    assert subprocess.run(["podman", "healthcheck", "run", manara], env=env, check=False).returncode == 0
    assert "0.2.0" in _run(["podman", "exec", manara, "manara", "--version"], env)

    # A backup from inside the running stack: pg_dump of PostgreSQL, plus the data volume.
    made = _run(["podman", "exec", manara, "manara", "backup", "/backups/first"], env)
    assert "backup written to /backups/first: postgresql database" in made
    manifest = json.loads(_run(["podman", "exec", manara, "cat", "/backups/first/manifest.json"], env))
    assert manifest["database"] == "postgresql" and manifest["counts"]["alembic_version"] == 1
    print(  # recorded in docs/deployment.md
        f"\nimages built in {stack['BUILD_SECONDS']} s; /ready through the proxy after {ready_seconds:.0f} s; "
        f"{len(manifest['counts'])} tables backed up"
    )
