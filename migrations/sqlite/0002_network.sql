-- The network's data: school years and campaigns, families, guardians and
-- students, the course offer (disciplines, courses, slots), enrolments and
-- waiting lists, réinscription dossiers, documents, staff, the append-only
-- audit log, the outbox, and the search tokens.
-- Mirrors migrations/postgres/0002_network.sql (same tables and columns).

CREATE TABLE school_years (
    id         INTEGER PRIMARY KEY,
    label      TEXT    NOT NULL UNIQUE CHECK (label GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9][0-9][0-9]'),
    start_year INTEGER NOT NULL UNIQUE,
    starts_on  TEXT    NOT NULL,
    ends_on    TEXT    NOT NULL CHECK (ends_on > starts_on)
);

CREATE TABLE campaigns (
    id                 INTEGER PRIMARY KEY,
    school_year_id     BIGINT      NOT NULL REFERENCES school_years (id),
    label              TEXT        NOT NULL CHECK (label <> ''),
    opens_at           TEXT NOT NULL,
    closes_at          TEXT NOT NULL CHECK (closes_at > opens_at),
    documents_deadline TEXT        NOT NULL,
    status             TEXT        NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    version            INTEGER     NOT NULL DEFAULT 1,
    UNIQUE (school_year_id, label)
);

CREATE TABLE families (
    id            INTEGER PRIMARY KEY,
    family_number TEXT        NOT NULL UNIQUE CHECK (family_number <> ''),
    address_line  TEXT        NOT NULL,
    address_extra TEXT,
    postcode      TEXT        NOT NULL CHECK (postcode GLOB '[0-9][0-9][0-9][0-9][0-9]'),
    town          TEXT        NOT NULL,
    hosted        BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    version       INTEGER     NOT NULL DEFAULT 1
);

CREATE TABLE guardians (
    id           INTEGER PRIMARY KEY,
    family_id    BIGINT   NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    rank         SMALLINT NOT NULL CHECK (rank >= 1),
    last_name    TEXT     NOT NULL CHECK (last_name <> ''),
    first_name   TEXT     NOT NULL CHECK (first_name <> ''),
    relationship TEXT     NOT NULL CHECK (relationship IN ('mere', 'pere', 'tuteur', 'autre')),
    phone_mobile TEXT,
    phone_home   TEXT,
    phone_work   TEXT,
    email        TEXT,
    version      INTEGER  NOT NULL DEFAULT 1,
    UNIQUE (family_id, rank)
);

CREATE TABLE students (
    id           INTEGER PRIMARY KEY,
    family_id    BIGINT      NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    site_id      SMALLINT    NOT NULL REFERENCES sites (id),
    last_name    TEXT        NOT NULL CHECK (last_name <> ''),
    first_name   TEXT        NOT NULL CHECK (first_name <> ''),
    birth_date   TEXT        NOT NULL,
    sex          TEXT        NOT NULL CHECK (sex IN ('F', 'M')),
    school_level TEXT,
    school_name  TEXT,
    nationality  TEXT,
    cham         BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    version      INTEGER     NOT NULL DEFAULT 1
);
CREATE INDEX students_family ON students (family_id);
CREATE INDEX students_site ON students (site_id);

CREATE TABLE disciplines (
    id   INTEGER PRIMARY KEY,
    code TEXT NOT NULL UNIQUE CHECK (code <> ''),
    name TEXT NOT NULL CHECK (name <> ''),
    kind TEXT NOT NULL CHECK (kind IN ('formation_musicale', 'instrument', 'ensemble', 'danse', 'theatre', 'cham'))
);

CREATE TABLE courses (
    id             INTEGER PRIMARY KEY,
    discipline_id  BIGINT   NOT NULL REFERENCES disciplines (id),
    site_id        SMALLINT NOT NULL REFERENCES sites (id),
    school_year_id BIGINT   NOT NULL REFERENCES school_years (id),
    name           TEXT     NOT NULL CHECK (name <> ''),
    cycle          SMALLINT CHECK (cycle BETWEEN 1 AND 3),
    level          TEXT,
    -- How a seat is given: a slot chosen by the family, a time set with the
    -- teacher in September, or assigned by level.
    seat_mode      TEXT     NOT NULL CHECK (seat_mode IN ('slot', 'teacher', 'level')),
    UNIQUE (site_id, school_year_id, discipline_id, name)
);
CREATE INDEX courses_year_site ON courses (school_year_id, site_id);

CREATE TABLE slots (
    id          INTEGER PRIMARY KEY,
    course_id   BIGINT   NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    day_of_week SMALLINT NOT NULL CHECK (day_of_week BETWEEN 1 AND 7),
    starts_at   TEXT     NOT NULL CHECK (starts_at GLOB '[0-2][0-9]:[0-5][0-9]'),
    ends_at     TEXT     NOT NULL CHECK (ends_at > starts_at),
    teacher     TEXT     NOT NULL,
    room        TEXT     NOT NULL,
    capacity    INTEGER  NOT NULL CHECK (capacity >= 0),
    seats_taken INTEGER  NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND seats_taken <= capacity),
    version     INTEGER  NOT NULL DEFAULT 1
);
CREATE INDEX slots_course ON slots (course_id);

CREATE TABLE enrolments (
    id             INTEGER PRIMARY KEY,
    student_id     BIGINT      NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    course_id      BIGINT      NOT NULL REFERENCES courses (id),
    slot_id        BIGINT      REFERENCES slots (id),
    school_year_id BIGINT      NOT NULL REFERENCES school_years (id),
    status         TEXT        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'cancelled')),
    outcome        TEXT        CHECK (outcome IN ('acquis', 'non_acquis', 'en_cours')),
    created_at     TEXT NOT NULL,
    UNIQUE (student_id, course_id, school_year_id)
);
CREATE INDEX enrolments_slot ON enrolments (slot_id);
CREATE INDEX enrolments_year ON enrolments (school_year_id, student_id);

CREATE TABLE waiting_list (
    id         INTEGER PRIMARY KEY,
    slot_id    BIGINT      NOT NULL REFERENCES slots (id) ON DELETE CASCADE,
    student_id BIGINT      NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    rank       INTEGER     NOT NULL CHECK (rank >= 1),
    created_at TEXT NOT NULL,
    UNIQUE (slot_id, student_id),
    UNIQUE (slot_id, rank)
);

CREATE TABLE staff (
    id                   INTEGER PRIMARY KEY,
    login                TEXT        NOT NULL UNIQUE CHECK (login <> ''),
    display_name         TEXT        NOT NULL CHECK (display_name <> ''),
    role                 TEXT        NOT NULL CHECK (role IN ('agent', 'responsable', 'admin')),
    password_hash        TEXT        NOT NULL,
    active               BOOLEAN     NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN     NOT NULL DEFAULT FALSE,
    failed_attempts      INTEGER     NOT NULL DEFAULT 0,
    locked_until         TEXT,
    is_demo              BOOLEAN     NOT NULL DEFAULT FALSE,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    version              INTEGER     NOT NULL DEFAULT 1
);

CREATE TABLE staff_sites (
    staff_id BIGINT   NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    site_id  SMALLINT NOT NULL REFERENCES sites (id),
    PRIMARY KEY (staff_id, site_id)
);

CREATE TABLE reinscriptions (
    id                     INTEGER PRIMARY KEY,
    student_id             BIGINT      NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    campaign_id            BIGINT      NOT NULL REFERENCES campaigns (id),
    -- Generated by the client that creates the dossier: a resubmission with
    -- the same id creates nothing twice.
    client_id              BLOB        NOT NULL UNIQUE,
    intent                 TEXT        CHECK (intent IN ('reinscrire', 'ne_pas_reinscrire')),
    no_reason              TEXT,
    status                 TEXT        NOT NULL CHECK (status IN ('draft', 'submitted', 'validated', 'cancelled')),
    image_rights           BOOLEAN,
    may_leave_alone        BOOLEAN,
    additional_info        TEXT,
    accepted_at            TEXT,
    validated_by_kind      TEXT        CHECK (validated_by_kind IN ('family', 'staff')),
    validated_by_staff_id  BIGINT      REFERENCES staff (id),
    validation_channel     TEXT        CHECK (validation_channel IN ('extranet', 'desk', 'phone')),
    acknowledgement_number TEXT        UNIQUE,
    version                INTEGER     NOT NULL DEFAULT 1,
    created_at             TEXT NOT NULL,
    updated_at             TEXT NOT NULL,
    UNIQUE (student_id, campaign_id)
);
CREATE INDEX reinscriptions_campaign_status ON reinscriptions (campaign_id, status);

CREATE TABLE reinscription_courses (
    id               INTEGER PRIMARY KEY,
    reinscription_id BIGINT NOT NULL REFERENCES reinscriptions (id) ON DELETE CASCADE,
    course_id        BIGINT NOT NULL REFERENCES courses (id),
    slot_id          BIGINT REFERENCES slots (id),
    UNIQUE (reinscription_id, course_id)
);

CREATE TABLE documents (
    id                   INTEGER PRIMARY KEY,
    family_id            BIGINT      NOT NULL REFERENCES families (id) ON DELETE CASCADE,
    campaign_id          BIGINT      NOT NULL REFERENCES campaigns (id),
    doc_type             TEXT        NOT NULL CHECK (doc_type IN ('justificatif_domicile', 'attestation_hebergement',
                                         'piece_identite_hebergeant', 'attestation_caf', 'avis_imposition')),
    status               TEXT        NOT NULL CHECK (status IN ('missing', 'received', 'accepted', 'rejected')),
    rejection_reason     TEXT,
    file_name            TEXT,
    content              BLOB,
    sha256               TEXT,
    size_bytes           BIGINT,
    page_count           INTEGER,
    document_date        TEXT,
    uploaded_by_kind     TEXT        CHECK (uploaded_by_kind IN ('family', 'staff')),
    uploaded_by_staff_id BIGINT      REFERENCES staff (id),
    uploaded_at          TEXT,
    reviewed_by_staff_id BIGINT      REFERENCES staff (id),
    reviewed_at          TEXT,
    version              INTEGER     NOT NULL DEFAULT 1,
    CHECK (status <> 'rejected' OR rejection_reason IS NOT NULL),
    CHECK (status = 'missing' OR content IS NOT NULL)
);
CREATE INDEX documents_family ON documents (family_id, campaign_id);
CREATE INDEX documents_campaign_status ON documents (campaign_id, status);

-- Append-only: see the trigger below.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    occurred_at TEXT NOT NULL,
    actor_kind  TEXT        NOT NULL CHECK (actor_kind IN ('staff', 'family', 'system')),
    staff_id    BIGINT      REFERENCES staff (id),
    workstation TEXT        NOT NULL,
    action      TEXT        NOT NULL,
    entity_type TEXT        NOT NULL,
    entity_id   TEXT        NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX audit_log_entity ON audit_log (entity_type, entity_id);
CREATE INDEX audit_log_time ON audit_log (occurred_at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    kind             TEXT        NOT NULL CHECK (kind IN ('acknowledgement')),
    reinscription_id BIGINT      REFERENCES reinscriptions (id) ON DELETE SET NULL,
    recipient        TEXT        NOT NULL,
    payload          TEXT        NOT NULL,
    status           TEXT        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER     NOT NULL DEFAULT 0,
    last_error       TEXT,
    created_at       TEXT NOT NULL,
    sent_at          TEXT
);
CREATE INDEX outbox_pending ON outbox (status, created_at);

-- Search: one row per normalised word (accents and case folded in Rust)
-- of a student's or guardian's name, family number, birth date, phone and
-- e-mail, pointing at the student it finds. Prefix search is a range scan.
CREATE TABLE search_tokens (
    token      TEXT     NOT NULL,
    student_id BIGINT   NOT NULL REFERENCES students (id) ON DELETE CASCADE,
    weight     SMALLINT NOT NULL,
    PRIMARY KEY (token, student_id)
) WITHOUT ROWID;
CREATE INDEX search_tokens_student ON search_tokens (student_id);
