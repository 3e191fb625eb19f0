def test_health_reports_database_and_redis(db, api):
    response = api().get("health")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["status"] == "ok"


def test_unknown_api_path_is_json_404(db, api):
    response = api().get("no-such-thing")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}


def test_openapi_schema_is_served(db, api):
    response = api().get("openapi.json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "HDMS API"
