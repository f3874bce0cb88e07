"""Huimin's FHIR API as a standard client library sees it.

Drives a running demo server with fhirpy (https://github.com/beda-software/fhir-py): the
scheduling searches, _include/_revinclude, paging by following `next` links, modifiers, a
token search by system alone, $find, lenient handling, and the regressions of wrong answers
found with standard clients (issue 28). The API test `conformance` starts the server and runs
this with `python -m pytest`; it passes the server and tokens in the environment:

    HUIMIN_FHIR_BASE     e.g. http://127.0.0.1:40123/fhir
    HUIMIN_ADMIN_TOKEN   an administrator's bearer token
    HUIMIN_PATIENT_TOKEN the demo patient 13800000001's bearer token
    HUIMIN_PATIENT_ID    that account's own Patient id
"""

import os

import pytest
from fhirpy import SyncFHIRClient
from fhirpy.base.exceptions import OperationOutcome
from fhirpy.base.utils import parse_pagination_url

BASE = os.environ["HUIMIN_FHIR_BASE"]
LICENCE = "urn:huimin:sid:physician-licence"
DEPARTMENT_CODE = "urn:huimin:cs:department-code"


def client(token_var="HUIMIN_ADMIN_TOKEN", lenient=False):
    headers = {"Prefer": "handling=lenient"} if lenient else None
    return SyncFHIRClient(
        BASE, authorization=f"Bearer {os.environ[token_var]}", extra_headers=headers
    )


@pytest.fixture(scope="module")
def admin():
    return client()


@pytest.fixture(scope="module")
def patient():
    return client("HUIMIN_PATIENT_TOKEN")


def entries(bundle, mode):
    return [e["resource"] for e in bundle.get("entry", []) if e["search"]["mode"] == mode]


def next_page(c, bundle):
    links = {link["relation"]: link["url"] for link in bundle["link"]}
    if "next" not in links:
        return None
    return c._fetch_resource(*parse_pagination_url(links["next"]))


@pytest.fixture(scope="module")
def bookable(patient):
    """The first slot the demo patient may book, as `$find` offers it."""
    found = patient.execute(
        "Appointment/$find",
        method="get",
        params={"patient": f"Patient/{os.environ['HUIMIN_PATIENT_ID']}", "_count": 1},
    )
    assert found["total"] > 0, found
    return found["entry"][0]["resource"]


@pytest.fixture(scope="module")
def schedule(admin, bookable):
    return admin.reference(reference=bookable["schedule"]["reference"]).to_resource()


def test_the_capability_statement_declares_the_scheduling_searches(admin):
    metadata = admin.execute("metadata", method="get")
    by_type = {r["type"]: r for r in metadata["rest"][0]["resource"]}
    declared = {p["name"] for p in by_type["Slot"]["searchParam"]}
    assert {"schedule", "status", "start", "service-type", "specialty"} <= declared
    assert {"actor", "date", "specialty", "active"} <= {
        p["name"] for p in by_type["Schedule"]["searchParam"]
    }
    assert {"patient", "actor", "date", "status", "practitioner", "location"} <= {
        p["name"] for p in by_type["Appointment"]["searchParam"]
    }
    assert "Slot:schedule" in by_type["Slot"]["searchInclude"]
    assert "Slot:schedule" in by_type["Schedule"]["searchRevInclude"]
    operations = {o["name"]: o["definition"] for o in by_type["Appointment"]["operation"]}
    assert {"find", "hold", "book", "waitlist"} <= operations.keys()
    definition = admin.execute(
        operations["waitlist"][operations["waitlist"].index("OperationDefinition"):],
        method="get",
    )
    assert definition["resourceType"] == "OperationDefinition"
    assert definition["url"] == operations["waitlist"]


def test_slots_are_found_by_schedule_status_and_start_across_pages(admin, schedule):
    slots = admin.resources("Slot").search(schedule=f"Schedule/{schedule.id}")
    every = slots.limit(100).fetch()
    paged = slots.sort("start").limit(3).fetch_all()
    assert len({s.id for s in paged}) == len(paged) == len(every)
    starts = [s.start for s in paged]
    assert starts == sorted(starts)
    later = slots.search(start=f"gt{starts[0]}").limit(100).fetch()
    assert len(later) == len(every) - 1
    free = slots.search(status="free").limit(100).fetch()
    assert free and all(s.status == "free" for s in free)
    morning_or_not = slots.search(**{"service-type": "urn:huimin:cs:clinic-period|"})
    assert len(morning_or_not.limit(100).fetch()) == len(every)


def test_slots_include_their_schedule_once(admin, schedule):
    bundle = (
        admin.resources("Slot")
        .search(schedule=f"Schedule/{schedule.id}")
        .include("Slot", "schedule")
        .limit(4)
        .fetch_raw()
    )
    assert len(entries(bundle, "match")) == min(4, bundle["total"])
    included = entries(bundle, "include")
    assert [(r["resourceType"], r["id"]) for r in included] == [("Schedule", schedule.id)]


def test_schedules_are_found_by_actor_date_and_specialty_with_their_slots(admin, schedule):
    role = next(
        a["reference"] for a in schedule.actor if a["reference"].startswith("PractitionerRole/")
    )
    day = schedule.comment[:10]  # the session's day in the hospital, "YYYY-MM-DD period"
    found = admin.resources("Schedule").search(actor=role, date=day).limit(10).fetch()
    assert schedule.id in [s.id for s in found]
    code = schedule.specialty[0]["coding"][0]["code"]
    same = admin.resources("Schedule").search(specialty=f"{DEPARTMENT_CODE}|{code}", date=day)
    assert schedule.id in [s.id for s in same.limit(100).fetch()]
    bundle = (
        admin.resources("Schedule")
        .search(_id=schedule.id)
        .revinclude("Slot", "schedule")
        .fetch_raw()
    )
    slots = entries(bundle, "include")
    assert slots and all(s["schedule"]["reference"] == f"Schedule/{schedule.id}" for s in slots)
    # R4 allows no Organization among a Schedule's actors.
    for s in admin.resources("Schedule").limit(50).fetch():
        assert not any(a["reference"].startswith("Organization/") for a in s.actor)


def test_directory_paging_follows_next_links_without_repeats(admin):
    """Paging links kept `_sort` (issue 28): every practitioner once, in order."""
    by_id = admin.resources("Practitioner").sort("_id")
    paged = [p.id for p in by_id.limit(7).fetch_all()]
    assert len(paged) == len(set(paged)) == by_id.limit(100).fetch_raw()["total"]
    assert paged == sorted(paged)
    descending = [p.id for p in admin.resources("Practitioner").sort("-_id").limit(9).fetch_all()]
    assert descending == sorted(paged, reverse=True)


def test_modifiers_are_served_or_refused(admin):
    first = admin.resources("Organization").sort("_id").first()
    others = admin.resources("Organization").search(**{"_id:not": first.id}).limit(100).fetch()
    assert others and first.id not in [o.id for o in others]
    with pytest.raises(OperationOutcome):
        admin.resources("Organization").search(**{"_id:foo": "x"}).fetch()
    named = admin.resources("Practitioner").search(**{"name:contains": "明"}).limit(5).fetch()
    assert all("明" in str(p.name) for p in named)


def test_a_token_with_a_system_only_finds_every_identifier_in_it(admin):
    total = admin.resources("Practitioner").search(identifier=f"{LICENCE}|").limit(1)
    assert total.fetch_raw()["total"] == admin.resources("Practitioner").limit(1).fetch_raw()[
        "total"
    ]


def test_find_takes_a_practitioner_and_links_its_pages(admin, schedule):
    role_ref = next(
        a["reference"] for a in schedule.actor if a["reference"].startswith("PractitionerRole/")
    )
    role = admin.reference(reference=role_ref).to_resource()
    doctor = role.practitioner["reference"]
    found = admin.execute(
        "Appointment/$find", method="get", params={"practitioner": doctor, "_count": 2}
    )
    assert found["total"] > 0
    relations = {link["relation"] for link in found["link"]}
    assert "self" in relations
    if found["total"] > 2:
        second = next_page(admin, found)
        assert {e["resource"]["id"] for e in second["entry"]}.isdisjoint(
            {e["resource"]["id"] for e in found["entry"]}
        )


def test_a_patient_finds_only_their_appointments_and_includes_only_themselves(
    admin, patient, bookable
):
    own = os.environ["HUIMIN_PATIENT_ID"]
    slot = admin.reference(reference=f"Slot/{bookable['id']}").to_resource()
    booked = patient.execute(
        "Appointment/$book",
        data={
            "resourceType": "Parameters",
            "parameter": [
                {"name": "slot", "valueReference": {"reference": f"Slot/{slot.id}"}},
                {"name": "patient", "valueReference": {"reference": f"Patient/{own}"}},
            ],
        },
    )
    bundle = (
        patient.resources("Appointment")
        .search(status="booked")
        .include("Appointment", "patient")
        .limit(50)
        .fetch_raw()
    )
    assert booked["id"] in [a["id"] for a in entries(bundle, "match")]
    patients = {p["id"] for p in entries(bundle, "include") if p["resourceType"] == "Patient"}
    assert patients == {own}
    by_staff = (
        admin.resources("Appointment")
        .search(practitioner=next(a["actor"]["reference"] for a in booked["participant"]
                                  if a["actor"]["reference"].startswith("PractitionerRole/")),
                date=slot.start)
        .include("Appointment", "practitioner")
        .fetch_raw()
    )
    assert booked["id"] in [a["id"] for a in entries(by_staff, "match")]
    kinds = {r["resourceType"] for r in entries(by_staff, "include")}
    assert {"PractitionerRole", "Practitioner"} <= kinds


def test_unknown_parameters_are_refused_unless_lenient(admin):
    with pytest.raises(OperationOutcome):
        admin.resources("Slot").search(colour="red").fetch()
    # fhirpy's count() adds its own `_totalMethod`: strict handling refuses it …
    with pytest.raises(OperationOutcome):
        admin.resources("Slot").count()
    lenient = client(lenient=True)
    # … lenient handling ignores it, and says so.
    assert lenient.resources("Slot").search(status="free").count() > 0
    bundle = lenient.resources("Slot").search(colour="red").limit(1).fetch_raw()
    (outcome,) = entries(bundle, "outcome")
    assert outcome["issue"][0]["severity"] == "warning"
    assert "colour" in outcome["issue"][0]["expression"]


def test_elements_and_summary_cut_the_matches_down(admin, schedule):
    slots = admin.resources("Slot").search(schedule=f"Schedule/{schedule.id}")
    (thin,) = slots.elements("start").limit(1).fetch()
    assert thin.get("extension") is None and thin.start
    assert any(t["code"] == "SUBSETTED" for t in thin.meta["tag"])
    counted = slots.search(_summary="count").fetch_raw()
    assert counted["total"] > 0 and "entry" not in counted
