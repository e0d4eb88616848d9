"""How a newsdigest setting is declared and read: each concept's frozen dataclass of settings
(related_settings.Settings, feed_settings.Settings, …) declares its fields with `setting(NAME, default)`, so
the default lives there and nowhere else. `read` builds one from a settings mapping (Pelican's),
converting each value to the field's type and naming the setting when a value does not fit;
`values` gives every setting back by name, defaults included, for the templates.

Plain functions, no Pelican. Supported field types: bool, int, float, str, `X | None`,
`tuple[str, ...]` (a list in the settings file) and `dict[str, str]`.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping

_SHOWN_VALUE = 60  # characters of a wrong value shown in an error


class SettingsError(ValueError):
    """Settings that do not fit their types; `problems` holds one line for each."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


class SettingsFileError(Exception):
    """A settings file that is not there or does not run: one line, naming it."""


def setting(name: str, default, *, choices: tuple = (), minimum: float | None = None):
    """A dataclass field read from the setting `name` (a mutable default is copied for each instance)."""
    metadata = {"setting": name, "choices": tuple(choices), "minimum": minimum}
    if isinstance(default, dict):
        return dataclasses.field(default_factory=lambda: dict(default), metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_VALUE else text[: _SHOWN_VALUE - 1] + "…"


def _description(hint) -> str:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " or ".join("None" if arg is type(None) else _description(arg) for arg in args)
    if typing.get_origin(hint) is tuple:
        return "a list of strings"
    if typing.get_origin(hint) is dict:
        return "a dict of strings to strings"
    return {bool: "True or False", int: "a whole number", float: "a number", str: "a string"}[hint]


def _convert(value, hint):
    """`value` as type `hint`; raises TypeError when it is not one."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        return _convert(value, next(arg for arg in args if arg is not type(None)))
    if origin is tuple and isinstance(value, (list, tuple)) and all(isinstance(item, str) for item in value):
        return tuple(value)
    if (
        origin is dict
        and isinstance(value, Mapping)
        and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
    ):
        return dict(value)
    if hint is bool and isinstance(value, bool):
        return value
    if hint in (int, float) and isinstance(value, (int, float)) and not isinstance(value, bool):
        if hint is float:
            return float(value)
        if isinstance(value, int):
            return value
    if hint is str and isinstance(value, str):
        return value
    raise TypeError


def _problem(name: str, value, field: dataclasses.Field) -> str | None:
    """What is wrong with a converted value beyond its type, or None."""
    choices, minimum = field.metadata["choices"], field.metadata["minimum"]
    listed = ", ".join(map(repr, choices))
    if choices and isinstance(value, tuple):
        wrong = [item for item in value if item not in choices]
        if wrong:
            return f"{name}: {_shown(wrong[0])} is not one of {listed}"
    elif choices and value not in choices:
        return f"{name} must be one of {listed}, not {_shown(value)}"
    if minimum is not None and value is not None and value < minimum:
        return f"{name} must be at least {minimum}, not {_shown(value)}"
    return None


def read(cls, mapping: Mapping, **given):
    """An instance of the settings dataclass `cls` from `mapping`: each declared setting it
    has, converted, else the default; `given` sets the fields that are no setting of ours.
    Raises SettingsError naming every setting whose value does not fit."""
    hints = typing.get_type_hints(cls)
    values, problems = dict(given), []
    for field in dataclasses.fields(cls):
        name = field.metadata.get("setting")
        if name is None or name not in mapping:
            continue
        try:
            value = _convert(mapping[name], hints[field.name])
        except TypeError:
            problems.append(f"{name} must be {_description(hints[field.name])}, not {_shown(mapping[name])}")
            continue
        problem = _problem(name, value, field)
        if problem:
            problems.append(problem)
        else:
            values[field.name] = value
    if problems:
        raise SettingsError(problems)
    return cls(**values)


class SettingsGroup:
    """Base of a concept's frozen dataclass of settings: `from_settings` reads it with `read`."""

    @classmethod
    def from_settings(cls, mapping: Mapping):
        return read(cls, mapping)


def values(instance) -> dict:
    """Every setting of `instance` by name, as a settings file would give it (lists, not tuples)."""
    return {
        field.metadata["setting"]: list(value)
        if isinstance(value, tuple)
        else dict(value)
        if isinstance(value, dict)
        else value
        for field in dataclasses.fields(instance)
        if "setting" in field.metadata
        for value in [getattr(instance, field.name)]
    }
