/**
 * MobileFirst names that several endpoints of the emulator share. A leaf: it imports nothing, so
 * the token endpoint, the Bearer check and the resources can all use it without importing each
 * other.
 *
 * @module
 */

/** The scope granted when a request names none (a MobileFirst reserved word). */
export const DEFAULT_SCOPE = 'RegisteredClient';

/** Issuer and audience of MobileFirst tokens. */
export const MFP_ISSUER = 'com.ibm.mfp';
