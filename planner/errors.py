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
        return f"{where_in(self.where, lang)}: {text}" if self.where else text


# A place named in both languages at once ("dòng/row 4, cột/column B", as the readers write it) is said in
# the one language of the message.
_WHERE_WORDS = (("dòng/rows ", "dòng ", "rows "), ("dòng/row ", "dòng ", "row "), ("cột/column ", "cột ", "column "))


def where_in(where: str, lang: str) -> str:
    """``where`` with its two-language words ("dòng/row 4") in ``lang`` only ("dòng 4" or "row 4")."""
    for both, vi, en in _WHERE_WORDS:
        where = where.replace(both, vi if lang == "vi" else en)
    return where
