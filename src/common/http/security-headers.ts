import fastifyHelmet, { type FastifyHelmetOptions } from '@fastify/helmet';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';

type Header = readonly [name: string, value: string | number | readonly string[]];

/** A set of response headers: helmet's, from these options, and any of the service's own. */
export interface HeaderProfile {
  helmet: FastifyHelmetOptions;
  own?: Readonly<Record<string, string>>;
}

/**
 * What JSON answers carry (the API, health, metrics, errors): the headers the
 * OWASP REST Security Cheat Sheet asks of every API response. No caching of
 * customer data by browsers or intermediaries; a policy that lets nothing load
 * and nothing frame the answer; no MIME sniffing; HSTS; no cross-origin reads.
 * Helmet's document policies (opener, origin cluster, DNS prefetch, download
 * and Flash options, the XSS auditor switch) govern pages a browser renders,
 * which a JSON answer never is, so they are left to the explorer's pages.
 */
export const API_HEADERS: HeaderProfile = {
  helmet: {
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
    crossOriginOpenerPolicy: false,
    originAgentCluster: false,
    dnsPrefetchControl: false,
    ieNoOpen: false,
    permittedCrossDomainPolicies: false,
    xssFilter: false,
  },
  own: { 'cache-control': 'no-store' },
};

/** The Swagger explorer's pages: helmet's defaults, with the CSP the page needs (its own inline styles and data: images). */
export const EXPLORER_HEADERS: HeaderProfile = {
  helmet: {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        // Plain http is normal on a developer's machine; TLS is the proxy's business.
        upgradeInsecureRequests: null,
      },
    },
  },
};

/**
 * Security headers on every response, computed once, with the request's
 * X-Request-Id: the API's profile, or the explorer's for paths under its
 * prefix. @fastify/helmet runs helmet's middleware on each
 * request, which parses the CSP directives and builds every header value
 * again; with options that do not depend on the request (no nonces, no
 * directive computed by a function) the result is always the same. So
 * @fastify/helmet, with the same options, answers one request on a private
 * fastify instance at start-up, and one hook puts the headers it set, with the
 * same values and order, among the reply's headers.
 *
 * Among the reply's headers, not on the raw response as helmet does: a raw
 * response that already has headers when fastify writes its own takes Node's
 * slow path, which sets every header of the answer one by one again (5-10% of
 * a detail request's instructions). Names go out in lower case, as fastify sends
 * all of its own (header names are case-insensitive, RFC 9110 section 5.1).
 * A hijacked reply, which writes the raw response itself, would not get them;
 * this service never hijacks one.
 */
export async function installResponseHeaders(
  fastify: FastifyInstance,
  profile: HeaderProfile,
  pages?: { prefix: string; profile: HeaderProfile },
): Promise<void> {
  const headers = await headersOf(profile);
  const pageHeaders = pages ? await headersOf(pages.profile) : headers;
  const pagePrefix = pages?.prefix;
  // One callback hook for both: it runs on every request, and each hook is a step of fastify's chain.
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.headers(pagePrefix !== undefined && request.url.startsWith(pagePrefix) ? pageHeaders : headers);
    reply.header('x-request-id', request.id);
    done();
  });
}

async function headersOf({ helmet, own = {} }: HeaderProfile): Promise<Record<string, string | number | string[]>> {
  const headers: Record<string, string | number | string[]> = {};
  for (const [name, value] of await helmetHeaders(helmet)) headers[name.toLowerCase()] = typeof value === 'object' ? [...value] : value;
  for (const [name, value] of Object.entries(own)) headers[name.toLowerCase()] = value;
  return headers;
}

/** The headers @fastify/helmet sets on a response, in the order it sets them. */
export async function helmetHeaders(options: FastifyHelmetOptions): Promise<readonly Header[]> {
  if (dependsOnRequest(options)) throw new Error('CSP nonces and directives computed per request cannot be computed once');
  const headers: Header[] = [];
  let recording = true;
  const probe = new FastifyAdapter().getInstance();
  try {
    probe.addHook('onRequest', (_request, reply, done) => {
      const response = reply.raw;
      const setHeader = response.setHeader.bind(response);
      response.setHeader = (name, value) => {
        if (recording) headers.push([name, value]);
        return setHeader(name, value);
      };
      done();
    });
    await probe.register(fastifyHelmet, options);
    probe.get('/', (_request, reply) => {
      // What fastify itself sets from here on (Content-Length, ...) is not helmet's.
      recording = false;
      return reply.send();
    });
    await probe.inject('/');
  } finally {
    await probe.close();
  }
  if (headers.length === 0) throw new Error('helmet set no headers');
  return headers;
}

function dependsOnRequest(options: FastifyHelmetOptions): boolean {
  const csp = options.contentSecurityPolicy;
  const directives = typeof csp === 'object' && csp.directives ? Object.values(csp.directives) : [];
  return Boolean(options.enableCSPNonces) || directives.some((value) => typeof value === 'function' || (Array.isArray(value) && value.some((item) => typeof item === 'function')));
}
