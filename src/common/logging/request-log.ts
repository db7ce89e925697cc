import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import type { Caller } from '../auth/caller';

const ABORTED = Symbol('aborted');
type Aborted = FastifyRequest & { [ABORTED]?: true };

/**
 * One line per request, written by fastify hooks rather than pino-http as
 * Nest middleware (which runs through @fastify/middie and builds a child
 * logger for every request): the request's id, method and URL, the caller's
 * subject and client id once the token is checked, status and time, at a
 * level by status. Tokens, cookies and bodies are never logged: the `req`
 * serializer keeps only id, method and URL.
 */
@Injectable()
export class RequestLog {
  install(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request, reply, done) => {
      if (!(request as Aborted)[ABORTED]) this.completed(request, reply);
      done();
    });
    // A client that hangs up before its answer is written gets no onResponse.
    fastify.addHook('onRequestAbort', (request, done) => {
      (request as Aborted)[ABORTED] = true;
      this.aborted(request);
      done();
    });
  }

  private aborted(request: FastifyRequest): void {
    const logger = PinoLogger.root;
    if (!logger.isLevelEnabled('info')) return;
    const caller = (request as { user?: Caller }).user;
    logger.info({ req: request, subject: caller?.subject, clientId: caller?.clientId }, 'request aborted');
  }

  private completed(request: FastifyRequest, reply: FastifyReply): void {
    const logger = PinoLogger.root;
    const status = reply.statusCode;
    const level = status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
    if (!logger.isLevelEnabled(level)) return;
    const caller = (request as { user?: Caller }).user;
    const line = { req: request, subject: caller?.subject, clientId: caller?.clientId, res: reply };
    const responseTime = Math.round(reply.elapsedTime);
    if (status >= 500) {
      logger.error({ ...line, err: new Error(`failed with status code ${status}`), responseTime }, 'request errored');
    } else {
      logger[level]({ ...line, responseTime }, 'request completed');
    }
  }
}
