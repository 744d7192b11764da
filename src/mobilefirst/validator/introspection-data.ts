/**
 * What an introspection endpoint says about a token: the wire form MobileFirst sends (RFC 7662
 * names plus `mfp-*` members) and the camelCase domain type the rest of the code and the
 * application's handlers see. Types only; `parse-introspection-response.ts` checks the one and
 * builds the other.
 *
 * @module
 * @see https://www.rfc-editor.org/rfc/rfc7662#section-2.2
 * @see https://mobilefirstplatform.ibmcloud.com/tutorials/en/foundation/8.0/authentication-and-security/protecting-external-resources/
 */

/**
 * The body of a MobileFirst introspection answer, as sent. Only `active` is always there; an
 * inactive token gets `{ "active": false }`. A member may also be `null`, read as absent.
 */
export interface IntrospectionWireResponse {
  /** Whether the token is valid now. */
  readonly active: boolean;
  /** Granted scope, space-separated. */
  readonly scope?: string | null;
  /** The client the token was issued to. */
  readonly client_id?: string | null;
  /** Expiry: epoch **milliseconds** on MobileFirst, seconds on RFC 7662 servers. */
  readonly exp?: number | null;
  /** The user the token was issued for, if any. */
  readonly username?: string | null;
  /** The mobile application: `id` and `version`. */
  readonly 'mfp-application'?: { readonly id?: string; readonly version?: string } | null;
  /** The device: `id` and `hardware`. */
  readonly 'mfp-device'?: { readonly id?: string; readonly hardware?: string } | null;
  /** The authenticated user (shape not documented by IBM). */
  readonly 'mfp-user'?: unknown;
  /** The security checks the token passed (shape not documented by IBM). */
  readonly 'mfp-checks'?: unknown;
  /** Any other member (`sub`, `iss`, `token_type`…). */
  readonly [member: string]: unknown;
}

/** The mobile application a token was issued to (`mfp-application`). */
export interface IntrospectionApplication {
  /** Application ID, e.g. `com.acme.app`. */
  readonly id?: string;
  /** Application version, e.g. `1.0`. */
  readonly version?: string;
}

/** The device a token was issued to (`mfp-device`). */
export interface IntrospectionDevice {
  /** Device ID. */
  readonly id?: string;
  /** Hardware description. */
  readonly hardware?: string;
}

/**
 * An active token as the introspection endpoint described it, handed to the protected handler.
 * Deeply frozen: it may be served from the cache to many requests.
 *
 * @example
 * ```ts
 * const result = await validator.validate(authorization, 'orders.read');
 * if (result.ok) console.log(result.data.clientId, result.data.scope, new Date(result.data.expiresAt ?? 0));
 * ```
 */
export interface IntrospectionData {
  /** Always `true`: only active tokens get this far. */
  readonly active: true;
  /** Granted scope elements, sorted and unique (`[]` when the answer had no `scope`). */
  readonly scope: readonly string[];
  /** The client the token was issued to (`client_id`). */
  readonly clientId?: string;
  /** Expiry in epoch milliseconds (`exp`, read as seconds when below 10¹¹). */
  readonly expiresAt?: number;
  /** The user (`username`). */
  readonly username?: string;
  /** The mobile application (`mfp-application`). */
  readonly application?: IntrospectionApplication;
  /** The device (`mfp-device`). */
  readonly device?: IntrospectionDevice;
  /** The authenticated user (`mfp-user`), when it is a JSON object. */
  readonly user?: Readonly<Record<string, unknown>>;
  /** The security checks passed (`mfp-checks`), when it is a JSON object. */
  readonly checks?: Readonly<Record<string, unknown>>;
  /** The whole answer as sent, for members not mapped above (`sub`, `iss`…). */
  readonly raw: Readonly<IntrospectionWireResponse>;
}
