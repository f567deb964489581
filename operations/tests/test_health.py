import pytest

from agents.models import AgentConfig

pytestmark = pytest.mark.django_db


def test_readiness_is_ok_when_database_broker_and_model_file_are_reachable(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = {"database": "ok", "broker": "ok", "model_file": "ok"}
    assert response.json() == {"ready": True, "checks": checks, "missing_model_files": []}


def test_readiness_fails_naming_the_broker_when_redis_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"].startswith("failed: ")
    assert "127.0.0.1" not in checks["broker"]
    assert checks["database"] == checks["model_file"] == "ok"


def test_readiness_fails_naming_a_missing_model_file(client, settings, tmp_path):
    settings.PARLEY_MODEL_PATH = str(tmp_path / "gone.gguf")
    response = client.get("/readyz")
    assert response.status_code == 503
    missing = tmp_path / "gone.gguf"
    assert response.json()["checks"]["model_file"] == (
        f"failed: The model file {missing} does not exist on this machine."
    )


def test_liveness_answers_without_looking_at_anything_else(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert client.get("/healthz").content == b"ok"


@pytest.fixture
def paths_that_tell(business, settings, tmp_path):
    """A business's agent names a model file missing here, and the server's own model is missing too."""
    settings.PARLEY_MODEL_DIR = str(tmp_path)
    settings.PARLEY_MODEL_PATH = str(tmp_path / "server-model.gguf")
    AgentConfig.objects.filter(business=business).update(model_path="acme-private-llama.gguf")
    return ["acme-private-llama.gguf", str(tmp_path)]


def test_an_outside_client_through_the_proxy_learns_which_checks_fail_but_no_path(client, settings, paths_that_tell):
    settings.PARLEY_TRUSTED_PROXIES = 1
    settings.PARLEY_METRICS_TOKEN = "scrape-me-3391"
    for forwarded_for, authorization in (("203.0.113.9", ""), ("203.0.113.9", "Bearer wrong"), ("", "")):
        response = client.get(
            "/readyz", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded_for, HTTP_AUTHORIZATION=authorization
        )
        assert response.status_code == 503
        assert response.json() == {"ready": False, "checks": {"database": "ok", "broker": "ok", "model_file": "failed"}}
        assert not any(path in response.content.decode() for path in paths_that_tell)


def test_this_machine_and_the_metrics_token_holder_see_the_missing_paths(client, settings, paths_that_tell):
    settings.PARLEY_TRUSTED_PROXIES = 1
    settings.PARLEY_METRICS_TOKEN = "scrape-me-3391"
    local = client.get("/readyz", REMOTE_ADDR="127.0.0.1")
    scraper = client.get("/readyz", REMOTE_ADDR="10.0.0.2", HTTP_AUTHORIZATION="Bearer scrape-me-3391")
    for response in (local, scraper):
        assert response.status_code == 503
        assert response.json()["missing_model_files"] == ["acme-private-llama.gguf"]
        assert "server-model.gguf" in response.json()["checks"]["model_file"]
