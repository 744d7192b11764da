// Counters: totals, and a small bar chart per series over the last minutes (the emulator keeps
// five-second buckets; the page only draws them).

import { announce, byId, h, renderIfChanged } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 240;
const HEIGHT = 48;

/** @param {Record<string, number>} byStatus @param {(status: number) => boolean} match */
function sumStatus(byStatus, match) {
  return Object.entries(byStatus).reduce(
    (sum, [status, count]) => (match(Number(status)) ? sum + count : sum),
    0,
  );
}

/** The charts: title, count of a bucket, total from the counters. */
const SERIES = [
  [
    'Token requests',
    (/** @type {any} */ b) => b.tokenRequests,
    (/** @type {any} */ c) => `${c.tokenRequests} (${c.tokensIssued} issued)`,
  ],
  [
    'Introspections',
    (/** @type {any} */ b) => b.introspections,
    (/** @type {any} */ c) => String(c.introspections),
  ],
  [
    'Resource calls 2xx',
    (/** @type {any} */ b) => sumStatus(b.resourceCallsByStatus, (s) => s >= 200 && s < 300),
    (/** @type {any} */ c) =>
      String(sumStatus(c.resourceCallsByStatus, (s) => s >= 200 && s < 300)),
  ],
  [
    'Resource calls 401',
    (/** @type {any} */ b) => b.resourceCallsByStatus[401] ?? 0,
    (/** @type {any} */ c) => String(c.resourceCallsByStatus[401] ?? 0),
  ],
  [
    'Resource calls 403',
    (/** @type {any} */ b) => b.resourceCallsByStatus[403] ?? 0,
    (/** @type {any} */ c) => String(c.resourceCallsByStatus[403] ?? 0),
  ],
  [
    'Push requests',
    (/** @type {any} */ b) => b.pushRequests,
    (/** @type {any} */ c) => String(c.pushRequests),
  ],
];

/** @param {string} tag @param {Record<string, string | number>} attributes */
function svg(tag, attributes) {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

/**
 * One chart: a bar per bucket of the window, the newest on the right.
 *
 * @param {string} title
 * @param {number[]} values one per bucket, oldest first
 * @param {string} total
 */
function chart(title, values, total) {
  const max = Math.max(1, ...values);
  const sum = values.reduce((a, b) => a + b, 0);
  const width = WIDTH / values.length;
  const image = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    width: WIDTH,
    height: HEIGHT,
    role: 'img',
    'aria-label': `${title}: ${sum} in the last five minutes, at most ${Math.max(...values)} in five seconds`,
  });
  image.append(
    svg('line', { x1: 0, y1: HEIGHT - 0.5, x2: WIDTH, y2: HEIGHT - 0.5, class: 'axis' }),
  );
  values.forEach((value, i) => {
    if (value === 0) return;
    const height = Math.max(2, (value / max) * (HEIGHT - 4));
    image.append(
      svg('rect', {
        x: i * width + 0.5,
        y: HEIGHT - height,
        width: Math.max(1, width - 1),
        height,
        class: 'bar',
      }),
    );
  });
  return h(
    'figure',
    { class: 'chart' },
    h('figcaption', {}, h('span', {}, title), ' ', h('strong', { class: 'total' }, total)),
    image,
  );
}

export class CountersSection {
  /** @param {import('./api.js').Api} api @param {() => Promise<void>} refresh */
  constructor(api, refresh) {
    byId('counters-reset').addEventListener('click', async () => {
      await api.action('counters/reset');
      announce('Counters reset.');
      await refresh();
    });
  }

  /** @param {any} state */
  render(state) {
    const { history, counters } = state;
    const slots = Math.round(history.windowMs / history.bucketMs);
    const last = Math.floor(history.now / history.bucketMs) * history.bucketMs;
    const byStart = new Map(history.buckets.map((/** @type {any} */ b) => [b.start, b]));
    const buckets = Array.from({ length: slots }, (_, i) =>
      byStart.get(last - (slots - 1 - i) * history.bucketMs),
    );
    const series = SERIES.map(([title, count, total]) => ({
      title: String(title),
      values: buckets.map((bucket) => (bucket ? /** @type {Function} */ (count)(bucket) : 0)),
      total: /** @type {Function} */ (total)(counters),
    }));
    renderIfChanged(byId('charts'), series, () =>
      series.map(({ title, values, total }) => chart(title, values, total)),
    );
  }
}
