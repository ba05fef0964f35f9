-- The eight sites of the network (PRODUCT.md). Codes match portee_domain::Site.
-- Mirrors migrations/postgres/0001_sites.sql.
CREATE TABLE sites (
    id         INTEGER PRIMARY KEY,
    code       TEXT    NOT NULL UNIQUE CHECK (code <> ''),
    name       TEXT    NOT NULL CHECK (name <> ''),
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

INSERT INTO sites (id, code, name) VALUES
    (1, 'boulogne-billancourt', 'Boulogne-Billancourt'),
    (2, 'chaville', 'Chaville'),
    (3, 'issy-les-moulineaux', 'Issy-les-Moulineaux'),
    (4, 'marnes-la-coquette', 'Marnes-la-Coquette'),
    (5, 'meudon', 'Meudon'),
    (6, 'sevres', 'Sèvres'),
    (7, 'vanves', 'Vanves'),
    (8, 'ville-d-avray', 'Ville-d''Avray');
