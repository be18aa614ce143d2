import type { ParsedSql, Sandbox } from './sandbox.js';
import { sayOfUsers, SqlError, withoutExcerpt } from './sql-error.js';

/** The placeholder a template is parsed with: a constant no template of ours spells. */
const HOLE_VALUE = 'imagelake:expression-hole';

type Path = readonly (string | number)[];

/**
 * Builds `template` with a user's SQL expression in its one hole and proves the statement is
 * the template's own with one expression in that place: its parse tree (DuckDB's parser, via
 * json_serialize_sql), with the hole's subtree put back, equals the template's tree. So the text
 * cannot close the parentheses around it to add a UNION, another SELECT, a clause or a second
 * statement: what is checked is the tree DuckDB will run, not the text. The expression may use
 * any function or subquery (a WHERE can only drop rows); not parameters, which are ours. The
 * statement is then bound (names, types) without running. Failures are SqlError naming `what`
 * (e.g. `score: the filter`) with the user's own text, never our statement around it.
 */
export async function spliceExpression(
  sandbox: Pick<Sandbox, 'parse' | 'columns'>,
  template: (hole: string) => string,
  expression: string,
  what: string,
): Promise<string> {
  const quoted = `${what} "${expression}"`;
  if (expression.trim() === '') throw new SqlError(`${what} is empty`);
  // On lines of its own, so a trailing -- comment ends before our closing parenthesis.
  const hole = (text: string) => `(\n${text}\n)`;
  const reference = await sandbox.parse(template(hole(`'${HOLE_VALUE}'`)));
  if (reference.error || reference.statements.length !== 1)
    throw new Error(`sql: a statement template does not parse: ${template(hole('?'))}`);
  const path = pathTo(reference.statements[0], isHole);
  if (path === undefined) throw new Error(`sql: a statement template has no hole: ${template(hole('?'))}`);

  const sql = template(hole(expression));
  const parsed = await sandbox.parse(sql);
  if (parsed.error)
    throw new SqlError(
      `${quoted}: ${syntaxError(parsed, sql, template(hole('')).indexOf('(\n') + 2, expression)}`,
    );
  const tree = parsed.statements.length === 1 ? parsed.statements[0] : undefined;
  const own = tree === undefined ? undefined : at(tree, path);
  if (own !== undefined && pathTo(own, (node) => (node as { class?: unknown }).class === 'PARAMETER'))
    throw new SqlError(`${quoted} holds a parameter ($...): write the value itself`);
  if (
    own === undefined ||
    !sameTree(replaced(tree, path, at(reference.statements[0], path)), reference.statements[0])
  )
    throw new SqlError(
      `${quoted} is not one expression: it reaches past its parentheses (a set operation, a clause or another statement)`,
    );
  try {
    await sandbox.columns(sql);
  } catch (error) {
    throw sayOfUsers(error, quoted, 'drop');
  }
  return sql;
}

function isHole(node: unknown): boolean {
  const n = node as { class?: unknown; value?: { value?: unknown } };
  return n.class === 'CONSTANT' && n.value?.value === HOLE_VALUE;
}

/**
 * DuckDB's syntax error, placed in the user's text (its position counts characters of our statement),
 * without a token of ours it may quote ("at or near ")"").
 */
function syntaxError(
  parsed: Extract<ParsedSql, { error: true }>,
  sql: string,
  start: number,
  expression: string,
): string {
  const near = / at or near "([\s\S]*)"$/;
  const message = withoutExcerpt(parsed.error_message);
  const offset = Number(parsed.position ?? NaN) - [...sql.slice(0, start)].length;
  const characters = [...expression];
  if (!Number.isInteger(offset) || offset < 0)
    return expression.includes(near.exec(message)?.[1] ?? '') ? message : message.replace(near, '');
  if (offset >= characters.length) return `${message.replace(near, '')} at its end`;
  const token = near.exec(message)?.[1] ?? '';
  const placed = expression.includes(token) ? message : message.replace(near, '');
  return `${placed} (character ${offset + 1})`;
}

/** The path to the first node (object) for which `test` holds, depth first. */
function pathTo(tree: unknown, test: (node: unknown) => boolean, path: Path = []): Path | undefined {
  if (tree === null || typeof tree !== 'object') return undefined;
  if (!Array.isArray(tree) && test(tree)) return path;
  for (const [key, child] of Object.entries(tree)) {
    const found = pathTo(child, test, [...path, Array.isArray(tree) ? Number(key) : key]);
    if (found !== undefined) return found;
  }
  return undefined;
}

function at(tree: unknown, path: Path): unknown {
  let node = tree;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

/** A copy of `tree` with `node` in place of the subtree at `path`. */
function replaced(tree: unknown, path: Path, node: unknown): unknown {
  if (path.length === 0) return node;
  const [key, ...rest] = path;
  const copy = (Array.isArray(tree) ? [...tree] : { ...(tree as object) }) as Record<
    string | number,
    unknown
  >;
  copy[key!] = replaced(copy[key!], rest, node);
  return copy;
}

/** Equal trees, apart from where in the text each node was (the user's text shifts ours). */
function sameTree(a: unknown, b: unknown): boolean {
  const text = (tree: unknown) =>
    JSON.stringify(tree, (key, value: unknown) => (key === 'query_location' ? undefined : value));
  return text(a) === text(b);
}
