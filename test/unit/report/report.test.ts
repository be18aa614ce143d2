import { expect, it } from 'vitest';
import { computeMetrics } from '../../../lib/eval/metrics.js';
import { renderReport } from '../../../lib/report/model-report.js';

it('escapes hostile class names and model text everywhere in the report', () => {
  const classes = ['<script>alert(1)</script>', 'b"&\''];
  const metrics = computeMetrics(Int32Array.from([0, 1]), Float32Array.from([0.9, 0.1, 0.4, 0.6]), classes);
  const html = renderReport({
    title: 'Model <img src=x onerror=alert(1)>',
    evaluation: { evalId: 'ev-1', datasetRef: 'd@1', split: 'test', metrics, classes },
    misclassified: [
      {
        imageId: 'i',
        png: 'data:image/png;base64,AA==',
        label: classes[0]!,
        predicted: classes[1]!,
        confidence: 0.5,
      },
    ],
  });
  expect(html).not.toContain('<script>');
  expect(html).not.toContain('<img src=x');
  expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  expect(html).toContain('b&quot;&amp;&#39;');
  expect(html).not.toMatch(/https?:\/\//); // nothing fetched from the network
  expect(html.match(/class="cell"/g)).toHaveLength(4);
});
