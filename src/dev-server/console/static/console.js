// The console page: sign in with the administrator's credentials (kept in this tab's
// sessionStorage only), then poll the console API every second and draw each section.

import { Api, ApiError } from './api.js';
import { ClientsSection } from './clients.js';
import { CountersSection } from './counters.js';
import { announce, byId } from './dom.js';
import { FaultsSection } from './faults.js';
import { PushSection } from './push.js';
import { TokensSection } from './tokens.js';

const CREDENTIALS_KEY = 'mfpconsole.credentials';
const POLL_MS = 1000;

/** @type {{ api: Api, sections: any, clientsRevision: number, offset: number, timer?: number, last?: any } | undefined} */
let session;

/** @param {string} username @param {string} password */
async function signIn(username, password) {
  const api = new Api(username, password);
  const state = await api.state();
  sessionStorage.setItem(CREDENTIALS_KEY, JSON.stringify({ username, password }));
  const refresh = () => poll();
  session = {
    api,
    clientsRevision: -1,
    offset: 0,
    sections: {
      clients: new ClientsSection(api),
      tokens: new TokensSection(api, refresh),
      push: new PushSection(api, refresh),
      faults: new FaultsSection(api, refresh),
      counters: new CountersSection(api, refresh),
    },
  };
  byId('sign-in').hidden = true;
  byId('console').hidden = false;
  byId('sign-out').hidden = false;
  await show(state);
  session.timer = window.setInterval(() => {
    if (!document.hidden) poll();
  }, POLL_MS);
  window.setInterval(tick, 1000);
}

function signOut(message = '') {
  sessionStorage.removeItem(CREDENTIALS_KEY);
  // A reload drops every listener and timer of the session with it.
  if (message) sessionStorage.setItem('mfpconsole.message', message);
  window.location.reload();
}

/** Draws a state document. @param {any} state */
async function show(state) {
  if (!session) return;
  session.last = state;
  session.offset = state.now - Date.now();
  byId('server-info').textContent =
    `${window.location.host} · ${state.mode} mode · runtime ${state.runtime} · tokens live ${state.tokenLifetime} s`;
  byId('beyond-loopback').hidden = !state.beyondLoopback;
  const { clients, tokens, push, faults, counters } = session.sections;
  tokens.render(state);
  push.render(state);
  faults.render(state);
  counters.render(state);
  tick();
  if (state.clientsRevision !== session.clientsRevision) {
    session.clientsRevision = state.clientsRevision;
    await clients.load(state);
  }
}

let polling = false;

async function poll() {
  if (!session || polling) return;
  polling = true;
  try {
    await show(await session.api.state());
    byId('server-info').classList.remove('offline');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401)
      return signOut('Signed out: the credentials no longer work.');
    byId('server-info').textContent = 'The dev server does not answer (stopped?). Retrying…';
    byId('server-info').classList.add('offline');
  } finally {
    polling = false;
  }
}

/** Moves countdowns and the clock on between polls. */
function tick() {
  if (!session?.last) return;
  const now = Date.now() + session.offset;
  session.sections.tokens.tick(now);
  session.sections.faults.tick(now, session.offset);
}

function start() {
  const form = /** @type {HTMLFormElement} */ (byId('sign-in-form'));
  const error = byId('sign-in-error');
  error.textContent = sessionStorage.getItem('mfpconsole.message') ?? '';
  sessionStorage.removeItem('mfpconsole.message');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    error.textContent = '';
    try {
      await signIn(String(data.get('username') ?? ''), String(data.get('password') ?? ''));
      announce('Signed in.');
      byId('clients-title').focus();
    } catch (failure) {
      error.textContent =
        failure instanceof ApiError && failure.status === 401
          ? 'Wrong user name or password.'
          : `Cannot sign in: ${failure instanceof Error ? failure.message : String(failure)}`;
      byId('sign-in-password').focus();
    }
  });
  byId('sign-out').addEventListener('click', () => signOut());
  const saved = sessionStorage.getItem(CREDENTIALS_KEY);
  if (saved) {
    const { username, password } = JSON.parse(saved);
    signIn(username, password).catch(() => sessionStorage.removeItem(CREDENTIALS_KEY));
  }
}

start();
