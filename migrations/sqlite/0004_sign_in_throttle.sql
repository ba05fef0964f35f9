-- Failed sign-ins for identifiers that match no account, so that they are
-- slowed down and locked exactly like an account's (timing never tells
-- whether an identifier exists). `bucket` is a short truncated hash of the
-- identifier typed (never the identifier itself: it may be a password typed
-- in the wrong field); unrelated identifiers may share a bucket, which only
-- throttles them sooner. Mirrors migrations/postgres/0004_sign_in_throttle.sql.

CREATE TABLE sign_in_throttle (
    bucket          TEXT    PRIMARY KEY CHECK (bucket <> ''),
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,
    updated_at      TEXT    NOT NULL
);
