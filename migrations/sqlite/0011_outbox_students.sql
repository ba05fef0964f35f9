-- See migrations/postgres/0011_outbox_students.sql: the outbox gains
-- `student_id` and the kinds `seat_given` and `reminder`. SQLite cannot
-- change a CHECK constraint in place: the table is rebuilt (nothing refers
-- to it), its rows and index kept.

CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT        NOT NULL CHECK (kind IN ('acknowledgement', 'seat_given', 'reminder')),
    reinscription_id BIGINT      REFERENCES reinscriptions (id) ON DELETE SET NULL,
    student_id       BIGINT      REFERENCES students (id) ON DELETE CASCADE,
    recipient        TEXT        NOT NULL,
    payload          TEXT        NOT NULL,
    status           TEXT        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
INSERT INTO outbox_new (id, kind, reinscription_id, recipient, payload, status, attempts, last_error, created_at, sent_at)
    SELECT id, kind, reinscription_id, recipient, payload, status, attempts, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (status, created_at);
CREATE INDEX outbox_student ON outbox (student_id);

