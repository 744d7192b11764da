// Faults and clock: switch an endpoint's fault on and off, delay every answer, move the clock.

import { announce, byId, formatDuration, formatTime, h } from './dom.js';

const ROUTES = [
  ['token', 'Token endpoint'],
  ['introspection', 'Introspection'],
  ['push', 'Push messages'],
];

/** The choices of each route's switch: key, label, fault (undefined: off), routes it applies to. */
const CHOICES = [
  ['off', 'Off', undefined],
  ['503', '503 Service Unavailable', { kind: 'server-error', status: 503 }],
  ['500', '500 Internal Server Error', { kind: 'server-error', status: 500 }],
  ['429', '429 Too Many Requests, Retry-After 2 s', { kind: 'rate-limit', retryAfter: 2 }],
  ['drop', 'Drop the connection', { kind: 'drop' }],
  ['malformed', 'Malformed JSON (200)', { kind: 'malformed' }, ['token', 'introspection']],
];

/** The choice a switched-on fault matches ('other' when code set one the page does not offer). @param {any} fault */
function keyOf(fault) {
  if (fault === undefined) return 'off';
  if (fault.kind === 'server-error')
    return [500, 503].includes(fault.status) ? String(fault.status) : 'other';
  if (fault.kind === 'rate-limit') return '429';
  return ['drop', 'malformed'].includes(fault.kind) ? fault.kind : 'other';
}

const CLOCK_STEPS = [
  ['+1 minute', 60_000],
  ['+10 minutes', 600_000],
  ['+1 hour', 3_600_000],
];

export class FaultsSection {
  /** @param {import('./api.js').Api} api @param {() => Promise<void>} refresh */
  constructor(api, refresh) {
    this.api = api;
    this.refresh = refresh;
    this.tokenLifetime = 0;
    /** @type {Record<string, HTMLSelectElement>} */
    this.selects = {};
    byId('fault-fields').replaceChildren(
      ...ROUTES.map(([route, label]) => {
        const select = /** @type {HTMLSelectElement} */ (
          h(
            'select',
            { id: `fault-${route}`, onchange: () => this.switchFault(route, label, select.value) },
            ...CHOICES.filter(([, , , only]) => !only || only.includes(route)).map(([key, text]) =>
              h('option', { value: key }, text),
            ),
            h(
              'option',
              { value: 'other', hidden: true, disabled: true },
              'Another fault (set by code)',
            ),
          )
        );
        this.selects[route] = select;
        return h('div', { class: 'field' }, h('label', { for: `fault-${route}` }, label), select);
      }),
    );
    byId('latency-apply').addEventListener('click', () => this.applyLatency());
    byId('faults-clear').addEventListener('click', async () => {
      await api.action('faults/clear');
      announce('Every fault cleared.');
      await refresh();
    });
    byId('clock-buttons').replaceChildren(
      ...CLOCK_STEPS.map(([label, ms]) =>
        h(
          'button',
          { type: 'button', onclick: () => this.advance(Number(ms), String(label)) },
          label,
        ),
      ),
      h(
        'button',
        {
          type: 'button',
          id: 'clock-expire',
          onclick: () => this.advance(this.tokenLifetime * 1000, 'the token lifetime'),
        },
        'Expire tokens',
      ),
    );
  }

  /** @param {string} route @param {string} label @param {string} key */
  async switchFault(route, label, key) {
    const fault = CHOICES.find(([choice]) => choice === key)?.[2];
    await this.api.action('fault', { route, fault: fault ?? null });
    announce(fault ? `${label}: ${key} switched on.` : `${label}: fault switched off.`);
    await this.refresh();
  }

  async applyLatency() {
    const input = /** @type {HTMLInputElement} */ (byId('latency-ms'));
    const ms = Number(input.value);
    if (!Number.isFinite(ms) || ms < 0 || input.value === '') {
      input.setAttribute('aria-invalid', 'true');
      announce('The delay must be a number of milliseconds ≥ 0.');
      return;
    }
    input.removeAttribute('aria-invalid');
    await this.api.action('latency', { ms });
    announce(ms === 0 ? 'Latency removed.' : `Every answer is now delayed by ${ms} ms.`);
    await this.refresh();
  }

  /** @param {number} ms @param {string} label */
  async advance(ms, label) {
    await this.api.action('clock', { advance: ms });
    announce(`Clock moved forward by ${label}.`);
    await this.refresh();
  }

  /** @param {any} state */
  render(state) {
    const { switched, queued, latency } = state.faults;
    for (const [route] of ROUTES) {
      const select = this.selects[route];
      if (select && document.activeElement !== select) select.value = keyOf(switched[route]);
    }
    const input = /** @type {HTMLInputElement} */ (byId('latency-ms'));
    if (document.activeElement !== input) input.value = String(latency.all ?? 0);
    const queuedText = ROUTES.filter(([route]) => queued[route] > 0)
      .map(([route, label]) => `${label}: ${queued[route]}`)
      .join(', ');
    const latencyText = Object.entries(latency)
      .filter(([, ms]) => ms > 0)
      .map(([route, ms]) => `${route} ${ms} ms`)
      .join(', ');
    byId('faults-summary').textContent =
      `Queued failures (failNext…): ${queuedText || 'none'}. Latency: ${latencyText || 'none'}.`;
    this.tokenLifetime = state.tokenLifetime;
    byId('clock-expire').textContent =
      `Expire tokens (+${formatDuration(state.tokenLifetime * 1000)})`;
  }

  /** @param {number} now the emulator's clock @param {number} offset how far it is ahead of ours */
  tick(now, offset) {
    const time = byId('clock-now');
    time.textContent = `${new Date(now).toLocaleDateString()} ${formatTime(now)}`;
    time.setAttribute('datetime', new Date(now).toISOString());
    byId('clock-offset').textContent =
      offset > 1000 ? `(${formatDuration(offset)} ahead of this computer)` : '';
  }
}
