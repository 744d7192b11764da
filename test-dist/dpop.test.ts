// The built package signs DPoP proofs with the jose it bundles (CJS) or imports (ESM), in a plain
// node process: a token request to a stub fetch carries a proof whose signature verifies.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

describe('DPoP in the built package', () => {
  it.each([
    ['CJS', 'commonjs', "const { ConfidentialClient } = require('./dist/index.cjs');"],
    ['ESM', 'module', "import { ConfidentialClient } from './dist/index.js';"],
  ])('the %s build signs a proof on a token request', async (_name, type, load) => {
    const script = `${load}
      let proof;
      const client = new ConfidentialClient({
        tokenUrl: 'https://as.example.com/token', clientId: 'a', clientSecret: 'b', dpop: true,
        fetch: async (url, init) => {
          proof = init.headers.dpop;
          return Response.json({ access_token: 'x', token_type: 'DPoP', expires_in: 60 });
        },
      });
      client.getToken().then((token) => console.log(JSON.stringify({ type: token.tokenType, proof })));`;
    const out = execFileSync(process.execPath, [`--input-type=${type}`, '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    const { type: tokenType, proof } = JSON.parse(out) as { type: string; proof: string };
    expect(tokenType).toBe('DPoP');
    const { EmbeddedJWK, jwtVerify } = await import('jose');
    const { payload } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(payload).toMatchObject({ htm: 'POST', htu: 'https://as.example.com/token' });
  });

  it('the CJS build bundles jose instead of requiring it', async () => {
    const { readFileSync } = await import('node:fs');
    const chunks = execFileSync('ls', ['dist'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .filter((name) => name.endsWith('.cjs'));
    for (const chunk of chunks) {
      expect(readFileSync(`${root}dist/${chunk}`, 'utf8')).not.toMatch(/require\(["']jose["']\)/);
    }
  });
});
