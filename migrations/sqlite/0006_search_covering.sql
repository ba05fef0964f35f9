-- Nothing to change on SQLite: search_tokens is a WITHOUT ROWID table, so
-- its primary key (token, student_id) already holds the weight and the
-- search's aggregate reads the index alone. The version exists so that both
-- databases keep the same migration numbers (see
-- migrations/postgres/0006_search_covering.sql).

SELECT 1;
