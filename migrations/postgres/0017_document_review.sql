-- The documents' review queue (issue 11): who has a document open for
-- review (others see « en cours d'examen par … »), the reviewer's note for
-- the family on a refusal and for the file when the 3-month rule was
-- overridden, and the facts read off the document that outlive it (the
-- quotient familial of an attestation CAF, the revenu fiscal de référence
-- and the number of parts of an avis d'imposition), which the fees will
-- use after retention removed the PDF. `purged_at`: the content was
-- removed by retention (`portee-admin purge-documents`), the facts kept.
--
-- The table already has its row-level policy (0007: the member's sites)
-- and its audit trigger (every changed column, `content` left out): the
-- new columns are covered by both. `reviewed_*` and `rejection_reason`
-- exist since 0002.

ALTER TABLE documents
    ADD COLUMN reviewing_staff_id BIGINT REFERENCES staff (id),
    ADD COLUMN reviewing_since    TIMESTAMPTZ,
    ADD COLUMN rejection_note     TEXT CHECK (char_length(rejection_note) <= 2000),
    ADD COLUMN review_note        TEXT CHECK (char_length(review_note) <= 2000),
    ADD COLUMN quotient_familial  INTEGER CHECK (quotient_familial BETWEEN 0 AND 100000),
    ADD COLUMN revenu_fiscal      BIGINT CHECK (revenu_fiscal BETWEEN 0 AND 100000000),
    ADD COLUMN tax_parts          DOUBLE PRECISION CHECK (tax_parts BETWEEN 1 AND 20),
    ADD COLUMN purged_at          TIMESTAMPTZ,
    ADD CONSTRAINT documents_reviewing_pair
        CHECK ((reviewing_staff_id IS NULL) = (reviewing_since IS NULL)),
    ADD CONSTRAINT documents_purged
        CHECK (purged_at IS NULL OR (content IS NULL AND status IN ('accepted', 'rejected')));

-- A purged document keeps its row without content: the check of 0002
-- (content unless missing) now allows it.
DO $drop$
DECLARE
    c TEXT;
BEGIN
    SELECT conname INTO c FROM pg_constraint
     WHERE conrelid = 'documents'::regclass AND contype = 'c'
       AND pg_get_constraintdef(oid) LIKE '%content IS NOT NULL%';
    EXECUTE format('ALTER TABLE documents DROP CONSTRAINT %I', c);
END
$drop$;
ALTER TABLE documents ADD CONSTRAINT documents_content
    CHECK (status = 'missing' OR content IS NOT NULL OR purged_at IS NOT NULL);

-- The queue: what awaits review, oldest upload first.
CREATE INDEX documents_queue ON documents (status, uploaded_at);

CALL portee_take_ownership();
