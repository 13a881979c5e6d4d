"""The HTTP API of API.md: FastAPI app factory, routes per resource, problem+json, authentication."""
