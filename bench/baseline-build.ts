import { build } from 'esbuild';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/** Where the benchmarks put the baseline as plain JavaScript. */
export const BASELINE_JS = join(ROOT, 'bench', 'data', 'baseline-server.js');

/**
 * The baseline as plain JavaScript, as the service runs. Under ts-node it would
 * run with Node's `domain` module loaded (ts-node's REPL needs it), which puts a
 * domain check into every event emitter of the process: a slower yardstick.
 * Packages stay external: the baseline loads the same installed pg, fastify and jose.
 */
export async function buildBaseline(): Promise<void> {
  await build({
    entryPoints: [join(ROOT, 'bench', 'baseline-server.ts')],
    outfile: BASELINE_JS,
    bundle: true,
    packages: 'external',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    logLevel: 'warning',
  });
}
