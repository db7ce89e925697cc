import type { FastifyInstance } from 'fastify';
import { API_ROOT } from './public-url';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/**
 * The API takes JSON bodies only. fastify would also parse text/plain and
 * Nest adds form bodies (the dev token endpoint needs those), so a form or a
 * text body sent to /customer-event is refused with 415 before it is read.
 */
export function acceptJsonBodiesOnly(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request) => {
    if (!BODY_METHODS.has(request.method) || !request.url.startsWith(API_ROOT)) return;
    const mediaType = (request.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/json' && !(mediaType === '' && request.headers['content-length'] === undefined && !request.headers['transfer-encoding'])) {
      throw Object.assign(new Error('Unsupported Media Type'), { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE' });
    }
  });
}
