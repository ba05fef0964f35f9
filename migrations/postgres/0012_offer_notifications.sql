-- Open offer pages follow other workstations within a second (issue 12):
-- every change of a slot (seats, capacity, hours…) or of a waiting list
-- notifies channel `portee_offer` with the site of the course, in the
-- changing transaction: PostgreSQL sends it at the commit only, once per
-- distinct site per transaction. The payload is a site number, never
-- personal data, so the function may run as its owner.

CREATE FUNCTION portee_notify_offer() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    rec RECORD;
    site SMALLINT;
BEGIN
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

CREATE TRIGGER slots_notify AFTER INSERT OR UPDATE OR DELETE ON slots
    FOR EACH ROW EXECUTE FUNCTION portee_notify_offer();
CREATE TRIGGER waiting_list_notify AFTER INSERT OR UPDATE OR DELETE ON waiting_list
    FOR EACH ROW EXECUTE FUNCTION portee_notify_offer();

CALL portee_take_ownership();
