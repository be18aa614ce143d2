"""Reads and writes image batches with Apache Avro's Python reference implementation.

  python_avro.py read <file.avro>                        -> JSON: codec and records
  python_avro.py write <schema.avsc> <out.avro> < records.json

Records are JSON with pixels in base64 and ingest_time in epoch milliseconds.
Exits 3 when the avro package is missing, so the test can say how to install it.
"""
import base64
import datetime
import json
import sys

try:
    import avro
    import avro.schema
    from avro.datafile import DataFileReader, DataFileWriter
    from avro.io import DatumReader, DatumWriter
except ImportError as error:
    print(f"python avro is not installed: {error}", file=sys.stderr)
    sys.exit(3)

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def to_json(record):
    out = dict(record)
    out["pixels"] = base64.b64encode(record["pixels"]).decode("ascii")
    out["ingest_time"] = (record["ingest_time"] - EPOCH) // datetime.timedelta(milliseconds=1)
    return out


def from_json(record):
    out = dict(record)
    out["pixels"] = base64.b64decode(record["pixels"])
    out["ingest_time"] = EPOCH + datetime.timedelta(milliseconds=record["ingest_time"])
    return out


def read(path):
    with DataFileReader(open(path, "rb"), DatumReader()) as reader:
        codec = reader.get_meta("avro.codec").decode()
        records = [to_json(r) for r in reader]
    json.dump({"avro": avro.__version__, "codec": codec, "records": records}, sys.stdout)


def write(schema_path, out_path):
    with open(schema_path) as f:
        schema = avro.schema.parse(f.read())
    records = json.load(sys.stdin)
    with DataFileWriter(open(out_path, "wb"), DatumWriter(), schema, codec="deflate") as writer:
        for record in records:
            writer.append(from_json(record))


if __name__ == "__main__":
    if sys.argv[1] == "read":
        read(sys.argv[2])
    else:
        write(sys.argv[2], sys.argv[3])
