"""Print the SDL: ``python -m schema.export > schema/schema.graphql`` (a test checks drift)."""

from __future__ import annotations

from pathlib import Path

from schema import build_schema

SDL_PATH = Path(__file__).with_name("schema.graphql")


def sdl() -> str:
    return str(build_schema()).rstrip("\n") + "\n"


if __name__ == "__main__":
    print(sdl(), end="")
