-- A freed seat is offered for a limited time (issue 12). « Proposer la
-- place » holds the seat for the first of the waiting list (`seats_taken`
-- counts it) and marks their entry offered until a deadline; the family's
-- confirmation turns the hold into an enrolment, a refusal or the deadline
-- passed gives the held seat to the next of the list. The delay is the
-- campaign's (`seat_offer_days`, administrators set it). The outbox gains
-- the messages of an offer and of an offer lapsed.
--
-- The dashboard follows other workstations too: the dossiers and documents
-- of a site notify the same channel as its offer (the site number only).

ALTER TABLE waiting_list
    ADD COLUMN offered_at       TIMESTAMPTZ,
    ADD COLUMN offer_expires_at TIMESTAMPTZ,
    ADD CONSTRAINT waiting_list_offer_check
        CHECK ((offered_at IS NULL) = (offer_expires_at IS NULL) AND
               (offer_expires_at IS NULL OR offer_expires_at > offered_at));
CREATE INDEX waiting_list_offer_expiry ON waiting_list (offer_expires_at)
    WHERE offer_expires_at IS NOT NULL;

ALTER TABLE campaigns
    ADD COLUMN seat_offer_days INTEGER NOT NULL DEFAULT 3
        CHECK (seat_offer_days BETWEEN 1 AND 30);

ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('acknowledgement', 'seat_given', 'reminder', 'seat_offered', 'seat_offer_expired'));

-- A demo written in bulk (`portee.bulk`, as the audit triggers of 0007
-- read it) notifies nothing: no screen follows a database being seeded,
-- and one notification per row would slow the seeding down.
CREATE OR REPLACE FUNCTION portee_notify_offer() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    rec RECORD;
    site SMALLINT;
BEGIN
    IF current_setting('portee.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        rec := OLD;
    ELSE
        rec := NEW;
    END IF;
    IF TG_TABLE_NAME = 'slots' THEN
        SELECT c.site_id INTO site FROM courses c WHERE c.id = rec.course_id;
    ELSE
        SELECT c.site_id INTO site FROM slots sl JOIN courses c ON c.id = sl.course_id
         WHERE sl.id = rec.slot_id;
    END IF;
    PERFORM pg_notify('portee_offer', COALESCE(site::TEXT, ''));
    RETURN NULL;
END
$$;

CREATE FUNCTION portee_notify_dossiers() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    rec RECORD;
    site SMALLINT;
BEGIN
    IF current_setting('portee.bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        rec := OLD;
    ELSE
        rec := NEW;
    END IF;
    IF TG_TABLE_NAME = 'reinscriptions' THEN
        SELECT s.site_id INTO site FROM students s WHERE s.id = rec.student_id;
        PERFORM pg_notify('portee_offer', COALESCE(site::TEXT, ''));
    ELSE
        FOR site IN SELECT DISTINCT s.site_id FROM students s WHERE s.family_id = rec.family_id LOOP
            PERFORM pg_notify('portee_offer', site::TEXT);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER reinscriptions_notify AFTER INSERT OR UPDATE OR DELETE ON reinscriptions
    FOR EACH ROW EXECUTE FUNCTION portee_notify_dossiers();
CREATE TRIGGER documents_notify AFTER INSERT OR UPDATE OF status OR DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION portee_notify_dossiers();

CALL portee_take_ownership();
