import {
  DuckDBTypeId,
  type DuckDBTimestampMillisecondsValue,
  type DuckDBTimestampNanosecondsValue,
  type DuckDBTimestampSecondsValue,
  type DuckDBTimestampTZValue,
  type DuckDBTimestampValue,
  type DuckDBValue,
} from '@duckdb/node-api';
import type { TimestampUnit } from './iso-timestamp.js';

/** A DuckDB timestamp as its count since the epoch, its unit and whether it is an instant. */
export interface TimestampParts {
  readonly value: bigint;
  readonly unit: TimestampUnit;
  /** TIMESTAMPTZ: an instant; the others are clock times without a zone. */
  readonly instant: boolean;
}

/** The unit and kind of a timestamp type, undefined for any other type. */
export function timestampKind(typeId: DuckDBTypeId): Omit<TimestampParts, 'value'> | undefined {
  switch (typeId) {
    case DuckDBTypeId.TIMESTAMP_TZ:
      return { unit: 'us', instant: true };
    case DuckDBTypeId.TIMESTAMP:
      return { unit: 'us', instant: false };
    case DuckDBTypeId.TIMESTAMP_MS:
      return { unit: 'ms', instant: false };
    case DuckDBTypeId.TIMESTAMP_S:
      return { unit: 's', instant: false };
    case DuckDBTypeId.TIMESTAMP_NS:
      return { unit: 'ns', instant: false };
    default:
      return undefined;
  }
}

/** The count of a non-NULL timestamp value of a type timestampKind knows. */
export function timestampCount(value: DuckDBValue, unit: TimestampUnit, instant: boolean): bigint {
  switch (unit) {
    case 'us':
      return instant ? (value as DuckDBTimestampTZValue).micros : (value as DuckDBTimestampValue).micros;
    case 'ms':
      return (value as DuckDBTimestampMillisecondsValue).millis;
    case 's':
      return (value as DuckDBTimestampSecondsValue).seconds;
    case 'ns':
      return (value as DuckDBTimestampNanosecondsValue).nanos;
  }
}
