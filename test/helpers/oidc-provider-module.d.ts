// oidc-provider 8 ships no types (and @types/oidc-provider is not installed): the little the
// interop harness uses of it, typed loosely on purpose.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ProviderConfiguration {
    [key: string]: unknown;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration);
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
    // biome-ignore lint/suspicious/noExplicitAny: the models are untyped
    readonly ClientCredentials: any;
    // biome-ignore lint/suspicious/noExplicitAny: the models are untyped
    readonly Client: any;
  }

  export const errors: Record<string, new (...args: unknown[]) => Error>;
}
