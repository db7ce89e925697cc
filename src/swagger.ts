import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { AuthConfig } from './config';
import { DEV_TOKEN_PATH } from './common/auth/dev-token.controller';
import { READ_SCOPE, WRITE_SCOPE } from './common/auth/scopes';
import { problemResponse } from './common/errors/problem.dto';

export const SWAGGER_PATH = 'swagger-ui';

const TUTORIAL = `Customer event API gives you access to all events registered for a customer, and lets you register new events for customers.

Every path exists unversioned (\`/customer-event/...\`) and versioned (\`/customer-event/v2.0/...\`).
Errors are RFC 9457 problem JSON. Scopes: \`${READ_SCOPE}\` for GETs, \`${WRITE_SCOPE}\` for POSTs.`;

/**
 * The explorer at /swagger-ui and the OpenAPI document at /swagger-ui/json.
 * The document is built on its first request (Nest's document factory), not
 * at start: scanning every route costs start-up time no request needs.
 */
export function setupSwagger(app: INestApplication, auth: AuthConfig): void {
  const builder = new DocumentBuilder()
    .setTitle('Customer Event API')
    .setVersion('2.0')
    .setDescription(
      TUTORIAL +
        (auth.devIssuer
          ? `\n\n**Trying it locally:** press *Authorize* and use the \`oauth2\` client-credentials flow (any client id and secret), or run \`npm run token\` and paste the token under \`bearer\`.`
          : ''),
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An OAuth 2.0 access token' }, 'bearer');
  if (auth.devIssuer) {
    builder.addOAuth2(
      {
        type: 'oauth2',
        description: 'Local dev issuer: any client id and secret',
        flows: {
          clientCredentials: {
            tokenUrl: `/${DEV_TOKEN_PATH}`,
            scopes: { [READ_SCOPE]: 'Read customer events', [WRITE_SCOPE]: 'Register customer events' },
          },
        },
      },
      'oauth2',
    );
  }
  const buildDocument = (): OpenAPIObject => {
    const document = SwaggerModule.createDocument(app, builder.build(), {
      operationIdFactory: (controller, method, version) => `${controller}_${method}${version ? `_v${version}` : ''}`,
    });
    tidy(document, auth);
    documentTransportAnswers(document);
    return document;
  };
  SwaggerModule.setup(SWAGGER_PATH, app, buildDocument, {
    jsonDocumentUrl: `${SWAGGER_PATH}/json`,
    yamlDocumentUrl: `${SWAGGER_PATH}/yaml`,
    swaggerOptions: { persistAuthorization: true, displayOperationId: true },
    customSiteTitle: 'Customer Event API v2',
  });
}

/**
 * Answers Node and the router give before any handler runs, so no decorator
 * can state them (app.factory.ts: answerClientError, answerRouterError): any
 * request can take too long (408) or bring headers over the limit (431); a
 * path parameter can be over 100 characters (414) or malformed
 * percent-encoding (400).
 */
function documentTransportAnswers(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item) as { responses?: Record<string, unknown>; parameters?: { in: string }[] }[]) {
      if (typeof operation !== 'object' || !operation?.responses) continue;
      const statuses = [408, 431];
      if ((operation.parameters ?? []).some((parameter) => parameter.in === 'path')) statuses.push(400, 414);
      for (const status of statuses) operation.responses[status] ??= problemResponse(status);
      operation.responses = Object.fromEntries(Object.entries(operation.responses).sort(([a], [b]) => a.localeCompare(b)));
    }
  }
}

/**
 * Names path parameters by their wire names (`{event-id}`; route parameters
 * cannot contain dashes on fastify), keeps explicit operation ids unique per
 * path version, and marks every /customer-event operation as secured.
 */
function tidy(document: OpenAPIObject, auth: AuthConfig): void {
  const renamed: OpenAPIObject['paths'] = {};
  for (const [path, item] of Object.entries(document.paths)) {
    const versioned = path.includes('/v2.0/');
    const wirePath = path.replace('{eventId}', '{event-id}').replace('{schemaId}', '{schema-id}');
    for (const operation of Object.values(item) as { operationId?: string; parameters?: { name: string; in: string }[]; security?: unknown[] }[]) {
      if (typeof operation !== 'object' || !operation?.operationId) continue;
      operation.operationId = operation.operationId.replace(/_v2\.0$/, '') + (versioned ? '_v2' : '');
      for (const parameter of operation.parameters ?? []) {
        if (parameter.in === 'path' && parameter.name === 'eventId') parameter.name = 'event-id';
        if (parameter.in === 'path' && parameter.name === 'schemaId') parameter.name = 'schema-id';
      }
      if (path.startsWith('/customer-event/') || path === '/metrics') {
        operation.security = auth.devIssuer ? [{ bearer: [] }, { oauth2: [READ_SCOPE, WRITE_SCOPE] }] : [{ bearer: [] }];
      }
    }
    if (!auth.devIssuer && path.includes(DEV_TOKEN_PATH)) continue;
    renamed[wirePath] = item;
  }
  document.paths = renamed;
}
