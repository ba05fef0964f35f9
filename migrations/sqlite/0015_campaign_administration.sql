-- migrations/postgres/0015_campaign_administration.sql grants PostgreSQL's
-- administrators the campaigns' changes. SQLite has no roles: nothing
-- changes here.
SELECT 1;
