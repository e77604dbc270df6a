"""`units.db.sync` on SQLite and PostgreSQL: complete, fast, idempotent; the storage-level mapping."""
from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, update

import storage.units_models  # noqa: F401 - registers the unit tables on Base.metadata
from storage import Store
from storage.migrate import include_name, script_directory
from storage.models import Base
from storage.units_models import AdminUnit
from units.db import current_units, load_catalog, portal_links, sync

ON_2026 = dt.date(2026, 1, 1)


def test_sync_loads_everything_and_a_second_run_changes_nothing(db_url: str) -> None:
    with Store.open(db_url) as store:
        first = sync(store.engine)
        assert first.problems == []
        assert first.units.inserted == first.totals["units"] == 14178
        assert first.successions.inserted == first.totals["successions"] == 14357
        assert first.linked_portals == first.portal_count == first.totals["portal_units"]
        assert first.seconds < 60  # a few seconds in practice; generous for a loaded CI machine
        second = sync(store.engine)
        assert not second.changed
        assert (second.units.inserted, second.units.updated, second.units.deleted) == (0, 0, 0)
        assert second.totals == first.totals
        # A changed row is put back by one UPDATE, with the same id.
        with store.engine.begin() as conn:
            conn.execute(update(AdminUnit).where(AdminUnit.key == "commune:10903:before").values(name="Sai"))
            before_id = conn.execute(select(AdminUnit.id).where(AdminUnit.key == "commune:10903:before")).scalar_one()
        third = sync(store.engine)
        assert (third.units.inserted, third.units.updated, third.units.deleted) == (0, 1, 0)
        catalog = load_catalog(store.engine)
        ngoc_lien = catalog.get("commune:10903:before")
        assert ngoc_lien.name == "Ngọc Liên" and ngoc_lien.id == before_id


def test_storage_level_current_units(db_url: str) -> None:
    with Store.open(db_url) as store:
        sync(store.engine)
        catalog = load_catalog(store.engine)
        ngoc_lien = catalog.get("commune:10903:before")
        [now] = current_units(store.engine, ngoc_lien, on=ON_2026)
        assert (now.unit.full_name, now.unit.code, now.whole) == ("Xã Cẩm Giàng", "10903", True)
        [province] = current_units(store.engine, ngoc_lien, level="province", on=ON_2026)
        assert province.unit.full_name == "Thành phố Hải Phòng"
        # Tuyên Quang 2020 (by code and date) and the merged 2026 one: the same current province.
        old = current_units(store.engine, "08", at=dt.date(2020, 3, 2), on=ON_2026)
        new = current_units(store.engine, "08", at=ON_2026, on=ON_2026)
        assert [c.unit.key for c in old] == [c.unit.key for c in new] == ["province:08:2025-07-01"]
        hagiang = current_units(store.engine, "02", at=dt.date(2020, 3, 2), on=ON_2026)
        assert [c.unit.full_name for c in hagiang] == ["Tỉnh Tuyên Quang"]
        # A district went in parts to several communes; lifted to the province it is one, whole.
        district = catalog.get("district:295:before")
        parts = current_units(store.engine, district, on=ON_2026)
        assert len(parts) == 6 and not any(p.whole for p in parts)
        assert [(c.unit.full_name, c.whole) for c in current_units(store.engine, district, level="province", on=ON_2026)] \
            == [("Thành phố Hải Phòng", True)]
        # The database answer equals the in-memory one.
        assert [c.unit.key for c in parts] == sorted(c.unit.key for c in catalog.current_units(district, on=ON_2026))
        links = portal_links(store.engine)
        assert catalog.by_id(links["x-ngoclien-camgiang-haiduong"]).key == "commune:10903:before"


def test_unit_models_equal_the_migration(tmp_path: object) -> None:
    with Store.open(f"sqlite:///{tmp_path}/m.sqlite") as store:
        with store.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"include_name": include_name, "compare_type": True})
            diff = [d for d in compare_metadata(context, Base.metadata)
                    if any(t in repr(d) for t in ("admin_units", "admin_unit_successions", "portal_units"))]
    assert diff == []
    assert len(script_directory().get_heads()) == 1


def test_sync_mirrors_links_into_stored_portal_rows(tmp_path: object) -> None:
    from sqlalchemy import select as sa_select

    from crawler.registry import load_registry
    from storage.models import Portal

    with Store.open(f"sqlite:///{tmp_path}/p.sqlite") as store:
        registry = load_registry()
        store.sync_portals([p.to_row() for p in registry.select(province="Hải Dương")])
        sync(store.engine)
        catalog = load_catalog(store.engine)
        with store.engine.connect() as conn:
            rows = dict(conn.execute(sa_select(Portal.id, Portal.unit_id)).all())
        assert {pid: catalog.by_id(uid).key for pid, uid in rows.items()} == {
            "x-ngoclien-camgiang-haiduong": "commune:10903:before",
            "h-camgiang-haiduong": "district:295:before",
        }
        assert not sync(store.engine).changed
