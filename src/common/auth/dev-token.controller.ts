import { Body, Controller, Headers, HttpCode, Inject, Optional, Post, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { authConfig, type AuthConfig } from '../../config';
import { NotFoundProblem, ValidationProblem } from '../errors/problem.exception';
import { DevIssuerKeys } from './dev-issuer.keys';
import { Public } from './public.decorator';
import { READ_SCOPE, WRITE_SCOPE } from './scopes';

export const DEV_TOKEN_PATH = 'dev/oauth/token';
const ONE_HOUR = 3600;

/**
 * A client-credentials token endpoint for the local dev issuer only, so the
 * Swagger explorer's Authorize button works without reading any code. Any
 * client id and secret are accepted; it does not exist in production.
 */
@ApiTags('Development')
@Controller({ path: DEV_TOKEN_PATH, version: VERSION_NEUTRAL })
export class DevTokenController {
  constructor(
    @Inject(authConfig.KEY) private readonly config: AuthConfig,
    @Optional() @Inject(DevIssuerKeys) private readonly keys: DevIssuerKeys | null,
  ) {}

  @Public()
  @Post()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ operationId: 'issueDevToken', summary: 'Dev issuer only: OAuth 2.0 client-credentials grant' })
  @ApiOkResponse({ description: 'An access token for this service' })
  issue(@Body() form: Record<string, unknown>, @Headers('authorization') authorization?: string) {
    if (!this.config.devIssuer || !this.keys) throw new NotFoundProblem('The dev token endpoint exists only with the local dev issuer');
    const grant = form?.grant_type;
    if (grant !== 'client_credentials') {
      throw new ValidationProblem([{ tag: 'grant_type', error: 'unknown-enum', message: "'grant_type' must be client_credentials" }]);
    }
    const requested = typeof form.scope === 'string' && form.scope.trim() ? form.scope.trim() : `${READ_SCOPE} ${WRITE_SCOPE}`;
    const clientId = typeof form.client_id === 'string' ? form.client_id : basicUser(authorization) ?? 'swagger-ui';
    const token = this.keys.issue(this.config, {
      subject: clientId,
      clientId,
      scope: requested,
      expiresInSeconds: ONE_HOUR,
    });
    return { access_token: token, token_type: 'Bearer', expires_in: ONE_HOUR, scope: requested };
  }
}

function basicUser(authorization?: string): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const user = Buffer.from(match[1], 'base64').toString('utf8').split(':')[0];
  return user || undefined;
}
