// Tokens: what the emulator issued, newest first, with a countdown to expiry and a revoke button
// (the 401 path a client must recover from, one click away).

import { announce, byId, formatDuration, formatTime, h, renderIfChanged } from './dom.js';

export class TokensSection {
  /** @param {import('./api.js').Api} api @param {() => Promise<void>} refresh */
  constructor(api, refresh) {
    this.api = api;
    this.refresh = refresh;
    byId('revoke-all').addEventListener('click', () =>
      this.revoke({ all: true }, 'Every token revoked.'),
    );
  }

  /** @param {Record<string, unknown>} body @param {string} done */
  async revoke(body, done) {
    const { revoked } = await this.api.action('tokens/revoke', body);
    announce(revoked === 0 ? 'Nothing to revoke.' : done);
    await this.refresh();
  }

  /** @param {any} state */
  render(state) {
    const { total, items } = state.tokens;
    byId('tokens-summary').textContent =
      total === 0
        ? 'No token issued yet.'
        : `${total} token${total === 1 ? '' : 's'} issued${total > items.length ? ` (the newest ${items.length} shown)` : ''}.`;
    byId('revoke-all').toggleAttribute(
      'disabled',
      !items.some((/** @type {any} */ token) => token.status === 'active'),
    );
    renderIfChanged(byId('tokens-rows'), items, () =>
      items.map((/** @type {any} */ token) =>
        h(
          'tr',
          { 'data-token': token.id, 'data-status': token.status },
          h('th', { scope: 'row' }, token.clientId),
          h(
            'td',
            {},
            token.scope.length === 0
              ? h('span', { class: 'muted' }, 'RegisteredClient')
              : h('code', {}, token.scope.join(' ')),
          ),
          h(
            'td',
            {},
            h(
              'time',
              { datetime: new Date(token.issuedAt).toISOString() },
              formatTime(token.issuedAt),
            ),
          ),
          h('td', { class: 'countdown', 'data-expires': token.expiresAt }),
          h('td', {}, h('span', { class: `status ${token.status}` }, token.status)),
          h(
            'td',
            { class: 'actions' },
            token.status === 'active' &&
              h(
                'button',
                {
                  type: 'button',
                  class: 'small danger',
                  'aria-label': `Revoke the token of ${token.clientId} issued at ${formatTime(token.issuedAt)}`,
                  onclick: () =>
                    this.revoke({ id: token.id }, `The token of ${token.clientId} is revoked.`),
                },
                'Revoke',
              ),
          ),
        ),
      ),
    );
    this.tick(state.now);
  }

  /** Moves the countdowns on. @param {number} now the emulator's clock */
  tick(now) {
    for (const cell of byId('tokens-rows').querySelectorAll('[data-expires]')) {
      const left = Number(/** @type {HTMLElement} */ (cell).dataset.expires) - now;
      cell.textContent = left > 0 ? formatDuration(left) : 'expired';
    }
  }
}
