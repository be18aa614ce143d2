-- Every input not stored again because its sha256 was already in the lake or earlier in its run; label_conflict flags a different label.
SELECT * FROM _t_duplicates
