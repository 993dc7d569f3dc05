-- localoci's data: one SQLite database (WAL) in the data directory.
-- Every piece of state is a row, so "what happened?" is one SQL query away:
--   sqlite3 .lab/localoci/localoci.db 'select partition, offset, length(value) from messages'

PRAGMA user_version = 1;

-- Settings that must survive a restart (the clock offset, the server's own secrets).
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- API signing keys localoci accepts: keyId "<tenancy>/<user>/<fingerprint>" -> public key.
CREATE TABLE IF NOT EXISTS api_keys (
    key_id      TEXT PRIMARY KEY,
    tenancy_id  TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    public_pem  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS stream_pools (
    id              TEXT PRIMARY KEY,
    compartment_id  TEXT NOT NULL,
    name            TEXT NOT NULL,
    is_default      INTEGER NOT NULL DEFAULT 0,
    lifecycle_state TEXT NOT NULL,
    time_created    INTEGER NOT NULL,      -- epoch ms, localoci clock
    ready_at        INTEGER NOT NULL,      -- CREATING becomes ACTIVE at this time
    kafka_settings  TEXT NOT NULL DEFAULT '{}',
    freeform_tags   TEXT NOT NULL DEFAULT '{}',
    defined_tags    TEXT NOT NULL DEFAULT '{}',
    etag            TEXT NOT NULL DEFAULT ''   -- (added later: Store migrates older databases)
);

CREATE TABLE IF NOT EXISTS streams (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL,
    compartment_id   TEXT NOT NULL,
    stream_pool_id   TEXT NOT NULL REFERENCES stream_pools(id),
    partitions       INTEGER NOT NULL,
    retention_hours  INTEGER NOT NULL,
    lifecycle_state  TEXT NOT NULL,        -- CREATING, ACTIVE, DELETING, DELETED
    time_created     INTEGER NOT NULL,
    ready_at         INTEGER NOT NULL,     -- CREATING -> ACTIVE, DELETING -> DELETED at this time
    etag             TEXT NOT NULL,
    freeform_tags    TEXT NOT NULL DEFAULT '{}',
    defined_tags     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS streams_by_name ON streams(name);

-- One row per partition: the next offset to hand out and the oldest retained offset.
CREATE TABLE IF NOT EXISTS partitions (
    stream_id    TEXT NOT NULL,
    partition    INTEGER NOT NULL,
    next_offset  INTEGER NOT NULL DEFAULT 0,
    trim_offset  INTEGER NOT NULL DEFAULT 0,   -- offsets below this are gone (retention)
    PRIMARY KEY (stream_id, partition)
) WITHOUT ROWID;

-- The log.  Offsets increase strictly within a partition; ts is the server's append time.
-- A rowid table (not WITHOUT ROWID): rows carry values up to 1 MiB, and SQLite stores large
-- rows far better this way (PutMessages of 1,000 x 1 KB: 11 ms instead of 30 ms).
CREATE TABLE IF NOT EXISTS messages (
    stream_id  TEXT NOT NULL,
    partition  INTEGER NOT NULL,
    offset     INTEGER NOT NULL,
    ts         INTEGER NOT NULL,
    key        BLOB,
    value      BLOB NOT NULL,
    PRIMARY KEY (stream_id, partition, offset)
);

-- Consumer groups.  reset_* say where partitions without a commit start reading.
CREATE TABLE IF NOT EXISTS groups (
    stream_id    TEXT NOT NULL,
    name         TEXT NOT NULL,
    generation   INTEGER NOT NULL DEFAULT 0,   -- bumped by UpdateGroup: old pending offsets are void
    reset_type   TEXT NOT NULL,                -- TRIM_HORIZON, LATEST, AT_TIME
    reset_time   INTEGER,                      -- for AT_TIME, epoch ms
    time_created INTEGER NOT NULL,
    last_used    INTEGER NOT NULL,
    PRIMARY KEY (stream_id, name)
) WITHOUT ROWID;

-- Per group and partition: committed offset (-1: none) and where an uncommitted partition starts.
CREATE TABLE IF NOT EXISTS group_partitions (
    stream_id        TEXT NOT NULL,
    group_name       TEXT NOT NULL,
    partition        INTEGER NOT NULL,
    committed_offset INTEGER NOT NULL DEFAULT -1,
    start_offset     INTEGER,                  -- LATEST resolved at creation / reset
    reserved_by      TEXT,                     -- instance name, or NULL
    PRIMARY KEY (stream_id, group_name, partition)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS group_instances (
    stream_id   TEXT NOT NULL,
    group_name  TEXT NOT NULL,
    instance    TEXT NOT NULL,
    joined      INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    timeout_ms  INTEGER NOT NULL,
    PRIMARY KEY (stream_id, group_name, instance)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS work_requests (
    id              TEXT PRIMARY KEY,
    operation_type  TEXT NOT NULL,
    compartment_id  TEXT NOT NULL,
    entity_type     TEXT NOT NULL,
    action_type     TEXT NOT NULL,
    resource_id     TEXT NOT NULL,
    entity_uri      TEXT NOT NULL,
    time_accepted   INTEGER NOT NULL,
    done_at         INTEGER NOT NULL
);
