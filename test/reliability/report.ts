// `npm run reliability`: totals of the last reliability run from the tally the tests wrote.
import { existsSync, readFileSync } from 'node:fs';
import { TALLY_FILE, type TallyLine } from './tally-file.js';

if (!existsSync(TALLY_FILE)) {
  console.error(`reliability: no tally at ${TALLY_FILE}; run npm test and npm run test:faults first`);
  process.exit(2);
}
const lines = readFileSync(TALLY_FILE, 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as TallyLine);
const of = (kind: TallyLine['kind']) => lines.filter((l) => l.kind === kind);
const sum = (ls: TallyLine[], f: (l: TallyLine) => number) => ls.reduce((s, l) => s + f(l), 0);
const faults = of('fault');
const bad = of('bad-input');
const secrets = of('secrets');
const failed = lines.filter((l) => !l.passed);
const lost = sum(lines, (l) => l.lost);
console.log(`faults survived:   ${faults.filter((l) => l.passed).length} of ${faults.length}`);
console.log(
  `bad inputs tried:  ${sum(bad, (l) => l.inputs)} in ${bad.length} tests, ${sum(
    bad.filter((l) => l.passed),
    (l) => l.inputs,
  )} handled as documented`,
);
console.log(`secret scans:      ${secrets.filter((l) => l.passed).length} of ${secrets.length} clean`);
console.log(`items lost:        ${lost}`);
for (const l of failed) console.log(`FAILED ${l.kind}: ${l.file} > ${l.test}`);
process.exit(failed.length > 0 || lost > 0 ? 1 : 0);
