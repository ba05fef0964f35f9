-- Administrators create campaigns and change their dates and state from
-- the app (issue 12). The database's row audit trigger on campaigns (0007)
-- records each change besides the app's own entry.
GRANT INSERT, UPDATE ON campaigns TO portee_administrateur;

CALL portee_take_ownership();
