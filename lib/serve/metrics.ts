/** Counters and a latency histogram in the Prometheus text format. */
export class ServiceMetrics {
  private readonly requests = new Map<string, number>();
  private readonly buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
  private readonly counts = new Array<number>(this.buckets.length + 1).fill(0);
  private sum = 0;
  private observations = 0;
  errors = 0;

  observe(status: number, seconds: number): void {
    this.requests.set(String(status), (this.requests.get(String(status)) ?? 0) + 1);
    if (status >= 400) this.errors++;
    const i = this.buckets.findIndex((b) => seconds <= b);
    this.counts[i < 0 ? this.buckets.length : i]!++;
    this.sum += seconds;
    this.observations++;
  }

  render(modelId: string | undefined, driftLevel: number | undefined): string {
    const lines = [
      '# HELP imagelake_requests_total Prediction requests by HTTP status.',
      '# TYPE imagelake_requests_total counter',
    ];
    for (const [status, n] of this.requests) lines.push(`imagelake_requests_total{status="${status}"} ${n}`);
    lines.push(
      '# HELP imagelake_request_errors_total Requests answered with 4xx or 5xx.',
      '# TYPE imagelake_request_errors_total counter',
      `imagelake_request_errors_total ${this.errors}`,
    );
    lines.push(
      '# HELP imagelake_request_duration_seconds Latency of prediction requests.',
      '# TYPE imagelake_request_duration_seconds histogram',
    );
    let cumulative = 0;
    this.buckets.forEach((b, i) => {
      cumulative += this.counts[i]!;
      lines.push(`imagelake_request_duration_seconds_bucket{le="${b}"} ${cumulative}`);
    });
    lines.push(`imagelake_request_duration_seconds_bucket{le="+Inf"} ${this.observations}`);
    lines.push(
      `imagelake_request_duration_seconds_sum ${this.sum}`,
      `imagelake_request_duration_seconds_count ${this.observations}`,
    );
    lines.push(
      '# HELP imagelake_model_info The model answering requests.',
      '# TYPE imagelake_model_info gauge',
    );
    if (modelId) lines.push(`imagelake_model_info{model_id="${modelId}"} 1`);
    if (driftLevel !== undefined)
      lines.push(
        '# HELP imagelake_drift_level Latest drift check of the model: 0 ok, 1 warn, 2 alert.',
        '# TYPE imagelake_drift_level gauge',
        `imagelake_drift_level ${driftLevel}`,
      );
    return `${lines.join('\n')}\n`;
  }
}
