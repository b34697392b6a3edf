-- The printed values of an accepted deal document (inbox/shared_kept.py: JSON), written with its verdict, so
-- that any worker on any machine cross-checks its counterpart (the contract of the same deal, or its 认购书)
-- with them instead of reading and parsing the filed copy again. NULL for every other file.
ALTER TABLE files ADD COLUMN kept TEXT;
