import pytest

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
