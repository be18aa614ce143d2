-- Every committed image: id, sha256, where its pixels are (Avro batch file and record), ingest label, original format and size, cheap statistics.
SELECT * FROM _t_images
