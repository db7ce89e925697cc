import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { IncomingMessage } from 'node:http';
import { appConfig, type AppConfig } from '../../config';
import type { Caller } from '../auth/caller';

/**
 * Structured JSON logs (pino): one line per request with its request id,
 * route, status and time, and who called. Tokens, cookies and bodies are
 * never logged: customers' payloads stay out of the logs.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          // fastify assigned the id (the caller's X-Request-Id, or a new one)
          genReqId: (request: IncomingMessage & { id?: string }) => request.id ?? 'unknown',
          customProps: (request: IncomingMessage & { user?: Caller }) =>
            request.user ? { subject: request.user.subject, clientId: request.user.clientId } : {},
          serializers: {
            req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }),
            res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
          },
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
          customLogLevel: (_request: unknown, response: { statusCode: number }, error?: Error) =>
            error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
        },
      }),
    }),
  ],
})
export class LoggingModule {}
