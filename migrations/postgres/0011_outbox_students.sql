-- Waiting lists and freed seats (issue 12): the family of a student given
-- a freed seat is told by e-mail. Such a message belongs to a student, not
-- always to a réinscription dossier: the outbox gains `student_id`, its
-- kinds grow (`seat_given`, and `reminder` for the families who have not
-- answered yet), and its policy follows the student's site when the
-- message names one.

ALTER TABLE outbox ADD COLUMN student_id BIGINT REFERENCES students (id) ON DELETE CASCADE;
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
    CHECK (kind IN ('acknowledgement', 'seat_given', 'reminder'));
CREATE INDEX outbox_student ON outbox (student_id);

DROP POLICY outbox_sites ON outbox;
CREATE POLICY outbox_sites ON outbox TO portee_staff
    USING ((SELECT portee_is_admin())
        OR COALESCE((SELECT s.site_id FROM students s WHERE s.id = outbox.student_id),
                    (SELECT s.site_id FROM reinscriptions r JOIN students s ON s.id = r.student_id
                      WHERE r.id = outbox.reinscription_id))
           = ANY ((SELECT portee_visible_sites())::SMALLINT[]));

CREATE INDEX IF NOT EXISTS enrolments_slot ON enrolments (slot_id) WHERE status = 'active';

CALL portee_take_ownership();
