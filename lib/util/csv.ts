import { UserError } from '../errors.js';

/** One CSV record and the line it starts on (for messages). */
export interface CsvRecord {
  readonly line: number;
  readonly fields: string[];
}

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and newlines; CRLF or LF. */
export function parseCsv(name: string, text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  const endRecord = () => {
    fields.push(field);
    out.push({ line: start, fields });
    fields = [];
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      start = ++line;
    } else field += ch;
  }
  if (quoted) throw new UserError(`csv: ${name}:${start}: a quoted field is not closed`);
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}
