import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { appConfig, type AppConfig } from '../../config';
import { RequestLog } from './request-log';

/**
 * Structured JSON logs (pino): one line per request with its request id,
 * route, status and time, and who called (RequestLog). Tokens, cookies and
 * bodies are never logged: customers' payloads stay out of the logs.
 */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [appConfig.KEY],
      useFactory: (config: AppConfig) => ({
        // No pino-http middleware: RequestLog's fastify hooks log each request.
        forRoutes: [],
        pinoHttp: {
          level: config.logLevel,
          // The serializers get fastify's request and reply as they are.
          wrapSerializers: false,
          serializers: {
            req: (request: { id: string; method: string; url: string }) => ({ id: request.id, method: request.method, url: request.url }),
            res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
          },
          redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
        },
      }),
    }),
  ],
  providers: [RequestLog],
  exports: [RequestLog],
})
export class LoggingModule {}
