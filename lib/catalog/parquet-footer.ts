import { open } from 'node:fs/promises';

/**
 * The top-level columns of a Parquet file that hold timestamps without a zone (Parquet
 * `isAdjustedToUTC=false`, a legacy converted TIMESTAMP type or INT96): DuckDB reads them as
 * TIMESTAMP, and casting those to TIMESTAMPTZ takes the session's time zone. Only the footer is
 * read (the schema comes first in it).
 */
export async function zonelessTimestampColumns(path: string): Promise<string[]> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const tail = Buffer.alloc(8);
    if (size < 12 || (await file.read(tail, 0, 8, size - 8)).bytesRead !== 8 || !isMagic(tail, 4))
      throw new Error(`parquet: ${path} is not a Parquet file (no PAR1 footer)`);
    const length = tail.readUInt32LE(0);
    if (length > size - 12) throw new Error(`parquet: ${path} has a footer of ${length} bytes in ${size}`);
    const footer = Buffer.alloc(length);
    await file.read(footer, 0, length, size - 8 - length);
    return zonelessColumnsOf(schemaOf(footer, path));
  } finally {
    await file.close();
  }
}

const isMagic = (b: Buffer, at: number) => b.toString('latin1', at, at + 4) === 'PAR1';

/** What a schema element says about its column (parquet.thrift SchemaElement). */
interface SchemaElement {
  name: string;
  children: number;
  physicalType?: number;
  convertedType?: number;
  /** Set when the logical type is TIMESTAMP: its isAdjustedToUTC. */
  timestampAdjusted?: boolean;
}

const INT96 = 3;
const TIMESTAMP_MILLIS = 9;
const TIMESTAMP_MICROS = 10;

function zonelessColumnsOf(schema: SchemaElement[]): string[] {
  const out = new Set<string>();
  let at = 1; // the root is first; its children follow depth first
  const walk = (count: number, top: string | undefined) => {
    for (let k = 0; k < count && at < schema.length; k++) {
      const element = schema[at++]!;
      const name = top ?? element.name;
      if (element.children > 0) walk(element.children, name);
      else if (isZoneless(element)) out.add(name);
    }
  };
  walk(schema[0]?.children ?? 0, undefined);
  return [...out];
}

function isZoneless(e: SchemaElement): boolean {
  if (e.timestampAdjusted !== undefined) return !e.timestampAdjusted;
  return (
    e.physicalType === INT96 || e.convertedType === TIMESTAMP_MILLIS || e.convertedType === TIMESTAMP_MICROS
  );
}

/** The schema list of a FileMetaData in Thrift's compact protocol (field 2, before the row groups). */
function schemaOf(footer: Buffer, path: string): SchemaElement[] {
  const reader = new CompactReader(footer, path);
  let schema: SchemaElement[] = [];
  reader.struct((id, type) => {
    if (id !== 2 || type !== LIST) return reader.skip(type);
    const { size } = reader.listHeader();
    schema = Array.from({ length: size }, () => schemaElement(reader));
    return STOP_READING;
  });
  return schema;
}

function schemaElement(reader: CompactReader): SchemaElement {
  const e: SchemaElement = { name: '', children: 0 };
  reader.struct((id, type) => {
    if (id === 1 && type === I32) e.physicalType = reader.int();
    else if (id === 4 && type === BINARY) e.name = reader.string();
    else if (id === 5 && type === I32) e.children = reader.int();
    else if (id === 6 && type === I32) e.convertedType = reader.int();
    else if (id === 10 && type === STRUCT)
      // LogicalType is a union: field 8 is TIMESTAMP, whose field 1 is isAdjustedToUTC.
      reader.struct((member, memberType) => {
        if (member !== 8 || memberType !== STRUCT) return reader.skip(memberType);
        reader.struct((field, fieldType) => {
          if (field === 1 && (fieldType === TRUE || fieldType === FALSE))
            e.timestampAdjusted = fieldType === TRUE;
          else reader.skip(fieldType);
        });
      });
    else reader.skip(type);
  });
  return e;
}

const TRUE = 1;
const FALSE = 2;
const BYTE = 3;
const I16 = 4;
const I32 = 5;
const I64 = 6;
const DOUBLE = 7;
const BINARY = 8;
const LIST = 9;
const SET = 10;
const MAP = 11;
const STRUCT = 12;
const STOP_READING = Symbol('stop');

/** Just enough of Thrift's compact protocol to walk a struct and skip what is not asked for. */
class CompactReader {
  private at = 0;

  constructor(
    private readonly bytes: Buffer,
    private readonly path: string,
  ) {}

  /** Calls `field` per field of a struct until its end, or until `field` returns STOP_READING. */
  struct(field: (id: number, type: number) => unknown): void {
    let last = 0;
    for (;;) {
      const header = this.byte();
      if (header === 0) return;
      const delta = header >> 4;
      const type = header & 0x0f;
      last = delta === 0 ? this.zigzag(this.varint()) : last + delta;
      if (field(last, type) === STOP_READING) return;
    }
  }

  listHeader(): { size: number; type: number } {
    const header = this.byte();
    const size = header >> 4 === 15 ? this.varint() : header >> 4;
    return { size, type: header & 0x0f };
  }

  int(): number {
    return this.zigzag(this.varint());
  }

  string(): string {
    const length = this.varint();
    const text = this.bytes.toString('utf8', this.at, this.at + length);
    this.advance(length);
    return text;
  }

  skip(type: number): void {
    switch (type) {
      case TRUE:
      case FALSE:
        return;
      case BYTE:
        return this.advance(1);
      case I16:
      case I32:
      case I64:
        this.varint();
        return;
      case DOUBLE:
        return this.advance(8);
      case BINARY:
        return this.advance(this.varint());
      case LIST:
      case SET: {
        const { size, type: element } = this.listHeader();
        for (let i = 0; i < size; i++) this.skipElement(element);
        return;
      }
      case MAP: {
        const size = this.varint();
        if (size === 0) return;
        const types = this.byte();
        for (let i = 0; i < size; i++) {
          this.skipElement(types >> 4);
          this.skipElement(types & 0x0f);
        }
        return;
      }
      case STRUCT:
        return this.struct((_, t) => this.skip(t));
      default:
        throw this.damaged(`unknown field type ${type}`);
    }
  }

  /** A container's booleans take a byte each, unlike a struct's (in the field header). */
  private skipElement(type: number): void {
    if (type === TRUE || type === FALSE) this.advance(1);
    else this.skip(type);
  }

  private varint(): number {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      const b = this.byte();
      // Past 2^53 the value is only skipped, never used: precision does not matter there.
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw this.damaged('varint longer than 64 bits');
  }

  private zigzag(n: number): number {
    return n % 2 === 0 ? n / 2 : -(n + 1) / 2;
  }

  private byte(): number {
    if (this.at >= this.bytes.length) throw this.damaged('truncated footer');
    return this.bytes[this.at++]!;
  }

  private advance(n: number): void {
    if (this.at + n > this.bytes.length) throw this.damaged('truncated footer');
    this.at += n;
  }

  private damaged(why: string): Error {
    return new Error(`parquet: ${this.path} has a damaged footer: ${why} at byte ${this.at}`);
  }
}
