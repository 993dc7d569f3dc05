-- localoci's Functions and API Gateway resources, in the same database as the streams.
-- One row per resource; the kind-specific fields are a JSON document in `doc`, so a
-- resource's wire shape lives in one place (models.py) and the table stays small:
--   sqlite3 .lab/localoci/localoci.db "select kind, name, state from faas_resources"

CREATE TABLE IF NOT EXISTS faas_resources (
    id             TEXT PRIMARY KEY,
    kind           TEXT NOT NULL,         -- application, function, gateway, deployment
    compartment_id TEXT NOT NULL,
    parent_id      TEXT,                  -- a function's application, a deployment's gateway
    name           TEXT NOT NULL,         -- displayName
    state          TEXT NOT NULL,         -- CREATING, ACTIVE, DELETED
    time_created   INTEGER NOT NULL,      -- epoch ms, localoci clock
    time_updated   INTEGER NOT NULL,
    ready_at       INTEGER NOT NULL,      -- CREATING becomes ACTIVE at this time
    doc            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS faas_by_parent ON faas_resources(kind, parent_id);
CREATE INDEX IF NOT EXISTS faas_by_compartment ON faas_resources(kind, compartment_id);

-- API Gateway work requests (create/update/delete of gateways and deployments).
CREATE TABLE IF NOT EXISTS faas_work_requests (
    id             TEXT PRIMARY KEY,
    operation_type TEXT NOT NULL,         -- CREATE_GATEWAY, UPDATE_DEPLOYMENT, ...
    compartment_id TEXT NOT NULL,
    resource_id    TEXT NOT NULL,
    entity_type    TEXT NOT NULL,         -- gateway, deployment
    action_type    TEXT NOT NULL,         -- CREATED, UPDATED, DELETED
    time_accepted  INTEGER NOT NULL,
    done_at        INTEGER NOT NULL
);
