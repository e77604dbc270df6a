"""One source per vocabulary (issue 10): the record, the widget, the registry columns, the family ids.

The export key lists are contracts and stay written out in `storage.exports`; this file is the ONE
check of them against the record, so a record field added (or renamed) can never change an export
silently: an export key taken from the record must name a record field, the documents export holds
exactly its listed keys whatever the record holds, and every record column field is a
``document_versions`` column of the type the record implies.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json

import pytest
from sqlalchemy import Date, String, Text
from storage_factories import REGISTRY_ROWS, TQ, page
from storage_factories import widget as widget_item

from core import families, registry_schema, widget
from core.record import COLUMN_FIELDS, RECORD_KEYS, Record
from storage import Store, exports
from storage.models import DocumentVersion, WidgetReading, record_column_type

#: Keys of the documents export that are about the document, not copied from its record.
DOCUMENT_OWN_KEYS = ("url", "portal", "first_seen_run", "last_seen_run", "version", "removed_run", "content_hash",
                     "first_seen_on", "last_seen_on", "removed_on")
#: Keys of the widgets export that are about the reading, not the widget's own figures.
WIDGET_OWN_KEYS = ("portal", "url", "run", "observed_on", "source", "fetched_at", "issues")


def test_export_keys_agree_with_the_record_and_the_widget() -> None:
    record_keys = set(RECORD_KEYS)
    from_record = [k for k in exports.DOCUMENT_KEYS if k not in DOCUMENT_OWN_KEYS]
    assert from_record and set(from_record) <= record_keys, set(from_record) - record_keys
    # the record's fields the export publishes keep the record's order (plan_period was appended last)
    assert from_record == [k for k in RECORD_KEYS if k in from_record]
    assert {k for k in exports.WIDGET_KEYS if k not in WIDGET_OWN_KEYS} == set(widget.WIDGET_KEYS)
    # the registry part of the portals export is the registry's columns (the row kind is not stored)
    assert exports.PORTAL_KEYS[:exports.PORTAL_KEYS.index("in_registry")] == tuple(
        c for c in registry_schema.COLUMNS if c != "kind")


def test_record_columns_are_document_version_columns_of_the_records_types() -> None:
    table = DocumentVersion.__table__
    for f in COLUMN_FIELDS:
        assert f.name in table.c, f.name
        declared, derived = table.c[f.name].type, record_column_type(f)
        assert type(declared) is type(derived) or (isinstance(declared, Text) and isinstance(derived, Text)), f.name
        if isinstance(derived, String):
            assert getattr(declared, "length", None) == derived.length, f.name
    assert isinstance(table.c["doc_date"].type, Date)
    for name in widget.WIDGET_KEYS:
        assert name in WidgetReading.__table__.c, name


def test_a_record_field_outside_the_export_never_reaches_it(store: Store) -> None:
    """A page whose record carries more than the contract is stored, and the export is unchanged."""
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
    url = "https://tuyenquang.gov.vn/portal/Pages/2022-4-27/ke-hoach-123.aspx"
    item = page(url, "Kế hoạch CCHC")
    item["record"] = {**item["record"], "a_future_field": "x"}
    store.save_items(run, [item, widget_item(TQ, total=5, on_time=4, late=1)])
    assert store.failed_items == []
    for kind in ("documents", "widgets"):
        buf = io.StringIO()
        store.export(kind, "jsonl", buf)
        rows = [json.loads(line) for line in buf.getvalue().splitlines()]
        assert rows and all(tuple(r) == exports.KEYS[kind] for r in rows), kind


def test_record_from_mapping_types_each_field_by_its_annotation() -> None:
    rec = Record.from_mapping({"url": "https://a.gov.vn/x", "title": "", "plan_year": "2024", "is_cchc": "1",
                               "channels": ("a", "b"), "not_in_the_contract": 1})
    assert (rec.title, rec.plan_year, rec.is_cchc, rec.channels) == (None, 2024, True, ["a", "b"])
    assert tuple(rec.to_dict()) == RECORD_KEYS == tuple(f.name for f in dataclasses.fields(Record))
    with pytest.raises(ValueError):
        Record.from_mapping({"url": "https://a.gov.vn/x", "plan_year": [2024]})
    with pytest.raises(ValueError):
        Record.from_mapping({"title": "no url"})


def test_registry_columns_and_family_ids_are_defined_once() -> None:
    from crawler import families as crawler_families
    from crawler import registry
    from sim import conditional, portals
    from sim import families as sim_families
    from sim import registry as sim_registry

    assert registry.COLUMNS is registry_schema.COLUMNS
    assert tuple(sim_registry.COLUMNS) == registry_schema.COLUMNS
    assert registry.CMS_FAMILIES is families.CMS_FAMILIES
    assert set(crawler_families.FAMILIES) == set(families.CMS_FAMILIES)
    assert tuple(sim_families.FAMILIES) == families.KNOWN_FAMILIES
    assert set(conditional.FAMILY_POLICY) == set(families.KNOWN_FAMILIES)
    assert tuple(portals.FAMILIES_CYCLE) == families.KNOWN_FAMILIES


def test_a_record_without_url_is_stored_under_the_pages_url(store: Store) -> None:
    """The typed record takes the page's URL when the record names none (as storage always did)."""
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
    url = "https://tuyenquang.gov.vn/portal/Pages/2022-4-27/ke-hoach-123.aspx"
    item = page(url, "Kế hoạch CCHC")
    item["record"] = {k: v for k, v in item["record"].items() if k != "url"}
    store.save_items(run, [item])
    assert store.failed_items == []
    buf = io.StringIO()
    store.export("documents", "jsonl", buf)
    assert [json.loads(line)["url"] for line in buf.getvalue().splitlines()] == [url]
