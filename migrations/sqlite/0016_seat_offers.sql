-- See migrations/postgres/0016_seat_offers.sql: a freed seat is offered
-- for a limited time (the waiting list entry holds it until a deadline),
-- the campaign sets the delay, the outbox gains the offer's messages.
-- SQLite cannot change a CHECK constraint in place: the outbox is rebuilt
-- (nothing refers to it), its rows and indexes kept. SQLite has no
-- notifications: its screens poll.

ALTER TABLE waiting_list ADD COLUMN offered_at TEXT;
ALTER TABLE waiting_list ADD COLUMN offer_expires_at TEXT
    CHECK (offer_expires_at IS NULL OR (offered_at IS NOT NULL AND offer_expires_at > offered_at));
CREATE INDEX waiting_list_offer_expiry ON waiting_list (offer_expires_at)
    WHERE offer_expires_at IS NOT NULL;

ALTER TABLE campaigns ADD COLUMN seat_offer_days INTEGER NOT NULL DEFAULT 3
    CHECK (seat_offer_days BETWEEN 1 AND 30);

CREATE TABLE outbox_new (
    id               INTEGER PRIMARY KEY,
    kind             TEXT        NOT NULL CHECK (kind IN ('acknowledgement', 'seat_given', 'reminder',
                                                          'seat_offered', 'seat_offer_expired')),
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
