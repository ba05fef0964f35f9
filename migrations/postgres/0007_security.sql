-- PostgreSQL itself decides who sees and changes what (issue 9).
--
-- Who connects as whom:
--   * each staff member is a PostgreSQL login role named after their
--     identifiant (`agent.meudon`), member of one group role:
--     portee_agent, portee_responsable or portee_administrateur, all three
--     members of portee_staff, which holds the privileges they share;
--   * portee_owner owns the schema, the audit machinery and the functions
--     below; it cannot log in (migrations run as a superuser, see
--     `portee-admin migrate`);
--   * portee_role_manager (CREATEROLE, cannot log in) owns the functions
--     that create, change and disable staff login roles;
--   * portee_connexion (LOGIN, no password, no data) may only call the
--     sign-in functions, before anyone is signed in.
-- Roles are shared by every database of the server: they are created here
-- only when missing, tolerating another database migrating at the same
-- moment. What a role may do in THIS database is granted below.
--
-- Row-level security: a member sees and changes the rows of the sites they
-- cover (a family belongs to the sites of its students); administrators
-- see all. The member's sites are read once per query: every policy calls
-- the STABLE functions through a scalar sub-select, which the planner
-- turns into an InitPlan evaluated once, never once per row.
--
-- Audit: every write to a family's or a student's data, to the offer or
-- to staff accounts appends a row entry (`row.insert|update|delete`, the
-- columns before and after) from a trigger, whoever the client is. The
-- app's own entries (`family.contact`, `document.open`, sign-ins …) go
-- through portee_audit_append, which stamps the real session role.
--
-- From this migration on, a migration that creates a table holding a
-- family's or a student's data enables RLS on it, gives it its policy and
-- its audit trigger, and ends with `CALL portee_take_ownership();`.

-- 1. Cluster roles -----------------------------------------------------------

DO $roles$
DECLARE
    r text;
    attempt int := 0;
BEGIN
    LOOP
        BEGIN
            FOREACH r IN ARRAY ARRAY['portee_owner', 'portee_staff', 'portee_agent',
                                     'portee_responsable', 'portee_administrateur',
                                     'portee_role_manager'] LOOP
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
                    EXECUTE format('CREATE ROLE %I NOLOGIN', r);
                END IF;
            END LOOP;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'portee_connexion') THEN
                CREATE ROLE portee_connexion LOGIN;
            END IF;
            IF NOT (SELECT rolcreaterole FROM pg_roles WHERE rolname = 'portee_role_manager') THEN
                ALTER ROLE portee_role_manager CREATEROLE;
            END IF;
            FOREACH r IN ARRAY ARRAY['portee_agent', 'portee_responsable', 'portee_administrateur'] LOOP
                IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                               WHERE m.roleid = 'portee_staff'::regrole AND m.member = r::regrole) THEN
                    EXECUTE format('GRANT portee_staff TO %I', r);
                END IF;
            END LOOP;
            -- PostgreSQL 16 and later: granting a group needs ADMIN on it.
            IF current_setting('server_version_num')::int >= 160000 THEN
                EXECUTE 'GRANT portee_agent, portee_responsable, portee_administrateur '
                        'TO portee_role_manager WITH ADMIN OPTION, INHERIT FALSE, SET FALSE';
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                           WHERE m.roleid = 'pg_signal_backend'::regrole
                             AND m.member = 'portee_role_manager'::regrole) THEN
                GRANT pg_signal_backend TO portee_role_manager;
            END IF;
            EXIT;
        EXCEPTION WHEN OTHERS THEN
            -- Another database of the server created or granted the same
            -- role at the same moment: look again.
            attempt := attempt + 1;
            IF attempt >= 20 THEN
                RAISE;
            END IF;
            PERFORM pg_sleep(0.05 + random() * 0.1);
        END;
    END LOOP;
END
$roles$;

-- Only the roles of Portée may connect to this database.
DO $connect$
BEGIN
    EXECUTE format('REVOKE CONNECT, TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO portee_staff, portee_connexion', current_database());
END
$connect$;

-- 2. Columns the model needs ---------------------------------------------

-- Search tokens carry the student's site, so that the policy (and a search
-- within sites) reads one index range per site, without a join.
ALTER TABLE search_tokens ADD COLUMN site_id SMALLINT REFERENCES sites (id);
UPDATE search_tokens t SET site_id = s.site_id FROM students s WHERE s.id = t.student_id;
ALTER TABLE search_tokens ALTER COLUMN site_id SET NOT NULL;
CREATE INDEX search_tokens_site ON search_tokens (site_id, token COLLATE "C", student_id) INCLUDE (weight);
-- A search driven by its longest word reads its candidates' own tokens:
-- by student, with the token and its weight in the index.
DROP INDEX search_tokens_student;
CREATE INDEX search_tokens_student ON search_tokens (student_id, token COLLATE "C") INCLUDE (weight);

-- Audit entries: who wrote them (the app through portee_audit_append, or a
-- row trigger), the transaction they belong to (so a row entry can be
-- shown under the app's entry of the same transaction), and the context
-- the app declared for its transaction (`portee.context`).
ALTER TABLE audit_log ADD COLUMN origin TEXT NOT NULL DEFAULT 'app' CHECK (origin IN ('app', 'row'));
ALTER TABLE audit_log ADD COLUMN xact_id BIGINT;
ALTER TABLE audit_log ADD COLUMN context TEXT;
CREATE INDEX audit_log_xact ON audit_log (xact_id) WHERE xact_id IS NOT NULL;
-- An entry names its author by id without a foreign key: the key made
-- every entry lock its author's staff row (FOR KEY SHARE) until commit,
-- and a member's concurrent writes from several windows queued on that
-- one row's lockers. Only portee_audit_append and the triggers write
-- entries, with the session's own account id; accounts are never deleted.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_staff_id_fkey;

-- 3. Who is connected ------------------------------------------------------

-- The staff member of this session (an active account whose login is the
-- session's role), or NULL: the owner, a superuser, portee_connexion.
-- A demo account (public password) counts only in a database marked as a
-- demo: its role, shared by the server, is nobody in another database.
-- (PL/pgSQL: its plans are cached for the session, where an SQL function
-- that cannot be inlined is planned again at every call.)
CREATE FUNCTION portee_current_staff_id() RETURNS BIGINT
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN (SELECT id FROM staff
             WHERE login = session_user::text AND active
               AND (NOT is_demo OR EXISTS (SELECT 1 FROM database_settings WHERE id = 1 AND demo)));
END
$$;

-- The sites the session's member covers: every site for an administrator,
-- none for anyone who is not an active staff member.
CREATE FUNCTION portee_visible_sites() RETURNS SMALLINT[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me RECORD;
BEGIN
    SELECT id, role INTO me FROM staff
     WHERE login = session_user::text AND active
       AND (NOT is_demo OR EXISTS (SELECT 1 FROM database_settings WHERE id = 1 AND demo));
    IF NOT FOUND THEN
        RETURN '{}';
    ELSIF me.role = 'admin' THEN
        RETURN (SELECT array_agg(id ORDER BY id) FROM sites);
    END IF;
    RETURN COALESCE((SELECT array_agg(site_id ORDER BY site_id) FROM staff_sites
                      WHERE staff_id = me.id), '{}');
END
$$;

CREATE FUNCTION portee_is_admin() RETURNS BOOLEAN
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    RETURN EXISTS (SELECT 1 FROM staff
                    WHERE login = session_user::text AND active AND role = 'admin'
                      AND (NOT is_demo OR EXISTS (SELECT 1 FROM database_settings
                                                   WHERE id = 1 AND demo)));
END
$$;

-- The sites whose offer the session's member may change: a responsable's
-- sites, every site for an administrator, none for an agent.
CREATE FUNCTION portee_managed_sites() RETURNS SMALLINT[]
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me RECORD;
BEGIN
    SELECT id, role INTO me FROM staff
     WHERE login = session_user::text AND active
       AND (NOT is_demo OR EXISTS (SELECT 1 FROM database_settings WHERE id = 1 AND demo));
    IF NOT FOUND OR me.role = 'agent' THEN
        RETURN '{}';
    ELSIF me.role = 'admin' THEN
        RETURN (SELECT array_agg(id ORDER BY id) FROM sites);
    END IF;
    RETURN COALESCE((SELECT array_agg(site_id ORDER BY site_id) FROM staff_sites
                      WHERE staff_id = me.id), '{}');
END
$$;

-- 4. Row-level security ----------------------------------------------------

ALTER TABLE students ENABLE ROW LEVEL SECURITY;
CREATE POLICY students_sites ON students TO portee_staff
    USING (site_id = ANY ((SELECT portee_visible_sites())::SMALLINT[]))
    WITH CHECK (site_id = ANY ((SELECT portee_visible_sites())::SMALLINT[]));

ALTER TABLE search_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY search_tokens_sites ON search_tokens TO portee_staff
    USING (site_id = ANY ((SELECT portee_visible_sites())::SMALLINT[]))
    WITH CHECK (site_id = ANY ((SELECT portee_visible_sites())::SMALLINT[]));

-- The policies below look a row's site up with a scalar sub-select by key
-- (one index probe per row read), never an EXISTS, which the planner may
-- turn into a hash of every student of the member's sites for each query.
-- A family's sites: those of its students (students_family_site). An
-- administrator's visible sites are every site: no separate test (each
-- helper call costs about 0.06 ms per statement).
CREATE INDEX students_family_site ON students (family_id, site_id);
DROP INDEX students_family;

ALTER TABLE families ENABLE ROW LEVEL SECURITY;
CREATE POLICY families_sites ON families TO portee_staff
    USING ((SELECT array_agg(s.site_id) FROM students s WHERE s.family_id = families.id)
           && (SELECT portee_visible_sites())::SMALLINT[]);

ALTER TABLE guardians ENABLE ROW LEVEL SECURITY;
CREATE POLICY guardians_sites ON guardians TO portee_staff
    USING ((SELECT array_agg(s.site_id) FROM students s WHERE s.family_id = guardians.family_id)
           && (SELECT portee_visible_sites())::SMALLINT[]);

ALTER TABLE documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY documents_sites ON documents TO portee_staff
    USING ((SELECT array_agg(s.site_id) FROM students s WHERE s.family_id = documents.family_id)
           && (SELECT portee_visible_sites())::SMALLINT[]);

ALTER TABLE enrolments ENABLE ROW LEVEL SECURITY;
CREATE POLICY enrolments_sites ON enrolments TO portee_staff
    USING ((SELECT s.site_id FROM students s WHERE s.id = enrolments.student_id)
           = ANY ((SELECT portee_visible_sites())::SMALLINT[]));

ALTER TABLE waiting_list ENABLE ROW LEVEL SECURITY;
CREATE POLICY waiting_list_sites ON waiting_list TO portee_staff
    USING ((SELECT s.site_id FROM students s WHERE s.id = waiting_list.student_id)
           = ANY ((SELECT portee_visible_sites())::SMALLINT[]));

ALTER TABLE reinscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY reinscriptions_sites ON reinscriptions TO portee_staff
    USING ((SELECT s.site_id FROM students s WHERE s.id = reinscriptions.student_id)
           = ANY ((SELECT portee_visible_sites())::SMALLINT[]));

ALTER TABLE reinscription_courses ENABLE ROW LEVEL SECURITY;
CREATE POLICY reinscription_courses_sites ON reinscription_courses TO portee_staff
    USING ((SELECT s.site_id FROM reinscriptions r JOIN students s ON s.id = r.student_id
             WHERE r.id = reinscription_courses.reinscription_id)
           = ANY ((SELECT portee_visible_sites())::SMALLINT[]));

ALTER TABLE outbox ENABLE ROW LEVEL SECURITY;
CREATE POLICY outbox_sites ON outbox TO portee_staff
    USING ((SELECT portee_is_admin())
        OR (SELECT s.site_id FROM reinscriptions r JOIN students s ON s.id = r.student_id
             WHERE r.id = outbox.reinscription_id)
           = ANY ((SELECT portee_visible_sites())::SMALLINT[]));

-- The audit log: administrators read it all; a member reads the entries
-- they wrote and those about the students and families of their sites
-- (an entry naming a student follows that student's site). Nobody but the
-- owner writes it directly (see portee_audit_append and the triggers).
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_log_read ON audit_log FOR SELECT TO portee_staff
    USING ((SELECT portee_is_admin())
        OR staff_id = (SELECT portee_current_staff_id())
        OR (student_id IS NOT NULL
            AND (SELECT s.site_id FROM students s WHERE s.id = audit_log.student_id)
                = ANY ((SELECT portee_visible_sites())::SMALLINT[]))
        OR (student_id IS NULL AND family_id IS NOT NULL
            AND (SELECT array_agg(s.site_id) FROM students s WHERE s.family_id = audit_log.family_id)
                && (SELECT portee_visible_sites())::SMALLINT[]));

-- The offer: everyone reads it; a responsable changes their sites' only,
-- an administrator every site's. An agent takes seats (seats_taken) on
-- their sites only: column privileges below say which columns each group
-- may change.
ALTER TABLE courses ENABLE ROW LEVEL SECURITY;
CREATE POLICY courses_read ON courses FOR SELECT TO portee_staff USING (true);
CREATE POLICY courses_change ON courses FOR INSERT TO portee_staff
    WITH CHECK (site_id = ANY ((SELECT portee_managed_sites())::SMALLINT[]));
CREATE POLICY courses_update ON courses FOR UPDATE TO portee_staff
    USING (site_id = ANY ((SELECT portee_managed_sites())::SMALLINT[]))
    WITH CHECK (site_id = ANY ((SELECT portee_managed_sites())::SMALLINT[]));

ALTER TABLE slots ENABLE ROW LEVEL SECURITY;
CREATE POLICY slots_read ON slots FOR SELECT TO portee_staff USING (true);
CREATE POLICY slots_insert ON slots FOR INSERT TO portee_staff
    WITH CHECK ((SELECT c.site_id FROM courses c WHERE c.id = slots.course_id)
                = ANY ((SELECT portee_managed_sites())::SMALLINT[]));
CREATE POLICY slots_update ON slots FOR UPDATE TO portee_staff
    USING ((SELECT c.site_id FROM courses c WHERE c.id = slots.course_id)
           = ANY ((SELECT portee_visible_sites())::SMALLINT[]))
    WITH CHECK ((SELECT c.site_id FROM courses c WHERE c.id = slots.course_id)
                = ANY ((SELECT portee_visible_sites())::SMALLINT[]));

-- Staff accounts: a member reads their own row, an administrator all.
-- Nobody changes them directly: the portee_staff_* functions do.
ALTER TABLE staff ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_read ON staff FOR SELECT TO portee_staff
    USING (login = session_user::text OR (SELECT portee_is_admin()));
ALTER TABLE staff_sites ENABLE ROW LEVEL SECURITY;
CREATE POLICY staff_sites_read ON staff_sites FOR SELECT TO portee_staff
    USING (staff_id = (SELECT portee_current_staff_id()) OR (SELECT portee_is_admin()));
-- The role manager's functions (sign-in counting, role changes) read and
-- update every account.
CREATE POLICY staff_manager ON staff TO portee_role_manager USING (true) WITH CHECK (true);
CREATE POLICY staff_sites_manager ON staff_sites FOR SELECT TO portee_role_manager USING (true);

-- 5. Table privileges ------------------------------------------------------

GRANT USAGE ON SCHEMA public TO portee_staff, portee_connexion;
GRANT SELECT ON sites, school_years, campaigns, disciplines, courses, slots, database_settings
    TO portee_staff;
GRANT SELECT ON sites, database_settings TO portee_connexion;
GRANT SELECT ON _sqlx_migrations TO portee_staff, portee_connexion;
GRANT SELECT, UPDATE ON families, guardians, students TO portee_staff;
GRANT SELECT, INSERT, DELETE ON search_tokens TO portee_staff;
GRANT SELECT, INSERT, UPDATE ON enrolments, reinscriptions, documents, outbox TO portee_staff;
GRANT SELECT, INSERT, UPDATE, DELETE ON waiting_list, reinscription_courses TO portee_staff;
GRANT SELECT ON audit_log, staff, staff_sites TO portee_staff;
-- Seats: everyone takes and gives back seats on their sites.
GRANT UPDATE (seats_taken, version) ON slots TO portee_staff;
-- The offer: responsables and administrators.
GRANT INSERT, UPDATE ON courses, slots TO portee_responsable, portee_administrateur;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO portee_staff;

-- 6. The audit -------------------------------------------------------------

-- The workstation the app declared for its connection (`portee.workstation`,
-- set at connection), else the client's address.
CREATE FUNCTION portee_workstation() RETURNS TEXT
LANGUAGE sql STABLE SET search_path = public, pg_temp AS $$
    SELECT COALESCE(NULLIF(left(current_setting('portee.workstation', true), 200), ''),
                    'psql ' || COALESCE(host(inet_client_addr()), 'local'))
$$;

-- The app's own entries. In a staff member's session the entry is theirs,
-- whatever the caller claims: the actor, the author and the time are the
-- session's. Other callers (the owner, a superuser: seeding, the
-- extranet's server) write what they pass.
CREATE FUNCTION portee_audit_append(
    p_occurred_at TIMESTAMPTZ, p_actor_kind TEXT, p_staff_id BIGINT, p_workstation TEXT,
    p_action TEXT, p_entity_type TEXT, p_entity_id TEXT, p_before TEXT, p_after TEXT,
    p_family_id BIGINT, p_student_id BIGINT) RETURNS BIGINT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    me BIGINT := (SELECT id FROM staff WHERE login = session_user::text);
    new_id BIGINT;
BEGIN
    IF me IS NOT NULL THEN
        p_actor_kind := 'staff';
        p_staff_id := me;
        p_occurred_at := now();
    ELSIF pg_has_role(session_user, 'portee_staff', 'MEMBER')
          AND NOT pg_has_role(session_user, 'portee_owner', 'MEMBER') THEN
        RAISE EXCEPTION 'no staff account for this role' USING ERRCODE = 'insufficient_privilege';
    END IF;
    INSERT INTO audit_log (occurred_at, actor_kind, staff_id, workstation, action, entity_type,
                           entity_id, before_json, after_json, family_id, student_id, origin, xact_id)
    VALUES (p_occurred_at, p_actor_kind, p_staff_id, left(p_workstation, 200), p_action,
            p_entity_type, p_entity_id, p_before, p_after,
            COALESCE(p_family_id, (SELECT family_id FROM students WHERE id = p_student_id)),
            p_student_id, 'app', txid_current())
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

-- One entry per row written, whoever writes it. Columns that never go to
-- the log: a password hash, a document's bytes. An UPDATE keeps the
-- columns that changed (and the id). A superuser or the owner seeding a
-- demo in bulk sets `portee.bulk` (nobody else can skip the log).
CREATE FUNCTION portee_audit_row() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    old_j JSONB;
    new_j JSONB;
    rec JSONB;
    fam BIGINT;
    stu BIGINT;
    me BIGINT;
    entity TEXT;
BEGIN
    IF current_setting('portee.bulk', true) = 'on'
       AND pg_has_role(session_user, 'portee_owner', 'MEMBER') THEN
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        old_j := to_jsonb(OLD) - 'password_hash' - 'content';
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_j := to_jsonb(NEW) - 'password_hash' - 'content';
    END IF;
    rec := COALESCE(new_j, old_j);
    IF TG_OP = 'UPDATE' THEN
        SELECT COALESCE(jsonb_object_agg(o.key, o.value), '{}'),
               COALESCE(jsonb_object_agg(o.key, new_j -> o.key), '{}')
          INTO old_j, new_j
          FROM jsonb_each(old_j) o
         WHERE o.key = 'id' OR o.value IS DISTINCT FROM new_j -> o.key;
    END IF;
    CASE TG_TABLE_NAME
        WHEN 'families' THEN
            fam := (rec ->> 'id')::BIGINT;
        WHEN 'students' THEN
            stu := (rec ->> 'id')::BIGINT;
            fam := (rec ->> 'family_id')::BIGINT;
        WHEN 'reinscription_courses' THEN
            SELECT r.student_id INTO stu FROM reinscriptions r
             WHERE r.id = (rec ->> 'reinscription_id')::BIGINT;
        WHEN 'outbox' THEN
            SELECT r.student_id INTO stu FROM reinscriptions r
             WHERE r.id = (rec ->> 'reinscription_id')::BIGINT;
        ELSE
            fam := (rec ->> 'family_id')::BIGINT;
            stu := (rec ->> 'student_id')::BIGINT;
    END CASE;
    IF fam IS NULL AND stu IS NOT NULL THEN
        SELECT family_id INTO fam FROM students WHERE id = stu;
    END IF;
    entity := CASE TG_TABLE_NAME
                  WHEN 'staff_sites' THEN (rec ->> 'staff_id') || ':' || (rec ->> 'site_id')
                  ELSE rec ->> 'id' END;
    me := (SELECT id FROM staff WHERE login = session_user::text);
    INSERT INTO audit_log (occurred_at, actor_kind, staff_id, workstation, action, entity_type,
                           entity_id, before_json, after_json, family_id, student_id, origin,
                           xact_id, context)
    VALUES (now(), CASE WHEN me IS NULL THEN 'system' ELSE 'staff' END, me, portee_workstation(),
            'row.' || lower(TG_OP), TG_TABLE_NAME, COALESCE(entity, ''), old_j::TEXT, new_j::TEXT,
            fam, stu, 'row', txid_current(),
            NULLIF(left(current_setting('portee.context', true), 200), ''));
    RETURN NULL;
END
$$;

DO $triggers$
DECLARE
    t TEXT;
BEGIN
    FOREACH t IN ARRAY ARRAY['families', 'guardians', 'students', 'enrolments', 'waiting_list',
                             'reinscriptions', 'reinscription_courses', 'documents', 'outbox',
                             'courses', 'slots', 'campaigns', 'staff', 'staff_sites', 'sites'] LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I '
                       'FOR EACH ROW EXECUTE FUNCTION portee_audit_row()', t || '_audit', t);
    END LOOP;
END
$triggers$;

-- Search tokens follow a family's new phones and e-mails for every child
-- of the family, also those on sites the writer does not cover (whose
-- tokens the policy hides from them): the old contact tokens go, the new
-- ones come (portee_domain::search::contact_tokens; a contact token is a
-- phone `t0612…` or an e-mail holding `@`, never a name). Only for a family
-- the caller may see.
CREATE FUNCTION portee_replace_contact_tokens(p_family_id BIGINT, p_old TEXT[], p_new TEXT[],
                                              p_weights SMALLINT[]) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF NOT pg_has_role(session_user, 'portee_owner', 'MEMBER') AND NOT portee_is_admin()
       AND NOT EXISTS (SELECT 1 FROM students s WHERE s.family_id = p_family_id
                          AND s.site_id = ANY (portee_visible_sites())) THEN
        RAISE EXCEPTION 'family not visible' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF EXISTS (SELECT 1 FROM unnest(p_old || p_new) t
                WHERE NOT (t ~ '^t[0-9]+$' OR (t LIKE 'e%' AND t LIKE '%@%'))) THEN
        RAISE EXCEPTION 'not a contact token' USING ERRCODE = 'check_violation';
    END IF;
    DELETE FROM search_tokens
     WHERE token = ANY (p_old)
       AND student_id IN (SELECT id FROM students WHERE family_id = p_family_id);
    INSERT INTO search_tokens (token, student_id, weight, site_id)
    SELECT n.token, s.id, n.weight, s.site_id
      FROM unnest(p_new, p_weights) AS n (token, weight)
     CROSS JOIN students s
     WHERE s.family_id = p_family_id
    ON CONFLICT (token, student_id) DO UPDATE SET weight = GREATEST(search_tokens.weight, excluded.weight);
END
$$;

-- 7. Sign-in ---------------------------------------------------------------
--
-- The password is PostgreSQL's: signing in is connecting as one's role.
-- After a refused connection the app (connected as portee_connexion)
-- counts the failure; at the 5th the account is locked for 15 minutes by
-- making its password expire (VALID UNTIL), which holds against a direct
-- connection too. An identifier that matches no account is counted under
-- its bucket, with the same answers. The server's auth_delay slows every
-- refused password (see README).

-- What the sign-in screen knows before anyone signs in: whether an account
-- exists, and the demo accounts of a database marked as a demo (their
-- passwords are public).
CREATE FUNCTION portee_has_staff() RETURNS BOOLEAN
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT EXISTS (SELECT 1 FROM staff)
$$;

CREATE FUNCTION portee_demo_accounts()
RETURNS TABLE (login TEXT, display_name TEXT, role TEXT, sites SMALLINT[])
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT s.login, s.display_name, s.role,
           ARRAY(SELECT ss.site_id FROM staff_sites ss WHERE ss.staff_id = s.id ORDER BY ss.site_id)
      FROM staff s
     WHERE s.is_demo AND s.active
       AND EXISTS (SELECT 1 FROM database_settings WHERE id = 1 AND demo)
     ORDER BY s.id
$$;

-- The other children of a student's family, for the fiche élève: a child
-- on a site the caller does not cover is listed with its site only, never
-- its name (the policy would hide it altogether). Only for a student the
-- caller may see.
CREATE FUNCTION portee_family_siblings(p_student_id BIGINT)
RETURNS TABLE (id BIGINT, last_name TEXT, first_name TEXT, site_id SMALLINT)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH v AS (SELECT portee_visible_sites() AS sites,
                      pg_has_role(session_user, 'portee_owner', 'MEMBER') AS unbound)
    SELECT s.id,
           CASE WHEN v.unbound OR s.site_id = ANY (v.sites) THEN s.last_name END,
           CASE WHEN v.unbound OR s.site_id = ANY (v.sites) THEN s.first_name END,
           s.site_id
      FROM v, students me
      JOIN students s ON s.family_id = me.family_id AND s.id <> me.id
     WHERE me.id = p_student_id AND (v.unbound OR me.site_id = ANY (v.sites))
     ORDER BY s.birth_date, s.id
$$;

-- Every account's identifier and name, for whoever reads the log (a
-- member reads only their own staff row, but the history of a record names
-- the colleagues who changed it).
CREATE FUNCTION portee_staff_directory() RETURNS TABLE (id BIGINT, login TEXT, display_name TEXT)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT id, login, display_name FROM staff
     WHERE portee_current_staff_id() IS NOT NULL
        OR pg_has_role(session_user, 'portee_owner', 'MEMBER')
$$;

-- Whether `p_login` may try to sign in now; lifts an expired lock.
CREATE FUNCTION portee_sign_in_allowed(p_login TEXT, p_bucket TEXT) RETURNS BOOLEAN
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    acc staff%ROWTYPE;
    until TIMESTAMPTZ;
BEGIN
    SELECT * INTO acc FROM staff WHERE login = lower(p_login) FOR UPDATE;
    IF NOT FOUND THEN
        SELECT locked_until INTO until FROM sign_in_throttle WHERE bucket = p_bucket;
        RETURN until IS NULL OR until <= now();
    END IF;
    IF acc.locked_until IS NOT NULL AND acc.locked_until <= now() THEN
        UPDATE staff SET locked_until = NULL, failed_attempts = 0 WHERE id = acc.id;
        IF acc.active THEN
            PERFORM portee_role_ddl(format('ALTER ROLE %I VALID UNTIL ''infinity''', acc.login));
        END IF;
        RETURN true;
    END IF;
    RETURN acc.locked_until IS NULL;
END
$$;

-- Counts one refused sign-in of `p_login` (or of its bucket when no
-- account has that identifier); returns the count. At `p_lock_at`
-- failures the account is locked for `p_lock_minutes`.
CREATE FUNCTION portee_sign_in_failed(p_login TEXT, p_bucket TEXT, p_workstation TEXT,
                                      p_lock_at INT, p_lock_minutes INT) RETURNS INT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    acc staff%ROWTYPE;
    n INT;
    until TIMESTAMPTZ;
BEGIN
    SELECT * INTO acc FROM staff WHERE login = lower(p_login);
    IF NOT FOUND THEN
        INSERT INTO sign_in_throttle AS t (bucket, failed_attempts, locked_until, updated_at)
        VALUES (p_bucket, 1, NULL, now())
        ON CONFLICT (bucket) DO UPDATE
           SET failed_attempts = CASE WHEN t.locked_until IS NOT NULL AND t.locked_until <= now()
                                      THEN 1 ELSE t.failed_attempts + 1 END,
               locked_until = CASE WHEN t.locked_until IS NOT NULL AND t.locked_until <= now()
                                   THEN NULL ELSE t.locked_until END,
               updated_at = now()
        RETURNING failed_attempts INTO n;
        IF n >= p_lock_at THEN
            UPDATE sign_in_throttle SET locked_until = now() + make_interval(mins => p_lock_minutes)
             WHERE bucket = p_bucket AND locked_until IS NULL;
        END IF;
        PERFORM portee_audit_append(now(), 'system', NULL, p_workstation, 'auth.sign_in_failed',
                                    'sign_in', p_bucket, NULL,
                                    jsonb_build_object('failures', n)::TEXT, NULL, NULL);
        RETURN n;
    END IF;
    -- Counted atomically; the lock decision follows the row as this UPDATE
    -- left it (locked already by a concurrent refusal, or not).
    UPDATE staff SET failed_attempts = failed_attempts + 1, updated_at = now()
     WHERE id = acc.id RETURNING failed_attempts, locked_until INTO n, until;
    IF n >= p_lock_at AND until IS NULL THEN
        until := now() + make_interval(mins => p_lock_minutes);
        UPDATE staff SET locked_until = until WHERE id = acc.id;
        PERFORM portee_role_ddl(format('ALTER ROLE %I VALID UNTIL %L', acc.login, now()::TEXT));
    END IF;
    PERFORM portee_audit_append(now(), 'staff', acc.id, p_workstation, 'auth.sign_in_failed',
                                'staff', acc.id::TEXT, NULL,
                                jsonb_build_object('failures', n)::TEXT, NULL, NULL);
    RETURN n;
END
$$;

-- 8. Staff administration --------------------------------------------------
--
-- Administrators write staff rows as the app always did (staff,
-- staff_sites: their policies below), and the database keeps each account's
-- login role in step, whoever writes: a trigger creates the role of a new
-- account (named after its identifiant), puts it in its role's group only,
-- and makes a disabled account NOLOGIN and ends its open connections.
-- Passwords go through portee_staff_password (a SCRAM verifier computed by
-- the client: the password itself never travels). A name that is already
-- a role of something else on the server (a superuser, another
-- application's role, Portée's own roles) is refused.

CREATE POLICY staff_admin ON staff TO portee_administrateur
    USING ((SELECT portee_is_admin())) WITH CHECK ((SELECT portee_is_admin()));
CREATE POLICY staff_sites_admin ON staff_sites TO portee_administrateur
    USING ((SELECT portee_is_admin())) WITH CHECK ((SELECT portee_is_admin()));
GRANT INSERT ON staff TO portee_administrateur;
GRANT UPDATE (display_name, role, password_hash, active, must_change_password, failed_attempts,
              locked_until, updated_at, version) ON staff TO portee_administrateur;
GRANT INSERT, DELETE ON staff_sites TO portee_administrateur;

CREATE FUNCTION portee_group_of(p_role TEXT) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_role WHEN 'agent' THEN 'portee_agent'
                       WHEN 'responsable' THEN 'portee_responsable'
                       WHEN 'admin' THEN 'portee_administrateur' END
$$;

-- Role DDL on a role another database of the server may be changing at
-- the same moment ("tuple concurrently updated"): tried again.
CREATE FUNCTION portee_role_ddl(p_sql TEXT) RETURNS VOID
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    attempt INT := 0;
BEGIN
    LOOP
        BEGIN
            EXECUTE p_sql;
            RETURN;
        EXCEPTION WHEN internal_error OR unique_violation THEN
            attempt := attempt + 1;
            IF attempt >= 20 THEN RAISE; END IF;
            PERFORM pg_sleep(0.01 + random() * 0.05);
        END;
    END LOOP;
END
$$;

-- Keeps the login role of a staff row in step with it.
CREATE FUNCTION portee_staff_sync_role() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r pg_roles%ROWTYPE;
    g TEXT;
    member_oid OID;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.login <> OLD.login THEN
        RAISE EXCEPTION 'an identifiant does not change' USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.login !~ '^[a-z0-9][a-z0-9._-]{0,62}$' OR NEW.login LIKE 'portee\_%'
       OR NEW.login LIKE 'pg\_%' OR NEW.login IN ('postgres', 'public') THEN
        RAISE EXCEPTION 'identifiant impossible pour un rôle PostgreSQL : %', NEW.login
            USING ERRCODE = 'check_violation';
    END IF;
    SELECT * INTO r FROM pg_roles WHERE rolname = NEW.login;
    IF NOT FOUND THEN
        BEGIN
            PERFORM portee_role_ddl(format('CREATE ROLE %I LOGIN', NEW.login));
        EXCEPTION WHEN duplicate_object THEN
            -- Created at this moment by another Portée database of the
            -- server for the same identifiant: the same account's role.
            NULL;
        END;
    ELSIF r.rolsuper OR r.rolcreaterole OR r.rolbypassrls OR r.rolreplication
          OR NOT EXISTS (SELECT 1 FROM pg_auth_members m JOIN pg_roles gr ON gr.oid = m.roleid
                          WHERE m.member = r.oid
                            AND gr.rolname IN ('portee_agent', 'portee_responsable',
                                               'portee_administrateur')) THEN
        RAISE EXCEPTION 'le rôle % existe déjà sur le serveur et n''est pas un compte Portée', NEW.login
            USING ERRCODE = 'duplicate_object';
    END IF;
    -- (By oid: an identifiant such as agent.meudon is not a bare identifier.)
    member_oid := (SELECT oid FROM pg_roles WHERE rolname = NEW.login);
    FOREACH g IN ARRAY ARRAY['portee_agent', 'portee_responsable', 'portee_administrateur'] LOOP
        IF g = portee_group_of(NEW.role) THEN
            IF NOT EXISTS (SELECT 1 FROM pg_auth_members m
                            WHERE m.roleid = g::regrole AND m.member = member_oid) THEN
                PERFORM portee_role_ddl(format('GRANT %I TO %I', g, NEW.login));
            END IF;
        ELSIF EXISTS (SELECT 1 FROM pg_auth_members m
                       WHERE m.roleid = g::regrole AND m.member = member_oid) THEN
            PERFORM portee_role_ddl(format('REVOKE %I FROM %I', g, NEW.login));
        END IF;
    END LOOP;
    IF TG_OP = 'INSERT' OR NEW.active IS DISTINCT FROM OLD.active THEN
        IF NEW.active THEN
            PERFORM portee_role_ddl(format('ALTER ROLE %I LOGIN', NEW.login));
        ELSE
            PERFORM portee_role_ddl(format('ALTER ROLE %I NOLOGIN', NEW.login));
            PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
             WHERE usename = NEW.login AND pid <> pg_backend_pid();
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER staff_role AFTER INSERT OR UPDATE OF login, role, active ON staff
    FOR EACH ROW EXECUTE FUNCTION portee_staff_sync_role();

-- Sets the password of account `p_staff_id` (a SCRAM verifier) and lifts a
-- lock. Allowed to administrators (any account), to a member for their own
-- account, and to the owner (seeding). With `p_expected_version`, the row
-- is also updated as a password change does (the "change at next sign-in"
-- flag set to `p_must_change`, failures reset, version + 1) only if it is
-- still at that version: returns the new version, or NULL (nothing done)
-- when it moved on. Without, only the role's password is set.
CREATE FUNCTION portee_staff_password(p_staff_id BIGINT, p_verifier TEXT, p_must_change BOOLEAN,
                                      p_expected_version INT) RETURNS INT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    acc staff%ROWTYPE;
    v INT;
BEGIN
    SELECT * INTO acc FROM staff WHERE id = p_staff_id FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF NOT (portee_is_admin() OR pg_has_role(session_user, 'portee_owner', 'MEMBER')
            OR (acc.login = session_user::text AND acc.active)) THEN
        RAISE EXCEPTION 'not allowed' USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF p_verifier !~ '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
        RAISE EXCEPTION 'not a SCRAM-SHA-256 verifier' USING ERRCODE = 'check_violation';
    END IF;
    IF p_expected_version IS NOT NULL THEN
        UPDATE staff SET must_change_password = p_must_change, failed_attempts = 0,
                         locked_until = NULL, updated_at = now(), version = version + 1
         WHERE id = p_staff_id AND version = p_expected_version
        RETURNING version INTO v;
        IF v IS NULL THEN
            RETURN NULL;
        END IF;
    END IF;
    PERFORM portee_role_ddl(format('ALTER ROLE %I PASSWORD %L VALID UNTIL ''infinity''',
                                   acc.login, p_verifier));
    RETURN COALESCE(v, acc.version);
END
$$;

-- A member's successful sign-in or unlock (`p_action`): failures reset,
-- audited. NULL when the account may not sign in on `p_site` (not one of
-- its sites), is locked, or is a demo account on a database that is not a
-- demo; else the account's version.
CREATE FUNCTION portee_record_sign_in(p_site SMALLINT, p_action TEXT, p_workstation TEXT) RETURNS INT
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    acc staff%ROWTYPE;
BEGIN
    IF p_action NOT IN ('auth.sign_in', 'auth.unlock') THEN
        RAISE EXCEPTION 'unknown action' USING ERRCODE = 'check_violation';
    END IF;
    SELECT * INTO acc FROM staff WHERE login = session_user::text AND active FOR UPDATE;
    IF NOT FOUND
       OR (acc.locked_until IS NOT NULL AND acc.locked_until > now())
       OR (acc.is_demo AND NOT COALESCE((SELECT demo FROM database_settings WHERE id = 1), false))
       OR (acc.role <> 'admin' AND NOT EXISTS (SELECT 1 FROM staff_sites
                                                WHERE staff_id = acc.id AND site_id = p_site)) THEN
        RETURN NULL;
    END IF;
    UPDATE staff SET failed_attempts = 0, locked_until = NULL
     WHERE id = acc.id AND (failed_attempts <> 0 OR locked_until IS NOT NULL);
    PERFORM portee_audit_append(now(), 'staff', acc.id, p_workstation, p_action, 'staff',
                                acc.id::TEXT, NULL, jsonb_build_object('site_id', p_site)::TEXT,
                                NULL, NULL);
    RETURN acc.version;
END
$$;

-- 9. Ownership and EXECUTE ------------------------------------------------

-- Gives every object of the schema that the migrating role created to
-- portee_owner (the role-management functions to portee_role_manager), and
-- takes EXECUTE on functions away from PUBLIC. Every migration ends with it.
CREATE PROCEDURE portee_take_ownership()
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    o RECORD;
BEGIN
    FOR o IN SELECT c.relname, c.relkind FROM pg_class c
              WHERE c.relnamespace = 'public'::regnamespace
                AND c.relkind IN ('r', 'v', 'm', 'p')
                AND c.relname <> '_sqlx_migrations'
                AND pg_get_userbyid(c.relowner) <> 'portee_owner' LOOP
        EXECUTE format('ALTER TABLE %I OWNER TO portee_owner', o.relname);
    END LOOP;
    FOR o IN SELECT p.oid::regprocedure AS sig, p.proname, p.prokind FROM pg_proc p
              WHERE p.pronamespace = 'public'::regnamespace
                AND pg_get_userbyid(p.proowner) NOT IN ('portee_owner', 'portee_role_manager') LOOP
        IF o.prokind = 'p' THEN
            EXECUTE format('ALTER PROCEDURE %s OWNER TO portee_owner', o.sig);
        ELSE
            EXECUTE format('ALTER FUNCTION %s OWNER TO %I', o.sig,
                CASE WHEN o.proname IN ('portee_role_ddl', 'portee_staff_sync_role',
                                        'portee_staff_password', 'portee_record_sign_in',
                                        'portee_sign_in_allowed', 'portee_sign_in_failed')
                     THEN 'portee_role_manager' ELSE 'portee_owner' END);
        END IF;
        EXECUTE format('REVOKE EXECUTE ON %s %s FROM PUBLIC',
                       CASE WHEN o.prokind = 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END, o.sig);
    END LOOP;
END
$$;

CALL portee_take_ownership();

-- The role manager's functions read and write staff rows (through its
-- policies above) and append to the log through portee_audit_append.
GRANT SELECT, UPDATE ON staff TO portee_role_manager;
GRANT SELECT ON staff_sites, sites, database_settings TO portee_role_manager;
GRANT SELECT, INSERT, UPDATE ON sign_in_throttle TO portee_role_manager;
GRANT EXECUTE ON FUNCTION portee_audit_append(TIMESTAMPTZ, TEXT, BIGINT, TEXT, TEXT, TEXT, TEXT,
    TEXT, TEXT, BIGINT, BIGINT), portee_is_admin(), portee_current_staff_id(),
    portee_group_of(TEXT), portee_workstation()
    TO portee_role_manager;

GRANT EXECUTE ON FUNCTION portee_current_staff_id(), portee_visible_sites(), portee_is_admin(),
    portee_managed_sites(), portee_workstation(), portee_group_of(TEXT),
    portee_audit_append(TIMESTAMPTZ, TEXT, BIGINT, TEXT, TEXT, TEXT, TEXT, TEXT, TEXT, BIGINT, BIGINT),
    portee_replace_contact_tokens(BIGINT, TEXT[], TEXT[], SMALLINT[]),
    portee_staff_password(BIGINT, TEXT, BOOLEAN, INT),
    portee_record_sign_in(SMALLINT, TEXT, TEXT)
    TO portee_staff;
GRANT EXECUTE ON FUNCTION portee_sign_in_allowed(TEXT, TEXT),
    portee_sign_in_failed(TEXT, TEXT, TEXT, INT, INT) TO portee_connexion;
GRANT EXECUTE ON FUNCTION portee_has_staff(), portee_demo_accounts()
    TO portee_connexion, portee_staff;
GRANT EXECUTE ON FUNCTION portee_staff_directory(), portee_family_siblings(BIGINT) TO portee_staff;
