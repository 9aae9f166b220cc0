"""Demonstration data for ``make run`` (PORTAL_DEMO=1): the covenant's parties, one account per role, supply-chain
sites and grievances in several languages in every state of the workflow. Accounts and receipts are printed."""

from __future__ import annotations

import pyotp
from sqlalchemy import func, select

from portal.cases.casework import assign_officer, link_case, seat_panel_member, write_company_summary
from portal.cases.committee import PanelKind, SeatKind, VoteChoice
from portal.cases.message_templates import seed_defaults as seed_message_templates
from portal.cases.models import Case, FilerType
from portal.cases.operations import ActionInput, take_action
from portal.cases.workflow import Action, Outcome, State
from portal.core.db import utcnow
from portal.core.roles import Role
from portal.extensions import db
from portal.intake import operations
from portal.intake.receipt import group_receipt
from portal.organisations.models import EntityKind, Organisation, OrganisationKind, RelationKind, SupplyChainEntity
from portal.registry.operations import EntityInput, OrganisationInput, add_relation, save_entity, save_organisation
from portal.users.models import Nomination, User

DEMO_PASSWORD = "demo-password-change-me"

# (name, kind, country, LEI, register identifiers). The identifiers are made up for the demonstration, in the
# real registers' formats: the LEI's "DEMO" prefix is no real issuer's, the KvK numbers are not the parties' own.
PARTIES = [
    ("VNMI — Vereniging Nederlandse Metallurgische Industrie", OrganisationKind.INDUSTRY_ASSOCIATION, "NL", None,
     [("NL-KVK", "40000001")]),
    ("Eurometaux", OrganisationKind.INDUSTRY_ASSOCIATION, "BE", None, [("BE-BCE_KBO", "0400000001")]),
    ("Century Aluminum Vlissingen B.V.", OrganisationKind.COMPANY, "NL", "DEMO00CENTURYVLS0167",
     [("NL-KVK", "40000002")]),
    ("E-MAX Aluminium Profielen", OrganisationKind.COMPANY, "NL", None, [("NL-KVK", "40000003")]),
    ("Hunter Douglas Europe", OrganisationKind.COMPANY, "NL", None, [("NL-KVK", "40000004")]),
    ("Tata Steel Nederland", OrganisationKind.COMPANY, "NL", None, [("NL-KVK", "40000005")]),
    ("Uzimet", OrganisationKind.COMPANY, "NL", None, [("NL-KVK", "40000006")]),
    ("CNV", OrganisationKind.UNION, "NL", None, [("NL-KVK", "40000007")]),
    ("FNV", OrganisationKind.UNION, "NL", None, [("NL-KVK", "40000008")]),
    ("Global March against Child Labour", OrganisationKind.NGO, "IN", None, []),
    ("IUCN Nederland", OrganisationKind.NGO, "NL", None, [("NL-KVK", "40000009")]),
    ("Unicef Nederland", OrganisationKind.NGO, "NL", None, [("NL-KVK", "40000010")]),
    ("Minister for Foreign Trade and Development Cooperation", OrganisationKind.GOVERNMENT, "NL", None, []),
    ("State Secretary for Economic Affairs and Climate Policy", OrganisationKind.GOVERNMENT, "NL", None, []),
    ("Covenant secretariat", OrganisationKind.SECRETARIAT, "NL", None, []),
    # Not a party: a mine-workers' union at the Morowali nickel smelter that files for its members.
    ("Serikat Pekerja Tambang Morowali", OrganisationKind.UNION, "ID", None, []),
]  # fmt: skip
NOT_PARTIES = {"Covenant secretariat", "Serikat Pekerja Tambang Morowali"}

# (email, name, role, organisation, nomination, vice_chair, locale)
ACCOUNTS = [
    ("admin@demo.test", "Ada Admin", Role.ADMIN, "Covenant secretariat", None, False, "en"),
    ("officer@demo.test", "Sanne Secretariat", Role.SECRETARIAT, "Covenant secretariat", None, False, "nl"),
    ("chair@demo.test", "Claire Chair", Role.CHAIR, None, Nomination.INDEPENDENT, False, "fr"),
    ("industry@demo.test", "Ivo Industry", Role.MEMBER, "VNMI — Vereniging Nederlandse Metallurgische Industrie",
     Nomination.INDUSTRY, False, "nl"),
    ("industry2@demo.test", "Eva Eurometaux", Role.MEMBER, "Eurometaux", Nomination.INDUSTRY, False, "en"),
    ("union@demo.test", "Fatima FNV", Role.MEMBER, "FNV", Nomination.CIVIL_SOCIETY, False, "ar"),
    ("ngo@demo.test", "Uma Unicef", Role.MEMBER, "Unicef Nederland", Nomination.CIVIL_SOCIETY, True, "hi"),
    ("union2@demo.test", "Kees CNV", Role.MEMBER, "CNV", Nomination.CIVIL_SOCIETY, False, "nl"),
    ("liaison@century.test", "Carl Century", Role.COMPANY, "Century Aluminum Vlissingen B.V.", None, False, "en"),
    ("liaison@tata.test", "Tara Tata", Role.COMPANY, "Tata Steel Nederland", None, False, "en"),
    # Organisation accounts (/org/): a child-rights NGO and a mine-workers' union, each with an admin and a member.
    ("childrights@demo.test", "Grace Global March", Role.ORGANISATION, "Global March against Child Labour", None,
     False, "en"),
    ("fieldworker@demo.test", "Jean-Paul Kabwe", Role.ORGANISATION, "Global March against Child Labour", None,
     False, "fr"),
    ("union-admin@demo.test", "Wati Morowali", Role.ORGANISATION, "Serikat Pekerja Tambang Morowali", None, False,
     "id"),
    ("union-member@demo.test", "Budi Santoso", Role.ORGANISATION, "Serikat Pekerja Tambang Morowali", None, False,
     "id"),
]  # fmt: skip
ORGANISATION_ADMINS = {"childrights@demo.test", "union-admin@demo.test"}

# Filed on behalf of people by the organisations above: (member, locale, filer, country, commodity, categories,
# place, description, whom, people, households, consent by, consent method, guardian consent by, own receipts).
ON_BEHALF = [
    ("fieldworker", "sw", FilerType.NGO, "CD", "cobalt", ["child_labour"], "Kasulo, Kolwezi",
     "Watoto tisa wa familia tatu wanabeba mawe ya kobalti kwenye ghala la Kasulo kila usiku.",
     "households", 11, 3, "Mama watatu wa familia", "thumbprint", "Mama Furaha, mzazi wa watoto wanne", 1),
    ("fieldworker", "fr", FilerType.NGO, "CD", "cobalt", ["child_labour", "health_safety"], "Kambove",
     "Des enfants de moins de quinze ans trient le minerai au bord de la rivière, sans protection, pour un "
     "négociant du dépôt.", "community", 40, None, "Le comité du village", "spoken",
     "Les parents réunis le 3 novembre", 0),
    ("union-member", "id", FilerType.UNION, "ID", "nickel", ["health_safety", "wages_hours"], "Morowali",
     "Dua belas pekerja tungku smelter nikel bekerja 12 jam tanpa masker dan upah lembur tidak dibayar.",
     "several", 12, None, "Dua belas anggota serikat", "signed", None, 2),
]  # fmt: skip

# (name, kind, commodities, country, region, operator, RMI id, OS ID, latitude, longitude); ids made up as above.
SITES = [
    ("Boké bauxite mine", EntityKind.MINE, ["aluminium"], "GN", "GN-B", None, None, None, 10.94, -14.29),
    ("Fria alumina refinery", EntityKind.REFINERY, ["aluminium"], "GN", "GN-FR", None, None, None, 10.37, -13.58),
    ("Vlissingen aluminium smelter", EntityKind.SMELTER, ["aluminium"], "NL", "NL-ZE",
     "Century Aluminum Vlissingen B.V.", "CID900001", "NL2019123ABC456", 51.45, 3.67),
    ("Kolwezi cobalt depot", EntityKind.DEPOT, ["cobalt", "copper"], "CD", "CD-LU", None, None, None, -10.71, 25.47),
    ("Morowali nickel smelter", EntityKind.SMELTER, ["nickel"], "ID", "ID-ST", None, "CID900002", None, -2.82, 122.16),
    ("IJmuiden steel mill", EntityKind.SMELTER, ["steel"], "NL", "NL-NH", "Tata Steel Nederland", None,
     "NL2019123DEF789", 52.47, 4.6),
]  # fmt: skip

# (subject, relation, object): the aluminium chain from Boké to the profiles.
RELATIONS = [
    ("Boké bauxite mine", RelationKind.SUPPLIES, "Fria alumina refinery"),
    ("Fria alumina refinery", RelationKind.SUPPLIES, "Vlissingen aluminium smelter"),
    ("Vlissingen aluminium smelter", RelationKind.SUPPLIES, "E-MAX Aluminium Profielen"),
]

GRIEVANCES = [
    ("sw", FilerType.AFFECTED_PERSON, "CD", "cobalt", ["child_labour", "health_safety"], "Kolwezi, Lualaba",
     "Watoto wanafanya kazi kwenye ghala la kobalti usiku. Hakuna vifaa vya kujikinga na vumbi."),
    ("fr", FilerType.NGO, "GN", "aluminium", ["land", "environment"], "Boké",
     "Quarante familles ont perdu leurs champs à cause de l'extension de la mine de bauxite, sans consultation ni "
     "compensation. Les puits sont pollués par la poussière rouge."),
    ("id", FilerType.UNION, "ID", "nickel", ["freedom_of_association", "retaliation"], "Morowali, Sulawesi",
     "Pengurus serikat pekerja di smelter nikel dipecat setelah melaporkan kecelakaan kerja."),
    ("pt_BR", FilerType.WITNESS, "BR", "steel", ["wages_hours"], "Minas Gerais",
     "Trabalhadores terceirizados da mina de minério de ferro fazem turnos de 14 horas sem pagamento de horas extras."),
    ("ar", FilerType.AFFECTED_PERSON, "NL", "aluminium", ["discrimination", "wages_hours"], "Vlissingen",
     "العمال المهاجرون في مصهر الألومنيوم يتقاضون أجوراً أقل من زملائهم عن نفس العمل."),
    ("en", FilerType.ON_BEHALF, "ZM", "copper", ["health_safety", "environment"], "Copperbelt",
     "Acid mist from the copper smelter makes the children of the nearby school sick every week."),
    ("es", FilerType.AFFECTED_PERSON, "PE", "copper", ["land", "indigenous"], "Apurímac",
     "La mina de cobre ocupó tierras comunales sin el consentimiento de la comunidad quechua."),
    ("hi", FilerType.AFFECTED_PERSON, "IN", "zinc", ["forced_labour"], "Rajasthan",
     "ठेकेदार ने हमारे पहचान पत्र रख लिए हैं और कर्ज़ चुकाने तक हमें काम छोड़ने नहीं देता।"),
    ("zh_Hans", FilerType.WITNESS, "ID", "nickel", ["health_safety"], "Morowali",
     "冶炼厂的工人在没有防护的情况下处理高温炉渣，上个月有两人严重烧伤。"),
    ("nl", FilerType.UNION, "NL", "steel", ["health_safety"], "IJmuiden",
     "Onderaannemers bij de staalfabriek werken zonder goede adembescherming in de stofzone."),
]  # fmt: skip

# The path of actions that brings a case into each state.
PATHS = {
    State.SUBMITTED: [],
    State.ACKNOWLEDGED: [Action.ACKNOWLEDGE],
    State.INFO_REQUESTED: [Action.ACKNOWLEDGE, Action.REQUEST_INFO],
    State.ASSESSMENT: [Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT],
    State.INADMISSIBLE: [Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT, Action.REJECT],
    State.COMPANY_RESPONSE: [Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT, Action.ADMIT],
    State.DIALOGUE: [Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT, Action.ADMIT, Action.START_DIALOGUE],
    State.ADJUDICATION: [Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT, Action.ADMIT, Action.REFER_TO_ADJUDICATION],
    State.DECIDED: [Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT, Action.ADMIT, Action.START_DIALOGUE, Action.SETTLE],
    State.REVIEW: [Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT, Action.ADMIT, Action.REFER_TO_ADJUDICATION,
                   Action.DECIDE, Action.REQUEST_REVIEW],
    State.MONITORING: [Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT, Action.ADMIT, Action.START_DIALOGUE, Action.SETTLE,
                       Action.START_MONITORING],
    # Closed after its remedy was monitored (an inadmissible case waits 30 days for a review request first).
    State.CLOSED: [Action.ACKNOWLEDGE, Action.OPEN_ASSESSMENT, Action.ADMIT, Action.START_DIALOGUE, Action.SETTLE,
                   Action.START_MONITORING, Action.CLOSE],
    State.WITHDRAWN: [Action.WITHDRAW],
    State.MERGED: [Action.MERGE],
}  # fmt: skip

ROLE_FOR = {
    Action.ADMIT: "chair", Action.REJECT: "chair", Action.SETTLE: "chair", Action.DECIDE: "chair",
    Action.REFER_TO_ADJUDICATION: "chair", Action.CONFIRM: "chair", Action.REVISE: "chair",
}  # fmt: skip


def _org(name: str | None) -> int | None:
    if name is None:
        return None
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name))


def create_accounts(echo) -> dict[str, User]:
    users = {}
    for email, name, role, organisation, nomination, vice_chair, locale in ACCOUNTS:
        user = User(
            email=email, name=name, role=role, organisation_id=_org(organisation), nomination=nomination,
            vice_chair=vice_chair, locale=locale, organisation_admin=email in ORGANISATION_ADMINS,
        )  # fmt: skip
        user.set_password(DEMO_PASSWORD)
        user.totp_secret = pyotp.random_base32()
        user.totp_confirmed_at = utcnow()
        db.session.add(user)
        # Keyed by the whole local part and domain label: both liaisons are "liaison@", at different companies.
        local, domain = email.split("@")
        users[local if domain == "demo.test" else f"{local}@{domain.split('.')[0]}"] = user
    db.session.flush()
    echo(f"Demo accounts (password for all: {DEMO_PASSWORD}); add the TOTP secret to an authenticator app:")
    for user in users.values():
        echo(f"  {user.role:<12} {user.email:<24} TOTP secret {user.totp_secret}")
    return users


def seat_panel(case: Case, users: dict[str, User], panel: PanelKind = PanelKind.ORIGINAL) -> None:
    """The first panel: Claire (chair), Ivo, Fatima. The review panel shares nobody with it: Uma (vice-chair) in the
    chair's seat, Eva, Kees."""
    names = ("chair", "industry", "union") if panel == PanelKind.ORIGINAL else ("ngo", "industry2", "union2")
    for name, seat in zip(names, (SeatKind.CHAIR, SeatKind.INDUSTRY, SeatKind.CIVIL_SOCIETY), strict=True):
        seat_panel_member(case, users[name], seat, panel, users["officer"])


def advance(case: Case, target: State, users: dict[str, User], merge_into: Case | None = None) -> None:
    """Walk ``case`` along the demo path to ``target`` through the real operations."""
    for action in PATHS[target]:
        if action == Action.OPEN_ASSESSMENT:
            seat_panel(case, users)
        if action == Action.ADMIT:
            write_company_summary(case, users["officer"], "Workers report unsafe conditions at a site you source from.")
        actor = users[ROLE_FOR.get(action, "officer")]
        role = Role.CHAIR if actor.role == Role.CHAIR else Role.SECRETARIAT
        given = ActionInput(
            reasons="Recorded for the demonstration.",
            message="Can you tell us when this started?" if action == Action.REQUEST_INFO else None,
            outcome={Action.SETTLE: Outcome.SETTLED, Action.DECIDE: Outcome.PARTLY_FOUNDED}.get(action),
            votes={seat: VoteChoice.FOR for seat in (users["chair"].id, users["industry"].id, users["union"].id)},
            merge_target=merge_into,
        )
        take_action(case, action, actor, role, given=given)
        if action == Action.REQUEST_REVIEW:
            seat_panel(case, users, PanelKind.REVIEW)  # Uma, the vice-chair, signs the review


def load_registry() -> dict[str, Organisation | SupplyChainEntity]:
    """The parties, sites and relations, through the registry's operations (audited like a secretariat's)."""
    records: dict[str, Organisation | SupplyChainEntity] = {}
    for name, kind, country, lei, identifiers in PARTIES:
        party = OrganisationInput(
            name=name, kind=kind, country=country, lei=lei, covenant_party=name not in NOT_PARTIES,
            verified=True, identifiers=identifiers,
        )  # fmt: skip
        records[name] = save_organisation(party, None)[0]
    for name, kind, commodities, country, region, operator, rmi_id, os_id, latitude, longitude in SITES:
        site = EntityInput(
            name=name, kind=kind, commodities=commodities, country=country, region=region,
            operator_organisation_id=_org(operator), rmi_id=rmi_id, os_id=os_id, latitude=latitude,
            longitude=longitude,
        )  # fmt: skip
        records[name] = save_entity(site, None)[0]
    for subject, relation, obj in RELATIONS:
        add_relation(records[subject], relation, records[obj], None)
    return records


def load_demo_data(echo=print) -> None:
    if db.session.scalar(select(func.count()).select_from(Organisation)):
        echo("Demo data already present; nothing loaded.")
        return
    sites = load_registry()
    users = create_accounts(echo)
    century = _org("Century Aluminum Vlissingen B.V.")
    receipts, first = [], None
    for number, state in enumerate(State):
        locale, filer, country, commodity, categories, place, description = GRIEVANCES[number % len(GRIEVANCES)]
        grievance = operations.GrievanceInput(
            filer_type=filer, anonymous=True, identity={}, share_identity_with_company=False, categories=categories,
            country=country, commodity=commodity, place=place, companies=None, incident_date=None,
            incident_period=None, ongoing=True, description=description, people_affected=None,
            children_involved="child_labour" in categories, retaliation_risk="retaliation" in categories,
            desired_remedy=None, locale=locale,
        )  # fmt: skip
        case, receipt = operations.submit_grievance(grievance, files=[])
        first = first or case
        link_case(case, users["officer"], century, [sites["Vlissingen aluminium smelter"].id])
        advance(case, state, users, merge_into=first if state == State.MERGED else None)
        if number % 3 and case.is_open:
            assign_officer(case, users["officer"], users["chair"])
        receipts.append((case, receipt))
    filed_for = file_on_behalf(users)
    seed_message_templates()  # the default templates of every step, in every language
    db.session.commit()
    echo("Demo grievances; receipts to try at /<locale>/follow-up:")
    for case, receipt in receipts:
        echo(f"  {case.reference} ({case.submission_locale}, {case.state}): {group_receipt(receipt)}")
    echo("Filed by organisations on behalf of people (the organisation's receipt, then the people's own):")
    for case, numbers in filed_for:
        echo(f"  {case.reference} ({case.submission_locale}): " + ", ".join(group_receipt(n) for n in numbers))


def file_on_behalf(users: dict[str, User]) -> list[tuple[Case, list[str]]]:
    """The organisations' cases, filed as the form files them; the first is acknowledged by the secretariat."""
    filed = []
    for number, row in enumerate(ON_BEHALF):
        member, locale, filer, country, commodity, categories, place, description = row[:8]
        whom, people, households, consent_by, method, guardian_by, own_receipts = row[8:]
        children = "child_labour" in categories
        grievance = operations.GrievanceInput(
            filer_type=filer, anonymous=True, identity={}, share_identity_with_company=False, categories=categories,
            country=country, commodity=commodity, place=place, companies=None, incident_date=None,
            incident_period=None, ongoing=True, description=description, people_affected=people,
            children_involved=children, retaliation_risk=False, desired_remedy=None, locale=locale,
            people_represented=people, households_represented=households,
            organisation=operations.OrganisationFiling(
                organisation_id=users[member].organisation_id, filed_by=users[member], represented_kind=whom,
                consent_by=consent_by, consent_method=method, consent_on=utcnow().date(), consent_language=locale,
                guardian_consent_by=guardian_by if children else None,
                guardian_consent_method="spoken" if children else None, safeguarding=number == 0,
                own_receipts=own_receipts,
            ),
        )  # fmt: skip
        case, receipt, extra = operations.submit_grievance_with_receipts(grievance, files=[])
        if number == 0:
            advance(case, State.ACKNOWLEDGED, users)
        filed.append((case, [receipt, *extra]))
    return filed
