// Push messages: what the emulator received, per application, newest first.

import { announce, byId, formatTime, h, renderIfChanged } from './dom.js';

/** The target of a message in words. @param {any} target */
function describeTarget(target) {
  if (target === undefined || target === null) return 'every device';
  return Object.entries(target)
    .map(
      ([type, values]) => `${type}: ${Array.isArray(values) ? values.join(', ') : String(values)}`,
    )
    .join('; ');
}

export class PushSection {
  /** @param {import('./api.js').Api} api @param {() => Promise<void>} refresh */
  constructor(api, refresh) {
    byId('push-clear').addEventListener('click', async () => {
      await api.action('push/clear');
      announce('Push messages cleared.');
      await refresh();
    });
  }

  /** @param {any} state */
  render(state) {
    const { total, items } = state.push;
    byId('push-summary').textContent =
      total === 0
        ? 'No message received yet.'
        : `${total} message${total === 1 ? '' : 's'} received${total > items.length ? ` (the newest ${items.length} shown)` : ''}.`;
    byId('push-clear').toggleAttribute('disabled', total === 0);
    /** @type {Map<string, any[]>} */
    const byApp = new Map();
    for (const message of items)
      byApp.set(message.appId, [...(byApp.get(message.appId) ?? []), message]);
    renderIfChanged(byId('push-apps'), items, () =>
      [...byApp].map(([appId, messages]) =>
        h(
          'section',
          { class: 'push-app', 'aria-label': `Application ${appId}` },
          h('h3', {}, appId),
          h(
            'table',
            {},
            h('caption', { class: 'visually-hidden' }, `Push messages of ${appId}, newest first`),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Received', 'Alert', 'Target', 'Settings', 'Sender', 'Message ID'].map((name) =>
                  h('th', { scope: 'col' }, name),
                ),
              ),
            ),
            h(
              'tbody',
              {},
              ...messages.map((message) =>
                h(
                  'tr',
                  {},
                  h(
                    'td',
                    {},
                    formatTime(message.receivedAt),
                    message.bulk && h('span', { class: 'badge' }, 'bulk'),
                  ),
                  h('th', { scope: 'row' }, String(message.alert ?? '')),
                  h('td', {}, describeTarget(message.target)),
                  h(
                    'td',
                    {},
                    message.settings === undefined
                      ? h('span', { class: 'muted' }, 'none')
                      : h('code', { class: 'json' }, JSON.stringify(message.settings)),
                  ),
                  h('td', {}, message.clientId),
                  h('td', {}, h('code', {}, message.messageId)),
                ),
              ),
            ),
          ),
        ),
      ),
    );
  }
}
