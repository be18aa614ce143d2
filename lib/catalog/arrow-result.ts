import { DuckDBTypeId, type DuckDBResultReader, type DuckDBType, type Json } from '@duckdb/node-api';
import {
  Bool,
  Float64,
  Int32,
  Int64,
  Table,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  TimestampSecond,
  Utf8,
  makeData,
  makeVector,
  tableToIPC,
  vectorFromArray,
  type DataType,
  type Timestamp,
  type Vector,
} from 'apache-arrow';
import { timestampCount, timestampKind, type TimestampParts } from './duckdb-timestamp.js';

/**
 * The two Arrow IPC formats: `file` (random access, footer; what `.arrow` and `.feather` name,
 * pyarrow.ipc.open_file and polars.read_ipc read it) and `stream` (written as it goes; for pipes
 * and `.arrows`, pyarrow.ipc.open_stream and polars.read_ipc_stream).
 */
export type ArrowIpcFormat = 'file' | 'stream';

/** A query result as Arrow IPC; timestamps keep DuckDB's unit, instants carry the zone UTC. */
export function toArrowIpc(reader: DuckDBResultReader, ipc: ArrowIpcFormat): Uint8Array {
  const names = reader.columnNames();
  const types = reader.columnTypes();
  let columns: unknown[][] | undefined;
  // The JSON form only for types Arrow gets as text, and then converted once.
  let json: Json[][] | undefined;
  const vectors: Record<string, Vector> = {};
  names.forEach((name, i) => {
    const kind = timestampKind(types[i]!.typeId);
    vectors[name] = kind
      ? timestampVector(reader, i, kind)
      : arrowVector(
          types[i]!,
          (columns ??= reader.getColumnsJS())[i] ?? [],
          () => (json ??= reader.getColumnsJson())[i] ?? [],
        );
  });
  return tableToIPC(new Table(vectors), ipc);
}

const TIMESTAMP_TYPES = {
  s: TimestampSecond,
  ms: TimestampMillisecond,
  us: TimestampMicrosecond,
  ns: TimestampNanosecond,
} as const;

/** Built from the raw counts: Arrow's builders take milliseconds as floats and lose digits. */
function timestampVector(
  reader: DuckDBResultReader,
  column: number,
  { unit, instant }: Omit<TimestampParts, 'value'>,
): Vector {
  const length = reader.currentRowCount;
  const values = new BigInt64Array(length);
  const valid = new Uint8Array(Math.ceil(length / 8));
  let nulls = 0;
  for (let row = 0; row < length; row++) {
    const value = reader.value(column, row);
    if (value === null) {
      nulls++;
      continue;
    }
    values[row] = timestampCount(value, unit, instant);
    valid[row >> 3]! |= 1 << (row & 7);
  }
  const type: Timestamp = new TIMESTAMP_TYPES[unit](instant ? 'UTC' : null);
  return makeVector(makeData({ type, length, nullCount: nulls, nullBitmap: valid, data: values }));
}

function arrowVector(type: DuckDBType, values: readonly unknown[], json: () => readonly Json[]): Vector {
  const as = <T extends DataType>(t: T, v: readonly unknown[]) => vectorFromArray(v, t) as Vector;
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return as(new Bool(), values);
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
      return as(new Int32(), values);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UINTEGER:
      return as(
        new Int64(),
        values.map((v) => (v === null ? null : BigInt(v as number | bigint))),
      );
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      return as(
        new Float64(),
        values.map((v) => (v === null ? null : Number(v))),
      );
    case DuckDBTypeId.VARCHAR:
      return as(new Utf8(), values);
    default:
      // Nested and exotic types travel as their JSON text.
      return as(
        new Utf8(),
        json().map((v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v))),
      );
  }
}
