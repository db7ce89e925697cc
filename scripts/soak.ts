/**
 * Soak run (not a test): starts the compiled service, drives it with mixed
 * traffic — lists, details, kind details, registrations — for SOAK_SECONDS
 * (default 600), and reports the service's RSS at the start and the end, with
 * request totals. A growing RSS across runs of different lengths is a leak.
 *
 *   npm run build && npm run soak                         # embedded database in a temp folder
 *   DATABASE_URL=postgres://... SOAK_SECONDS=120 npm run soak
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DevIssuerKeys } from '../src/common/auth/dev-issuer.keys';
import { authConfig } from '../src/config';
import { serviceNodeFlags } from './service-command';

const seconds = Number(process.env.SOAK_SECONDS ?? 600);
const port = Number(process.env.SOAK_PORT ?? 62290);
const origin = `http://127.0.0.1:${port}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const rssMb = (pid: number) => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'));
  return Math.round(Number(line?.replace(/\D+/g, '') ?? 0) / 1024);
};

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'soak-'));
  const env = { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', RATE_LIMIT_PER_MINUTE: '100000000' };
  const service = spawn(process.execPath, [...serviceNodeFlags(), 'dist/main.js'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    for (let i = 0; i < 300; i++) {
      if ((await fetch(`${origin}/health/ready`).then((r) => r.status, () => 0)) === 200) break;
      await sleep(100);
    }
    process.env.DATA_DIR = dataDir;
    const token = DevIssuerKeys.loadOrCreate(dataDir).issue(authConfig(), { subject: 'soak', scope: 'customer-event:read customer-event:write', expiresInSeconds: seconds + 600 });
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const customer = `SOAK${Date.now()}`.slice(0, 20);
    for (let i = 0; i < 200; i++) {
      await fetch(`${origin}/customer-event/communication-events`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ 'customer-number': customer, 'workitem-id': `seed-${i}`, medium: 'email', title: 'soak' }),
      });
    }
    const list = (await (await fetch(`${origin}/customer-event/events?customer-number=${customer}&page-size=100`, { headers })).json()) as { items: { 'event-id': number }[] };
    const ids = list.items.map((item) => item['event-id']);
    const pick = () => ids[Math.floor(Math.random() * ids.length)];

    const startRss = rssMb(service.pid!);
    process.stdout.write(`soak: ${seconds} s of mixed load on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'the embedded database'}; RSS at start ${startRss} MB\n`);
    const result = await autocannon({
      url: origin,
      connections: 16,
      duration: seconds,
      headers,
      requests: [
        { method: 'GET', setupRequest: (request) => ({ ...request, path: `/customer-event/events?customer-number=${customer}&page-number=${1 + Math.floor(Math.random() * 10)}` }) },
        { method: 'GET', setupRequest: (request) => ({ ...request, path: `/customer-event/events/${pick()}` }) },
        { method: 'GET', setupRequest: (request) => ({ ...request, path: `/customer-event/communication-events/${pick()}` }) },
        {
          method: 'POST',
          setupRequest: (request) => ({
            ...request,
            path: '/customer-event/social-events',
            body: JSON.stringify({ 'customer-number': customer, content: `soak ${randomUUID()}` }),
          }),
        },
      ],
    });
    const endRss = rssMb(service.pid!);
    const non2xx = (result as unknown as { non2xx: number }).non2xx;
    process.stdout.write(
      `soak: ${result.requests.total} requests (${Math.round(result.requests.average)}/s), ${result.errors} errors, ${non2xx} non-2xx, ` +
        `p99 ${result.latency.p99} ms; RSS at start ${startRss} MB, at end ${endRss} MB (${endRss - startRss >= 0 ? '+' : ''}${endRss - startRss} MB)\n`,
    );
  } finally {
    service.kill('SIGTERM');
    await new Promise((resolve) => service.on('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`soak failed: ${error.message}\n`);
  process.exit(1);
});
