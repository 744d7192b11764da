// Confidential clients: the table and the form, through the admin API (GET, then PUT of the whole
// list, as AdminClient does). Secrets stay out of the page until "Reveal" is pressed.

import { ApiError } from './api.js';
import { announce, byId, h } from './dom.js';

/** Printable ASCII, as the emulator and MobileFirst accept in an ID or a secret. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

export class ClientsSection {
  /** @param {import('./api.js').Api} api */
  constructor(api) {
    this.api = api;
    this.adminPath = '';
    /** @type {string[]} */
    this.builtIn = [];
    /** @type {{ id: string, displayName?: string, secret: string, allowedScope: string }[]} */
    this.clients = [];
    /** IDs whose secret is shown. @type {Set<string>} */
    this.revealed = new Set();
    /** The ID being edited, or undefined when adding. @type {string | undefined} */
    this.editing = undefined;
    this.form = /** @type {HTMLFormElement} */ (byId('client-form'));
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save().catch((error) => this.showError(error));
    });
    byId('client-cancel').addEventListener('click', () => this.resetForm());
  }

  /** Reads the list again through the admin API. @param {{ adminPath: string, builtInClients: string[] }} state */
  async load(state) {
    this.adminPath = state.adminPath;
    this.builtIn = state.builtInClients;
    this.clients = await this.api.clients(this.adminPath);
    this.render();
  }

  render() {
    const rows = this.clients.map((client) => {
      const builtIn = this.builtIn.includes(client.id);
      const shown = this.revealed.has(client.id);
      return h(
        'tr',
        {},
        h('th', { scope: 'row' }, client.id, builtIn && h('span', { class: 'badge' }, 'built-in')),
        h('td', {}, client.displayName ?? client.id),
        h(
          'td',
          {},
          client.allowedScope === ''
            ? h('span', { class: 'muted' }, 'RegisteredClient only')
            : h('code', {}, client.allowedScope),
        ),
        h(
          'td',
          {},
          shown ? h('code', {}, client.secret) : h('span', { 'aria-label': 'hidden' }, '••••••••'),
          ' ',
          h(
            'button',
            {
              type: 'button',
              class: 'small',
              'aria-pressed': String(shown),
              'aria-label': `${shown ? 'Hide' : 'Reveal'} the secret of ${client.id}`,
              onclick: () => {
                if (shown) this.revealed.delete(client.id);
                else this.revealed.add(client.id);
                this.render();
                document.querySelector(`[data-reveal="${CSS.escape(client.id)}"]`)?.focus();
              },
              'data-reveal': client.id,
            },
            shown ? 'Hide' : 'Reveal',
          ),
        ),
        h(
          'td',
          { class: 'actions' },
          builtIn
            ? h('span', { class: 'muted', title: 'Built-in clients are protected' }, 'protected')
            : [
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'small',
                    'aria-label': `Edit ${client.id}`,
                    onclick: () => this.edit(client),
                  },
                  'Edit',
                ),
                ' ',
                h(
                  'button',
                  {
                    type: 'button',
                    class: 'small danger',
                    'aria-label': `Remove ${client.id}`,
                    onclick: () => this.remove(client.id).catch((error) => this.showError(error)),
                  },
                  'Remove',
                ),
              ],
        ),
      );
    });
    byId('clients-rows').replaceChildren(...rows.flat());
  }

  /** @param {{ id: string, displayName?: string, secret: string, allowedScope: string }} client */
  edit(client) {
    this.resetForm();
    this.editing = client.id;
    const { elements } = this.form;
    field(elements, 'displayName').value = client.displayName ?? '';
    field(elements, 'id').value = client.id;
    field(elements, 'id').readOnly = true;
    field(elements, 'secret').value = client.secret;
    field(elements, 'allowedScope').value = client.allowedScope;
    byId('client-form-title').textContent = `Edit ${client.id}`;
    byId('client-save').textContent = 'Save changes';
    byId('client-cancel').hidden = false;
    field(elements, 'displayName').focus();
  }

  resetForm() {
    this.form.reset();
    this.editing = undefined;
    field(this.form.elements, 'id').readOnly = false;
    byId('client-form-title').textContent = 'New confidential client';
    byId('client-save').textContent = 'Add client';
    byId('client-cancel').hidden = true;
    this.clearErrors();
  }

  clearErrors() {
    for (const id of [
      'client-id-error',
      'client-secret-error',
      'client-scope-error',
      'client-form-error',
    ]) {
      byId(id).textContent = '';
    }
    for (const input of this.form.querySelectorAll('input')) input.removeAttribute('aria-invalid');
  }

  /**
   * Shows an error next to the field it names (`….id`, `….secret`, `….allowedScope`), else under
   * the form.
   *
   * @param {unknown} error
   */
  showError(error) {
    const message = error instanceof Error ? error.message : String(error);
    const name = /\.(id|secret|allowedScope)\b/.exec(message)?.[1];
    this.fieldError(name, message);
  }

  /** @param {string | undefined} name @param {string} message */
  fieldError(name, message) {
    const target = { id: 'client-id', secret: 'client-secret', allowedScope: 'client-scope' }[
      name ?? ''
    ];
    if (target) {
      byId(`${target}-error`).textContent = message;
      byId(target).setAttribute('aria-invalid', 'true');
      byId(target).focus();
    } else {
      byId('client-form-error').textContent = message;
    }
  }

  /** Checks the form as the server would; returns the client or shows what is wrong. */
  read() {
    const data = new FormData(this.form);
    const value = (/** @type {string} */ name) => String(data.get(name) ?? '');
    const client = {
      id: value('id'),
      displayName: value('displayName').trim() || value('id'),
      secret: value('secret'),
      allowedScope: value('allowedScope').trim().split(/\s+/).filter(Boolean).join(' '),
    };
    if (client.id === '') return this.fieldError('id', 'Enter an ID.');
    if (
      !PRINTABLE_ASCII.test(client.id) ||
      client.id !== client.id.trim() ||
      client.id.includes(':')
    ) {
      return this.fieldError(
        'id',
        'The ID must be printable ASCII, without ":" or spaces around it.',
      );
    }
    if (this.editing === undefined && this.clients.some((other) => other.id === client.id)) {
      return this.fieldError('id', `A client with the ID ${client.id} exists already.`);
    }
    if (client.secret === '') return this.fieldError('secret', 'Enter a secret.');
    if (!PRINTABLE_ASCII.test(client.secret)) {
      return this.fieldError('secret', 'The secret must be printable ASCII.');
    }
    return client;
  }

  async save() {
    this.clearErrors();
    const client = this.read();
    if (!client) return;
    // Read, change, write the whole list, as AdminClient does: another writer's change survives.
    const current = await this.api.clients(this.adminPath);
    const next = this.editing
      ? current.map((/** @type {{ id: string }} */ other) =>
          other.id === this.editing ? client : other,
        )
      : [...current, client];
    try {
      await this.api.saveClients(this.adminPath, next);
    } catch (error) {
      if (error instanceof ApiError) return this.showError(error);
      throw error;
    }
    announce(`${client.id} ${this.editing ? 'saved' : 'added'}.`);
    this.resetForm();
    this.clients = await this.api.clients(this.adminPath);
    this.render();
  }

  /** @param {string} id */
  async remove(id) {
    if (
      !window.confirm(
        `Remove the confidential client ${id}? Its tokens stay valid until they expire.`,
      )
    )
      return;
    const current = await this.api.clients(this.adminPath);
    await this.api.saveClients(
      this.adminPath,
      current.filter((/** @type {{ id: string }} */ other) => other.id !== id),
    );
    this.revealed.delete(id);
    announce(`${id} removed.`);
    this.clients = await this.api.clients(this.adminPath);
    this.render();
  }
}

/** @param {HTMLFormControlsCollection} elements @param {string} name @returns {HTMLInputElement} */
function field(elements, name) {
  return /** @type {HTMLInputElement} */ (elements.namedItem(name));
}
