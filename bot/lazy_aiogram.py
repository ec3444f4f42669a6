"""Import aiogram with its Telegram types built when first used, not all at import.

`aiogram.types` ends by rebuilding each of its ~440 pydantic models with a namespace in which
their forward references resolve. That builds a validator and a serializer for every type
Telegram has — payments, stickers, gifts, business accounts — about 104 MB, a third of the
bot's memory budget, for the dozen types this bot meets (aiogram issue #1513). Here that loop
only collects the namespace; each aiogram model gets it as its `__pydantic_parent_namespace__`,
which pydantic reads when it builds a model on first use. The validators are built from the
same definitions and namespace, only later and only for the types that are used.

It leans on how aiogram and pydantic work inside (the one place in the project that does);
when they no longer work that way, aiogram is imported as usual and one warning says so.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

log = logging.getLogger(__name__)
NOT_APPLIED = "aiogram's Telegram types are all built at import (about 100 MB more memory): %s"
_namespace: dict[str, Any] = {}  # the names aiogram's types resolve their references in


def import_lazily() -> None:
    """Import aiogram so that its models are built on first use. Call it before anything
    imports aiogram; once aiogram is imported it changes nothing."""
    if "aiogram" in sys.modules:
        log.warning(NOT_APPLIED, "aiogram was imported before bot")
        return
    eager = BaseModel.__dict__.get("model_rebuild")
    if not isinstance(eager, classmethod):
        log.warning(NOT_APPLIED, "pydantic's BaseModel.model_rebuild is no longer a classmethod")
        return
    namespace = _namespace

    def collect(cls, *, _types_namespace=None, **kwargs: Any) -> bool | None:
        if _types_namespace is None or not _is_aiogram(cls):
            return eager.__func__(cls, _types_namespace=_types_namespace, **kwargs)
        namespace.update(_types_namespace)
        return None

    BaseModel.model_rebuild = classmethod(collect)  # type: ignore[method-assign, assignment]
    try:
        import aiogram  # noqa: F401  (the import this module exists for)
    finally:
        BaseModel.model_rebuild = eager  # type: ignore[method-assign]
    if not namespace:  # its models stay as aiogram made them
        log.warning(NOT_APPLIED, "aiogram no longer rebuilds its types with a namespace")
        return
    for model in _subclasses(BaseModel):
        # Complete ones too: generic responses (Response[list[Update]]) made later inherit it.
        if _is_aiogram(model) and not model.__dict__.get("__pydantic_parent_namespace__"):
            model.__pydantic_parent_namespace__ = namespace


def _is_aiogram(cls: type) -> bool:
    return cls.__module__.startswith("aiogram.")


def _subclasses(cls: type) -> Iterator[type]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def like_aiogram(model: type[BaseModel]) -> type[BaseModel]:
    """Class decorator for our own subclasses of aiogram's methods and types: they resolve
    aiogram's references in the same namespace, built on first use like aiogram's own."""
    if _namespace and not model.__pydantic_complete__:
        model.__pydantic_parent_namespace__ = _namespace
    return model
