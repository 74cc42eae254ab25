"""PDF rendering with WeasyPrint: the one way in for every report and certificate Manara prints."""

from __future__ import annotations

from typing import Any


def weasyprint_html() -> Any:
    """Return WeasyPrint's ``HTML`` class, imported on first use (a slow import), leaving Pillow as it was.

    Importing WeasyPrint sets Pillow's process-wide ``ImageFile.LOAD_TRUNCATED_IMAGES``: every later decode
    in the process would then accept a truncated file, padding it with grey, where biometric and media
    uploads must refuse it. Documents embed only images made here (QR codes, charts), so it is turned off again.
    """
    from PIL import ImageFile
    from weasyprint import HTML

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return HTML


_FONTS: list[Any] = []


def font_config() -> Any:
    """One WeasyPrint font configuration per process, reused by every document (fontconfig lookups)."""
    if not _FONTS:
        from weasyprint.text.fonts import FontConfiguration

        _FONTS.append(FontConfiguration())
    return _FONTS[0]
