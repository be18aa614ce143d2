/** Quotes an SQL identifier (names come from allow-lists; this guards the syntax). */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes a string literal for statements that cannot bind parameters (COPY TO paths, DDL). */
export function quoteLiteral(value: string): string {
  if (value.includes('\u0000')) throw new Error('sql: NUL byte in literal');
  return `'${value.replaceAll("'", "''")}'`;
}
