"""The project's own validation error: every bad input ends here, in Vietnamese and English."""

from __future__ import annotations


class PlannerError(ValueError):
    """A user-facing error about bad input.

    Carries the message in both languages; ``where`` names the file, field, row or URL key so a user
    can find and fix the input.  Callers show ``message(lang)``; nothing else ever reaches a user.
    """

    def __init__(self, vi: str, en: str, where: str = "") -> None:
        self.vi = vi
        self.en = en
        self.where = where
        super().__init__(self.message("en"))

    def message(self, lang: str = "vi") -> str:
        text = self.vi if lang == "vi" else self.en
        return f"{self.where}: {text}" if self.where else text
