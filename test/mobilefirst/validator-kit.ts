import { afterEach } from 'vitest';
import type { ConfidentialClient } from '../../src/index.js';
import { TokenValidator, type TokenValidatorSettings } from '../../src/mobilefirst/index.js';
import type { MobileFirstEmulatorOptions } from '../../src/testing/index.js';
import { MFP, useEmulator } from '../helpers/emulator.js';
import { useDevServer } from '../helpers/http-servers.js';

/** The resource server's confidential client: allowed `authorization.introspect` only. */
export const RS = { id: 'rs', secret: 'rs-secret-4242', allowedScope: 'authorization.introspect' };
/** The app's confidential client, whose tokens the resource server validates (any scope). */
export const APP = { id: 'app', secret: 'app-secret-4242', allowedScope: '*' };
export const INTROSPECTION_URL = `${MFP}/mfp/api/az/v1/introspection`;

/**
 * The emulator over MSW (at {@link MFP}) with the `rs` and `app` clients, a validator factory
 * (client `rs`, closed after each test) and app tokens.
 */
export function useValidatorEmulator(options: MobileFirstEmulatorOptions = {}) {
  const mf = useEmulator({ clients: [RS, APP], ...options });
  const validators: TokenValidator[] = [];
  afterEach(async () => {
    await Promise.all(validators.splice(0).map((validator) => validator.close()));
  });
  return {
    mf,
    get emulator() {
      return mf.emulator;
    },
    /** A validator with client `rs` (made from options), plus `settings`. */
    validator(settings: TokenValidatorSettings = {}): TokenValidator {
      const validator = new TokenValidator({
        serverUrl: MFP,
        clientId: RS.id,
        clientSecret: RS.secret,
        ...settings,
      });
      validators.push(validator);
      return validator;
    },
    /** A validator over a given client. */
    validatorFor(client: ConfidentialClient, settings: TokenValidatorSettings = {}) {
      const validator = new TokenValidator({ client, ...settings });
      validators.push(validator);
      return validator;
    },
    /** A token of the `app` client with `scope`. */
    async appToken(scope = 'orders.read'): Promise<string> {
      const client = mf.client({ clientId: APP.id, clientSecret: APP.secret });
      return (await client.getToken({ scope })).accessToken;
    },
    /** Introspection calls the emulator received. */
    get introspections(): number {
      return mf.emulator.counters().introspections;
    },
    /** Token requests of the `rs` client. */
    get validatorTokenRequests(): number {
      return mf.emulator.tokenRequestCount({ clientId: RS.id });
    },
  };
}

/** The dev server (real HTTP, one per file) with the `rs` and `app` clients registered. */
export function useValidatorDevServer() {
  const e2e = useDevServer();
  const validators: TokenValidator[] = [];
  afterEach(async () => {
    await Promise.all(validators.splice(0).map((validator) => validator.close()));
  });
  const register = () => {
    e2e.dev.emulator.registerClient(RS);
    e2e.dev.emulator.registerClient(APP);
  };
  return {
    e2e,
    validator(settings: TokenValidatorSettings = {}): TokenValidator {
      register();
      const validator = new TokenValidator({
        serverUrl: e2e.dev.url,
        clientId: RS.id,
        clientSecret: RS.secret,
        ...settings,
      });
      validators.push(validator);
      return validator;
    },
    async appToken(scope = 'orders.read'): Promise<string> {
      register();
      const client = e2e.client({ clientId: APP.id, clientSecret: APP.secret });
      return (await client.getToken({ scope })).accessToken;
    },
  };
}
