"""Signal receivers that write the audit trail: one hash-chained ``AuditEntry`` per signal.

Every signal declared in ``portal.core.signals`` is recorded. A signal with a fact extractor below records those
facts; any other signal (one added later) is still recorded, with its target and actor only. Facts are ids,
references, states, action names and kinds: never what a person wrote, never an identity, a name or an address.

Receivers run inside the caller's transaction: they add and flush, the request (or command) commits. They use
neither ``request`` nor ``g``, because some signals are sent from the command line.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import Enum
from typing import Any

from blinker import NamedSignal
from sqlalchemy import select, text

from portal.audit.models import AuditEntry
from portal.audit.verify import GENESIS_HASH
from portal.cases.models import Case
from portal.core import signals
from portal.core.db import utcnow
from portal.extensions import db
from portal.organisations.models import Organisation, SupplyChainEntity
from portal.users.models import User

# Any constant will do, as long as nothing else in the database takes the same advisory lock.
CHAIN_LOCK_KEY = 7_242_031_377

# Signals whose sender is the user concerned; every other signal's sender is a case.
ACCOUNT_SIGNALS = frozenset({"user-logged-in", "user-login-failed", "user-changed", "affiliation-changed"})

# What of a ``user-changed`` ``change`` mapping may be kept: settings, never a name, an address or a secret.
SAFE_CHANGE_KEYS = frozenset({"role", "active", "nomination", "vice_chair", "organisation_id", "locked", "totp"})

Facts = dict[str, Any]
_FACTS: dict[str, Callable[[Any, dict[str, Any]], Facts]] = {}
_RECEIVERS: dict[str, Callable[..., None]] = {}


def facts(*names: str):
    """Register the function that picks the non-secret facts of one or more signals."""

    def register(function):
        for name in names:
            _FACTS[name] = function
        return function

    return register


def _plain(value: Any) -> Any:
    """Enums to their value, collections to lists, anything else that is not a simple value to nothing."""
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return None


def _id(obj: Any) -> int | None:
    value = getattr(obj, "id", None)
    return value if isinstance(value, int) else None


def _case(case: Any) -> Facts:
    return {"case_id": _id(case), "reference": getattr(case, "reference", None)}


def _entry(kwargs: dict[str, Any]) -> Facts:
    entry = kwargs.get("entry")
    if entry is None:
        return {}
    return {"entry_id": _id(entry), "entry_kind": _plain(getattr(entry, "kind", None))}


@facts("case-submitted")
def _submitted(case, kwargs) -> Facts:
    return {
        **_case(case),
        **_entry(kwargs),
        "state": _plain(getattr(case, "state", None)),
        "urgent": _plain(getattr(case, "urgent", None)),
    }


@facts(
    "complainant-replied",
    "message-to-complainant",
    "message-to-organisation",
    "internal-note-added",
    "company-responded",
    "message-to-company",
)
def _entry_written(case, kwargs) -> Facts:
    data = {**_case(case), **_entry(kwargs)}
    attachments = getattr(kwargs.get("entry"), "attachments", None)
    if attachments:
        data["attachment_ids"] = sorted(_id(attachment) for attachment in attachments)
    return data


@facts("case-state-changed")
def _state_changed(case, kwargs) -> Facts:
    return {
        **_case(case),
        **_entry(kwargs),
        "action": _plain(kwargs.get("action")),
        "from_state": _plain(kwargs.get("old_state")),
        "to_state": _plain(getattr(case, "state", None)),
        "outcome": _plain(getattr(case, "outcome", None)),
        "decision_id": _id(kwargs.get("decision")),
    }


@facts("company-extension-granted", "company-summary-written", "identity-viewed", "description-translated")
def _case_only(case, kwargs) -> Facts:
    return _case(case)


@facts("case-tagged")
def _tagged(case, kwargs) -> Facts:
    return {**_case(case), "tag_id": kwargs.get("tag_id"), "removed": kwargs.get("removed")}


@facts("staff-summary-written")
def _summary(case, kwargs) -> Facts:
    return _case(case)


@facts("tag-changed")
def _tag_changed(sender: Any, kwargs: dict[str, Any]) -> Facts:
    return {"tag_id": kwargs.get("tag_id"), "change": kwargs.get("change")}


@facts("api-token-changed")
def _api_token_changed(sender: Any, kwargs: dict[str, Any]) -> Facts:
    return {
        "token_id": getattr(sender, "id", None),
        "change": kwargs.get("change"),
        "scopes": getattr(sender, "scopes", None),
    }


@facts("api-token-used")
def _api_token_used(sender: Any, kwargs: dict[str, Any]) -> Facts:
    return {"token_id": getattr(sender, "id", None), "method": kwargs.get("method"), "endpoint": kwargs.get("endpoint")}


@facts("webhook-changed")
def _webhook_changed(sender: Any, kwargs: dict[str, Any]) -> Facts:
    # Ids, the events and the change: never the URL (it may carry the receiver's own token) nor the secret.
    return {
        "webhook_id": getattr(sender, "id", None),
        "organisation_id": getattr(sender, "organisation_id", None),
        "events": getattr(sender, "events", None),
        "change": kwargs.get("change"),
    }


@facts("cases-exported")
def _export_facts(sender: Any, kwargs: dict[str, Any]) -> Facts:
    return {"filters": kwargs.get("filters"), "rows": kwargs.get("rows")}


@facts("case-assigned")
def _assigned(case, kwargs) -> Facts:
    return {**_case(case), "officer_id": _id(kwargs.get("officer"))}


@facts("case-linked")
def _linked(case, kwargs) -> Facts:
    return {
        **_case(case),
        "respondent_id": _plain(kwargs.get("respondent_id")),
        "entity_ids": _plain(sorted(kwargs.get("entity_ids") or [])),
    }


@facts("panel-seat-changed")
def _seat(case, kwargs) -> Facts:
    seat = kwargs.get("seat")
    return {
        **_case(case),
        "user_id": _plain(getattr(seat, "user_id", None)),
        "seat": _plain(getattr(seat, "seat", None)),
        "panel": _plain(getattr(seat, "panel", None)),
        "removed": bool(kwargs.get("removed")),
    }


@facts("recusal-recorded")
def _recusal(case, kwargs) -> Facts:
    # The recusal's reason names an organisation or a site: the ids say enough.
    recusal = kwargs.get("recusal")
    return {**_case(case), "recusal_id": _id(recusal), "user_id": _plain(getattr(recusal, "user_id", None))}


@facts("decision-recorded")
def _decision(case, kwargs) -> Facts:
    decision = kwargs.get("decision")
    return {
        **_case(case),
        "decision_id": _id(decision),
        "kind": _plain(getattr(decision, "kind", None)),
        "admissible": _plain(getattr(decision, "admissible", None)),
        "outcome": _plain(getattr(decision, "outcome", None)),
        "votes": len(getattr(decision, "votes", None) or []),
    }


@facts("case-suspension-changed")
def _suspension(case, kwargs) -> Facts:
    return {**_case(case), "suspended": bool(kwargs.get("suspended"))}


@facts("case-urgency-changed")
def _urgency(case, kwargs) -> Facts:
    return {**_case(case), **_entry(kwargs), "urgent": bool(kwargs.get("urgent"))}


@facts("mandate-status-changed")
def _mandate(case, kwargs) -> Facts:
    return {
        **_case(case),
        **_entry(kwargs),
        "old_status": _plain(kwargs.get("old_status")),
        "status": _plain(kwargs.get("status")),
    }


@facts("case-language-changed")
def _language(case, kwargs) -> Facts:
    # The codes are not secret (they are chosen from a list); the staff note is, so only its field name is kept.
    return {
        **_case(case),
        "changed": _plain(sorted(kwargs.get("changed") or [])),
        "language": _plain(getattr(case, "language", None)),
        "interpreter_needed": _plain(getattr(case, "interpreter_needed", None)),
        "interpreter_language": _plain(getattr(case, "interpreter_language", None)),
    }


@facts("meeting-changed")
def _meeting(case, kwargs) -> Facts:
    meeting = kwargs.get("meeting")
    return {
        **_case(case),
        **_entry(kwargs),
        "meeting_id": _id(meeting),
        "change": _plain(kwargs.get("change")),
        "kind": _plain(getattr(meeting, "kind", None)),
    }


@facts("commitments-changed")
def _commitments(case, kwargs) -> Facts:
    # What is owed and by whom are the parties' words: the ids, dates and amounts say enough.
    return {
        **_case(case),
        "commitment_ids": sorted(_id(commitment) for commitment in kwargs.get("commitments") or []),
        "due_on": sorted(str(commitment.due_on) for commitment in kwargs.get("commitments") or []),
        "removed": bool(kwargs.get("removed")),
    }


@facts("monitoring-checked")
def _monitoring_checked(case, kwargs) -> Facts:
    return {
        **_case(case),
        **_entry(kwargs),
        "checks": {str(check.commitment_id): _plain(check.status) for check in kwargs.get("checks") or []},
    }


@facts("publication-changed")
def _publication(case, kwargs) -> Facts:
    # Which item changed and in which languages, never the words themselves (a draft is not public yet).
    publication = kwargs.get("publication")
    data = {**_case(case), "change": _plain(kwargs.get("change"))}
    if publication is not None:
        data |= {
            "publication_id": _id(publication),
            "item": _plain(getattr(publication, "item", None)),
            "decision_id": _plain(getattr(publication, "decision_id", None)),
            "status": _plain(getattr(publication, "status", None)),
            "locales": sorted((getattr(publication, "draft", None) or {}).keys()),
        }
    return data


@facts("annual-review-changed")
def _annual_review(review, kwargs) -> Facts:
    # Which languages the narrative has, never its words.
    return {
        "year": getattr(review, "year", None),
        "change": _plain(kwargs.get("change")),
        "locales": _plain(kwargs.get("locales")),
    }


@facts("register-choice-changed")
def _register_choice(case, kwargs) -> Facts:
    return {**_case(case), "listed": bool(kwargs.get("listed"))}


@facts("remedy-progress-reported")
def _progress(case, kwargs) -> Facts:
    # Which commitment, never the words of the report.
    report = kwargs.get("report")
    return {
        **_case(case),
        "report_id": _id(report),
        "commitment_id": _plain(getattr(report, "commitment_id", None)),
    }


@facts("message-template-changed")
def _template(user, kwargs) -> Facts:
    return {
        "step": _plain(kwargs.get("step")),
        "locale": _plain(kwargs.get("locale")),
        "removed": bool(kwargs.get("removed")),
    }


@facts("attachment-downloaded")
def _download(case, kwargs) -> Facts:
    attachment = kwargs.get("attachment")
    return {
        **_case(case),
        "attachment_id": _id(attachment),
        "entry_id": _plain(getattr(attachment, "entry_id", None)),
    }


@facts("user-logged-in")
def _logged_in(user, kwargs) -> Facts:
    return {"user_id": _id(user), "role": _plain(getattr(user, "role", None))}


@facts("user-login-failed")
def _login_failed(user, kwargs) -> Facts:
    # Never the email address or the password that was typed: only which step failed.
    return {"user_id": _id(user), "stage": _plain(kwargs.get("stage"))}


@facts("user-changed")
def _user_changed(user, kwargs) -> Facts:
    # ``change`` is a short code such as "created", "role:member->chair" or "deactivated".
    change = kwargs.get("change")
    if isinstance(change, dict):
        change = {str(key): _plain(value) for key, value in change.items() if str(key) in SAFE_CHANGE_KEYS}
    elif isinstance(change, Enum | str):
        change = _plain(change)
        if "@" in change:  # an address has no place here: keep only what kind of change it was
            kind = change.split(":", 1)[0]
            change = None if "@" in kind else kind
    else:
        change = None
    return {
        "user_id": _id(user),
        "change": change,
        "role": _plain(getattr(user, "role", None)),
        "active": _plain(getattr(user, "active", None)),
    }


@facts("affiliation-changed")
def _affiliation(user, kwargs) -> Facts:
    # The declared organisations and sites by id; the free-text note stays out.
    affiliations = getattr(user, "affiliations", None) or []
    return {
        "user_id": _id(user),
        "organisation_ids": sorted(a.organisation_id for a in affiliations if a.organisation_id),
        "entity_ids": sorted(a.entity_id for a in affiliations if a.entity_id),
    }


@facts("alert-raised", "alert-changed")
def _alert(alert, kwargs) -> Facts:
    # The group by kind and ids; never which cases (the trail's reader may be recused from some).
    return {
        "alert_id": _id(alert),
        "kind": _plain(getattr(alert, "kind", None)),
        "group": _plain(getattr(alert, "group_key", None)),
        "status": _plain(getattr(alert, "status", None)),
        "change": _plain(kwargs.get("change")),
    }


@facts("duplicate-dismissed")
def _duplicate(case, kwargs) -> Facts:
    suggestion = kwargs.get("suggestion")
    return {**_case(case), "suggestion_id": _id(suggestion), "score": _plain(getattr(suggestion, "score", None))}


def _registry_target(obj: Any) -> str | None:
    if isinstance(obj, Organisation):
        return f"organisation:{obj.id}"
    if isinstance(obj, SupplyChainEntity):
        return f"entity:{obj.id}"
    return None


@facts("registry-changed")
def _registry(record, kwargs) -> Facts:
    # Field names and ids only: what changed, not the old or new words.
    relation = kwargs.get("relation")
    data: Facts = {"change": _plain(kwargs.get("change")), "fields": _plain(sorted(kwargs.get("fields") or []))}
    if relation is not None:
        data |= {
            "relation_id": _id(relation),
            "relation": _plain(getattr(relation, "relation", None)),
            "subject": _registry_target(getattr(relation, "subject", None)),
            "object": _registry_target(getattr(relation, "object", None)),
        }
    return data


@facts("org-cases-exported")
def _org_export(organisation, kwargs) -> Facts:
    # Which cases went into the file, by id: never what the file says.
    return {"case_ids": _plain(sorted(kwargs.get("case_ids") or []))}


def _target(name: str, sender: Any) -> str:
    registry = _registry_target(sender)
    if registry is not None:
        return registry
    own = getattr(sender, "audit_target", None)  # an annual review ("review:<year>"), a desk alert ("alert:<id>")
    if isinstance(own, str):
        return own
    if isinstance(sender, User):
        kind = "user"
    elif isinstance(sender, Case):
        kind = "case"
    else:  # a failed login for an address that matches no account
        kind = "user" if name in ACCOUNT_SIGNALS else "case"
    sender_id = _id(sender)
    return f"{kind}:{sender_id if sender_id is not None else 'unknown'}"


def _actor_id(name: str, sender: Any, kwargs: dict[str, Any]) -> int | None:
    if "actor" in kwargs:
        return _id(kwargs["actor"])
    # A logged-in or changed account without an explicit actor acted on itself. A failed login does not name
    # its actor: whoever typed the wrong password may not be the account's owner.
    if name in ACCOUNT_SIGNALS and name != "user-login-failed":
        return _id(sender)
    return None


def _lock_chain() -> None:
    """Make this transaction the only one appending to the chain until it ends, before reading the last hash, so
    that two transactions cannot both link to the same entry (a fork)."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CHAIN_LOCK_KEY})
    elif dialect == "sqlite":
        # SQLite has one writer at a time, but the driver begins a transaction only at the first write: a request
        # that has written nothing yet (a download, a login) would read the last hash outside any lock. A write
        # that changes nothing takes the database's write lock now (waiting for the current writer to commit).
        db.session.execute(text("UPDATE audit_entries SET id = id WHERE 1 = 0"))


def record(name: str, sender: Any, kwargs: dict[str, Any]) -> AuditEntry:
    """Append one entry to the chain in the current transaction."""
    # Flush first: a signal may be sent for an object not yet written (a decision), whose id the entry needs.
    db.session.flush()
    _lock_chain()
    previous = db.session.scalar(select(AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1))
    extract = _FACTS.get(name)
    data = {key: value for key, value in (extract(sender, kwargs) if extract else {}).items() if value is not None}
    entry = AuditEntry(
        created_at=utcnow(),
        actor_id=_actor_id(name, sender, kwargs),
        action=name,
        target=_target(name, sender),
        data=json.dumps(data, separators=(",", ":"), sort_keys=True),
        previous_hash=previous or GENESIS_HASH,
    )
    entry.entry_hash = entry.compute_hash()
    db.session.add(entry)
    db.session.flush()
    return entry


def _receiver_for(name: str) -> Callable[..., None]:
    """One receiver per signal, made once per process so that connecting again changes nothing."""
    if name not in _RECEIVERS:

        def receive(sender, **kwargs) -> None:
            record(name, sender, kwargs)

        receive.__name__ = receive.__qualname__ = f"audit_{name.replace('-', '_')}"
        _RECEIVERS[name] = receive
    return _RECEIVERS[name]


def all_signals() -> list[NamedSignal]:
    return [value for value in vars(signals).values() if isinstance(value, NamedSignal)]


def connect() -> None:
    """Subscribe the audit trail to every signal; idempotent (tests create several apps in one process)."""
    for signal in all_signals():
        signal.connect(_receiver_for(signal.name), weak=False)
