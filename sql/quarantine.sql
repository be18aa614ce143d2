-- Every rejected input of a committed ingest run, with the reason it was refused and its size.
SELECT * FROM _t_quarantine
