import { Inject, Injectable, Optional } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { errors, importJWK, jwtVerify, type CryptoKey, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { passportJwtSecret } from 'jwks-rsa';
import { createPublicKey, KeyObject } from 'node:crypto';
import { ExtractJwt, JwtFromRequestFunction, Strategy, StrategyOptionsWithoutRequest } from 'passport-jwt';
import { authConfig, type AuthConfig } from '../../config';
import { Caller } from './caller';
import { DevIssuerKeys } from './dev-issuer.keys';
import { scopesOf } from './scopes';

/**
 * Validates bearer access tokens with jose: an asymmetric signature (keys from
 * the issuer's JWKS, or the local dev issuer's key), `iss`, `aud`, `exp`
 * (required) and `nbf` within the clock tolerance. HMAC and `none` are never
 * in the algorithm allow-list, so neither can pass.
 *
 * jose checks the signature with WebCrypto, which runs it on libuv's
 * threadpool: the costly part of every request's check leaves the event loop.
 */
type KeyProvider<Key> = (request: unknown, rawToken: string, done: (error: unknown, key?: Key | null) => void) => void;

function jwksKeyProvider(jwksUri: string): KeyProvider<string> {
  return passportJwtSecret({
    jwksUri,
    cache: true,
    cacheMaxAge: 10 * 60 * 1000,
    // An unknown kid refetches the JWKS (key rotation), at most this often.
    rateLimit: true,
    jwksRequestsPerMinute: 10,
    timeout: 5000,
  }) as KeyProvider<string>;
}

/** jwks-rsa hands out PEM text; parse each distinct key once (a handful of keys per issuer). */
function asKeyObjects(provider: KeyProvider<string>): KeyProvider<KeyObject> {
  const parsed = new Map<string, KeyObject>();
  return (request, rawToken, done) =>
    provider(request, rawToken, (error, key) => {
      if (error || typeof key !== 'string') return done(error, null);
      let keyObject = parsed.get(key);
      if (!keyObject) {
        keyObject = createPublicKey(key);
        if (parsed.size > 100) parsed.clear();
        parsed.set(key, keyObject);
      }
      done(null, keyObject);
    });
}

/** A token the service does not accept; `reason` is the validator's error, absent when no token was sent. */
export class TokenRefused extends Error {
  override readonly name = 'TokenRefused';

  constructor(readonly reason?: unknown) {
    super('The access token was refused');
  }
}

/** For a token the key provider has no key for (jwks-rsa: an unknown kid, or a token it cannot decode). */
const noKey: JWTVerifyGetKey = () => {
  throw new errors.JWKSNoMatchingKey();
};

/**
 * WebCrypto verifies with a CryptoKey, which is bound to one algorithm: each
 * key is imported once per algorithm, and the import (a promise) is shared,
 * so a burst of requests on a cold key imports it once, not once each. jose
 * would convert a KeyObject itself, but on Node 20 (no KeyObject.toCryptoKey)
 * it caches only a finished import, so concurrent first requests all import.
 */
const keyResolvers = new WeakMap<KeyObject, JWTVerifyGetKey>();

/** The key for jose, which asks for it once it has checked the token's alg against the allow-list. */
export function verificationKey(keyObject: KeyObject | null | undefined): JWTVerifyGetKey {
  if (!keyObject) return noKey;
  let resolver = keyResolvers.get(keyObject);
  if (!resolver) {
    const imports = new Map<string, Promise<CryptoKey | Uint8Array>>();
    resolver = (header) => {
      const alg = header.alg as string; // a string from the allow-list, by now
      let key = imports.get(alg);
      if (!key) imports.set(alg, (key = importJWK(keyObject.export({ format: 'jwk' }), alg)));
      return key;
    };
    keyResolvers.set(keyObject, resolver);
  }
  return resolver;
}

/** What an access token must satisfy besides its signature (the benchmark's baseline checks the same). */
export function accessTokenChecks(config: AuthConfig): JWTVerifyOptions {
  return {
    algorithms: config.algorithms,
    issuer: config.issuer,
    audience: config.audience,
    clockTolerance: config.clockToleranceSeconds,
    // jsonwebtoken accepted a token without exp; a bearer token that never expires is not one a bank accepts.
    requiredClaims: ['exp'],
  };
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  private readonly extractToken: JwtFromRequestFunction;
  private readonly keyFor: KeyProvider<KeyObject>;
  private readonly verifyOptions: JWTVerifyOptions;

  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Optional() @Inject(DevIssuerKeys) devIssuer: DevIssuerKeys | null,
  ) {
    const extractToken = ExtractJwt.fromAuthHeaderAsBearerToken();
    const keyFor: KeyProvider<KeyObject> = config.jwksUri
      ? asKeyObjects(jwksKeyProvider(config.jwksUri))
      : (_request, _rawToken, done) => done(null, devIssuer!.publicKey);
    // passport-jwt insists on these two; its own authenticate, which would use them with jsonwebtoken, is overridden below.
    super({ jwtFromRequest: extractToken, secretOrKeyProvider: keyFor } as StrategyOptionsWithoutRequest);
    this.extractToken = extractToken;
    this.keyFor = keyFor;
    this.verifyOptions = accessTokenChecks(config);
  }

  /**
   * The caller a request's bearer token proves. A refusal is a TokenRefused
   * holding the validator's own error (none when there is no token at all),
   * which the guard turns into its RFC 6750 answer (see describeTokenError).
   */
  async callerOf(request: { headers: Record<string, string | string[] | undefined> }): Promise<Caller> {
    const token = this.extractToken(request as never);
    if (!token) throw new TokenRefused();
    const key = await new Promise<KeyObject | null | undefined>((resolve, reject) =>
      this.keyFor(request, token, (keyError, found) => (keyError ? reject(new TokenRefused(keyError)) : resolve(found))),
    );
    let claims: Record<string, unknown>;
    try {
      ({ payload: claims } = await jwtVerify(token, verificationKey(key), this.verifyOptions));
    } catch (error) {
      throw new TokenRefused(error);
    }
    return this.validate(claims);
  }

  /**
   * passport's entry point, for `AuthGuard('jwt')`: passport-jwt 4.0.1's
   * `authenticate` with jose's `jwtVerify` in place of its jsonwebtoken
   * verifier (which the library reads from its module global, so neither a
   * subclass nor an instance could swap it). The service's own guard calls
   * `callerOf` directly (see AccessTokenGuard for why).
   */
  override authenticate(request: Parameters<Strategy['authenticate']>[0]): void {
    // fail() as passport-jwt calls it: the Error is the challenge, with no status (the typings want one).
    const fail = (challenge: unknown) => (this.fail as (challenge: unknown) => void).call(this, challenge);
    this.callerOf(request).then(
      (caller) => this.success(caller),
      (refusal: unknown) => (refusal instanceof TokenRefused ? fail(refusal.reason ?? new Error('No auth token')) : this.error(refusal as Error)),
    ).catch((error: unknown) => this.error(error as Error));
  }

  validate(claims: Record<string, unknown>): Caller {
    const bound = claims[this.config.customerClaim];
    return {
      subject: typeof claims.sub === 'string' ? claims.sub : 'unknown',
      clientId: [claims.client_id, claims.azp, claims.cid].find((value): value is string => typeof value === 'string'),
      scopes: scopesOf(claims),
      customerNumber: typeof bound === 'string' || typeof bound === 'number' ? String(bound) : undefined,
    };
  }
}
