import { Inject, Injectable, Optional, UnauthorizedException } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { passportJwtSecret } from 'jwks-rsa';
import { createPublicKey, KeyObject } from 'node:crypto';
import { ExtractJwt, Strategy, StrategyOptionsWithoutRequest } from 'passport-jwt';
import { authConfig, type AuthConfig } from '../../config';
import { Caller } from './caller';
import { DevIssuerKeys } from './dev-issuer.keys';
import { scopesOf } from './scopes';

/**
 * Validates bearer access tokens: an asymmetric signature (keys from the
 * issuer's JWKS, or the local dev issuer's key), `iss`, `aud`, `exp` and
 * `nbf` within the clock tolerance. HMAC and `none` are never in the
 * algorithm allow-list, so neither can pass.
 */
type KeyProvider = (request: unknown, rawToken: string, done: (error: unknown, key?: string | KeyObject) => void) => void;

function jwksKeyProvider(jwksUri: string): KeyProvider {
  return passportJwtSecret({
    jwksUri,
    cache: true,
    cacheMaxAge: 10 * 60 * 1000,
    // An unknown kid refetches the JWKS (key rotation), at most this often.
    rateLimit: true,
    jwksRequestsPerMinute: 10,
    timeout: 5000,
  }) as KeyProvider;
}

/** jwks-rsa hands out PEM text; parse each distinct key once (a handful of keys per issuer). */
function asKeyObjects(provider: KeyProvider): KeyProvider {
  const parsed = new Map<string, KeyObject>();
  return (request, rawToken, done) =>
    provider(request, rawToken, (error, key) => {
      if (error || typeof key !== 'string') return done(error, key);
      let keyObject = parsed.get(key);
      if (!keyObject) {
        keyObject = createPublicKey(key);
        if (parsed.size > 100) parsed.clear();
        parsed.set(key, keyObject);
      }
      done(null, keyObject);
    });
}

@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Optional() @Inject(DevIssuerKeys) devIssuer: DevIssuerKeys | null,
  ) {
    const keys: Record<string, unknown> = config.jwksUri
      ? { secretOrKeyProvider: asKeyObjects(jwksKeyProvider(config.jwksUri)) }
      : // A parsed key, not PEM: jsonwebtoken would otherwise parse the PEM again on every request.
        { secretOrKey: devIssuer!.publicKey };
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ignoreExpiration: false,
      issuer: config.issuer,
      audience: config.audience,
      algorithms: config.algorithms,
      jsonWebTokenOptions: { clockTolerance: config.clockToleranceSeconds },
      ...keys,
    } as StrategyOptionsWithoutRequest);
  }

  validate(claims: Record<string, unknown>): Caller {
    // jsonwebtoken accepts a token without exp; a bearer token that never expires is not one a bank accepts.
    if (typeof claims.exp !== 'number') throw new UnauthorizedException('the token has no expiry (exp)');
    const bound = claims[this.config.customerClaim];
    return {
      subject: typeof claims.sub === 'string' ? claims.sub : 'unknown',
      clientId: [claims.client_id, claims.azp, claims.cid].find((value): value is string => typeof value === 'string'),
      scopes: scopesOf(claims),
      customerNumber: typeof bound === 'string' || typeof bound === 'number' ? String(bound) : undefined,
    };
  }
}
