-- Every committed Avro batch file: record count, byte size and sha256 (readers check both before trusting a file).
SELECT * FROM _t_batches
