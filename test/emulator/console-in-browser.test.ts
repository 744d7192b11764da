/**
 * The dev-server console in a real browser: Chromium (the Debian package) driven by
 * playwright-core, against a dev server on a loopback port, with the SDK as the application whose
 * tokens and pushes the page shows. `UPDATE_SCREENSHOTS=1` writes the README's images.
 */
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { type DevServer, startDevServer } from '../../src/dev-server/index.js';
import { ConfidentialClient, isTokenRequestError } from '../../src/index.js';
import { PushClient } from '../../src/mobilefirst/index.js';
import { describeWithChromium, screenshotDir } from '../helpers/chromium.js';

describeWithChromium('the dev-server console in Chromium', (executablePath) => {
  let browser: Browser;
  let server: DevServer;
  let page: Page;
  const closing: { close(): Promise<void> }[] = [];
  const shots = screenshotDir();

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath });
  });
  afterAll(async () => {
    await browser?.close();
  });

  beforeEach(async () => {
    server = await startDevServer();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (error) => {
      throw error;
    });
    await page.goto(server.consoleUrl!);
    await page.getByLabel('Password').fill('admin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Confidential clients' }).waitFor();
    await page.getByRole('rowheader', { name: /^test/ }).waitFor();
  });
  afterEach(async () => {
    await Promise.all(closing.splice(0).map((item) => item.close()));
    await page.close();
    await server.close();
  });

  function sdkClient(clientId: string, clientSecret: string, scope?: string): ConfidentialClient {
    const client = new ConfidentialClient({
      serverUrl: server.url,
      clientId,
      clientSecret,
      ...(scope === undefined ? {} : { scope }),
      retry: { retries: 0 },
    });
    closing.push(client);
    return client;
  }

  /** The text of the rows of a table body, one string per row. */
  const rows = (id: string) =>
    page.locator(`#${id} tr`).evaluateAll((trs) => trs.map((tr) => tr.textContent ?? ''));

  async function screenshot(name: string, selector?: string): Promise<void> {
    const path = join(shots, `console-${name}.png`);
    if (selector) await page.locator(selector).screenshot({ path });
    else await page.screenshot({ path, fullPage: true });
  }

  it('registers a client in the form, keeps its secret out of the page until revealed, and the SDK gets its token', async () => {
    // Inline errors first: an ID that exists, then a missing secret.
    await page.getByLabel('ID', { exact: true }).fill('test');
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.getByText('A client with the ID test exists already.').waitFor();
    expect(await page.getByLabel('ID', { exact: true }).getAttribute('aria-invalid')).toBe('true');

    await page.getByLabel('Display name').fill('Orders service');
    await page.getByLabel('ID', { exact: true }).fill('orders');
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.getByText('Enter a secret.').waitFor();

    await page.getByLabel('Secret', { exact: true }).fill('s3cret-orders');
    await page.getByLabel('Allowed scope').fill('orders.read orders.write');
    await page.getByRole('button', { name: 'Add client' }).click();
    await page.getByRole('rowheader', { name: 'orders' }).waitFor();

    // Through the admin API, as AdminClient writes it; the built-in clients untouched.
    expect(server.emulator.clients()).toContainEqual({
      id: 'orders',
      displayName: 'Orders service',
      secret: 's3cret-orders',
      allowedScope: 'orders.read orders.write',
    });
    expect(server.emulator.clients().map((client) => client.id)).toEqual([
      'test',
      'admin',
      'push',
      'orders',
    ]);
    expect(await page.content()).not.toContain('s3cret-orders');
    await page.getByRole('button', { name: 'Reveal the secret of orders' }).click();
    await page.getByText('s3cret-orders').waitFor();
    await page.getByRole('button', { name: 'Hide the secret of orders' }).click();
    expect(await page.content()).not.toContain('s3cret-orders');
    // The built-in clients can be neither edited nor removed from the page.
    expect(await page.getByRole('button', { name: 'Edit test' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Remove admin' }).count()).toBe(0);

    const token = await sdkClient('orders', 's3cret-orders', 'orders.read').getToken();
    expect(token.scope).toEqual(['orders.read']);
    await expect
      .poll(() => rows('tokens-rows'))
      .toEqual([expect.stringMatching(/^ordersorders\.read.*active/)]);
    await screenshot('clients', '#clients');
  });

  it('edits and removes a client, through the admin API', async () => {
    server.emulator.registerClient({
      id: 'reports',
      secret: 'r3ports',
      allowedScope: 'reports.read',
    });
    // A change made elsewhere shows up: the page reads the list again when it changes.
    await page.getByRole('rowheader', { name: 'reports' }).waitFor();
    await page.getByRole('button', { name: 'Edit reports' }).click();
    expect(await page.getByLabel('ID', { exact: true }).isEditable()).toBe(false);
    await page.getByLabel('Allowed scope').fill('reports.read  reports.write');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect
      .poll(() => server.emulator.clients().find((client) => client.id === 'reports'))
      .toEqual({
        id: 'reports',
        displayName: 'reports',
        secret: 'r3ports',
        allowedScope: 'reports.read reports.write',
      });

    page.once('dialog', (dialog) => dialog.accept());
    await page.getByRole('button', { name: 'Remove reports' }).click();
    await page.getByRole('rowheader', { name: 'reports' }).waitFor({ state: 'detached' });
    expect(server.emulator.clients().map((client) => client.id)).toEqual(['test', 'admin', 'push']);
  });

  it('works from the keyboard, and warns when the server listens beyond loopback', async () => {
    const wide = await startDevServer({ host: '0.0.0.0' });
    const other = await browser.newPage();
    closing.push(wide, other);
    await other.goto(`http://127.0.0.1:${wide.port}/`);
    await other.keyboard.press('Tab');
    expect(await other.evaluate(() => document.activeElement?.id)).toBe('sign-in-username');
    await other.keyboard.press('Tab');
    await other.keyboard.type('wrong');
    await other.keyboard.press('Enter');
    await other.getByText('Wrong user name or password.').waitFor();
    await other.getByLabel('Password').fill('admin');
    await other.keyboard.press('Enter');
    await other.getByRole('alert').filter({ hasText: 'listens beyond loopback' }).waitFor();

    const reveal = other.getByRole('button', { name: 'Reveal the secret of admin' });
    await reveal.focus();
    await other.keyboard.press('Enter');
    await other.getByText('nimda').waitFor();
    // The button keeps the focus across the redraw: Enter again hides the secret.
    await other.keyboard.press('Enter');
    await reveal.waitFor();
    expect(await other.content()).not.toContain('nimda');
    expect(await other.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(
      'Reveal the secret of admin',
    );
  });

  it('shows the token the SDK got; after Revoke, client.fetch recovers with a new one', async () => {
    const client = sdkClient('test', 'test', 'accessRestricted');
    const resource = `${server.url}${server.emulator.sampleResourcePath}`;
    expect((await client.fetch(resource)).status).toBe(200);
    await expect
      .poll(() => rows('tokens-rows'))
      .toEqual([expect.stringMatching(/^testaccessRestricted.*\d:\d\dactiveRevoke$/)]);

    await page.getByRole('button', { name: /^Revoke the token of test/ }).click();
    await expect.poll(() => rows('tokens-rows')).toEqual([expect.stringMatching(/revoked$/)]);
    expect(server.emulator.issuedTokens().map((token) => token.revoked)).toEqual([true]);

    // The 401 the click caused: the client drops the revoked token, gets one, replays the call.
    expect((await client.fetch(resource)).status).toBe(200);
    expect(client.stats()).toMatchObject({ tokenRequests: 2 });
    await expect
      .poll(() => rows('tokens-rows'))
      .toEqual([expect.stringMatching(/active/), expect.stringMatching(/revoked$/)]);
    await expect
      .poll(() => page.locator('figure', { hasText: 'Resource calls 401' }).textContent())
      .toContain('Resource calls 401 1');
    await screenshot('tokens', '#tokens');
    await screenshot('page');
  });

  it('lists a push message the SDK sent, under its application', async () => {
    const push = new PushClient({
      client: { serverUrl: server.url, clientId: 'push', clientSecret: 'hsup' },
      applicationId: 'com.acme.app',
    });
    closing.push(push);
    const { messageId } = await push.send({
      message: { alert: 'Your order has shipped' },
      target: { tagNames: ['orders'] },
      settings: { apns: { badge: 1, sound: 'default' } },
    });
    const app = page.getByRole('region', { name: 'Application com.acme.app' });
    await app.getByRole('rowheader', { name: 'Your order has shipped' }).waitFor();
    const row = await app.locator('tbody tr').textContent();
    expect(row).toContain('tagNames: orders');
    expect(row).toContain('"badge":1');
    expect(row).toContain(messageId);
    await screenshot('push', '#push');

    await page.getByRole('button', { name: 'Clear messages' }).click();
    await page.getByText('No message received yet.').waitFor();
    expect(server.emulator.pushMessages()).toEqual([]);
  });

  it('switches a fault on and off: the SDK fails, then gets its token', async () => {
    const tokenEndpoint = page.getByLabel('Token endpoint');
    await tokenEndpoint.selectOption({ label: '503 Service Unavailable' });
    await expect
      .poll(() => server.emulator.faults().switched)
      .toEqual({ token: { kind: 'server-error', status: 503 } });
    const failed = await sdkClient('test', 'test')
      .getToken()
      .catch((error: unknown) => error);
    expect(isTokenRequestError(failed) && failed.status).toBe(503);
    await page.getByLabel('Delay every answer by (ms)').fill('20');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Latency: all 20 ms.').waitFor();
    await screenshot('faults', '#faults');

    await tokenEndpoint.selectOption({ label: 'Off' });
    await expect.poll(() => server.emulator.faults().switched).toEqual({});
    await page.getByRole('button', { name: 'Clear all faults' }).click();
    await page.getByText('Latency: none.').waitFor();
    const token = await sdkClient('test', 'test').getToken();
    expect(token.accessToken).not.toBe('');
    await expect
      .poll(() => page.locator('figure', { hasText: 'Token requests' }).textContent())
      .toContain('2 (1 issued)');
  });

  it('moves the clock: the tokens expire', async () => {
    await sdkClient('test', 'test').getToken();
    await expect.poll(() => rows('tokens-rows')).toEqual([expect.stringMatching(/active/)]);
    await page.getByRole('button', { name: /^Expire tokens/ }).click();
    await expect
      .poll(() => rows('tokens-rows'))
      .toEqual([expect.stringMatching(/expiredexpired$/)]);
    await expect.poll(() => page.locator('#clock-offset').textContent()).toMatch(/ahead/);
  });
});
