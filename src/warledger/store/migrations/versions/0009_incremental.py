"""aggregate_events, aggregate_names, aggregate_tokens: what incremental incidents read

Revision ID: 0009_incremental
Revises: 0008_scale
Create Date: 2026-12-02 07:00:00

The incidents stage keeps, per event, the record it groups by with its date window, tier and
latitudes (indexed, so that an update finds the events a new one can reach) and the machine
group it is in; and the per-year name counts its rarity weighs names by. A ledger that already
holds documents gets the "needs rebuild" mark: the next ingest or aggregate fills them.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009_incremental'
down_revision = '0008_scale'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('aggregate_events',
                    sa.Column('event_id', sa.Integer(), nullable=False),
                    sa.Column('key', sa.String(length=96), nullable=False),
                    sa.Column('family', sa.String(length=32), nullable=False),
                    sa.Column('tier', sa.Integer(), nullable=True),
                    sa.Column('w0', sa.Integer(), nullable=True),
                    sa.Column('w1', sa.Integer(), nullable=True),
                    sa.Column('lat_lo', sa.Float(), nullable=True),
                    sa.Column('lat_hi', sa.Float(), nullable=True),
                    sa.Column('reach', sa.Float(), nullable=True),
                    sa.Column('record', sa.JSON(), nullable=False),
                    sa.Column('machine', sa.String(length=16), nullable=True),
                    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('event_id'),
                    sa.UniqueConstraint('key'))
    op.create_index('ix_aggregate_events_window', 'aggregate_events', ['family', 'tier', 'w0'])
    op.create_index('ix_aggregate_events_w0', 'aggregate_events', ['w0'])
    op.create_index('ix_aggregate_events_machine', 'aggregate_events', ['machine'])
    op.create_table('aggregate_names',
                    sa.Column('token', sa.String(length=16), nullable=False),
                    sa.Column('year', sa.Integer(), nullable=False),
                    sa.Column('docs', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('token', 'year'))
    op.create_table('aggregate_tokens',
                    sa.Column('token', sa.String(length=16), nullable=False),
                    sa.Column('year', sa.Integer(), nullable=False),
                    sa.Column('event_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('token', 'year', 'event_id'))
    op.create_index('ix_aggregate_tokens_event', 'aggregate_tokens', ['event_id'])
    conn = op.get_bind()
    if conn.execute(sa.text("SELECT 1 FROM documents LIMIT 1")).first() is not None:
        conn.execute(sa.text("DELETE FROM ledger_state WHERE key = 'needs_rebuild'"))
        conn.execute(sa.text("INSERT INTO ledger_state (key, value) VALUES ('needs_rebuild', 'migrated-0009')"))


def downgrade() -> None:
    op.drop_index('ix_aggregate_tokens_event', table_name='aggregate_tokens')
    op.drop_table('aggregate_tokens')
    op.drop_table('aggregate_names')
    op.drop_index('ix_aggregate_events_machine', table_name='aggregate_events')
    op.drop_index('ix_aggregate_events_w0', table_name='aggregate_events')
    op.drop_index('ix_aggregate_events_window', table_name='aggregate_events')
    op.drop_table('aggregate_events')
