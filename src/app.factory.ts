import fastifyCors from '@fastify/cors';
import { VERSION_NEUTRAL, VersioningType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule } from './app.module';
import { DEV_TOKEN_PATH } from './common/auth/dev-token.controller';
import { API_HEADERS, EXPLORER_HEADERS, installResponseHeaders } from './common/http/security-headers';
import { ShutdownDrain } from './common/http/shutdown-drain';
import { RequestLog } from './common/logging/request-log';
import { PROBLEM_CONTENT_TYPE, problemFor, TRANSPORT_PROBLEM_DETAILS } from './common/errors/problem';
import { ValidationProblem } from './common/errors/problem.exception';
import { appConfig, type AppConfig, authConfig, type AuthConfig } from './config';
import { MetricsService } from './metrics/metrics.service';
import { setupSwagger, SWAGGER_PATH } from './swagger';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Builds the configured application, the same for `npm start` and the e2e
 * tests: fastify, versioned routes, security headers, CORS, Swagger.
 */
export async function createApp(options: { logger?: false } = {}): Promise<NestFastifyApplication> {
  const settings = appConfig();
  const adapter = new FastifyAdapter({
    trustProxy: settings.trustProxy,
    bodyLimit: settings.bodyLimitBytes,
    connectionTimeout: settings.requestTimeoutMs,
    requestTimeout: settings.requestTimeoutMs,
    // Requests carry the caller's X-Request-Id when it is sane, a fresh one otherwise.
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    return503OnClosing: true,
    // No Express-style middleware here (request logging, CORS and headers are fastify hooks and plugins),
    // so no @fastify/middie: it would be one more step on every request. Nest would fail at start
    // ("use is not a function") if a module ever registered middleware.
    skipMiddie: true,
    clientErrorHandler: answerClientError,
    frameworkErrors: answerRouterError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule, adapter, {
    bufferLogs: options.logger !== false,
    abortOnError: false,
    logger: options.logger,
  });
  if (options.logger !== false) app.useLogger(app.get(Logger));
  const config = app.get<AppConfig>(appConfig.KEY);
  const auth = app.get<AuthConfig>(authConfig.KEY);

  const fastify = app.getHttpAdapter().getInstance();
  app.get(RequestLog).install(fastify);
  app.get(ShutdownDrain).install(fastify);
  app.useBodyParser('application/json', { bodyLimit: settings.bodyLimitBytes }, strictUtf8JsonParser(fastify));
  const metrics = app.get(MetricsService);
  // Per-request hooks take a callback rather than return a promise: one less promise and microtask each.
  fastify.addHook('onResponse', (request, reply, done) => {
    // The route pattern, not the URL: ids must not explode the label set.
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    done();
  });
  await installResponseHeaders(fastify, API_HEADERS, { prefix: `/${SWAGGER_PATH}`, profile: EXPLORER_HEADERS });
  if (config.corsOrigins.length > 0) {
    await app.register(fastifyCors, {
      origin: config.corsOrigins,
      exposedHeaders: ['Location', 'Retry-After', 'X-Request-Id', 'WWW-Authenticate'],
    });
  }

  app.setGlobalPrefix('customer-event', { exclude: ['health', 'health/ready', 'metrics', DEV_TOKEN_PATH] });
  app.enableVersioning({ type: VersioningType.URI, prefix: 'v', defaultVersion: [VERSION_NEUTRAL, '2.0'] });
  setupSwagger(app, auth);
  await app.init();
  await fastify.ready();
  return app;
}

/**
 * Requests Node refuses before fastify routes them (headers over the 16 KiB
 * limit, broken HTTP, a request that took too long) get problem JSON too,
 * instead of fastify's default `{"error": ...}` body (CONTRACT.md, Errors).
 */
function answerClientError(error: { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const detail =
    status === 431 ? TRANSPORT_PROBLEM_DETAILS[431] : status === 408 ? TRANSPORT_PROBLEM_DETAILS[408] : 'The request is not valid HTTP';
  const { type, title, problem } = problemFor(status);
  const body = JSON.stringify({ type, title, status, detail, instance: '/', problem });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Requests the router refuses before any hook runs (a malformed %-escape in
 * the path is 400, a path parameter over 100 characters 414) get problem JSON
 * too, instead of fastify's default `{"statusCode": ...}` body.
 */
function answerRouterError(error: { statusCode?: number }, request: FastifyRequest, reply: FastifyReply): void {
  const status = error.statusCode === 414 ? 414 : error.statusCode === 400 ? 400 : 500;
  const detail =
    status === 414
      ? TRANSPORT_PROBLEM_DETAILS[414]
      : status === 400
        ? 'The request path is not valid (malformed percent-encoding)'
        : 'An unexpected error occurred; nothing was changed';
  const { type, title, problem } = problemFor(status);
  const instance = (request.url ?? '/').split('?')[0].slice(0, 2048);
  void reply.status(status).header('Content-Type', PROBLEM_CONTENT_TYPE).send({ type, title, status, detail, instance, problem });
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The JSON body parser: fastify's (with its prototype-poisoning checks), but
 * on bytes decoded strictly. JSON is UTF-8 (RFC 8259); bytes that are not are
 * refused with a 400 instead of being replaced by U+FFFD and stored.
 */
function strictUtf8JsonParser(fastify: FastifyInstance) {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  return (request: FastifyRequest, body: Buffer, done: (error: Error | null, parsed?: unknown) => void): void => {
    let text: string;
    try {
      text = UTF8.decode(body);
    } catch {
      done(new ValidationProblem([{ tag: 'body', error: 'invalid-format', message: 'The body must be JSON encoded as UTF-8' }]));
      return;
    }
    parse(request, text, done);
  };
}
