-- Acknowledgement numbers without a row every validation waits on (issue
-- 10, validation under load). The counter of 0008 kept one row per year
-- locked from the number's drawing to the commit: every first validation
-- of the network queued on it. A sequence per year gives each number
-- without a lock held: numbers stay unique and increasing; a validation
-- refused after drawing its number (a seat taken meanwhile) leaves a gap.
-- The year's sequence is created at its first number, from the highest
-- number already given that year (or the 0008 counter's, if higher).

-- The function creates the sequence as the schema's owner role, which
-- needs the right to create in the schema (since PostgreSQL 15 only the
-- database's owner has it). Staff roles are not members of portee_owner.
GRANT CREATE ON SCHEMA public TO portee_owner;

CREATE OR REPLACE FUNCTION portee_next_acknowledgement(p_year INTEGER) RETURNS INTEGER
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    seq TEXT := 'acknowledgement_' || p_year;
    start INTEGER;
BEGIN
    IF p_year IS NULL OR p_year NOT BETWEEN 2000 AND 9999 THEN
        RAISE EXCEPTION 'acknowledgement year out of range' USING ERRCODE = 'check_violation';
    END IF;
    IF to_regclass(seq) IS NULL THEN
        start := GREATEST(
            COALESCE((SELECT max(substr(acknowledgement_number, 9)::INTEGER)
                        FROM reinscriptions
                       WHERE acknowledgement_number LIKE 'AR-' || p_year || '-%'), 0),
            COALESCE((SELECT last_number FROM acknowledgement_counters WHERE year = p_year), 0)) + 1;
        BEGIN
            EXECUTE format('CREATE SEQUENCE %I START WITH %s MINVALUE 1 MAXVALUE 999999', seq, start);
        EXCEPTION WHEN duplicate_table OR unique_violation THEN
            -- Another session created it first (and committed): use theirs.
            NULL;
        END;
    END IF;
    RETURN nextval(seq);
END
$$;

CALL portee_take_ownership();
GRANT EXECUTE ON FUNCTION portee_next_acknowledgement(INTEGER) TO portee_staff;
