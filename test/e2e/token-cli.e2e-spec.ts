import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_SCOPE, WRITE_SCOPE } from '../../src/common/auth/scopes';
import { DEFAULT_AUDIENCE, DEV_ISSUER } from '../../src/config/auth.config';
import { expectProblem } from '../support/problem';
import { repoRoot, run, userEnvironment } from '../support/processes';
import { databaseMode, startTestApp, TestApp } from '../support/test-app';
import { bearerChallenge, decodeJwt } from '../support/tokens';

const JWT_LINE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;

describe(`The local dev issuer as a user runs it (${databaseMode} database)`, () => {
  describe('npm run token', () => {
    let api: TestApp;

    beforeAll(async () => {
      api = await startTestApp();
    });
    afterAll(async () => {
      await api?.close();
    });

    const npmRunToken = (args: string[]) =>
      run('npm', ['run', 'token', '--', ...args], { cwd: repoRoot(), env: userEnvironment({ DATA_DIR: api.dataDir }), timeoutMs: 45_000 });

    it('prints exactly one JWT line, and that read-only, customer-bound token reads but cannot register', async () => {
      const result = await npmRunToken(['--customer-number', '1400269', '--scope', READ_SCOPE]);

      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(result.stdout).toMatch(JWT_LINE);
      const token = result.stdout.trim();
      expect(decodeJwt(token).claims).toMatchObject({
        iss: DEV_ISSUER,
        aud: DEFAULT_AUDIENCE,
        scope: READ_SCOPE,
        'customer-number': '1400269',
      });

      const list = await api.request('GET', '/customer-event/events?customer-number=1400269', { token });
      const register = await api.request('POST', '/customer-event/communication-events', {
        token,
        body: { 'customer-number': '1400269', 'workitem-id': `WI-cli-${Date.now()}`, medium: 'sms' },
      });

      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ 'page-number': 1, items: expect.any(Array) });
      expectProblem(register, 403, 'forbidden');
      expect(bearerChallenge(register.headers.get('www-authenticate')).attributes).toMatchObject({
        error: 'insufficient_scope',
        scope: WRITE_SCOPE,
      });
    });

    it('prints a read and write token by default, which can register', async () => {
      const result = await npmRunToken([]);

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(JWT_LINE);
      const token = result.stdout.trim();
      expect(decodeJwt(token).claims).toMatchObject({ scope: `${READ_SCOPE} ${WRITE_SCOPE}` });
      expect(decodeJwt(token).claims).not.toHaveProperty('customer-number');
      const register = await api.request('POST', '/customer-event/communication-events', {
        token,
        body: { 'customer-number': '1400269', 'workitem-id': `WI-cli-${Date.now()}`, medium: 'sms' },
      });
      expect(register.status).toBe(200);
    });

    it('prints nothing on stdout and fails with usage on stderr for a bad option', async () => {
      const result = await npmRunToken(['--expires-in', 'soon']);

      expect(result.code).not.toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/--expires-in must be a positive whole number/);
      expect(result.stderr).toMatch(/Usage: npm run token/);
    });
  });

  describe('NODE_ENV=production', () => {
    let dataDir: string;

    beforeAll(() => {
      dataDir = mkdtempSync(join(tmpdir(), 'customer-event-prod-'));
    });
    afterAll(() => {
      rmSync(dataDir, { recursive: true, force: true });
    });

    it.each([
      ['with the dev issuer on by default (no AUTH_JWKS_URI)', {}],
      ['with AUTH_DEV_ISSUER=true next to a JWKS', { AUTH_DEV_ISSUER: 'true', AUTH_JWKS_URI: 'http://127.0.0.1:9/jwks', AUTH_ISSUER: 'http://127.0.0.1:9' }],
    ])('refuses to start %s, naming AUTH_DEV_ISSUER', async (_case, auth: Record<string, string>) => {
      const result = await run('node', ['-r', 'ts-node/register', 'src/main.ts'], {
        cwd: repoRoot(),
        env: userEnvironment({ NODE_ENV: 'production', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...auth }),
        timeoutMs: 45_000,
      });

      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/AUTH_DEV_ISSUER: the local dev issuer cannot run with NODE_ENV=production/);
    });
  });
});
