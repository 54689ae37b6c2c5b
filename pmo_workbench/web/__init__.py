"""The respondent web app (Starlette): invitation links, the questionnaire, and a small admin area.

Start it with ``pmo-workbench serve``; :func:`create_app` builds the ASGI application.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
