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


def test_statistics_reports_rosters_and_ratings_document_their_query_parameters(live_hall):
    import httpx

    doc = httpx.get(live_hall.base_url + "/api/v1/openapi.json").json()

    def params(path: str) -> dict[str, dict]:
        return {p["name"]: p["schema"] for p in doc["paths"][path]["get"]["parameters"] if p["in"] == "query"}

    stats = params("/api/v1/stats")
    assert set(stats) == {"from", "to", "by", "hall"} and "hall" in stats["by"]["enum"]
    assert stats["from"]["format"] == "date" and stats["hall"]["pattern"]
    for path in ("/api/v1/reports/monthly.xlsx", "/api/v1/reports/monthly.pdf"):
        assert set(params(path)) == {"month", "hall"}
    for path in ("/api/v1/duty-roster", "/api/v1/ab-roster"):
        assert params(path)["month"]["pattern"] == params("/api/v1/reports/monthly.pdf")["month"]["pattern"]
    assert set(params("/api/v1/reports/daily.pdf")) == {"date"}
    assert params("/api/v1/ratings/figures")["by"]["enum"][0] == "window"
    assert set(params("/api/v1/ratings/export.jsonl")) == {"from", "to"}
    assert "overdue" in params("/api/v1/follow-ups")["state"]["enum"]
    assert params("/api/v1/rating-appeals")["state"]["enum"] == ["pending", "upheld", "rejected"]


def test_only_the_route_guard_reads_query_parameters():
    """Views read the declared, validated query (context.query()), never request.args themselves:
    what the document says is then what the server checks."""
    import ast
    from pathlib import Path

    api = Path(__file__).resolve().parents[2] / "hall_server" / "api"
    readers = set()
    for source in api.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "args":
                if isinstance(node.value, ast.Name) and node.value.id == "request":
                    readers.add(source.name)
    # guard.py validates them; context.py reads only ?lang= and the browser's ?token=.
    assert readers == {"guard.py", "context.py"}


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
