"""REST API v1 under ``/api/v1``, authenticated by bearer tokens, with its OpenAPI document."""

from .views import bp

__all__ = ["bp"]
