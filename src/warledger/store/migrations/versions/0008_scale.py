"""incidents' summary columns and filter tables, name and date indexes, full-text search

Revision ID: 0008_scale
Revises: 0007
Create Date: 2026-12-02 02:00:00

The incidents table gains what list, map and timeline queries read without the members
(sort_key, events, area, country, lat, lon); incident_places and incident_actors index the
place and actor filters; incident_cells and incident_days hold the unfiltered map cells of the
coarse zooms and the incidents per day. Documents get a full-text index: an FTS5 table kept by triggers on
SQLite, a GIN index over a tsvector expression on PostgreSQL. A ledger that already holds
incidents gets the "needs rebuild" mark, so that the next ingest or aggregate fills the new
columns (until then the queries read the rows as they are).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008_scale'
down_revision = '0007'
branch_labels = None
depends_on = None

PG_SEARCH = ("to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(source, '') || ' ' "
             "|| left(text, 200000))")


def upgrade() -> None:
    for name, kind in (('sort_key', sa.String(length=48)), ('events', sa.Integer()), ('area', sa.JSON()),
                       ('country', sa.String(length=2)), ('lat', sa.Float()), ('lon', sa.Float())):
        op.add_column('incidents', sa.Column(name, kind, nullable=True))
    op.create_index('ix_incidents_sort_key', 'incidents', ['sort_key'], unique=True)
    op.create_index('ix_incidents_type_sort', 'incidents', ['type', 'sort_key'])
    op.create_index('ix_incidents_status_sort', 'incidents', ['status', 'sort_key'])
    op.create_index('ix_incidents_country_sort', 'incidents', ['country', 'sort_key'])
    op.create_index('ix_incidents_date_end', 'incidents', ['date_end'])
    op.create_index('ix_incidents_lat_lon', 'incidents', ['lat', 'lon'])
    op.create_table('incident_places',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('incident_id', sa.Integer(), nullable=False),
                    sa.Column('place_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['place_id'], ['places.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_incident_places_incident_id', 'incident_places', ['incident_id'])
    op.create_index('ix_incident_places_place', 'incident_places', ['place_id', 'incident_id'])
    op.create_table('incident_actors',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('incident_id', sa.Integer(), nullable=False),
                    sa.Column('actor_id', sa.Integer(), nullable=True),
                    sa.Column('name', sa.String(length=512), nullable=False),
                    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['actor_id'], ['actors.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_incident_actors_incident_id', 'incident_actors', ['incident_id'])
    op.create_index('ix_incident_actors_actor', 'incident_actors', ['actor_id', 'incident_id'])
    op.create_index('ix_incident_actors_name', 'incident_actors', ['name', 'incident_id'])
    op.create_table('incident_cells',
                    sa.Column('id', sa.Integer(), nullable=False),
                    *[sa.Column(c, sa.Integer(), nullable=False) for c in ('zoom', 'gx', 'gy', 'n')],
                    *[sa.Column(c, sa.Float(), nullable=False)
                      for c in ('lat_sum', 'lon_sum', 'south', 'west', 'north', 'east')],
                    sa.Column('best', sa.Integer(), nullable=True),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_incident_cells_cell', 'incident_cells', ['zoom', 'gy', 'gx'])
    op.create_table('incident_days',
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('n', sa.Integer(), nullable=False),
                    sa.Column('best', sa.Integer(), nullable=True),
                    sa.PrimaryKeyConstraint('day'))
    op.create_index('ix_places_name', 'places', ['name'])
    op.create_index('ix_actors_name', 'actors', ['name'])
    op.create_index('ix_actor_aliases_alias', 'actor_aliases', ['alias'])
    op.create_index('ix_documents_published', 'documents', ['published'])
    op.create_index('ix_events_status', 'events', ['status'])
    conn = op.get_bind()
    if conn.dialect.name == 'sqlite':
        op.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, source, text, content='documents', "
                   "content_rowid='id')")
        op.execute("CREATE TRIGGER documents_fts_ai AFTER INSERT ON documents BEGIN "
                   "INSERT INTO documents_fts(rowid, title, source, text) VALUES (new.id, new.title, new.source, "
                   "new.text); END")
        op.execute("CREATE TRIGGER documents_fts_ad AFTER DELETE ON documents BEGIN "
                   "INSERT INTO documents_fts(documents_fts, rowid, title, source, text) "
                   "VALUES ('delete', old.id, old.title, old.source, old.text); END")
        op.execute("CREATE TRIGGER documents_fts_au AFTER UPDATE ON documents BEGIN "
                   "INSERT INTO documents_fts(documents_fts, rowid, title, source, text) "
                   "VALUES ('delete', old.id, old.title, old.source, old.text); "
                   "INSERT INTO documents_fts(rowid, title, source, text) VALUES (new.id, new.title, new.source, "
                   "new.text); END")
        op.execute("INSERT INTO documents_fts(documents_fts) VALUES ('rebuild')")
    else:
        op.execute(f"CREATE INDEX search_documents_tsv ON documents USING gin (({PG_SEARCH}))")
    if conn.execute(sa.text("SELECT 1 FROM incidents LIMIT 1")).first() is not None:
        conn.execute(sa.text("DELETE FROM ledger_state WHERE key = 'needs_rebuild'"))
        conn.execute(sa.text("INSERT INTO ledger_state (key, value) VALUES ('needs_rebuild', 'migrated-0008')"))


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == 'sqlite':
        for trigger in ('documents_fts_ai', 'documents_fts_ad', 'documents_fts_au'):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS documents_fts")
    else:
        op.execute("DROP INDEX IF EXISTS search_documents_tsv")
    for index, table in (('ix_events_status', 'events'), ('ix_documents_published', 'documents'),
                         ('ix_actor_aliases_alias', 'actor_aliases'), ('ix_actors_name', 'actors'),
                         ('ix_places_name', 'places')):
        op.drop_index(index, table_name=table)
    op.drop_table('incident_days')
    op.drop_table('incident_cells')
    op.drop_table('incident_actors')
    op.drop_table('incident_places')
    for index in ('ix_incidents_lat_lon', 'ix_incidents_date_end', 'ix_incidents_country_sort',
                  'ix_incidents_status_sort', 'ix_incidents_type_sort', 'ix_incidents_sort_key'):
        op.drop_index(index, table_name='incidents')
    with op.batch_alter_table('incidents') as batch:
        for name in ('lon', 'lat', 'country', 'area', 'events', 'sort_key'):
            batch.drop_column(name)
