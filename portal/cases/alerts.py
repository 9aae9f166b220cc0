"""Pattern alerts: several grievances about the same place, company or kind of harm (docs/architecture.md §3).

**Groups.** Every case belongs to: each site it is linked to (``site:<id>``); its respondent and the operator of each
linked site (``organisation:<id>``: "the same site and its operator"); and each of its categories with its commodity
and country (``pattern:<category>:<commodity>:<country>``). Merged cases do not count (their grievance lives on in
the joint case).

**When.** ``detect(case)`` runs when a case is filed (``case_submitted``) and when its respondent or sites change
(``case_linked``): a handful of indexed queries per group the case belongs to (``cases/receivers.py``: in a
request, in a transaction of its own right after the request's commit; outside a request, at once).

**Rule.** The group's cases filed within ``ALERT_WINDOW_DAYS`` of each other around this case (the fullest such
window holding it) are counted; at ``ALERT_THRESHOLD`` an ``Alert`` is raised holding them (signal
``alert_raised``: the audit trail, and a mail to the secretariat). Then, per group, in this order:

- the case is in an alert of the group already: nothing;
- an open or acknowledged alert of the group whose newest case is within the window: the case joins it (an
  acknowledged one is open again: there is news), ``alert_changed`` with ``case_joined``;
- a dismissed alert of the group whose window has not yet moved on (its newest case at dismissal is less than the
  window old, seen from this case): the case is recorded in it silently, the alert stays dismissed and no new one
  is raised. Once the window has moved past it, the group counts afresh, never again counting the cases the
  dismissed alert holds;
- otherwise, if the window's cases reach the threshold and are not all held by one alert of the same or a more
  specific kind (site, then organisation, then pattern: three grievances at one site raise the site's alert, not
  also its operator's), a new alert.

**Downstream members** (``downstream_members``): from the group's sites (a site alert: the site; an organisation:
the sites it operates or owns; a pattern: the sites its cases name), follow ``supplies`` relations up to
``ALERT_DOWNSTREAM_HOPS`` hops; every site or organisation reached brings its operator, the organisations operating
it and its owners (``owned_by``, one level). The covenant parties among them are recorded as ``AlertMember``.

**Who sees an alert.** Case staff (secretariat and chair) who may see at least one of its cases, and of its cases
only those (``access.visible_cases``): a recused person learns nothing of a case through an alert.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import Select, and_, exists, func, or_, select, union
from sqlalchemy.orm import selectinload

from portal.cases import labels
from portal.cases.access import visible_cases
from portal.cases.alert_models import Alert, AlertCase, AlertKind, AlertMember, AlertStatus
from portal.cases.models import Case, CaseCategory, CaseEntity, Category, Commodity
from portal.cases.refusals import CaseworkRefused
from portal.cases.workflow import State
from portal.core import signals
from portal.core.db import utcnow
from portal.core.i18n import country_name
from portal.extensions import db
from portal.organisations.models import EntityRelation, Organisation, RelationKind, SupplyChainEntity
from portal.users.models import User

PRECEDENCE = {AlertKind.SITE: 0, AlertKind.ORGANISATION: 1, AlertKind.PATTERN: 2}
LIVE = (AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)


@dataclass(frozen=True)
class Group:
    kind: AlertKind
    entity_id: int | None = None
    organisation_id: int | None = None
    category: str | None = None
    commodity: str | None = None
    country: str | None = None

    @property
    def key(self) -> str:
        if self.kind == AlertKind.SITE:
            return f"site:{self.entity_id}"
        if self.kind == AlertKind.ORGANISATION:
            return f"organisation:{self.organisation_id}"
        return f"pattern:{self.category}:{self.commodity}:{self.country}"


def _settings() -> tuple[int, timedelta]:
    config = current_app.config
    return config["ALERT_THRESHOLD"], timedelta(days=config["ALERT_WINDOW_DAYS"])


def groups_of(case: Case) -> list[Group]:
    """The groups ``case`` counts in, most specific first."""
    sites = db.session.execute(
        select(SupplyChainEntity.id, SupplyChainEntity.operator_organisation_id)
        .join(CaseEntity, CaseEntity.entity_id == SupplyChainEntity.id)
        .where(CaseEntity.case_id == case.id)
        .order_by(SupplyChainEntity.id)
    ).all()
    organisations = {operator for _, operator in sites if operator}
    if case.respondent_organisation_id:
        organisations.add(case.respondent_organisation_id)
    return (
        [Group(AlertKind.SITE, entity_id=site) for site, _ in sites]
        + [Group(AlertKind.ORGANISATION, organisation_id=org) for org in sorted(organisations)]
        + [
            Group(AlertKind.PATTERN, category=category, commodity=case.commodity, country=case.country)
            for category in sorted(case.categories)
        ]
    )


def _cases_of(group: Group) -> Select:
    """``(id, created_at)`` of the group's cases, as one or two indexed lookups."""
    counted = Case.state != State.MERGED
    if group.kind == AlertKind.SITE:
        return (
            select(Case.id, Case.created_at)
            .join(CaseEntity, CaseEntity.case_id == Case.id)
            .where(CaseEntity.entity_id == group.entity_id, counted)
        )
    if group.kind == AlertKind.ORGANISATION:
        operated = select(SupplyChainEntity.id).where(
            SupplyChainEntity.operator_organisation_id == group.organisation_id
        )
        named = select(Case.id, Case.created_at).where(
            Case.respondent_organisation_id == group.organisation_id, counted
        )
        linked = (
            select(Case.id, Case.created_at)
            .join(CaseEntity, CaseEntity.case_id == Case.id)
            .where(CaseEntity.entity_id.in_(operated), counted)
        )
        return select(union(named, linked).subquery())
    return (
        select(Case.id, Case.created_at)
        .join(CaseCategory, CaseCategory.case_id == Case.id)
        .where(
            CaseCategory.category == group.category,
            Case.commodity == group.commodity,
            Case.country == group.country,
            counted,
        )
    )


def _window(rows: list[tuple[int, datetime]], anchor: datetime, width: timedelta) -> list[tuple[int, datetime]]:
    """The fullest run of ``rows`` (sorted by time) within ``width`` of each other that contains ``anchor``."""
    best: list[tuple[int, datetime]] = []
    for start, (_, begins) in enumerate(rows):
        if begins > anchor:
            break
        if anchor - begins > width:
            continue
        run = [row for row in rows[start:] if row[1] - begins <= width]
        if len(run) > len(best):
            best = run
    return best


def _group_rows(group: Group, anchor: datetime, width: timedelta, leave_out: list[int]) -> list[tuple[int, datetime]]:
    """The group's cases filed within ``width`` of ``anchor``, but for those the alerts ``leave_out`` hold."""
    query = _cases_of(group).subquery()
    held = select(AlertCase.case_id).where(AlertCase.alert_id.in_(leave_out), AlertCase.case_id == query.c.id)
    rows = db.session.execute(
        select(query.c.id, query.c.created_at)
        .where(query.c.created_at >= anchor - width, query.c.created_at <= anchor + width, ~held.exists())
        .order_by(query.c.created_at, query.c.id)
    ).all()
    return [(row[0], row[1]) for row in rows]


def detect(case: Case, now: datetime | None = None) -> list[Alert]:
    """Apply the module's rule to every group ``case`` counts in; returns the alerts raised."""
    if case.state == State.MERGED:
        return []
    threshold, width = _settings()
    now = now or utcnow()
    raised = []
    for group in groups_of(case):
        alert = _detect_group(case, group, threshold, width, now)
        if alert is not None:
            raised.append(alert)
    return raised


def _detect_group(case: Case, group: Group, threshold: int, width: timedelta, now: datetime) -> Alert | None:
    """One group: index lookups only, whatever the number of cases an alert already holds."""
    alerts = list(db.session.scalars(select(Alert).where(Alert.group_key == group.key).order_by(Alert.id.desc())))
    held = select(AlertCase.alert_id).where(
        AlertCase.case_id == case.id, AlertCase.alert_id.in_([alert.id for alert in alerts])
    )
    if alerts and db.session.scalar(held) is not None:
        return None  # in an alert of this group already
    anchor = case.created_at
    for alert in alerts:
        if alert.status in LIVE and anchor - alert.last_case_at <= width and alert.first_case_at - anchor <= width:
            _join(alert, case.id, anchor, now)
            return None
    for alert in alerts:
        if alert.status == AlertStatus.DISMISSED and abs(anchor - alert.last_case_at) < width:
            db.session.add(AlertCase(alert_id=alert.id, case_id=case.id, joined_at=now))  # recorded, still dismissed
            db.session.flush()
            return None
    dismissed = [alert.id for alert in alerts if alert.status == AlertStatus.DISMISSED]
    run = _window(_group_rows(group, anchor, width, dismissed), anchor, width)
    if len(run) < threshold or _held_already(group, {case_id for case_id, _ in run}):
        return None
    return _raise(group, run, now)


def _held_already(group: Group, case_ids: set[int]) -> bool:
    """Whether one alert of the same or a more specific kind holds all of ``case_ids`` already."""
    kinds = [kind for kind, rank in PRECEDENCE.items() if rank <= PRECEDENCE[group.kind]]
    held = db.session.execute(
        select(AlertCase.alert_id, func.count())
        .join(Alert, Alert.id == AlertCase.alert_id)
        .where(AlertCase.case_id.in_(case_ids), Alert.kind.in_(kinds))
        .group_by(AlertCase.alert_id)
    ).all()
    return any(count == len(case_ids) for _, count in held)


def _raise(group: Group, run: list[tuple[int, datetime]], now: datetime) -> Alert:
    alert = Alert(
        kind=group.kind,
        group_key=group.key,
        entity_id=group.entity_id,
        organisation_id=group.organisation_id,
        category=group.category,
        commodity=group.commodity,
        country=group.country,
        status=AlertStatus.OPEN,
        first_case_at=run[0][1],
        last_case_at=run[-1][1],
        created_at=now,
    )
    alert.case_rows = [AlertCase(case_id=case_id, joined_at=now) for case_id, _ in run]
    db.session.add(alert)
    db.session.flush()
    _record_members(alert)
    signals.alert_raised.send(alert, actor=None)
    return alert


def _join(alert: Alert, case_id: int, anchor: datetime, now: datetime) -> None:
    db.session.add(AlertCase(alert_id=alert.id, case_id=case_id, joined_at=now))
    alert.last_case_at = max(alert.last_case_at, anchor)
    alert.first_case_at = min(alert.first_case_at, anchor)
    if alert.status == AlertStatus.ACKNOWLEDGED:
        alert.status = AlertStatus.OPEN
    db.session.flush()
    # A site's or organisation's members depend on the registry alone; a pattern's on its cases' sites.
    if alert.kind == AlertKind.PATTERN and db.session.scalar(
        select(CaseEntity.entity_id).where(CaseEntity.case_id == case_id).limit(1)
    ):
        _record_members(alert)
    signals.alert_changed.send(alert, change="case_joined", actor=None)


# --- downstream members ----------------------------------------------------------------------------------------


def _start_sites(alert: Alert) -> set[int]:
    if alert.kind == AlertKind.SITE:
        return {alert.entity_id} if alert.entity_id else set()
    if alert.kind == AlertKind.ORGANISATION:
        operated = select(SupplyChainEntity.id).where(
            SupplyChainEntity.operator_organisation_id == alert.organisation_id
        )
        related = select(EntityRelation.object_entity_id).where(
            EntityRelation.relation == RelationKind.OPERATES,
            EntityRelation.subject_organisation_id == alert.organisation_id,
        )
        owned = select(EntityRelation.subject_entity_id).where(
            EntityRelation.relation == RelationKind.OWNED_BY,
            EntityRelation.object_organisation_id == alert.organisation_id,
            EntityRelation.subject_entity_id.is_not(None),
        )
        return set(db.session.scalars(union(operated, related, owned)))
    return set(
        db.session.scalars(
            select(CaseEntity.entity_id)
            .join(AlertCase, AlertCase.case_id == CaseEntity.case_id)
            .where(AlertCase.alert_id == alert.id)
        )
    )


def _around(sites: set[int], organisations: set[int]) -> set[int]:
    """The organisations that run or own these sites, and the owners of these organisations (one level)."""
    found: set[int] = set()
    if sites:
        found |= set(
            db.session.scalars(
                select(SupplyChainEntity.operator_organisation_id).where(
                    SupplyChainEntity.id.in_(sites), SupplyChainEntity.operator_organisation_id.is_not(None)
                )
            )
        )
        found |= set(
            db.session.scalars(
                select(EntityRelation.subject_organisation_id).where(
                    EntityRelation.relation == RelationKind.OPERATES, EntityRelation.object_entity_id.in_(sites)
                )
            )
        )
    # An empty IN is false in SQL (SQLAlchemy writes it so), which is what an empty side means here.
    owned_by = or_(
        EntityRelation.subject_entity_id.in_(sites), EntityRelation.subject_organisation_id.in_(organisations | found)
    )
    found |= set(
        db.session.scalars(
            select(EntityRelation.object_organisation_id).where(
                EntityRelation.relation == RelationKind.OWNED_BY, owned_by
            )
        )
    )
    return {organisation for organisation in found if organisation}


def downstream_members(
    start_sites: set[int], exclude: set[int] | None = None, hops: int | None = None
) -> dict[int, int]:
    """Covenant parties downstream of ``start_sites``: organisation id → the fewest supply hops to reach it.
    Three queries per hop, at most ``ALERT_DOWNSTREAM_HOPS`` hops, whatever the size of the registry."""
    hops = current_app.config["ALERT_DOWNSTREAM_HOPS"] if hops is None else hops
    seen_sites = set(start_sites)
    frontier = set(start_sites)
    reached: dict[int, int] = {}
    for hop in range(1, hops + 1):
        if not frontier:
            break
        rows = db.session.execute(
            select(EntityRelation.object_entity_id, EntityRelation.object_organisation_id).where(
                EntityRelation.relation == RelationKind.SUPPLIES, EntityRelation.subject_entity_id.in_(frontier)
            )
        ).all()
        next_sites = {site for site, _ in rows if site and site not in seen_sites}
        organisations = {organisation for _, organisation in rows if organisation}
        for organisation in organisations | _around(next_sites, organisations):
            reached.setdefault(organisation, hop)
        seen_sites |= next_sites
        frontier = next_sites
    for organisation in exclude or set():
        reached.pop(organisation, None)
    if not reached:
        return {}
    members = set(
        db.session.scalars(select(Organisation.id).where(Organisation.id.in_(reached), Organisation.covenant_party))
    )
    return {organisation: hop for organisation, hop in reached.items() if organisation in members}


def _record_members(alert: Alert) -> None:
    exclude = {alert.organisation_id} if alert.organisation_id else set()
    members = downstream_members(_start_sites(alert), exclude)
    have = {row.organisation_id: row for row in alert.member_rows}
    for organisation, hops in members.items():
        if organisation in have:
            have[organisation].hops = min(have[organisation].hops, hops)
        else:
            alert.member_rows.append(AlertMember(organisation_id=organisation, hops=hops))
    db.session.flush()


def group_name(alert: Alert) -> str:
    """The group in words, in the current language: a site's or organisation's name, or "category · metal · country"."""
    if alert.kind == AlertKind.SITE and alert.entity is not None:
        return alert.entity.name
    if alert.kind == AlertKind.ORGANISATION and alert.organisation is not None:
        return alert.organisation.name
    return " · ".join(
        (
            str(labels.CATEGORIES[Category(alert.category or "")]),  # a pattern alert has both (CHECK valid_group)
            str(labels.COMMODITIES[Commodity(alert.commodity or "")]),
            country_name(alert.country),
        )
    )


def member_names(alert: Alert) -> list[str]:
    return [row.organisation.name for row in alert.member_rows]


# --- acknowledging and dismissing ------------------------------------------------------------------------------


def set_status(alert: Alert, status: AlertStatus, actor: User) -> None:
    """Acknowledge (seen, being looked into) or dismiss (no pattern here); audited through ``alert_changed``."""
    if status == AlertStatus.OPEN or alert.status == status or alert.status == AlertStatus.DISMISSED:
        raise CaseworkRefused("alert_unchanged")
    alert.status = status
    alert.status_changed_at = utcnow()
    alert.status_changed_by_id = actor.id
    db.session.flush()
    signals.alert_changed.send(alert, change=status.value, actor=actor)


# --- what a person may see -------------------------------------------------------------------------------------


def _seen_by(user: User):
    """Alerts holding at least one case ``user`` may see."""
    return exists().where(AlertCase.alert_id == Alert.id, AlertCase.case_id == Case.id, visible_cases(user))


def alerts_for(user: User, statuses=LIVE, limit: int = 20) -> list[Alert]:
    query = (
        select(Alert)
        .options(selectinload(Alert.entity), selectinload(Alert.organisation))
        .where(Alert.status.in_(statuses), _seen_by(user))
        .order_by(Alert.last_case_at.desc(), Alert.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def visible_alert(alert_id: int, user: User) -> Alert | None:
    return db.session.scalar(select(Alert).where(Alert.id == alert_id, _seen_by(user)))


def cases_of(alert: Alert, user: User) -> list[Case]:
    """The alert's cases ``user`` may see, oldest first."""
    query = (
        select(Case)
        .join(AlertCase, AlertCase.case_id == Case.id)
        .where(AlertCase.alert_id == alert.id, visible_cases(user))
        .order_by(Case.created_at, Case.id)
    )
    return list(db.session.scalars(query))


def visible_counts(alerts: list[Alert], user: User) -> dict[int, int]:
    """How many of each alert's cases ``user`` may see: one query for a whole list."""
    if not alerts:
        return {}
    rows = db.session.execute(
        select(AlertCase.alert_id, func.count())
        .join(Case, Case.id == AlertCase.case_id)
        .where(AlertCase.alert_id.in_([alert.id for alert in alerts]), visible_cases(user))
        .group_by(AlertCase.alert_id)
    ).all()
    return {alert_id: count for alert_id, count in rows}


def alerts_about(record: Organisation | SupplyChainEntity, user: User) -> list[Alert]:
    """Alerts about a site or an organisation (for the registry's page), newest first."""
    if isinstance(record, Organisation):
        operated = select(SupplyChainEntity.id).where(SupplyChainEntity.operator_organisation_id == record.id)
        about = or_(Alert.organisation_id == record.id, Alert.entity_id.in_(operated))
    else:
        about = Alert.entity_id == record.id
    query = select(Alert).where(about, _seen_by(user)).order_by(Alert.last_case_at.desc()).limit(50)
    return list(db.session.scalars(query))


def cases_about(record: Organisation | SupplyChainEntity, user: User, limit: int = 50) -> list[Case]:
    """The cases naming a site, or an organisation as respondent or as operator of a linked site, that ``user``
    may see; newest first."""
    if isinstance(record, Organisation):
        operated = select(SupplyChainEntity.id).where(SupplyChainEntity.operator_organisation_id == record.id)
        linked = select(CaseEntity.case_id).where(CaseEntity.entity_id.in_(operated))
        about = or_(Case.respondent_organisation_id == record.id, Case.id.in_(linked))
    else:
        about = Case.id.in_(select(CaseEntity.case_id).where(CaseEntity.entity_id == record.id))
    query = select(Case).where(and_(about, visible_cases(user))).order_by(Case.created_at.desc(), Case.id.desc())
    return list(db.session.scalars(query.limit(limit)))
