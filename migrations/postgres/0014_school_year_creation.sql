-- « Préparer l'année suivante » creates next school year when it does not
-- exist yet: administrators may; responsables prepare their sites' offer
-- in a year that exists (the app says to ask an administrator otherwise).
GRANT INSERT ON school_years TO portee_administrateur;

CALL portee_take_ownership();
