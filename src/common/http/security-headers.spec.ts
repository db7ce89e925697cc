import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { API_HEADERS, EXPLORER_HEADERS, helmetHeaders, installResponseHeaders } from './security-headers';

/** The header lines of a real HTTP answer, in order, without Date and X-Request-Id; names in lower case (they are case-insensitive). */
async function headerLines(setup: (fastify: FastifyInstance) => PromiseLike<unknown>, path: string): Promise<string[]> {
  const fastify = new FastifyAdapter().getInstance();
  await setup(fastify);
  fastify.get('/page', (_request, reply) => reply.header('X-Frame-Options', 'DENY').type('text/html').send('<p>page</p>'));
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = fastify.server.address() as AddressInfo;
    const response = await new Promise<IncomingMessage>((resolve, reject) => get({ host: '127.0.0.1', port, path }, resolve).on('error', reject));
    response.resume();
    const lines: string[] = [];
    for (let i = 0; i < response.rawHeaders.length; i += 2) {
      const name = response.rawHeaders[i].toLowerCase();
      if (name !== 'date' && name !== 'x-request-id') lines.push(`${name}: ${response.rawHeaders[i + 1]}`);
    }
    return lines;
  } finally {
    await fastify.close();
  }
}

const variants: Array<[string, FastifyHelmetOptions]> = [
  ['the defaults', {}],
  ["the API's options", API_HEADERS.helmet],
  ["the explorer's options", EXPLORER_HEADERS.helmet],
  ['headers turned off or changed', { contentSecurityPolicy: false, frameguard: { action: 'deny' }, hsts: { maxAge: 60 } }],
];

describe('Security headers computed once', () => {
  it.each(variants)('are the headers @fastify/helmet sends, with the same values in the same order, with %s', async (_name, options) => {
    for (const path of ['/page', '/missing']) {
      const expected = await headerLines((fastify) => fastify.register(fastifyHelmet, options), path);
      expect(await headerLines((fastify) => installResponseHeaders(fastify, { helmet: options }), path)).toEqual(expected);
    }
  });

  it('come with the request id fastify gave the request', async () => {
    const fastify = new FastifyAdapter().getInstance();
    await installResponseHeaders(fastify, API_HEADERS);
    fastify.get('/page', (request, reply) => reply.send({ id: request.id }));
    const response = await fastify.inject('/page');
    expect(response.headers['x-request-id']).toBe(response.json<{ id: string }>().id);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it("are the API's on JSON answers and the explorer's under its prefix", async () => {
    const fastify = new FastifyAdapter().getInstance();
    await installResponseHeaders(fastify, API_HEADERS, { prefix: '/explorer', profile: EXPLORER_HEADERS });
    fastify.get('/customer-event/events', (_request, reply) => reply.send({ items: [] }));
    fastify.get('/explorer/', (_request, reply) => reply.type('text/html').send('<p>explorer</p>'));
    const api = await fastify.inject('/customer-event/events');
    expect(api.headers).toMatchObject({
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'strict-transport-security': expect.stringContaining('max-age='),
      'cross-origin-resource-policy': 'same-origin',
    });
    expect(api.headers).not.toHaveProperty('x-xss-protection');
    const page = await fastify.inject('/explorer/');
    expect(page.headers['content-security-policy']).toContain("style-src 'self' 'unsafe-inline'");
    expect(page.headers).not.toHaveProperty('cache-control');
    expect(page.headers['x-frame-options']).toBe('SAMEORIGIN');
    await fastify.close();
  });

  it('are only what helmet sets, not what the probe answer carried', async () => {
    const names = (await helmetHeaders({})).map(([name]) => name.toLowerCase());
    expect(names).toContain('content-security-policy');
    expect(names).not.toContain('content-length');
    expect(names).not.toContain('content-type');
  });

  it('refuse what differs per request: nonces, directives computed by a function', async () => {
    await expect(helmetHeaders({ enableCSPNonces: true })).rejects.toThrow(/per request/);
    const perRequest = { contentSecurityPolicy: { directives: { scriptSrc: ["'self'", () => "'nonce-x'"] } } };
    await expect(helmetHeaders(perRequest)).rejects.toThrow(/per request/);
  });
});
