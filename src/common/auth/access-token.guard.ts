import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import { errors } from 'jose';
import { ForbiddenProblem, UnauthorizedProblem } from '../errors/problem.exception';
import { Caller } from './caller';
import { IS_PUBLIC } from './public.decorator';
import { REQUIRED_SCOPE, scopeFor } from './scopes';

const REALM = 'Bearer realm="customer-event"';

/**
 * The global guard: every route needs a valid access token with the scope its
 * method needs, unless marked @Public(). Answers follow RFC 6750.
 */
@Injectable()
export class AccessTokenGuard extends AuthGuard('jwt') {
  constructor(private readonly reflector: Reflector) {
    super();
  }

  override canActivate(context: ExecutionContext) {
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]);
    return isPublic ? true : super.canActivate(context);
  }

  override handleRequest<T = Caller>(error: unknown, caller: Caller | false, info: unknown, context: ExecutionContext): T {
    const request = context.switchToHttp().getRequest();
    if (error || !caller) {
      const authorization = request.headers.authorization;
      if (typeof authorization !== 'string' || !/^bearer\s+\S/i.test(authorization)) {
        // No credentials at all: RFC 6750 section 3.1 says no error attribute.
        throw new UnauthorizedProblem('An OAuth 2.0 bearer access token is required in the Authorization header', REALM);
      }
      const reason = describeTokenError(info ?? error);
      throw new UnauthorizedProblem(
        `The access token is not valid: ${reason}`,
        `${REALM}, error="invalid_token", error_description="${reason.replace(/["\\]/g, '')}"`,
      );
    }
    const needed =
      this.reflector.getAllAndOverride<string | undefined>(REQUIRED_SCOPE, [context.getHandler(), context.getClass()]) ??
      scopeFor(request.method);
    if (!caller.scopes.has(needed)) {
      throw new ForbiddenProblem(`This operation needs the scope ${needed}`, {
        'WWW-Authenticate': `${REALM}, error="insufficient_scope", error_description="The token lacks the scope ${needed}", scope="${needed}"`,
      });
    }
    return caller as T;
  }
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
