import { SetMetadata } from '@nestjs/common';

export const READ_SCOPE = 'customer-event:read';
export const WRITE_SCOPE = 'customer-event:write';

/** GETs read, everything else writes (CONTRACT.md, Security). */
export function scopeFor(method: string): string {
  return method === 'GET' || method === 'HEAD' ? READ_SCOPE : WRITE_SCOPE;
}

/** `scope` as a space-separated string (RFC 8693) or `scp` as an array (Azure AD, Okta). */
export function scopesOf(claims: Record<string, unknown>): Set<string> {
  const scopes = new Set<string>();
  if (typeof claims.scope === 'string') for (const scope of claims.scope.split(' ')) if (scope) scopes.add(scope);
  if (Array.isArray(claims.scp)) for (const scope of claims.scp) if (typeof scope === 'string') scopes.add(scope);
  if (typeof claims.scp === 'string') for (const scope of claims.scp.split(' ')) if (scope) scopes.add(scope);
  return scopes;
}

export const REQUIRED_SCOPE = 'requiredScope';

/** A scope other than the method's default (read for GET, write otherwise). */
export const RequiredScope = (scope: string) => SetMetadata(REQUIRED_SCOPE, scope);
