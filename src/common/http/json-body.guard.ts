import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ProblemException } from '../errors/problem.exception';
import { API_ROOT } from './public-url';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The API takes JSON bodies only. fastify also parses text/plain and Nest adds
 * form bodies (the dev token endpoint needs those), so anything else sent to
 * /customer-event is refused with 415 — after the token check, so an
 * unauthenticated caller learns nothing but 401.
 */
@Injectable()
export class JsonBodyGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ method: string; url: string; headers: Record<string, string | undefined> }>();
    if (!BODY_METHODS.has(request.method) || !request.url.startsWith(API_ROOT)) return true;
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType === 'application/json' || mediaType.endsWith('+json')) return true;
    throw new ProblemException(415, 'The request body must be application/json');
  }
}
