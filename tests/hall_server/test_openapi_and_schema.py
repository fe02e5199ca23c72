"""The OpenAPI document matches the routes; migrations build exactly the models' schema."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hall_server.storage.database import Database
from hall_server.storage.schema import metadata


def test_every_api_route_is_documented_and_every_documented_path_exists(live_hall):
    import httpx

    doc = httpx.get(live_hall.base_url + "/api/v1/openapi.json").json()
    documented = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    app = live_hall._http.app
    routed = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api_v1.") and rule.rule.startswith("/api/v1/"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            routed |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routed == documented
    assert doc["paths"]["/api/v1/tickets"]["post"]["requestBody"]["content"]["application/json"]["schema"][
        "properties"
    ]["matter_id"]


def test_documented_request_schema_is_the_one_enforced(live_hall):
    import httpx

    doc = httpx.get(live_hall.base_url + "/api/v1/openapi.json").json()
    allowed = set(
        doc["paths"]["/api/v1/tickets"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]
    )
    r = live_hall.client("kiosk").post("/tickets", json={"matter_id": 1, "colour": "red"})
    assert r.status_code == 400 and all(name in r.json()["error"]["message"] for name in allowed)


def test_migrations_produce_the_schema_the_models_describe(database_url):
    db = Database(database_url)
    db.migrate()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    db.dispose()
    assert diff == []


def test_migrating_twice_changes_nothing_and_keeps_data(database_url):
    from hall_server.app_services import HallServer

    server = HallServer.open(database_url)
    hall_id = server.services.halls.all_ids()[0]
    token = server.tokens.create(hall_id, "kiosk")
    server.close()
    again = HallServer.open(database_url)
    assert again.tokens.authenticate(token) is not None
    again.close()
