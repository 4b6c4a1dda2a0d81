"""The JSON API root: /api/v1/ (OpenAPI at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Palermo API", version="1", urls_namespace="api-v1")
