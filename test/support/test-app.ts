import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.factory';
import { DevIssuerKeys, DevTokenClaims } from '../../src/common/auth/dev-issuer.keys';
import { READ_SCOPE, WRITE_SCOPE } from '../../src/common/auth/scopes';
import { authConfig, AuthConfig } from '../../src/config';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  app: NestFastifyApplication;
  /** http://127.0.0.1:PORT */
  origin: string;
  dataDir: string;
  /** A dev-issuer token; read and write scopes, no customer binding unless given. */
  token(claims?: Partial<DevTokenClaims>): string;
  /** A request over real HTTP; `path` is relative to the origin. Uses a read+write token unless `token` is given (null: none). */
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  close(): Promise<void>;
}

/** Whether this run talks to a real PostgreSQL (DATABASE_URL) or the embedded one. */
export const databaseMode = process.env.DATABASE_URL ? 'postgresql' : 'embedded';

/**
 * Starts the service as `npm start` does (same factory), listening on a free
 * loopback port, with its own data folder. Embedded PostgreSQL unless
 * DATABASE_URL is set.
 */
export async function startTestApp(env: Record<string, string | undefined> = {}): Promise<TestApp> {
  const saved = { ...process.env };
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'customer-event-test-'));
  Object.assign(process.env, { NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: '1000000' }, env);
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete process.env[name];
  let app: NestFastifyApplication;
  try {
    app = await createApp({ logger: false });
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    process.env = saved;
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const address = app.getHttpServer().address() as { port: number };
  const origin = `http://127.0.0.1:${address.port}`;
  const auth = app.get<AuthConfig>(authConfig.KEY);
  const keys = auth.devIssuer ? DevIssuerKeys.loadOrCreate(dataDir) : undefined;
  const token = (claims: Partial<DevTokenClaims> = {}) => {
    if (!keys) throw new Error('The dev issuer is off in this test app');
    return keys.issue(auth, { subject: 'test-user', scope: `${READ_SCOPE} ${WRITE_SCOPE}`, expiresInSeconds: 600, ...claims });
  };
  const defaultToken = keys ? token() : undefined;

  return {
    app,
    origin,
    dataDir,
    token,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const bearer = options.token === undefined ? defaultToken : options.token;
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      let payload: string | undefined = options.rawBody;
      if (options.body !== undefined) {
        payload = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const response = await fetch(`${origin}${path}`, { method, headers, body: payload });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, headers: response.headers, body: body as any, text };
    },
    async close() {
      await app.close();
      process.env = saved;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A customer number no other test (or earlier run on a shared database) uses. */
export function uniqueCustomer(): string {
  return `T${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`.toUpperCase().slice(0, 20);
}
