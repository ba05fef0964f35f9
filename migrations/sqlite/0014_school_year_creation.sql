-- migrations/postgres/0014_school_year_creation.sql grants PostgreSQL's
-- administrators the creation of a school year. SQLite has no roles:
-- nothing changes here.
SELECT 1;
