import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { errors } from 'jose';
import { ForbiddenProblem, UnauthorizedProblem } from '../errors/problem.exception';
import { RouteMetadata } from '../http/route-metadata';
import { Caller } from './caller';
import { JwtStrategy, TokenRefused } from './jwt.strategy';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPE, scopeFor } from './scopes';

const REALM = 'Bearer realm="customer-event"';

type AuthenticatedRequest = { method: string; headers: Record<string, string | string[] | undefined>; user?: Caller };

/**
 * The global guard: every route needs a valid access token with the scope its
 * method needs, unless marked @Public(). Answers follow RFC 6750.
 *
 * It asks the passport strategy for the caller directly (`callerOf`) rather
 * than through `AuthGuard('jwt')` and `passport.authenticate`: the same
 * checks, but passport's per-request strategy copy and callbacks made about
 * 6 KB of every request outlive two young-generation collections (measured
 * with --trace-gc-nvp: 6.0 KB promoted per detail request through passport,
 * 0.5 KB without), so the heap needed a full mark-compact about every second
 * under load, which lengthened the slowest answers (docs/performance.md).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    private readonly reflector: RouteMetadata,
    private readonly tokens: JwtStrategy,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    let caller: Caller;
    try {
      caller = await this.tokens.callerOf(request);
    } catch (refusal) {
      throw unauthorized(request, refusal instanceof TokenRefused ? refusal.reason : refusal);
    }
    const needed = this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, targets) ?? scopeFor(request.method);
    if (!caller.scopes.has(needed)) {
      throw new ForbiddenProblem(`This operation needs the scope ${needed}`, {
        'WWW-Authenticate': `${REALM}, error="insufficient_scope", error_description="The token lacks the scope ${needed}", scope="${needed}"`,
      });
    }
    request.user = caller;
    return true;
  }
}

/** The 401 for a refused token: without credentials no error attribute (RFC 6750 section 3.1), else invalid_token and why. */
function unauthorized(request: AuthenticatedRequest, reason: unknown): UnauthorizedProblem {
  const authorization = request.headers.authorization;
  if (typeof authorization !== 'string' || !/^bearer\s+\S/i.test(authorization)) {
    return new UnauthorizedProblem('An OAuth 2.0 bearer access token is required in the Authorization header', REALM);
  }
  const description = describeTokenError(reason);
  return new UnauthorizedProblem(
    `The access token is not valid: ${description}`,
    `${REALM}, error="invalid_token", error_description="${description.replace(/["\\]/g, '')}"`,
  );
}

/** describeTokenError's wordings, for every refusal. */
export const TOKEN_REASONS = {
  expired: 'the token has expired',
  noExpiry: 'the token has no expiry (exp)',
  notYetValid: 'the token is not valid yet',
  audience: 'the token is for another audience',
  issuer: 'the token is from another issuer',
  signature: 'the signature does not verify',
  algorithm: 'the signing algorithm is not allowed',
  malformed: 'the token is malformed',
  key: 'the signing key is unknown',
  other: 'the token could not be verified',
} as const;
type Reason = keyof typeof TOKEN_REASONS;

/** A short reason safe to show: the validator's own words, never the token. */
export function describeTokenError(info: unknown): string {
  return TOKEN_REASONS[info instanceof errors.JOSEError ? joseReason(info as errors.AnyJOSEError) : legacyReason(info)];
}

/** jose, the service's verifier: by its stable error codes and, for a claim, which claim failed how. */
function joseReason(error: errors.AnyJOSEError): Reason {
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (error.claim === 'aud') return 'audience';
      if (error.claim === 'iss') return 'issuer';
      if (error.claim === 'exp' && error.reason === 'missing') return 'noExpiry';
      if (error.claim === 'nbf' && error.reason === 'check_failed') return 'notYetValid';
      return 'other'; // a time claim that is not a number, as jsonwebtoken's "invalid nbf value"
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature';
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return 'algorithm';
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return 'malformed';
    case 'ERR_JWKS_NO_MATCHING_KEY': // the strategy's answer when the key provider has no key for the token
    case 'ERR_JOSE_NOT_SUPPORTED': // the key cannot verify this algorithm (an ES256 token against an RSA key), or an unknown crit header
      return 'key';
    default:
      return 'other';
  }
}

/**
 * Everything else by name and wording: jwks-rsa's errors, jose's TypeErrors
 * about a key (an RSA key under 2048 bits), and jsonwebtoken's errors (the
 * reference the strategy's differential test compares jose with).
 */
function legacyReason(info: unknown): Reason {
  const name = (info as Error | undefined)?.name;
  const message = (info as Error | undefined)?.message ?? '';
  if (name === 'TokenExpiredError') return 'expired';
  if (name === 'NotBeforeError') return 'notYetValid';
  if (/audience/.test(message)) return 'audience';
  if (/issuer/.test(message)) return 'issuer';
  if (/signature/.test(message)) return 'signature';
  if (/algorithm/.test(message)) return 'algorithm';
  if (/malformed|jwt must be|invalid token|Unexpected token/i.test(message)) return 'malformed';
  if (/kid|key/i.test(message)) return 'key';
  return 'other';
}
