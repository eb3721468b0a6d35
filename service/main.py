"""The ASGI app that ``medcode serve`` (uvicorn) imports: ``service.main:app``."""

from service.app import create_app

app = create_app()
