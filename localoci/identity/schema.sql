-- localoci's Identity stand-in: tenancies, compartments, users and auth tokens, in the same
-- database as the streams (one connection, one transaction).  Only localoci/identity/store.py
-- reads this file.  A reset of the stand-in keeps these rows, as it keeps the API keys.
--   sqlite3 .lab/localoci/localoci.db "select name, lifecycle_state from identity_compartments"

-- Every compartment, the tenancy itself included: the tenancy is the root compartment (its
-- parent_id is NULL and its id is the tenancy's OCID).  Names are unique among siblings.
CREATE TABLE IF NOT EXISTS identity_compartments (
    id              TEXT PRIMARY KEY,
    parent_id       TEXT REFERENCES identity_compartments(id),
    tenancy_id      TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    lifecycle_state TEXT NOT NULL,          -- ACTIVE (CREATING is not modelled)
    time_created    INTEGER NOT NULL,       -- epoch ms, localoci clock
    freeform_tags   TEXT NOT NULL DEFAULT '{}',
    defined_tags    TEXT NOT NULL DEFAULT '{}'
);
CREATE UNIQUE INDEX IF NOT EXISTS identity_compartment_names
    ON identity_compartments(COALESCE(parent_id, ''), name);

-- Users live in the tenancy (their compartmentId is the tenancy); names are unique there.
CREATE TABLE IF NOT EXISTS identity_users (
    id              TEXT PRIMARY KEY,
    tenancy_id      TEXT NOT NULL,
    name            TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    email           TEXT,
    lifecycle_state TEXT NOT NULL,
    time_created    INTEGER NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS identity_user_names ON identity_users(tenancy_id, name);

-- Auth tokens (the Kafka listener's SASL/PLAIN passwords).  The token itself is never stored:
-- only a random salt and SHA-256(salt || token).  At most two per user (CreateAuthToken).
CREATE TABLE IF NOT EXISTS identity_auth_tokens (
    id              TEXT PRIMARY KEY,
    user_id         TEXT NOT NULL REFERENCES identity_users(id),
    description     TEXT NOT NULL DEFAULT '',
    salt            TEXT NOT NULL,          -- hex
    token_hash      TEXT NOT NULL,          -- hex SHA-256 of salt bytes + token (UTF-8)
    lifecycle_state TEXT NOT NULL,          -- ACTIVE
    time_created    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS identity_tokens_by_user ON identity_auth_tokens(user_id);
