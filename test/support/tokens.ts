import { createHmac, generateKeyPairSync, KeyObject, sign } from 'node:crypto';
import { DEFAULT_AUDIENCE, DEV_ISSUER } from '../../src/config/auth.config';
import { READ_SCOPE, WRITE_SCOPE } from '../../src/common/auth/scopes';

/**
 * Hand-made JWTs for the negative cases: built with node:crypto only, so that
 * nothing (like jsonwebtoken's own refusals) stops a test from forging exactly
 * the token an attacker would send.
 */

export type JwtHeader = Record<string, unknown>;
export type JwtClaims = Record<string, unknown>;

/** Seconds since the epoch, as JWT time claims count. */
export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

const encodePart = (part: object): string => Buffer.from(JSON.stringify(part)).toString('base64url');

/** Claims that pass every check of the service's dev issuer configuration; override what a case breaks. */
export function devIssuerClaims(overrides: JwtClaims = {}): JwtClaims {
  const now = nowSeconds();
  return {
    iss: DEV_ISSUER,
    aud: DEFAULT_AUDIENCE,
    sub: 'forged-test-user',
    scope: `${READ_SCOPE} ${WRITE_SCOPE}`,
    iat: now,
    exp: now + 600,
    ...overrides,
  };
}

/** RS256 over `header.payload` with the given private key (PEM or KeyObject). */
export function signRs256(claims: JwtClaims, privateKey: KeyObject | string, kid?: string): string {
  const signingInput = `${encodePart({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) })}.${encodePart(claims)}`;
  return `${signingInput}.${sign('RSA-SHA256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
}

/** HS256 with an arbitrary secret: with a public key PEM as the secret, this is the algorithm-confusion attack. */
export function signHs256(claims: JwtClaims, secret: string | Buffer, kid?: string): string {
  const signingInput = `${encodePart({ alg: 'HS256', typ: 'JWT', ...(kid ? { kid } : {}) })}.${encodePart(claims)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
}

/** An unsecured JWT (`alg: none`, empty signature, RFC 7519 section 6). */
export function unsecured(claims: JwtClaims, kid?: string): string {
  return `${encodePart({ alg: 'none', typ: 'JWT', ...(kid ? { kid } : {}) })}.${encodePart(claims)}.`;
}

/** Keeps the header and the (once valid) signature of `token` but swaps in changed claims. */
export function tamper(token: string, changes: JwtClaims): string {
  const [header, payload, signature] = token.split('.');
  const claims = { ...JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), ...changes };
  return `${header}.${encodePart(claims)}.${signature}`;
}

/** The decoded header and claims of a compact JWT (no verification). */
export function decodeJwt(token: string): { header: JwtHeader; claims: JwtClaims } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
  };
}

/** A fresh RSA key pair nobody trusts. */
export function strangerKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: 2048 });
}

/** The attributes of an RFC 6750 `WWW-Authenticate: Bearer ...` challenge, e.g. `{ realm, error, scope }`. */
export function bearerChallenge(header: string | null): { scheme: string; attributes: Record<string, string> } {
  if (header === null) throw new Error('The answer has no WWW-Authenticate header');
  const [, scheme = '', rest = ''] = /^(\S+)\s*(.*)$/s.exec(header) ?? [];
  const attributes: Record<string, string> = {};
  for (const [, name, value] of rest.matchAll(/([A-Za-z_]+)="([^"]*)"/g)) attributes[name] = value;
  return { scheme, attributes };
}
