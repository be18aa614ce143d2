import type { EvaluationMetrics } from '../eval/metrics.js';
import type { ModelCard } from '../registry/model-card.js';
import { escapeHtml, groupedBars, heatmap, lineChart, scatter } from './svg.js';

export interface MisclassifiedExample {
  readonly imageId: string;
  /** A `data:image/png;base64,...` URI of the normalized image. */
  readonly png: string;
  readonly label: string;
  readonly predicted: string;
  readonly confidence: number;
}

export interface SweepTrial {
  readonly modelId: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly valAccuracy: number;
}

export interface ReportInput {
  readonly title: string;
  readonly card?: ModelCard;
  readonly evaluation?: {
    readonly evalId: string;
    readonly datasetRef: string;
    readonly split: string;
    readonly metrics: EvaluationMetrics;
    readonly classes: readonly string[];
  };
  readonly misclassified?: readonly MisclassifiedExample[];
  readonly sweep?: readonly SweepTrial[];
  /** A pipeline run: its stages with status, reason and duration. */
  readonly pipeline?: {
    readonly runId: string;
    readonly seconds: number;
    readonly stages: readonly {
      readonly name: string;
      readonly status: string;
      readonly reason?: string;
      readonly seconds: number;
    }[];
  };
}

const CSS = `body{font:14px system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}
td.l,th.l{text-align:left}.grid{display:flex;flex-wrap:wrap;gap:8px}.ex{font-size:11px;text-align:center;width:96px}
.ex img{width:84px;height:84px;image-rendering:pixelated;border:1px solid #ccc}pre{background:#f7f7f7;padding:8px;overflow:auto}`;

/** One self-contained HTML page: inline CSS and SVG, images as data URIs, nothing fetched. */
export function renderReport(r: ReportInput): string {
  const s: string[] = [`<h1>${escapeHtml(r.title)}</h1>`];
  if (r.pipeline) {
    s.push(`<h2>Pipeline run ${escapeHtml(r.pipeline.runId)} (${r.pipeline.seconds.toFixed(1)} s)</h2>`);
    s.push(
      `<table><tr><th class="l">stage</th><th class="l">status</th><th>seconds</th><th class="l">reason</th></tr>${r.pipeline.stages
        .map(
          (x) =>
            `<tr><td class="l">${escapeHtml(x.name)}</td><td class="l">${escapeHtml(x.status)}</td><td>${x.seconds.toFixed(1)}</td><td class="l">${escapeHtml(x.reason ?? '')}</td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  const e = r.evaluation;
  if (e) {
    const m = e.metrics;
    const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
    s.push(`<h2>Evaluation on ${escapeHtml(e.datasetRef)} (${escapeHtml(e.split)}, n = ${m.n})</h2>`);
    s.push(
      `<table><tr><th class="l">metric</th><th>value</th></tr>${[
        ['accuracy', pct(m.accuracy)],
        [
          'error rate (95% Wilson)',
          `${pct(m.errorRate)} (${pct(m.errorRateInterval[0])} to ${pct(m.errorRateInterval[1])})`,
        ],
        [
          'macro precision / recall / F1',
          `${m.macro.precision.toFixed(4)} / ${m.macro.recall.toFixed(4)} / ${m.macro.f1.toFixed(4)}`,
        ],
        ['top-2 accuracy', pct(m.top2Accuracy)],
        ['log loss', m.logLoss.toFixed(4)],
        ['expected calibration error', m.ece.toFixed(4)],
      ]
        .map(([k, v]) => `<tr><td class="l">${k}</td><td>${v}</td></tr>`)
        .join('')}</table>`,
    );
    s.push('<h2>Confusion matrix</h2>', heatmap(m.confusion, e.classes));
    s.push(
      '<h2>Per class</h2>',
      groupedBars(e.classes, [
        { name: 'precision', color: '#3367d6', values: m.perClass.map((c) => c.precision) },
        { name: 'recall', color: '#e8710a', values: m.perClass.map((c) => c.recall) },
        { name: 'F1', color: '#1e8e3e', values: m.perClass.map((c) => c.f1) },
      ]),
    );
  }
  if (r.card && r.card.curves.length > 0) {
    const c = r.card.curves;
    s.push(
      '<h2>Learning curves</h2>',
      lineChart(
        [
          { name: 'train loss', color: '#3367d6', values: c.map((x) => x.loss) },
          { name: 'val loss', color: '#e8710a', values: c.map((x) => x.valLoss) },
        ],
        'epoch',
      ),
      lineChart(
        [
          { name: 'train accuracy', color: '#3367d6', values: c.map((x) => x.accuracy) },
          { name: 'val accuracy', color: '#e8710a', values: c.map((x) => x.valAccuracy) },
        ],
        'epoch',
      ),
    );
  }
  if (r.sweep && r.sweep.length > 0) {
    const varied = Object.keys(r.sweep[0]!.params).filter(
      (k) => new Set(r.sweep!.map((t) => String(t.params[k]))).size > 1,
    );
    s.push('<h2>Sweep: validation accuracy against each varied parameter</h2>');
    for (const k of varied) {
      const pts = r.sweep
        .filter((t) => typeof t.params[k] === 'number')
        .map((t) => ({ x: t.params[k] as number, y: t.valAccuracy, label: t.modelId }));
      if (pts.length) s.push(scatter(pts, k, 'val accuracy'));
    }
    s.push(
      `<table><tr><th class="l">model</th>${varied.map((k) => `<th>${escapeHtml(k)}</th>`).join('')}<th>val accuracy</th></tr>${[
        ...r.sweep,
      ]
        .sort((a, b) => b.valAccuracy - a.valAccuracy)
        .map(
          (t) =>
            `<tr><td class="l">${escapeHtml(t.modelId)}</td>${varied.map((k) => `<td>${escapeHtml(String(t.params[k]))}</td>`).join('')}<td>${t.valAccuracy.toFixed(4)}</td></tr>`,
        )
        .join('')}</table>`,
    );
  }
  if (r.misclassified && r.misclassified.length > 0) {
    s.push('<h2>Misclassified examples (most confident mistakes first)</h2><div class="grid">');
    for (const x of r.misclassified)
      s.push(
        `<div class="ex"><img src="${x.png}" alt="${escapeHtml(x.imageId)}"><br>true ${escapeHtml(x.label)}<br>predicted ${escapeHtml(x.predicted)} (${x.confidence.toFixed(2)})</div>`,
      );
    s.push('</div>');
  }
  if (r.card) s.push('<h2>Model card</h2>', `<pre>${escapeHtml(JSON.stringify(r.card, null, 2))}</pre>`);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.title)}</title><style>${CSS}</style></head><body>${s.join('\n')}</body></html>\n`;
}
