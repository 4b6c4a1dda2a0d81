"""The API contract a partner's generated client is built on: stable operation ids, every
success answer typed, enumerations in step with the codes files, one error shape."""

from pathlib import Path

import pytest

from palermo.nrm import codes, workflow

SNAPSHOT = Path(__file__).with_name("operation_ids.txt")
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec():
    from palermo.api.api import api

    return api.get_openapi_schema(path_prefix="/api/v1")


def operations(spec):
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if method in METHODS:
                yield method.upper(), path, op


def snapshot() -> dict[str, str]:
    out = {}
    for line in SNAPSHOT.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            op_id, method, path = line.split()
            out[op_id] = f"{method} {path}"
    return out


def test_operation_ids_are_the_published_ones(spec):
    """An operation id is a method name in every generated client: it never changes or goes.
    A new operation is added to tests/api/operation_ids.txt on purpose."""
    current = {op["operationId"]: f"{m} {p}" for m, p, op in operations(spec)}
    published = snapshot()
    gone = {i: published[i] for i in published if i not in current}
    moved = {i: (published[i], current[i]) for i in published if i in current and current[i] != published[i]}
    new = {i: current[i] for i in current if i not in published}
    assert not gone, f"operation ids removed or renamed: {gone}"
    assert not moved, f"operation ids now name another operation: {moved}"
    assert not new, f"add these to {SNAPSHOT.name} (and palermo/api/operation_ids.py): {new}"


def test_operation_ids_are_camel_case_and_every_operation_has_a_tag(spec):
    for _m, _p, op in operations(spec):
        assert op["operationId"][0].islower() and "_" not in op["operationId"], op["operationId"]
        assert op.get("tags"), op["operationId"]


def _resolve(spec, node):
    while "$ref" in node:
        node = spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def untyped(spec, node, where, seen=None) -> list[str]:
    """Every place under ``node`` that is an object with no declared properties and untyped
    values (``additionalProperties`` true or absent), or an array whose items are not declared."""
    seen = set() if seen is None else seen
    if "$ref" in node:
        name = node["$ref"]
        if name in seen:
            return []
        seen.add(name)
        return untyped(spec, _resolve(spec, node), f"{where}→{name.rsplit('/', 1)[1]}", seen)
    out = []
    for key in ("anyOf", "oneOf", "allOf"):
        for i, sub in enumerate(node.get(key, [])):
            out += untyped(spec, sub, f"{where}[{key}{i}]", seen)
    kind = node.get("type")
    if kind == "object" or "properties" in node or "additionalProperties" in node:
        props = node.get("properties", {})
        extra = node.get("additionalProperties", True if not props else False)
        if not props and extra in (True, {}):
            out.append(where)
        for name, sub in props.items():
            out += untyped(spec, sub, f"{where}.{name}", seen)
        if isinstance(extra, dict) and extra:
            out += untyped(spec, extra, f"{where}.*", seen)
    if kind == "array":
        items = node.get("items")
        if not items:
            out.append(f"{where}[]")
        else:
            out += untyped(spec, items, f"{where}[]", seen)
    if not node and where:
        out.append(where)  # {}: anything at all
    return out


def test_every_success_answer_is_typed(spec):
    """A generated client gets fields (``items[0].id``), and schemathesis can check content,
    only where the schema declares them: no 2xx answer may be an untyped object."""
    problems = []
    for _method, _path, op in operations(spec):
        for status, response in op["responses"].items():
            if not str(status).startswith("2"):
                continue
            for media, body in response.get("content", {}).items():
                if media == "application/json":
                    problems += untyped(spec, body["schema"], f"{op['operationId']} {status}")
    assert not problems, "untyped answers:\n" + "\n".join(problems)


def test_every_error_answer_is_the_one_error_shape(spec):
    for _m, _p, op in operations(spec):
        for status, response in op["responses"].items():
            if str(status).startswith("4"):
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/Error", (op["operationId"], status)


def _enum(spec, schema_name, prop):
    node = _resolve(spec, spec["components"]["schemas"][schema_name]["properties"][prop])
    if node.get("type") == "array":
        node = _resolve(spec, node["items"])
    return set(node["enum"])


def test_enumerations_are_the_codes_files(spec):
    assert _enum(spec, "CaseSummary", "status") == {k for k, _ in workflow.STATUS_CHOICES}
    assert _enum(spec, "DecisionWithIdentity", "reason_codes") == (
        set(codes.codes("decision_reasons")) | set(codes.codes("reconsideration_reasons")))
    assert _enum(spec, "CaseSummary", "exploitation_types") == set(codes.codes("exploitation_types"))
    assert _enum(spec, "DecisionWithIdentity", "kind") == {"reasonable_grounds", "conclusive_grounds", "reconsideration"}


def test_the_two_views_of_a_case_are_different_schemas(spec):
    """A client sees from the contract what a role receives: the pseudonymous view has no
    identity and no free text (always null), the identity view has them."""
    op = spec["paths"]["/api/v1/cases/{case_id}"]["get"]
    body = op["responses"][200]["content"]["application/json"]["schema"]
    assert body["discriminator"]["propertyName"] == "view"
    assert {r["$ref"].rsplit("/", 1)[1] for r in body["oneOf"]} == {"CasePseudonymous", "CaseWithIdentity"}
    schemas = spec["components"]["schemas"]
    assert schemas["PersonPseudonymous"]["properties"]["identity"]["type"] == "null"
    assert schemas["DecisionPseudonymous"]["properties"]["reason_text"]["type"] == "null"
    assert "$ref" in str(schemas["PersonWithIdentity"]["properties"]["identity"])
    assert "ETag" in op["responses"][200]["headers"]


def test_writes_that_create_or_decide_take_an_idempotency_key(spec):
    for _m, _p, op in operations(spec):
        names = {prm["name"] for prm in op.get("parameters", [])}
        if op["operationId"] in {"createReferral", "recordDecision", "reviewDecision", "withdrawCase"}:
            assert "Idempotency-Key" in names, op["operationId"]
        if op["operationId"] in {"recordDecision", "reviewDecision", "withdrawCase", "recordCaseElements"}:
            assert "If-Match" in names and 412 in op["responses"], op["operationId"]


def test_every_request_body_is_the_shape_its_operation_reads(spec):
    """Component names are global in a schema: two input classes with one name would make an
    operation document the other's body (the possible-match decision once replaced the NRM
    decision's). Each body's component has exactly the fields the view reads."""
    from palermo.api.api import api
    from palermo.api.operation_ids import operation_id_for

    by_id = {op["operationId"]: op for _m, _p, op in operations(spec)}
    checked = 0
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for op in path_view.operations:
                for params in op.models:
                    if getattr(params, "__ninja_param_source__", None) != "body":
                        continue
                    (field,) = params.model_fields.values()
                    model = field.annotation
                    documented = by_id[operation_id_for(op.view_func)]["requestBody"]["content"]["application/json"]
                    component = _resolve(spec, documented["schema"])
                    expected = {f.alias or name for name, f in model.model_fields.items()}
                    assert set(component["properties"]) == expected, (operation_id_for(op.view_func), model)
                    checked += 1
    assert checked >= 20


def test_the_schema_is_built_once_and_each_caller_gets_its_own_copy():
    """The schema is kept after the first build (it takes seconds); a caller that changes its copy
    changes nobody else's, and the served document is the same schema."""
    from django.test import Client

    from palermo.api.api import api

    spec = api.get_openapi_schema(path_prefix="/api/v1")
    spec["paths"].clear()
    again = api.get_openapi_schema(path_prefix="/api/v1")
    assert again["paths"] and again is not spec
    served = Client().get("/api/v1/openapi.json").json()
    assert sorted(served["paths"]) == sorted(again["paths"])
