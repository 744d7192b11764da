/**
 * The emulator's memory of the access tokens it issued: what each grants, when it expires and
 * whether it was revoked.
 *
 * @module
 */

import type { EmulatorTokenClaims } from './jwt.js';

/** An access token the emulator issued. */
export interface IssuedToken {
  /** The compact JWT. */
  readonly accessToken: string;
  /** Its claims (`exp` and `iat` in epoch milliseconds). */
  readonly claims: EmulatorTokenClaims;
  /** Granted scope elements, sorted. */
  readonly scope: readonly string[];
  /** Whether {@link MobileFirstEmulator.revokeToken} or {@link MobileFirstEmulator.revokeAllTokens} revoked it. */
  readonly revoked: boolean;
}

/**
 * A deep copy of a token record, so that callers cannot change the emulator's memory of it.
 *
 * @param token - The record.
 * @returns A copy, claims and scope included.
 * @internal
 */
export function copyToken(token: IssuedToken): IssuedToken {
  return { ...token, claims: { ...token.claims }, scope: [...token.scope] };
}

/** Why a token is not usable, or `active` if it is. */
export type TokenStatus = 'active' | 'unknown' | 'expired' | 'revoked';

/**
 * Issued tokens by their compact form. A token the emulator did not issue is unknown, whatever its
 * signature: the emulator never accepts a token from another emulator or a real server.
 *
 * @internal
 */
export class IssuedTokens {
  readonly #tokens = new Map<string, IssuedToken>();

  /** Remembers a newly issued token. */
  add(token: Omit<IssuedToken, 'revoked'>): void {
    this.#tokens.set(token.accessToken, { ...token, revoked: false });
  }

  /**
   * Looks a token up.
   *
   * @param accessToken - The compact JWT.
   * @param now - The emulator's current time in epoch ms.
   * @returns The token (if known) and its status.
   */
  lookup(accessToken: string, now: number): { status: TokenStatus; token?: IssuedToken } {
    const token = this.#tokens.get(accessToken);
    if (!token) return { status: 'unknown' };
    if (token.revoked) return { status: 'revoked', token };
    if (now >= token.claims.exp) return { status: 'expired', token };
    return { status: 'active', token };
  }

  /** Revokes every token issued so far; tokens issued later are valid. @returns How many. */
  revokeAll(): number {
    let count = 0;
    for (const [key, token] of this.#tokens) {
      if (!token.revoked) {
        this.#tokens.set(key, { ...token, revoked: true });
        count++;
      }
    }
    return count;
  }

  /**
   * Revokes one token.
   *
   * @param tokenOrId - The compact JWT or its `jti` claim.
   * @returns Whether a token that was not revoked yet was found.
   */
  revoke(tokenOrId: string): boolean {
    const token =
      this.#tokens.get(tokenOrId) ??
      [...this.#tokens.values()].find((candidate) => candidate.claims.jti === tokenOrId);
    if (!token || token.revoked) return false;
    this.#tokens.set(token.accessToken, { ...token, revoked: true });
    return true;
  }

  /** Copies of every token issued so far, oldest first. */
  list(): IssuedToken[] {
    return [...this.#tokens.values()].map(copyToken);
  }
}
