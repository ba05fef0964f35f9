-- migrations/postgres/0012_offer_notifications.sql makes PostgreSQL notify
-- the offer's changes (LISTEN/NOTIFY). SQLite has no such channel: open
-- offer pages poll. Nothing changes here.
SELECT 1;
