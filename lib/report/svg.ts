// Small inline-SVG charts for the self-contained HTML report (no scripts, no network).

export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const f = (x: number) => (Math.round(x * 10) / 10).toString();

/** Confusion matrix as a heat map: rows true class, columns predicted; counts in the cells. */
export function heatmap(confusion: readonly (readonly number[])[], classes: readonly string[]): string {
  const cell = 34;
  const left = 110;
  const top = 100;
  const max = Math.max(1, ...confusion.flat());
  const parts: string[] = [];
  confusion.forEach((row, t) =>
    row.forEach((count, p) => {
      const shade = Math.round(255 - (count / max) * 200);
      const fill = t === p ? `rgb(${shade},${shade},255)` : `rgb(255,${shade},${shade})`;
      parts.push(
        `<rect class="cell" x="${left + p * cell}" y="${top + t * cell}" width="${cell - 1}" height="${cell - 1}" fill="${fill}"><title>${escapeHtml(`${classes[t]} as ${classes[p]}: ${count}`)}</title></rect>`,
      );
      if (count > 0)
        parts.push(
          `<text x="${left + p * cell + cell / 2}" y="${top + t * cell + cell / 2 + 4}" text-anchor="middle" font-size="10">${count}</text>`,
        );
    }),
  );
  classes.forEach((c, i) => {
    parts.push(
      `<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="11">${escapeHtml(c)}</text>`,
    );
    parts.push(
      `<text transform="translate(${left + i * cell + cell / 2},${top - 6}) rotate(-45)" font-size="11">${escapeHtml(c)}</text>`,
    );
  });
  const size = left + classes.length * cell + 10;
  return `<svg class="chart heatmap" width="${size}" height="${top + classes.length * cell + 10}" role="img" aria-label="confusion matrix">${parts.join('')}</svg>`;
}

/** Grouped horizontal bars: one group per class, one bar per series (e.g. precision, recall, F1). */
export function groupedBars(
  labels: readonly string[],
  series: readonly { name: string; color: string; values: readonly number[] }[],
): string {
  const left = 110;
  const width = 300;
  const bar = 8;
  const group = series.length * bar + 8;
  const parts: string[] = [];
  labels.forEach((label, i) => {
    const y = 10 + i * group;
    parts.push(
      `<text x="${left - 6}" y="${y + group / 2}" text-anchor="end" font-size="11">${escapeHtml(label)}</text>`,
    );
    series.forEach((s, j) => {
      const v = Math.max(0, Math.min(1, s.values[i] ?? 0));
      parts.push(
        `<rect class="bar" x="${left}" y="${y + j * bar}" width="${f(v * width)}" height="${bar - 1}" fill="${s.color}"><title>${escapeHtml(`${label} ${s.name}: ${v.toFixed(4)}`)}</title></rect>`,
      );
    });
  });
  const legend = series.map(
    (s, j) =>
      `<rect x="${left + j * 90}" y="${10 + labels.length * group}" width="10" height="10" fill="${s.color}"/><text x="${left + j * 90 + 14}" y="${19 + labels.length * group}" font-size="11">${escapeHtml(s.name)}</text>`,
  );
  return `<svg class="chart bars" width="${left + width + 20}" height="${30 + labels.length * group}" role="img">${parts.join('')}${legend.join('')}</svg>`;
}

/** Lines over x = 1..n (e.g. loss per epoch), each series scaled to the shared range. */
export function lineChart(
  series: readonly { name: string; color: string; values: readonly (number | null)[] }[],
  xLabel: string,
): string {
  const w = 420;
  const h = 200;
  const pad = 36;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const n = Math.max(2, ...series.map((s) => s.values.length));
  const [lo, hi] = all.length ? [Math.min(...all), Math.max(...all)] : [0, 1];
  const x = (i: number) => pad + (i / (n - 1)) * (w - 2 * pad);
  const y = (v: number) => h - pad - ((v - lo) / (hi - lo || 1)) * (h - 2 * pad);
  const lines = series.map((s) => {
    const pts = s.values.map((v, i) => (v === null ? null : `${f(x(i))},${f(y(v))}`)).filter(Boolean);
    return `<polyline class="line" fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(' ')}"><title>${escapeHtml(s.name)}</title></polyline>`;
  });
  const legend = series.map(
    (s, j) =>
      `<text x="${pad + j * 110}" y="14" font-size="11" fill="${s.color}">${escapeHtml(s.name)}</text>`,
  );
  const axes = `<line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#888"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#888"/><text x="${w / 2}" y="${h - 8}" font-size="11" text-anchor="middle">${escapeHtml(xLabel)}</text><text x="4" y="${pad}" font-size="10">${hi.toFixed(3)}</text><text x="4" y="${h - pad}" font-size="10">${lo.toFixed(3)}</text>`;
  return `<svg class="chart lines" width="${w}" height="${h}" role="img">${axes}${lines.join('')}${legend.join('')}</svg>`;
}

/** Points (x, y) with their label, x on a log scale when the values span decades (learning rates). */
export function scatter(
  points: readonly { x: number; y: number; label: string }[],
  xLabel: string,
  yLabel: string,
): string {
  const w = 420;
  const h = 220;
  const pad = 40;
  const logX =
    points.length > 1 &&
    points.every((p) => p.x > 0) &&
    Math.max(...points.map((p) => p.x)) / Math.min(...points.map((p) => p.x)) >= 100;
  const xs = points.map((p) => (logX ? Math.log10(p.x) : p.x));
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const ys = points.map((p) => p.y);
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const dots = points.map((p, i) => {
    const cx = pad + ((xs[i]! - x0) / (x1 - x0 || 1)) * (w - 2 * pad);
    const cy = h - pad - ((p.y - y0) / (y1 - y0 || 1)) * (h - 2 * pad);
    return `<circle class="dot" cx="${f(cx)}" cy="${f(cy)}" r="5" fill="#3367d6"><title>${escapeHtml(`${p.label}: ${yLabel} ${p.y.toFixed(4)}`)}</title></circle>`;
  });
  return `<svg class="chart scatter" width="${w}" height="${h}" role="img"><line x1="${pad}" y1="${h - pad}" x2="${w - pad}" y2="${h - pad}" stroke="#888"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${h - pad}" stroke="#888"/><text x="${w / 2}" y="${h - 8}" font-size="11" text-anchor="middle">${escapeHtml(xLabel)}${logX ? ' (log scale)' : ''}</text><text x="4" y="${pad - 8}" font-size="11">${escapeHtml(yLabel)}</text>${dots.join('')}</svg>`;
}
