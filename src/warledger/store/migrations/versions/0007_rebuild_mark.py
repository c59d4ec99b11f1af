"""ledger_state: the "needs rebuild" mark

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:00:00

Self-contained (one table, nothing else touched) so that it can be re-chained after another
0006 without change. A ledger that already holds documents gets the mark, so that its
incidents are rebuilt once (they may have been left stale by a process that died before
rebuilding, which nothing recorded until now).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    state = op.create_table('ledger_state',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM documents LIMIT 1")).first() is not None:
        op.bulk_insert(state, [{'key': 'needs_rebuild', 'value': 'migrated-0007'}])


def downgrade() -> None:
    op.drop_table('ledger_state')
