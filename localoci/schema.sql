-- localoci's data: one SQLite database (WAL) in the data directory, plus the message bytes in
-- segment files under log/.  Every piece of state but the bytes is a row, so "what happened?"
-- is one SQL query away:
--   sqlite3 .lab/localoci/localoci.db 'select partition, base_offset, count from batches'

PRAGMA user_version = 2;   -- 2: messages in segment files (batches); 1 kept one row per message

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

-- The log, one row per stored batch: the messages one PutMessages (or Kafka produce) appended to
-- one partition, offsets base_offset .. base_offset+count-1, all appended at ts (epoch ms).  The
-- batch's bytes (keys, values, and for Kafka headers and producer timestamps) are in a segment
-- file: log/<stream_id>/<partition>/<segment, 20 digits>.seg, at position, length bytes (see
-- localoci/store/segments.py and packed.py).  bytes = the batch's keys plus values, decoded.
--   sqlite3 .lab/localoci/localoci.db 'select partition, base_offset, count, bytes from batches'
CREATE TABLE IF NOT EXISTS batches (
    stream_id    TEXT NOT NULL,
    partition    INTEGER NOT NULL,
    base_offset  INTEGER NOT NULL,
    count        INTEGER NOT NULL,
    ts           INTEGER NOT NULL,
    bytes        INTEGER NOT NULL,
    segment      INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    length       INTEGER NOT NULL,
    max_ts       INTEGER,        -- the newest Kafka timestamp in the batch (NULL: ts; REST batches)
    PRIMARY KEY (stream_id, partition, base_offset)
) WITHOUT ROWID;
-- AT_TIME cursors and retention look batches up by time.
CREATE INDEX IF NOT EXISTS batches_by_time ON batches(stream_id, partition, ts);

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

-- Kafka consumer groups' committed offsets (OffsetCommit), per stream pool (one pool = one Kafka
-- cluster) and group; apart from the REST consumer groups above.  Membership is not stored: it
-- lives in the listener's coordinator, and members rejoin after a restart.
CREATE TABLE IF NOT EXISTS kafka_offsets (
    pool_id       TEXT NOT NULL,
    group_id      TEXT NOT NULL,
    stream_id     TEXT NOT NULL,
    partition     INTEGER NOT NULL,
    offset        INTEGER NOT NULL,
    metadata      TEXT,
    leader_epoch  INTEGER NOT NULL DEFAULT -1,
    time_committed INTEGER NOT NULL,
    PRIMARY KEY (pool_id, group_id, stream_id, partition)
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
