import {
  JSDuckDBValueConverter,
  type DuckDBResultReader,
  type DuckDBValueConverter,
  type JS,
  type Json,
} from '@duckdb/node-api';
import { toArrowIpc, type ArrowIpcFormat } from './arrow-result.js';
import { timestampCount, timestampKind } from './duckdb-timestamp.js';
import { isoTimestamp } from './iso-timestamp.js';

export type ResultFormat = 'table' | 'csv' | 'json' | 'arrow';
export const RESULT_FORMATS: readonly ResultFormat[] = ['table', 'csv', 'json', 'arrow'];

/** A query result in one of the output formats of `imagelake sql` (Arrow as an IPC `arrowIpc`). */
export function formatResult(
  reader: DuckDBResultReader,
  format: ResultFormat,
  arrowIpc: ArrowIpcFormat = 'stream',
): string | Uint8Array {
  switch (format) {
    case 'json':
      return `${JSON.stringify(reader.convertRowObjects(jsonConverter), jsonValue)}\n`;
    case 'csv':
      return toCsv(reader.columnNames(), reader.getRowsJson());
    case 'table':
      return toTable(reader.columnNames(), reader.getRowsJson());
    case 'arrow':
      return toArrowIpc(reader, arrowIpc);
  }
}

/**
 * DuckDB's JS values, timestamps (also in lists and structs) as ISO 8601 text: an instant with
 * its offset (`Z`), a zone-less TIMESTAMP without one (it names no instant; as a JS Date it would
 * print as UTC).
 */
const jsonConverter: DuckDBValueConverter<JS> = (value, type, converter) => {
  const kind = timestampKind(type.typeId);
  if (!kind || value === null) return JSDuckDBValueConverter(value, type, converter);
  const count = timestampCount(value, kind.unit, kind.instant);
  return isoTimestamp(count, kind.unit, kind.instant) ?? String(value);
};

/** Integers as JSON numbers while exact, else as strings; the rest as DuckDB's JS values. */
function jsonValue(_key: string, value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : String(value);
}

const cell = (v: Json): string => (v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

function toCsv(names: string[], rows: Json[][]): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
  return [names, ...rows.map((r) => r.map(cell))].map((r) => r.map(quote).join(',')).join('\n') + '\n';
}

const MAX_WIDTH = 48;

function toTable(names: string[], rows: Json[][]): string {
  const clip = (s: string) => {
    const flat = s.replace(/\s+/g, ' ');
    return flat.length > MAX_WIDTH ? `${flat.slice(0, MAX_WIDTH - 1)}…` : flat;
  };
  const body = rows.map((r) => r.map((v) => clip(v === null ? 'NULL' : cell(v))));
  const widths = names.map((n, i) => Math.max(n.length, ...body.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((s, i) => s.padEnd(widths[i]!))
      .join(' | ')
      .trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-');
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return [line(names), rule, ...body.map(line), count].join('\n') + '\n';
}
