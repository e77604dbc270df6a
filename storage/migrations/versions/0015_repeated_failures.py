"""A discovery page that answers 404 again adds no fetch row (issue 12): ``page_validators.status``.

Every daily run asks each portal's discovery pages again; a portal without a sitemap answers its
``/sitemap.xml`` probe 404 every day, and so do register pages that are gone. Each was a ``fetches``
row a day (most of the rows an unchanged day stored) for the fact "still not there". The page's
``page_validators`` row now also remembers a 404 (``status``; NULL for the usable 2xx answers it held
before, so existing rows keep their meaning): a discovery page answering 404 as it did last time is
counted through that row like an unchanged 200 (`storage.fetchlog`), and a change either way (404
after 200, 200 after 404) is still a row.

Downgrade deletes the rows holding a 404 (the older code would read them as usable answers), then the
column; the runs that counted a repeated 404 without a row then count one page fewer.

Self-contained: plain ``sa`` types, no imports from the application.

Revision ID: 0015
Revises: 0014
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("page_validators") as batch:
        batch.add_column(sa.Column("status", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM page_validators WHERE status IS NOT NULL")
    with op.batch_alter_table("page_validators") as batch:
        batch.drop_column("status")
