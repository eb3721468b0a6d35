"""The committed SDL is the schema the code builds."""

from schema.export import SDL_PATH, sdl


def test_committed_sdl_matches_the_code() -> None:
    assert SDL_PATH.read_text() == sdl(), (
        "schema/schema.graphql is stale: run `python -m schema.export > schema/schema.graphql`"
    )


def test_contract_names_are_present() -> None:
    text = SDL_PATH.read_text()
    for name in ("codeSystems: [CodeSystem!]!", "enum CodeLevel", "type RelatedCode",
                 "targets: [Code!]!", "type CodeConnection", "type Quota",
                 "register(email: String!): RegisteredKey!"):
        assert name in text, name
