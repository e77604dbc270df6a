"""Migration 0011 (DEMO, issue 10): the record's ``summary`` field is stored in ``document_versions.summary``."""
from __future__ import annotations

import datetime as dt
import io
import json

from sqlalchemy import inspect, select

from storage import Store, exports
from storage.models import DocumentVersion
from storage_factories import REGISTRY_ROWS, page


def test_summary_is_a_column_and_stored_from_the_record(store: Store) -> None:
    assert "summary" in {c["name"] for c in inspect(store.engine).get_columns("document_versions")}
    store.sync_portals(REGISTRY_ROWS)
    run = store.start_run(trigger="manual", observed_on=dt.date(2022, 8, 12), args={})
    url = "https://tuyenquang.gov.vn/portal/Pages/2022-4-27/ke-hoach-123.aspx"
    store.save_items(run, [page(url, "Kế hoạch CCHC", summary="Tóm tắt kế hoạch")])
    assert store.failed_items == []
    with store.engine.connect() as conn:
        assert conn.execute(select(DocumentVersion.__table__.c.summary)).scalar_one() == "Tóm tắt kế hoạch"
    buf = io.StringIO()
    store.export("documents", "jsonl", buf)
    assert tuple(json.loads(buf.getvalue().splitlines()[0])) == exports.DOCUMENT_KEYS  # the export is unchanged
