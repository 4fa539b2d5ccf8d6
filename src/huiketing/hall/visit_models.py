"""visit models of the living rooms (imported by hall.models)."""

__all__: list[str] = []
