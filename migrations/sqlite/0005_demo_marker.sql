-- Whether this database holds the demo network. Only the demo seed marks a
-- database as a demo (in the transaction that writes the network); demo
-- accounts and their public password hint exist only in such a database,
-- and the seed refuses a database that holds real staff accounts. One row.
-- A database seeded before this version is a demo when it holds demo
-- accounts and no other. Mirrors migrations/postgres/0005_demo_marker.sql.

CREATE TABLE database_settings (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    demo BOOLEAN NOT NULL DEFAULT FALSE
);

INSERT INTO database_settings (id, demo)
SELECT 1,
       EXISTS (SELECT 1 FROM staff WHERE is_demo)
       AND NOT EXISTS (SELECT 1 FROM staff WHERE NOT is_demo);
