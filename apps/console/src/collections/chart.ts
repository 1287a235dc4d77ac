// Inline SVG charts (no script, no CDN, no style attributes: the console's CSP allows neither).
// Presentation attributes only; every bar has a <title> for hover and screen readers.
import {
  BUCKET_LABELS,
  BUCKETS,
  type BucketCents,
  formatCents,
  type PeriodMetrics,
} from '@invoicer/collections';
import { html, type SafeHtml } from '../views/html.ts';

const COLORS = ['#2e7d32', '#9e9d24', '#f9a825', '#ef6c00', '#c62828', '#757575'];

export function agingChart(total: BucketCents): SafeHtml {
  const max = Math.max(1, ...BUCKETS.map((b) => total[b]));
  const w = 90;
  return html`<svg role="img" aria-labelledby="aging-chart-title" viewBox="0 0 ${BUCKETS.length * w + 20} 180" width="${BUCKETS.length * w + 20}" height="180">
    <title id="aging-chart-title">Open balance by days past due</title>
    ${BUCKETS.map((b, i) => {
      const h = Math.round((140 * total[b]) / max);
      return html`<g><rect x="${10 + i * w}" y="${150 - h}" width="${w - 16}" height="${h}" fill="${COLORS[i]!}"><title>${BUCKET_LABELS[b]}: ${formatCents(total[b])}</title></rect>
        <text x="${10 + i * w + (w - 16) / 2}" y="168" text-anchor="middle" font-size="12">${BUCKET_LABELS[b]}</text></g>`;
    })}
  </svg>`;
}

export function dsoChart(months: readonly PeriodMetrics[]): SafeHtml {
  const values = months.map((m) => m.dso ?? 0);
  const max = Math.max(1, ...values);
  const w = 70;
  return html`<svg role="img" aria-labelledby="dso-chart-title" viewBox="0 0 ${months.length * w + 20} 180" width="${months.length * w + 20}" height="180">
    <title id="dso-chart-title">DSO by month (days)</title>
    ${months.map((m, i) => {
      const h = Math.round((140 * (m.dso ?? 0)) / max);
      const label = m.start.toISOString().slice(0, 7);
      return html`<g><rect x="${10 + i * w}" y="${150 - h}" width="${w - 16}" height="${h}" fill="#1565c0"><title>${label}: DSO ${m.dso ?? 'n/a'} days, CEI ${m.cei ?? 'n/a'} %</title></rect>
        <text x="${10 + i * w + (w - 16) / 2}" y="168" text-anchor="middle" font-size="11">${label}</text></g>`;
    })}
  </svg>`;
}
