import type { Input, KyInstance, Options as KyOptions, ResponsePromise } from 'ky';
import type { ScopeInput } from '../scope.js';

/** ky options plus `scope`: the scope of the token for the request (or for every request). */
export type AuthorizedKyOptions = KyOptions & {
  /**
   * Scope of the token. Omitted: the scope learned for the resource from an earlier
   * `403 insufficient_scope`, else the instance's or the client's default scope.
   */
  scope?: ScopeInput | undefined;
};

/**
 * A ky instance whose requests go through `client.fetch`: ky's API, with `scope` accepted in the
 * options of every request and of `extend`. `create` is ky's own: it starts from ky's defaults, so
 * the instance it makes does **not** send tokens; use `client.createKy()` for a new one that does.
 */
export type AuthorizedKyInstance = Omit<
  KyInstance,
  'get' | 'post' | 'put' | 'delete' | 'patch' | 'head' | 'extend'
> & {
  /** Fetches `url` through `client.fetch` (ky's `ky(url, options)`). */
  <T>(url: Input, options?: AuthorizedKyOptions): ResponsePromise<T>;
  /** `GET` through `client.fetch`. */
  get: <T>(url: Input, options?: AuthorizedKyOptions) => ResponsePromise<T>;
  /** `POST` through `client.fetch`. */
  post: <T>(url: Input, options?: AuthorizedKyOptions) => ResponsePromise<T>;
  /** `PUT` through `client.fetch`. */
  put: <T>(url: Input, options?: AuthorizedKyOptions) => ResponsePromise<T>;
  /** `DELETE` through `client.fetch`. */
  delete: <T>(url: Input, options?: AuthorizedKyOptions) => ResponsePromise<T>;
  /** `PATCH` through `client.fetch`. */
  patch: <T>(url: Input, options?: AuthorizedKyOptions) => ResponsePromise<T>;
  /** `HEAD` through `client.fetch`. */
  head: (url: Input, options?: AuthorizedKyOptions) => ResponsePromise;
  /** A new instance with these defaults on top of this one's; still through `client.fetch`. */
  extend: (
    defaultOptions:
      | AuthorizedKyOptions
      | ((parentOptions: AuthorizedKyOptions) => AuthorizedKyOptions),
  ) => AuthorizedKyInstance;
};
