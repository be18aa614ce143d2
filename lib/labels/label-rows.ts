import { UserError } from '../errors.js';

/** Problems listed in a refusal; the rest are counted. */
const MAX_LISTED = 5;

/** What a refusal says about the file: `labels: fix.csv` refused, nothing `imported`. */
export interface LabelFileName {
  /** The domain and the file, as a message starts: `labels: fix.csv`, `ingest: label manifest m.csv`. */
  readonly file: string;
  /** What did not happen to the rest of the file: `imported`, `ingested`. */
  readonly verb: string;
}

/**
 * The checks every file of labels gets, `label import`'s and `ingest --label-manifest`'s alike: a
 * label is not blank, and what is labeled twice carries the same label both times. Every bad row
 * is noted by where it is; one bad row refuses the whole file, and so does a file without rows.
 */
export class LabelRowCheck {
  readonly #problems: string[] = [];
  readonly #labels = new Map<string, string>();

  constructor(readonly name: LabelFileName) {}

  /** Notes a bad row. */
  problem(where: string, message: string): void {
    this.#problems.push(`${where}: ${message}`);
  }

  /** The label without surrounding blanks; null, noted as a problem, when nothing is left. */
  label(where: string, raw: string | undefined): string | null {
    const label = raw?.trim() ?? '';
    if (label !== '') return label;
    this.problem(where, 'empty label');
    return null;
  }

  /** Records that `key` is labeled `label`; false, noted as a problem, when it was labeled otherwise before. */
  add(where: string, key: string, label: string): boolean {
    const earlier = this.#labels.get(key);
    if (earlier !== undefined && earlier !== label) {
      this.problem(where, `${key} labeled "${label}" here and "${earlier}" earlier in the file`);
      return false;
    }
    this.#labels.set(key, label);
    return true;
  }

  /** Each labeled key once, with its label. */
  get labels(): ReadonlyMap<string, string> {
    return this.#labels;
  }

  /** Throws the refusal when any row was bad or none was found. */
  finish(): void {
    const problems = this.#problems;
    if (problems.length > 0) {
      const more = problems.length > MAX_LISTED ? ` (and ${problems.length - MAX_LISTED} more)` : '';
      throw new UserError(
        `${this.name.file} refused, nothing ${this.name.verb}: ${problems.slice(0, MAX_LISTED).join('; ')}${more}`,
      );
    }
    if (this.#labels.size === 0) throw new UserError(`${this.name.file} has no label rows`);
  }
}
