import { chmodSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { privateDir, privateFile } from '../../../lib/stack/private-files.js';

const mode = (path: string) => statSync(path).mode & 0o7777;

it("makes state directories and files its user's alone, new or left open by an earlier version", () => {
  const root = mkdtempSync(join(tmpdir(), 'imagelake-private-unit-'));
  expect(mode(privateDir(join(root, 'new', 'logs')))).toBe(0o700);
  const open = join(root, 'open');
  privateDir(open);
  chmodSync(open, 0o755);
  expect(mode(privateDir(open))).toBe(0o700);
  const file = join(root, 'temporal.db');
  writeFileSync(file, '');
  chmodSync(file, 0o644);
  privateFile(file);
  expect(mode(file)).toBe(0o600);
  privateFile(join(root, 'absent.db')); // nothing to do
});

it('leaves a shared directory alone (IMAGELAKE_STATE_DIR=/tmp must not lock /tmp)', () => {
  const shared = mkdtempSync(join(tmpdir(), 'imagelake-shared-'));
  chmodSync(shared, 0o1777);
  privateDir(shared);
  expect(mode(shared)).toBe(0o1777);
});
