import { inspect } from 'node:util';
import { HttpResponse, http } from 'msw';
import { describe, expect, it, vi } from 'vitest';
import { MFP, useEmulator } from '../helpers/emulator.js';
import { adminClient, CLIENTS_PATH } from './admin-harness.js';

const h = useEmulator({ administrator: { username: 'ops', password: 'Adm1n-Pa55word' } });
const SECRET = 'Kn0wn-S3cret-Value';
const PASSWORD = 'Adm1n-Pa55word';
const admin = (extra = {}) => adminClient(MFP, { username: 'ops', password: PASSWORD, ...extra });

/** Everything a user could print of a value. */
function everyForm(value: unknown): string {
  const forms = [inspect(value, { depth: 10, showHidden: true }), String(value)];
  try {
    forms.push(JSON.stringify(value) ?? '');
  } catch {}
  if (value instanceof Error) forms.push(value.stack ?? '', inspect(value.cause, { depth: 10 }));
  return forms.join('\n');
}

describe('secrets never show', () => {
  it('entries read with list() and get() hide the secret from inspect, JSON, String and spreads', async () => {
    h.emulator.registerClient({ id: 'backend', secret: SECRET, allowedScope: 'a' });
    const list = await admin().list();
    const entry = (await admin().get('backend'))!;
    expect(entry.secret).toBe(SECRET);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    console.log(list, entry);
    const printed = [
      everyForm(list),
      everyForm(entry),
      everyForm({ ...entry }),
      everyForm(structuredClone(entry)),
      log.mock.calls.map((args) => args.map((a) => inspect(a)).join(' ')).join('\n'),
    ].join('\n');
    expect(printed).toContain('backend');
    expect(printed).toContain("secret: '[redacted]'");
    expect(printed).not.toContain(SECRET);
    expect(JSON.parse(JSON.stringify(entry))).toEqual({
      id: 'backend',
      displayName: 'backend',
      allowedScope: ['a'],
      secret: '[redacted]',
    });
  });

  it('the AdminClient itself does not show the password', () => {
    expect(everyForm(admin())).not.toContain(PASSWORD);
  });

  it('errors scrub secrets and the password that a server echoes back, in every form', async () => {
    // A short list, so that every secret fits in the 300 characters an error quotes.
    h.emulator.setClients([{ id: 'backend', secret: SECRET, allowedScope: 'a' }]);
    const echo = `bad list: ${JSON.stringify({ secret: SECRET, auth: PASSWORD })} raw ${SECRET}`;
    // A server that quotes the list it was sent in its error.
    h.server.use(
      http.put(`${MFP}${CLIENTS_PATH}`, async ({ request }) => {
        const sent = `${echo} ${await request.text()}`;
        return HttpResponse.json(
          {
            ok: false,
            message: sent,
            transaction: { id: 3, status: 'FAILURE', errors: [{ details: sent }] },
          },
          { status: 400 },
        );
      }),
    );
    const errors = [
      await admin()
        .upsert({ id: 'backend', allowedScope: 'b' })
        .catch((e: unknown) => e),
      await admin()
        .upsert({ id: 'new', secret: 'An0ther-S3cret', allowedScope: '' })
        .catch((e: unknown) => e),
    ];
    // The check before the write fails, echoing what the first read returned.
    let reads = 0;
    h.server.use(
      http.get(`${MFP}${CLIENTS_PATH}`, ({ request }) =>
        ++reads === 1
          ? h.emulator.handle(request)
          : HttpResponse.json({ message: echo }, { status: 500 }),
      ),
    );
    errors.push(
      await admin()
        .remove('backend')
        .catch((e: unknown) => e),
    );
    const printed = errors.map(everyForm).join('\n');
    expect(printed).toContain('[redacted]');
    for (const secret of [SECRET, PASSWORD, 'An0ther-S3cret']) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).not.toContain(btoa(`ops:${PASSWORD}`));
  });

  it('a secret quoted in JSON (escaped) is scrubbed too', async () => {
    h.emulator.setClients([{ id: 'q', secret: 'Quo"te\\S3cret', allowedScope: 'a' }]);
    h.server.use(
      http.put(`${MFP}${CLIENTS_PATH}`, async ({ request }) =>
        HttpResponse.json({ message: await request.text() }, { status: 500 }),
      ),
    );
    const error = await admin()
      .upsert({ id: 'q', allowedScope: 'b' })
      .catch((e: unknown) => e);
    expect(everyForm(error)).toContain('"secret":"[redacted]"');
    expect(everyForm(error)).not.toContain('Quo');
  });

  it('a server text that holds a secret too short to scrub is not quoted at all', async () => {
    h.emulator.registerClient({ id: 'short', secret: 'q7', allowedScope: 'a' });
    h.emulator.failNextAdminWrite({ details: 'client short has secret q7', status: 400 });
    const error = (await admin()
      .upsert({ id: 'short', allowedScope: 'b' })
      .catch((e: unknown) => e)) as Error & { details: string[] };
    expect(error.details).toEqual(['[not shown: it may hold a secret]']);
    expect(everyForm(error)).not.toMatch(/secret q7/);
  });
});
