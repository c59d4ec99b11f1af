"""aggregate_events.sig: a compact pre-filter beside each event's record

Revision ID: 0010_prefilter
Revises: 0009_incremental
Create Date: 2026-12-02 12:00:00

Short hashes of what two events must share for the grouping ever to link them (names, victims,
relayed sources, distinctive words, perpetrators, figure sizes, the day, the document), so that
an update decodes only the records of the events it can really link to. Rows written before
have none (NULL): they are read as before, and the next rebuild fills them.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010_prefilter'
down_revision = '0009_incremental'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('aggregate_events') as batch:
        batch.add_column(sa.Column('sig', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('aggregate_events') as batch:
        batch.drop_column('sig')
