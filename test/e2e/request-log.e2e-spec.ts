import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuerKeys } from '../../src/common/auth/dev-issuer.keys';
import { READ_SCOPE, WRITE_SCOPE } from '../../src/common/auth/scopes';
import { authConfig } from '../../src/config';
import { freePort } from '../support/private-postgres';
import { databaseMode, uniqueCustomer } from '../support/test-app';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface LogLine {
  level: number;
  msg: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
  subject?: string;
  clientId?: string;
  responseTime?: number;
  [field: string]: unknown;
}

/**
 * The logs as an operator sees them: `npm start`'s process with LOG_LEVEL=info,
 * its standard output read line by line.
 */
describe(`The request log (${databaseMode} database)`, () => {
  let lines: LogLine[];
  let stdout = '';
  let token: string;
  const cookie = 'session=never-logged-cookie';

  beforeAll(async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'request-log-'));
    const port = await freePort();
    const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', NODE_ENV: 'test', RATE_LIMIT_PER_MINUTE: '1000000' };
    const service: ChildProcess = spawn(process.execPath, ['-r', 'ts-node/register', 'src/main.ts'], { cwd: join(__dirname, '..', '..'), env, stdio: 'pipe' });
    service.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    const exited = new Promise<void>((resolve) => service.on('exit', () => resolve()));
    try {
      const origin = `http://127.0.0.1:${port}`;
      for (let attempt = 0; attempt < 300; attempt++) {
        if (await fetch(`${origin}/health/ready`).then((r) => r.status === 200, () => false)) break;
        await sleep(200);
      }
      const saved = { ...process.env };
      Object.assign(process.env, { DATA_DIR: dataDir });
      token = DevIssuerKeys.loadOrCreate(dataDir).issue(authConfig(), { subject: 'log-user', clientId: 'log-client', scope: `${READ_SCOPE} ${WRITE_SCOPE}`, expiresInSeconds: 600 });
      process.env = saved;
      const send = (id: string, path: string, init: RequestInit & { anonymous?: boolean } = {}) =>
        fetch(`${origin}${path}`, {
          ...init,
          headers: { 'x-request-id': id, cookie, ...(init.anonymous ? {} : { authorization: `Bearer ${token}` }), ...(init.headers as Record<string, string>) },
        }).then((response) => response.text().then(() => response.status));

      expect(await send('log-health', '/health', { anonymous: true })).toBe(200);
      expect(await send('log-read', '/customer-event/classifications?x=1')).toBe(200);
      expect(await send('log-anonymous', '/customer-event/classifications', { anonymous: true })).toBe(401);
      expect(await send('log-missing', '/no-such-page')).toBe(404);
      const body = JSON.stringify({ 'customer-number': uniqueCustomer(), content: 'logged' });
      expect(await send('log-write', '/customer-event/social-events', { method: 'POST', body, headers: { 'content-type': 'application/json' } })).toBe(200);
    } finally {
      service.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
    lines = stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
  }, 120_000);

  const completed = (id: string) => lines.filter((line) => line.req?.id === id && line.msg === 'request completed');

  it('writes one line per request: id, method, URL, status, time and, once the token is checked, who called', () => {
    for (const id of ['log-health', 'log-read', 'log-anonymous', 'log-missing', 'log-write']) expect(completed(id)).toHaveLength(1);
    const [read] = completed('log-read');
    expect(read).toEqual({
      level: 30,
      time: expect.any(Number),
      pid: expect.any(Number),
      hostname: expect.any(String),
      req: { id: 'log-read', method: 'GET', url: '/customer-event/classifications?x=1' },
      subject: 'log-user',
      clientId: 'log-client',
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
      msg: 'request completed',
    });
    expect(completed('log-write')[0]).toMatchObject({ req: { method: 'POST', url: '/customer-event/social-events' }, subject: 'log-user', clientId: 'log-client' });
  });

  it('logs by status: 4xx as warnings, without a caller when none was identified', () => {
    expect(completed('log-anonymous')[0]).toMatchObject({ level: 40, res: { statusCode: 401 } });
    expect(completed('log-anonymous')[0]).not.toHaveProperty('subject');
    expect(completed('log-missing')[0]).toMatchObject({ level: 40, res: { statusCode: 404 }, req: { url: '/no-such-page' } });
    expect(completed('log-health')[0]).toMatchObject({ level: 30, res: { statusCode: 200 } });
  });

  it('ties what is logged while handling a request to that request', () => {
    const registered = lines.find((line) => line.msg === 'event registered');
    expect(registered).toMatchObject({ req: { id: 'log-write', method: 'POST' }, context: 'Registration', eventKind: 'SocialEvent', subject: 'log-user', clientId: 'log-client' });
    const outside = lines.find((line) => line.context === 'Bootstrap');
    expect(outside).toBeDefined();
    expect(outside).not.toHaveProperty('req');
  });

  it('never logs tokens, cookies or bodies', () => {
    expect(stdout).not.toContain(token);
    expect(stdout).not.toContain(token.split('.')[2]);
    expect(stdout).not.toContain('never-logged-cookie');
    expect(stdout).not.toMatch(/authorization|"logged"/i);
  });
});
