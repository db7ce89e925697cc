import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');

/**
 * The Node.js flags `npm start` runs the service with (package.json's
 * `start:prod`, e.g. its heap limit), so the benchmark and the soak test
 * measure the service as it is deployed, not as a bare `node dist/main.js`.
 */
export function serviceNodeFlags(): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  const words = scripts['start:prod'].trim().split(/\s+/);
  if (words[0] !== 'node' || words[words.length - 1] !== 'dist/main.js') {
    throw new Error(`package.json start:prod should be "node [flags] dist/main.js", not "${scripts['start:prod']}"`);
  }
  return words.slice(1, -1);
}
