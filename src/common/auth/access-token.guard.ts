import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
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

/** A short reason safe to show: the validator's own words, never the token. */
export function describeTokenError(info: unknown): string {
  const name = (info as Error | undefined)?.name;
  const message = (info as Error | undefined)?.message ?? '';
  if (name === 'TokenExpiredError') return 'the token has expired';
  if (/no expiry/.test(message)) return 'the token has no expiry (exp)';
  if (name === 'NotBeforeError') return 'the token is not valid yet';
  if (/audience/.test(message)) return 'the token is for another audience';
  if (/issuer/.test(message)) return 'the token is from another issuer';
  if (/signature/.test(message)) return 'the signature does not verify';
  if (/algorithm/.test(message)) return 'the signing algorithm is not allowed';
  if (/malformed|jwt must be|invalid token|Unexpected token/i.test(message)) return 'the token is malformed';
  if (/kid|key/i.test(message)) return 'the signing key is unknown';
  return 'the token could not be verified';
}
