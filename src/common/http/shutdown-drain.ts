import { Injectable } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { PROBLEM_CONTENT_TYPE, problemFor } from '../errors/problem';

/**
 * Draining before shutdown. Once draining, readiness fails (load balancers
 * stop routing here), new requests get 503 with `Connection: close` and
 * Retry-After instead of a reset, and requests already in flight finish.
 * Only then is the listener closed.
 */
@Injectable()
export class ShutdownDrain {
  private inFlight = 0;
  private draining = false;
  private idle?: () => void;

  get isDraining(): boolean {
    return this.draining;
  }

  install(fastify: FastifyInstance): void {
    // Callback hooks, not async ones: they run on every request, and a promise each is not free.
    fastify.addHook('onRequest', (request, _reply, done) => {
      this.inFlight++;
      (request as { countedInFlight?: boolean }).countedInFlight = true;
      done();
    });
    // Refuse in preHandler, after the body is read: closing a socket with unread request bytes would reset it.
    fastify.addHook('preHandler', (request, reply, done) => {
      if (!this.draining || request.url.startsWith('/health')) return done();
      const { problem, title, type } = problemFor(503);
      void reply
        .code(503)
        .header('Connection', 'close')
        .header('Retry-After', '1')
        .header('Content-Type', PROBLEM_CONTENT_TYPE)
        .send({ type, title, status: 503, detail: 'This instance is shutting down; retry the request', instance: request.url.split('?')[0], problem });
    });
    fastify.addHook('onResponse', (request, _reply, done) => {
      this.countOut(request);
      done();
    });
    // A client that hangs up before its answer is written gets no onResponse; it is no longer in flight either.
    fastify.addHook('onRequestAbort', (request, done) => {
      this.countOut(request);
      done();
    });
  }

  private countOut(request: object): void {
    const counted = request as { countedInFlight?: boolean };
    if (!counted.countedInFlight) return;
    counted.countedInFlight = false;
    this.inFlight--;
    if (this.draining && this.inFlight === 0) this.idle?.();
  }

  /**
   * Starts draining; resolves once `minimumMs` have passed (time for load
   * balancers to notice) and no request is in flight, or after `timeoutMs`.
   */
  async drain(minimumMs: number, timeoutMs: number): Promise<void> {
    this.draining = true;
    const deadline = Date.now() + timeoutMs;
    await new Promise((resolve) => setTimeout(resolve, Math.min(minimumMs, timeoutMs)));
    if (this.inFlight === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      this.idle = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
