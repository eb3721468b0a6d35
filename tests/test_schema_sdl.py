"""The committed SDL is the schema the code builds, and it documents itself."""

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    build_schema,
)

from schema.export import SDL_PATH, sdl

SPECIFIED_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def test_committed_sdl_matches_the_code() -> None:
    assert SDL_PATH.read_text() == sdl(), (
        "schema/schema.graphql is stale: run `python -m schema.export > schema/schema.graphql`"
    )


def test_contract_names_are_present() -> None:
    text = SDL_PATH.read_text()
    for name in ("codeSystems: [CodeSystem!]!", "enum CodeLevel", "type RelatedCode",
                 "targets: [Code!]!", "type CodeConnection", "type Quota"):
        assert name in text, name
    register = build_schema(text).mutation_type.fields["register"]  # type: ignore[union-attr]
    assert str(register.type) == "RegisteredKey!"
    assert {name: str(arg.type) for name, arg in register.args.items()} == {"email": "String!"}


def undocumented() -> list[str]:
    """Every type, field, argument and enum value of the SDL without a description."""
    schema = build_schema(SDL_PATH.read_text())
    missing: list[str] = []
    for name, kind in schema.type_map.items():
        if name.startswith("__") or name in SPECIFIED_SCALARS:
            continue
        if not kind.description:
            missing.append(name)
        if isinstance(kind, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in kind.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for arg_name, arg in getattr(field, "args", {}).items():
                    if not arg.description:
                        missing.append(f"{name}.{field_name}({arg_name})")
        if isinstance(kind, GraphQLEnumType):
            missing += [f"{name}.{v}" for v, value in kind.values.items() if not value.description]
    return missing


# Search's types and arguments are being rewritten with the search engine; their descriptions
# land with that work. Everything else must be documented (GraphiQL's Docs pane shows these).


def test_every_type_field_and_argument_is_documented() -> None:
    missing = undocumented()
    assert not missing, f"add a description to: {', '.join(missing)}"
