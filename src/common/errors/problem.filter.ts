import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Inject, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { databaseConfig, type DatabaseConfig } from '../../config';
import { isDatabaseUnavailable } from '../../database/database-errors';
import { PROBLEM_CONTENT_TYPE, ProblemBody, problemFor } from './problem';
import { ProblemException } from './problem.exception';

interface Answer {
  status: number;
  detail: string;
  errors?: ProblemBody['errors'];
  headers: Record<string, string>;
}

/**
 * The one place errors become answers: every failure is RFC 9457 problem JSON.
 * Nothing internal (stack, SQL, class names) reaches the client; unexpected
 * failures are logged with the request id instead.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  constructor(@Inject(databaseConfig.KEY) private readonly database: Pick<DatabaseConfig, 'retryAfterSeconds'>) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<FastifyRequest>();
    const reply = context.getResponse<FastifyReply>();
    const answer = this.answer(exception, request);
    const { problem, title, type } = problemFor(answer.status);
    const body: ProblemBody = {
      type,
      title,
      status: answer.status,
      detail: answer.detail,
      instance: (request.url ?? '/').split('?')[0].slice(0, 2048),
      problem,
      ...(answer.errors ? { errors: answer.errors } : {}),
    };
    if (reply.sent) return;
    reply.status(answer.status).headers(answer.headers).header('Content-Type', PROBLEM_CONTENT_TYPE).send(body);
  }

  private answer(exception: unknown, request: FastifyRequest): Answer {
    if (exception instanceof ProblemException) {
      return { status: exception.status, detail: exception.detail, errors: exception.errors, headers: exception.headers };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      return { status, detail: describeHttpException(exception, message, request), headers: {} };
    }
    const failure = exception as { statusCode?: unknown; code?: unknown; message?: unknown; name?: unknown };
    // Errors fastify raises while reading the request (body too large, bad JSON, wrong content type).
    if (typeof failure?.statusCode === 'number' && failure.statusCode >= 400 && failure.statusCode < 500) {
      return { status: failure.statusCode, detail: describeClientError(failure), headers: {} };
    }
    if (isDatabaseUnavailable(failure)) {
      this.logger.warn(`Database unavailable: ${String(failure.message ?? failure.code)}`);
      return {
        status: 503,
        detail: 'The event store is temporarily unavailable; nothing was changed. Retry later.',
        headers: { 'Retry-After': String(this.database.retryAfterSeconds) },
      };
    }
    // The request goes with the line explicitly: no per-request context is tracked (async hooks cost every promise).
    this.logger.error({ msg: 'unexpected error', req: request, err: exception instanceof Error ? exception : new Error(String(exception)) });
    return { status: 500, detail: 'An unexpected error occurred; nothing was changed', headers: {} };
  }
}

/** Nest's own wording ("Cannot GET /x") names internals; say what happened in the API's words. */
function describeHttpException(exception: HttpException, message: unknown, request: FastifyRequest): string {
  const status = exception.getStatus();
  if (status === 404 && (typeof message !== 'string' || message.startsWith('Cannot '))) {
    return `No resource at ${request.method} ${(request.url ?? '').split('?')[0].slice(0, 200)}`;
  }
  if (status === 429) return 'Too many requests from this client; retry after the time in Retry-After';
  return String(Array.isArray(message) ? message.join('; ') : (message ?? exception.message));
}

function describeClientError(failure: { code?: unknown; message?: unknown }): string {
  switch (failure.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than this service accepts';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'The request body must be application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The request body is empty; send a JSON object';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'The Content-Length does not match the body';
    default:
      return /JSON/i.test(String(failure.message)) ? 'The request body is not valid JSON' : 'The request could not be read';
  }
}
