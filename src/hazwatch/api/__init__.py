"""FastAPI application assembly: routers of every domain, error mapping, health checks."""
