"""THE one module that decides what of a case is public, and reads it (docs/architecture.md §8 "What becomes public").

The register pages, the open data and (later) the API and statistics all read through here, so the rule exists
once, as SQL (``public_condition``), and a single case is tested with the same SQL (``is_public``):

- a case is listed once it was admitted, or declared inadmissible with public reasons (the chair approved the
  admissibility decision's public summary);
- never if the complainant said no (``Case.register_listed``), never once withdrawn (withdrawing may be the answer
  to pressure) or merged (the case it joined is listed instead);
- a case with a retaliation or safeguarding flag (retaliation risk, children involved, or the category
  "retaliation") only once it is closed and the secretariat released it (``Case.register_released_at``).

What a listed case shows is ``PublicCase``: never a name, contact, description, message, file, mediation document,
place typed by the complainant or identity. **Dates**: to the day only when every site the case names is a
registered smelter or refinery with an RMI facility id (industrial plants with hundreds of workers, where a date
cannot point to a person); for every other case (mines, depots, unregistered or no site) to the month.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import cache

from sqlalchemy import ColumnElement, Select, and_, bindparam, exists, func, not_, or_, select
from sqlalchemy.orm import lazyload, load_only, selectinload

from portal.audit.models import AuditEntry
from portal.cases.commitments import Commitment
from portal.cases.committee import Decision
from portal.cases.models import Case, CaseCategory, CaseEntity, CaseEntry, Category, Commodity, EntryKind
from portal.cases.workflow import DecisionKind, Outcome, State
from portal.extensions import db
from portal.organisations.models import EntityKind, Organisation, SupplyChainEntity
from portal.transparency.models import Publication, PublicationStatus, PublicItem

PAGE_SIZE = 25
SENSITIVE_CATEGORIES = frozenset({Category.RETALIATION})
NEVER_LISTED_STATES = frozenset({State.WITHDRAWN, State.MERGED})
# Sites whose dates may be given to the day (see the module docstring).
LARGE_SITE_KINDS = frozenset({EntityKind.SMELTER, EntityKind.REFINERY})
# Signals after which the register may read differently: the newest of their audit entries is its version.
REGISTER_SIGNALS = (
    "case-state-changed",
    "decision-recorded",
    "case-linked",
    "publication-changed",
    "register-choice-changed",
    "commitments-changed",
    "monitoring-checked",
    "registry-changed",
)


class Stage(StrEnum):
    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    ADMISSIBILITY = "admissibility"
    COMPANY_RESPONSE = "company_response"
    DIALOGUE = "dialogue"
    DECISION = "decision"
    MONITORING = "monitoring"
    CLOSED = "closed"


# info_requested is a pause, not a stage: the case stays in the stage it was in (state_before_question).
STAGE_OF_STATE = {
    State.SUBMITTED: Stage.RECEIVED,
    State.ACKNOWLEDGED: Stage.ACKNOWLEDGED,
    State.ASSESSMENT: Stage.ADMISSIBILITY,
    State.INADMISSIBLE: Stage.ADMISSIBILITY,
    State.COMPANY_RESPONSE: Stage.COMPANY_RESPONSE,
    State.DIALOGUE: Stage.DIALOGUE,
    State.ADJUDICATION: Stage.DECISION,
    State.DECIDED: Stage.DECISION,
    State.REVIEW: Stage.DECISION,
    State.MONITORING: Stage.MONITORING,
    State.CLOSED: Stage.CLOSED,
    State.WITHDRAWN: Stage.CLOSED,
    State.MERGED: Stage.CLOSED,
}
STATES_OF_STAGE: dict[Stage, list[str]] = defaultdict(list)
for _state, _stage in STAGE_OF_STATE.items():
    STATES_OF_STAGE[_stage].append(_state.value)


def stage_of(state: str, state_before_question: str | None) -> Stage:
    if state == State.INFO_REQUESTED:
        return STAGE_OF_STATE.get(State(state_before_question or State.ACKNOWLEDGED), Stage.ACKNOWLEDGED)
    return STAGE_OF_STATE[State(state)]


# --- the rule -----------------------------------------------------------------------------------------------------


def _admitted() -> ColumnElement[bool]:
    return exists().where(
        Decision.case_id == Case.id, Decision.kind == DecisionKind.ADMISSIBILITY, Decision.admissible.is_(True)
    )


def _inadmissible_with_public_reasons() -> ColumnElement[bool]:
    return exists().where(
        Publication.case_id == Case.id,
        Publication.status == PublicationStatus.PUBLISHED,
        Publication.decision_id == Decision.id,
        Decision.kind == DecisionKind.ADMISSIBILITY,
        Decision.admissible.is_(False),
    )


def _flagged() -> ColumnElement[bool]:
    return or_(
        Case.retaliation_risk.is_(True),
        Case.children_involved.is_(True),
        exists().where(CaseCategory.case_id == Case.id, CaseCategory.category.in_(SENSITIVE_CATEGORIES)),
    )


def public_condition() -> ColumnElement[bool]:
    """The SQL of the rule in the module docstring."""
    return and_(
        Case.register_listed.is_(True),
        Case.state.not_in(NEVER_LISTED_STATES),
        or_(_admitted(), _inadmissible_with_public_reasons()),
        or_(not_(_flagged()), and_(Case.state == State.CLOSED, Case.register_released_at.is_not(None))),
    )


@cache
def _is_public_statement() -> Select:
    # Built once per process: the rule is fixed, only the case changes (the staff case page asks on every visit,
    # and building the rule's expression cost more than running it).
    return select(exists().where(Case.id == bindparam("case_id"), public_condition()))


def is_public(case_id: int) -> bool:
    return bool(db.session.scalar(_is_public_statement(), {"case_id": case_id}))


def is_flagged(case: Case) -> bool:
    """Whether the case waits for closure and release (the staff page says so)."""
    return case.retaliation_risk or case.children_involved or bool(SENSITIVE_CATEGORIES & set(case.categories))


# --- the list -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterFilters:
    stage: str | None = None
    category: str | None = None
    commodity: str | None = None
    country: str | None = None
    entity: int | None = None
    year: int | None = None
    outcome: str | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> RegisterFilters:
        """Only known values count: anything else is ignored, as if the filter were not set."""

        def one_of(name: str, values) -> str | None:
            value = args.get(name) or None
            return value if value in {str(v) for v in values} else None

        def number(name: str, low: int, high: int) -> int | None:
            value = args.get(name, "")
            if not (value.isdigit() and len(value) <= len(str(high))):  # no 100,000-digit int() either
                return None
            return int(value) if low <= int(value) <= high else None

        country = (args.get("country") or "").upper()
        return cls(
            stage=one_of("stage", Stage),
            category=one_of("category", Category),
            commodity=one_of("commodity", Commodity),
            country=country if len(country) == 2 and country.isalpha() and country.isascii() else None,
            entity=number("entity", 1, 2**31 - 1),
            year=number("year", 2000, 2999),
            outcome=one_of("outcome", Outcome),
        )

    def as_args(self) -> dict[str, str]:
        return {key: str(value) for key, value in vars(self).items() if value is not None}

    def conditions(self) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = []
        if self.stage:
            states = STATES_OF_STAGE[Stage(self.stage)]
            found.append(
                or_(
                    Case.state.in_(states),
                    and_(Case.state == State.INFO_REQUESTED, Case.state_before_question.in_(states)),
                )
            )
        if self.category:
            found.append(exists().where(CaseCategory.case_id == Case.id, CaseCategory.category == self.category))
        if self.commodity:
            found.append(Case.commodity == self.commodity)
        if self.country:
            found.append(Case.country == self.country)
        if self.entity:
            found.append(exists().where(CaseEntity.case_id == Case.id, CaseEntity.entity_id == self.entity))
        if self.year:
            start = datetime(self.year, 1, 1, tzinfo=UTC)
            found.append(and_(Case.created_at >= start, Case.created_at < start.replace(year=self.year + 1)))
        if self.outcome:
            found.append(Case.outcome == self.outcome)
        return found


# What a row of the list prints; the encrypted columns are never loaded.
LIST_COLUMNS = (
    Case.id,
    Case.reference,
    Case.state,
    Case.state_before_question,
    Case.country,
    Case.commodity,
    Case.outcome,
    Case.created_at,
)


@dataclass
class ListedCase:
    """One row of the register list: plain columns, no ORM object (building 25 full Case objects was most of the
    list's time)."""

    id: int
    reference: str
    stage: Stage
    country: str
    commodity: str
    outcome: str | None
    created_at: datetime
    categories: list[str] = field(default_factory=list)


def listing(
    filters: RegisterFilters, before: int | None = None, size: int = PAGE_SIZE
) -> tuple[list[ListedCase], int | None]:
    """One page of listed cases, newest first, and the id to continue ``before`` (None on the last page).

    Keyset paging on the primary key: every page costs the same, however deep; one query for the rows (with a
    probe row for "is there a next page") and one for their categories."""
    stmt = select(*LIST_COLUMNS).where(public_condition(), *filters.conditions())
    if before is not None:
        stmt = stmt.where(Case.id < before)
    found = db.session.execute(stmt.order_by(Case.id.desc()).limit(size + 1)).all()
    more = len(found) > size
    rows = [
        ListedCase(
            id=row.id,
            reference=row.reference,
            stage=stage_of(row.state, row.state_before_question),
            country=row.country,
            commodity=row.commodity,
            outcome=row.outcome,
            created_at=row.created_at,
        )
        for row in found[:size]
    ]
    by_id = {row.id: row for row in rows}
    if by_id:
        stmt_c = select(CaseCategory.case_id, CaseCategory.category).where(CaseCategory.case_id.in_(by_id))
        for case_id, category in db.session.execute(stmt_c.order_by(CaseCategory.case_id, CaseCategory.category)):
            by_id[case_id].categories.append(category)
    return rows, (rows[-1].id if more and rows else None)


def public_case_by_reference(reference: str) -> Case | None:
    return db.session.scalar(select(Case).where(Case.reference == reference, public_condition()))


# --- what a listed case shows -------------------------------------------------------------------------------------


@dataclass
class PublicCommitment:
    payment: bool  # a sum of money, else another action; never what exactly, nor to whom
    due_on: date
    instalment: int | None
    instalments: int | None
    checks: list[tuple[date, str]]


@dataclass
class PublicDecision:
    kind: str
    decided_on: date
    admissible: bool | None
    outcome: str | None
    referral: str | None
    summary: Publication | None


@dataclass
class PublicCase:
    id: int
    reference: str
    stage: Stage
    exact_dates: bool
    stages: list[tuple[Stage, date]]
    filer_type: str
    representing: str | None  # the filing organisation's name, only if it agreed to be named (Organisation)
    country: str
    regions: list[str]
    commodity: str
    categories: list[str]
    respondent: Organisation | None
    entities: list[SupplyChainEntity]
    outcome: str | None
    summary: Publication | None
    decisions: list[PublicDecision]
    commitments: list[PublicCommitment]
    last_updated: date
    related: list[str] = field(default_factory=list)

    @property
    def remedy_types(self) -> list[str]:
        kinds = {"payment" if commitment.payment else "action" for commitment in self.commitments}
        return sorted(kinds)

    def date_text(self, value: date) -> str:
        """ISO 8601 to the day or to the month (open data)."""
        return value.isoformat() if self.exact_dates else value.strftime("%Y-%m")


def _day(moment: datetime | date) -> date:
    return moment.astimezone(UTC).date() if isinstance(moment, datetime) else moment


def _exact_dates(entities: list[SupplyChainEntity]) -> bool:
    return bool(entities) and all(entity.kind in LARGE_SITE_KINDS and entity.rmi_id for entity in entities)


def records(cases: list[Case]) -> list[PublicCase]:
    """The public record of each case (the caller has checked ``public_condition``), in a fixed number of queries
    whatever the number of cases: one per related table, never one per case."""
    if not cases:
        return []
    ids = [case.id for case in cases]
    history: dict[int, list[tuple[str, datetime]]] = defaultdict(list)
    stmt = (
        select(CaseEntry.case_id, CaseEntry.new_state, CaseEntry.created_at)
        .where(CaseEntry.case_id.in_(ids), CaseEntry.kind == EntryKind.STATE_CHANGE)
        .order_by(CaseEntry.id)
    )
    for case_id, new_state, at in db.session.execute(stmt):
        if new_state:
            history[case_id].append((new_state, at))

    decisions: dict[int, list[Decision]] = defaultdict(list)
    decision_columns = load_only(
        Decision.id, Decision.case_id, Decision.kind, Decision.admissible, Decision.outcome, Decision.referral,
        Decision.created_at,
    )  # fmt: skip
    stmt_d = select(Decision).options(decision_columns, lazyload(Decision.votes)).where(Decision.case_id.in_(ids))
    for decision in db.session.scalars(stmt_d.order_by(Decision.id)):
        decisions[decision.case_id].append(decision)

    published: dict[tuple[int, int | None], Publication] = {}
    stmt_p = select(Publication).where(Publication.case_id.in_(ids), Publication.status == PublicationStatus.PUBLISHED)
    for publication in db.session.scalars(stmt_p):
        published[publication.case_id, publication.decision_id] = publication

    entities: dict[int, list[SupplyChainEntity]] = defaultdict(list)
    stmt_e = select(CaseEntity).where(CaseEntity.case_id.in_(ids)).order_by(CaseEntity.entity_id)
    for link in db.session.scalars(stmt_e):
        entities[link.case_id].append(link.entity)

    respondent_ids = {case.respondent_organisation_id for case in cases if case.respondent_organisation_id}
    respondents = {
        organisation.id: organisation
        for organisation in db.session.scalars(
            select(Organisation)
            .options(selectinload(Organisation.identifiers))
            .where(Organisation.id.in_(respondent_ids), Organisation.covenant_party.is_(True))
        )
    }

    # The organisation that filed, by name only where it agreed (named_in_register); else the filer type says it all.
    filer_ids = {case.filed_by_organisation_id for case in cases if case.filed_by_organisation_id}
    named_filers = (
        dict(
            db.session.execute(
                select(Organisation.id, Organisation.name).where(
                    Organisation.id.in_(filer_ids), Organisation.named_in_register.is_(True)
                )
            ).all()
        )
        if filer_ids
        else {}
    )

    commitments: dict[int, list[PublicCommitment]] = defaultdict(list)
    commitment_columns = load_only(
        Commitment.id, Commitment.case_id, Commitment.amount_minor, Commitment.due_on, Commitment.instalment,
        Commitment.instalments,
    )  # fmt: skip
    stmt_c = select(Commitment).options(commitment_columns).where(Commitment.case_id.in_(ids))
    for commitment in db.session.scalars(stmt_c.order_by(Commitment.due_on, Commitment.id)):
        commitments[commitment.case_id].append(
            PublicCommitment(
                payment=commitment.amount_minor is not None,
                due_on=commitment.due_on,
                instalment=commitment.instalment,
                instalments=commitment.instalments,
                checks=[(_day(check.created_at), check.status) for check in commitment.checks],
            )
        )

    found = []
    for case in cases:
        stages: dict[Stage, date] = {Stage.RECEIVED: _day(case.created_at)}
        for new_state, at in history[case.id]:
            if new_state != State.INFO_REQUESTED:
                stages.setdefault(STAGE_OF_STATE[State(new_state)], _day(at))
        sites = entities[case.id]
        public_decisions = [
            PublicDecision(
                kind=decision.kind,
                decided_on=_day(decision.created_at),
                admissible=decision.admissible,
                outcome=decision.outcome,
                referral=decision.referral,
                summary=published.get((case.id, decision.id)),
            )
            for decision in decisions[case.id]
        ]
        summary = published.get((case.id, None))
        moments = list(stages.values()) + [d.decided_on for d in public_decisions]
        moments += [_day(p.published_at) for key, p in published.items() if key[0] == case.id and p.published_at]
        moments += [at for commitment in commitments[case.id] for at, _ in commitment.checks]
        found.append(
            PublicCase(
                id=case.id,
                reference=case.reference,
                stage=stage_of(case.state, case.state_before_question),
                exact_dates=_exact_dates(sites),
                stages=sorted(stages.items(), key=lambda item: list(Stage).index(item[0])),
                filer_type=case.filer_type,
                representing=named_filers.get(case.filed_by_organisation_id or 0),
                country=case.country,
                regions=sorted({site.region for site in sites if site.region}),
                commodity=case.commodity,
                categories=case.categories,
                respondent=respondents.get(case.respondent_organisation_id or 0),
                entities=sites,
                outcome=case.outcome,
                summary=summary,
                decisions=public_decisions,
                commitments=commitments[case.id],
                last_updated=max(moments),
            )
        )
    return found


def related_references(record: PublicCase, limit: int = 10) -> list[str]:
    """Other listed cases about the same sites, newest first."""
    entity_ids = [entity.id for entity in record.entities]
    if not entity_ids:
        return []
    stmt = (
        select(Case.reference)
        .where(
            Case.id != record.id,
            public_condition(),
            exists().where(CaseEntity.case_id == Case.id, CaseEntity.entity_id.in_(entity_ids)),
        )
        .order_by(Case.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(stmt))


def public_record(reference: str) -> PublicCase | None:
    case = public_case_by_reference(reference)
    if case is None:
        return None
    record = records([case])[0]
    record.related = related_references(record)
    return record


def all_records(batch: int = 500) -> Iterator[PublicCase]:
    """Every listed case, oldest first, in batches (open data)."""
    ids = list(db.session.scalars(select(Case.id).where(public_condition()).order_by(Case.id)))
    known = set(db.session.identity_map.keys())
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        cases = list(db.session.scalars(select(Case).where(Case.id.in_(chunk)).order_by(Case.id)))
        yield from records(cases)
        # Keep memory flat over 100,000 cases: forget what this batch loaded (not what the caller already held).
        for key in set(db.session.identity_map.keys()) - known:
            obj = db.session.identity_map.get(key)
            if obj is not None:
                db.session.expunge(obj)


# --- feed and versions --------------------------------------------------------------------------------------------


def published_decisions(limit: int = 50, after: tuple[datetime, int] | None = None) -> list[tuple[str, Publication]]:
    """(reference, publication) of the newest published decision summaries of listed cases; ``after`` continues
    from the (published_at, id) of the last one seen (keyset paging, the API)."""
    stmt = (
        select(Case.reference, Publication)
        .join(Case, Case.id == Publication.case_id)
        .where(
            Publication.item == PublicItem.DECISION_SUMMARY,
            Publication.status == PublicationStatus.PUBLISHED,
            public_condition(),
        )
    )
    if after is not None:
        at, last_id = after
        stmt = stmt.where(
            or_(Publication.published_at < at, and_(Publication.published_at == at, Publication.id < last_id))
        )
    stmt = stmt.order_by(Publication.published_at.desc(), Publication.id.desc()).limit(limit)
    return [(reference, publication) for reference, publication in db.session.execute(stmt)]


EPOCH = datetime(2026, 1, 1, tzinfo=UTC)


def register_version() -> tuple[int, datetime]:
    """(version, when): the newest audit entry of a signal that can change the register. Every change that can
    make a case appear, change or disappear is sent as one of those signals (and so audited), so a mirror polling
    with this ETag never misses one; an unrelated event (a login) does not change it."""
    # Read on every register request (core/page_cache.py): one statement built once, run on the connection.
    row = db.session.connection().execute(_VERSION).first()
    return (row.id, row.created_at) if row else (0, EPOCH)


_VERSION = (
    select(AuditEntry.id, AuditEntry.created_at)
    .where(AuditEntry.action.in_(REGISTER_SIGNALS))
    .order_by(AuditEntry.id.desc())
    .limit(1)
)


def count_public() -> int:
    return db.session.scalar(select(func.count()).select_from(Case).where(public_condition())) or 0
