/** Progress for long commands: a redrawn bar on a terminal, plain lines (every few seconds) otherwise. */
export class Progress {
  private readonly started = Date.now();
  private lastLine = 0;
  constructor(
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number, total: number, extra = ''): void {
    const seconds = (Date.now() - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    const eta = rate > 0 && total > done ? `ETA ${Math.ceil((total - done) / rate)}s` : '';
    const text =
      `${this.label} ${done.toLocaleString('en')}/${total.toLocaleString('en')} ${Math.round(rate).toLocaleString('en')}/s ${eta} ${extra}`.trim();
    if (this.stream.isTTY) {
      const width = 24;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      this.stream.write(`\r[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${text}\x1b[K`);
    } else if (Date.now() - this.lastLine > 2000) {
      this.lastLine = Date.now();
      this.stream.write(`${text}\n`);
    }
  }

  done(): void {
    if (this.stream.isTTY) this.stream.write('\n');
  }
}
