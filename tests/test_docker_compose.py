import os
import shutil
import subprocess
from pathlib import Path

import yaml
from cryptography.fernet import Fernet

COMPOSE_FILE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def test_the_compose_file_is_valid():
    docker_compose = shutil.which("docker-compose")
    assert docker_compose, "docker-compose is missing: make test installs it (scripts/install-test-tools)"
    # The variables docker-compose.yml requires, as the README has the operator set them.
    required = {"PARLEY_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    result = subprocess.run(
        [docker_compose, "-f", str(COMPOSE_FILE), "config", "-q"], capture_output=True, text=True,
        env={**os.environ, **required},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_every_service_has_a_health_check_and_the_app_waits_for_healthy_backends():
    services = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    assert set(services) >= {"web", "worker", "postgres", "redis"}
    for name in ("web", "worker", "postgres", "redis"):
        assert "healthcheck" in services[name], name
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == depends["redis"]["condition"] == "service_healthy"
