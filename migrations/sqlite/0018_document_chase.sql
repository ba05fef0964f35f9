-- See migrations/postgres/0018_document_chase.sql: the reminders sent to
-- families about their missing or refused documents, the campaign's delay
-- before a second reminder asks for confirmation, the outbox's new kind of
-- message, and a document replaced by staff on the family's behalf.
-- SQLite cannot change a CHECK constraint in place: the outbox is rebuilt
-- (nothing refers to it yet), its rows and indexes kept.

ALTER TABLE documents ADD COLUMN replaced_by BIGINT REFERENCES documents (id);
ALTER TABLE documents ADD COLUMN replaced_at TEXT
    CHECK ((replaced_by IS NULL) = (replaced_at IS NULL));

ALTER TABLE campaigns ADD COLUMN reminder_days INTEGER NOT NULL DEFAULT 7
    CHECK (reminder_days BETWEEN 1 AND 60);

CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT        NOT NULL CHECK (kind IN ('acknowledgement', 'seat_given', 'reminder',
                                                          'seat_offered', 'seat_offer_expired',
                                                          'documents_reminder')),
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
INSERT INTO outbox_new (id, kind, reinscription_id, student_id, recipient, payload, status, attempts, last_error, created_at, sent_at)
    SELECT id, kind, reinscription_id, student_id, recipient, payload, status, attempts, last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox (status, created_at);
CREATE INDEX outbox_student ON outbox (student_id);

CREATE TABLE document_reminders (
    id               INTEGER PRIMARY KEY,
    family_id        BIGINT   NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    campaign_id      BIGINT   NOT NULL REFERENCES campaigns (id),
    site_id          SMALLINT NOT NULL REFERENCES sites (id),
    asked            TEXT     NOT NULL CHECK (asked <> '' AND length(CAST(asked AS BLOB)) <= 8192),
    recipient        TEXT     NOT NULL CHECK (length(recipient) <= 254),
    outbox_id        BIGINT   REFERENCES outbox (id) ON DELETE SET NULL,
    sent_by_staff_id BIGINT   NOT NULL REFERENCES staff (id),
    sent_at          TEXT     NOT NULL
);
CREATE INDEX document_reminders_family ON document_reminders (family_id, campaign_id, sent_at);
