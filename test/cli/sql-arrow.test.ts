import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from './run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'imagelake-cli-arrow-'));
const lake = join(dir, 'lake');
mkdirSync(lake);
const AT_US = 1_700_000_000_123_456n; // an instant with microseconds, which milliseconds would lose
const QUERY = `SELECT make_timestamptz(${AT_US}::BIGINT + range) AS at, make_timestamp(${AT_US}::BIGINT) AS clock,
  range::INTEGER AS n, 'x' || range AS s, NULL::TIMESTAMPTZ AS missing FROM range(3)`;

/** What pyarrow and polars read from a file with the given reader: schema and the instants' microseconds. */
const READ = `import json, sys
import pyarrow as pa, pyarrow.ipc as ipc, pyarrow.feather as feather, polars as pl
path, how = sys.argv[1], sys.argv[2]
if how == 'file':
    table = ipc.open_file(path).read_all()
    frame = pl.read_ipc(path)
elif how == 'feather':
    table = feather.read_table(path)
    frame = pl.read_ipc(path)
else:
    table = ipc.open_stream(open(path, 'rb')).read_all()
    frame = pl.read_ipc_stream(path)
print(json.dumps({
    'schema': [f'{f.name}: {f.type}' for f in table.schema],
    'at': [v.value for v in table.column('at')],
    'missing': table.column('missing').null_count,
    'polars': [str(frame.schema['at']), str(frame.schema['clock'])],
    'polars_at': [str(v) for v in frame['at'].dt.epoch('us').to_list()],
}))`;

const EXPECTED = {
  schema: [
    'at: timestamp[us, tz=UTC]',
    'clock: timestamp[us]',
    'n: int32',
    's: string',
    'missing: timestamp[us, tz=UTC]',
  ],
  at: [0n, 1n, 2n].map((i) => Number(AT_US + i)),
  missing: 3,
  polars: ["Datetime(time_unit='us', time_zone='UTC')", "Datetime(time_unit='us', time_zone=None)"],
  polars_at: [0n, 1n, 2n].map((i) => String(AT_US + i)),
};

const read = (path: string, how: 'file' | 'feather' | 'stream') =>
  JSON.parse(execFileSync('python3', ['-c', READ, path, how], { encoding: 'utf8' })) as unknown;

describe('imagelake sql --format arrow', () => {
  it.each([
    ['x.arrow', 'file'],
    ['x.feather', 'feather'],
    ['x.arrows', 'stream'],
  ] as const)(
    'to %s writes the Arrow IPC %s format, timestamps in microseconds, instants in UTC',
    async (name, how) => {
      const output = join(dir, name);
      const result = await runCli(['sql', '--lake', lake, '--format', 'arrow', '--output', output, QUERY]);
      expect(result).toMatchObject({ code: 0, stdout: '' });
      // The file format starts (and ends) with its magic; the stream format has none.
      expect(readFileSync(output).subarray(0, 6).toString('latin1') === 'ARROW1').toBe(how !== 'stream');
      expect(read(output, how)).toEqual(EXPECTED);
    },
  );

  it('to stdout writes the stream format', async () => {
    const output = join(dir, 'piped.arrows');
    execFileSync('bash', [
      '-c',
      `"$0" "$4" sql --lake "$1" --format arrow "$2" > "$3"`,
      process.execPath,
      lake,
      QUERY,
      output,
      CLI,
    ]);
    expect(read(output, 'stream')).toEqual(EXPECTED);
  });

  it('says in --help which format goes where', async () => {
    const { stdout } = await runCli(['sql', '--help']);
    expect(stdout.replace(/\s+/g, ' ')).toMatch(
      /Arrow IPC: the file format when --output names a file such as \.arrow or \.feather, the stream format to stdout or to a \.arrows file/,
    );
  });
});
