"""What console forms share: validation with the API's own models, lists of country codes typed by hand."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from manara.errors import ValidationFailed

M = TypeVar("M", bound=BaseModel)


def parse_form(model: type[M], data: dict[str, Any]) -> M:
    """Validate a form with the API's own model; a bad form is a 422 page naming the fields."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        fields = [{"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
        raise ValidationFailed("invalid form", fields) from exc


def split_codes(value: str) -> list[str]:
    """Country codes typed as ``MA, FR; EG``: upper-cased, in order, blanks dropped."""
    return [v.strip().upper() for v in value.replace(";", ",").split(",") if v.strip()]
