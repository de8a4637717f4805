"""The one exception a service raises when a rule refuses an action."""

from __future__ import annotations


class Refusal(Exception):
    """An action a rule does not allow, with a Chinese message that names the rule.

    `field` names the form field at fault (or None for the whole action); `rule` cites the source,
    e.g. "行政处罚法 第四十二条".
    """

    def __init__(self, message: str, *, field: str | None = None, rule: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule

    def __str__(self) -> str:
        return f"{self.message}（{self.rule}）" if self.rule else self.message


class MissingSystemDependency(RuntimeError):
    """A program or library the system installs from the distribution (fonts, Pango) is missing.

    Its message is Chinese and English and says what to install; the `zhifa` command prints it and exits 2
    instead of a traceback.
    """
