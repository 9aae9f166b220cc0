"""How to reach a person at the secretariat: phone, SMS, WhatsApp, email, post and opening hours.

Read once from configuration at start-up (``PORTAL_CONTACT_*``); a channel left unset is simply not shown. The
``_contact.html`` macro prints them on the public pages and the follow-up pages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask

_NOT_DIALLED = re.compile(r"[^\d+]")


def _dialled(number: str) -> str:
    """The number as a phone dials it: digits and a leading plus, without spaces, dots or dashes."""
    digits = _NOT_DIALLED.sub("", number)
    return digits[:1] + digits[1:].replace("+", "")


@dataclass(frozen=True)
class SecretariatContact:
    phone: str = ""
    sms: str = ""
    whatsapp: str = ""
    email: str = ""
    # Lines of the postal address (the setting separates them with "|" or new lines).
    postal: tuple[str, ...] = ()
    hours: str = ""

    @classmethod
    def from_config(cls, config) -> SecretariatContact:
        def setting(name: str) -> str:
            return (config.get(f"PORTAL_CONTACT_{name}") or "").strip()

        postal = tuple(line.strip() for line in re.split(r"[|\n]", setting("POSTAL")) if line.strip())
        return cls(
            phone=setting("PHONE"),
            sms=setting("SMS"),
            whatsapp=setting("WHATSAPP"),
            email=setting("EMAIL"),
            postal=postal,
            hours=setting("HOURS"),
        )

    def __bool__(self) -> bool:
        return any((self.phone, self.sms, self.whatsapp, self.email, self.postal))

    @property
    def phone_link(self) -> str:
        return f"tel:{_dialled(self.phone)}"

    @property
    def sms_link(self) -> str:
        return f"sms:{_dialled(self.sms)}"

    @property
    def whatsapp_link(self) -> str:
        # wa.me wants the international number in digits only, without the plus.
        return f"https://wa.me/{_dialled(self.whatsapp).lstrip('+')}"


def init_app(app: Flask) -> None:
    contact = app.extensions["portal_contact"] = SecretariatContact.from_config(app.config)

    @app.context_processor
    def inject_contact():
        # Looked up per request, so a test (or an operator's shell) can replace the extension's value.
        return {"secretariat_contact": app.extensions.get("portal_contact", contact)}
