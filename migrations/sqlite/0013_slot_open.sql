-- See migrations/postgres/0013_slot_open.sql: a closed slot gives no new seat.
ALTER TABLE slots ADD COLUMN open BOOLEAN NOT NULL DEFAULT TRUE;
