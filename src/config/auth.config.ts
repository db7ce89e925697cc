import { ConfigType, registerAs } from '@nestjs/config';
import { Transform } from 'class-transformer';
import { ArrayNotEmpty, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUrl, Max, Min } from 'class-validator';
import { toBool, toInt, toList, validateEnv } from './validate-env';

export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;
export const DEV_ISSUER = 'urn:customer-event:dev-issuer';
export const DEFAULT_AUDIENCE = 'customer-event';

class AuthEnv {
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  AUTH_JWKS_URI?: string;

  @IsOptional() @IsString()
  AUTH_ISSUER?: string;

  @IsString()
  AUTH_AUDIENCE: string = DEFAULT_AUDIENCE;

  @Transform(toList) @ArrayNotEmpty() @IsIn(ASYMMETRIC_ALGORITHMS, { each: true })
  AUTH_ALGORITHMS: string[] = ['RS256', 'PS256', 'ES256'];

  @Transform(toInt) @IsInt() @Min(0) @Max(300)
  AUTH_CLOCK_TOLERANCE_S: number = 30;

  @IsString()
  AUTH_CUSTOMER_CLAIM: string = 'customer-number';

  /** Local dev issuer: on unless a JWKS is configured. */
  @IsOptional() @Transform(toBool) @IsBoolean()
  AUTH_DEV_ISSUER?: boolean;
}

export const authConfig = registerAs('auth', () => {
  const env = validateEnv(AuthEnv);
  const devIssuer = env.AUTH_DEV_ISSUER ?? !env.AUTH_JWKS_URI;
  if (!devIssuer && !env.AUTH_JWKS_URI) {
    throw new Error('Invalid configuration:\n  AUTH_JWKS_URI: required when AUTH_DEV_ISSUER=false');
  }
  if (!devIssuer && !env.AUTH_ISSUER) {
    throw new Error('Invalid configuration:\n  AUTH_ISSUER: required when AUTH_JWKS_URI is set');
  }
  if (devIssuer && process.env.NODE_ENV === 'production') {
    throw new Error(
      'Invalid configuration:\n  AUTH_DEV_ISSUER: the local dev issuer cannot run with NODE_ENV=production; set AUTH_JWKS_URI and AUTH_ISSUER',
    );
  }
  return {
    devIssuer,
    jwksUri: devIssuer ? undefined : env.AUTH_JWKS_URI,
    issuer: devIssuer ? DEV_ISSUER : (env.AUTH_ISSUER as string),
    audience: env.AUTH_AUDIENCE,
    algorithms: env.AUTH_ALGORITHMS as (typeof ASYMMETRIC_ALGORITHMS)[number][],
    clockToleranceSeconds: env.AUTH_CLOCK_TOLERANCE_S,
    customerClaim: env.AUTH_CUSTOMER_CLAIM,
  };
});
export type AuthConfig = ConfigType<typeof authConfig>;
