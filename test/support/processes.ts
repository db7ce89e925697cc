import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The repository root: Jest runs from it (`npm test`); checked, so a wrong cwd fails loudly. */
export function repoRoot(): string {
  const root = process.cwd();
  const manifest = join(root, 'package.json');
  if (!existsSync(manifest) || JSON.parse(readFileSync(manifest, 'utf8')).name !== 'customer-event-api') {
    throw new Error(`Run the tests from the repository root (cwd is ${root})`);
  }
  return root;
}

/**
 * The environment of a user's shell: this process's environment without what
 * `npm test` and the test app put into it (npm_* variables, NODE_ENV=test,
 * the test app's settings), plus `extra`. An `undefined` in `extra` removes a variable.
 */
export function userEnvironment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^(npm_|NODE_ENV$|DATA_DIR$|LOG_LEVEL$|RATE_LIMIT_PER_MINUTE$|AUTH_|PORT$|HOST$)/i.test(name),
  );
  const env: NodeJS.ProcessEnv = Object.fromEntries(inherited);
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs a command to completion (no shell), killing it if it outlives `timeoutMs`. */
export function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
