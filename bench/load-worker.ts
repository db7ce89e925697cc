import 'reflect-metadata';
import { parentPort, workerData } from 'node:worker_threads';
import { CopyLayout, CopyRowWriter } from './copy-rows';
import { DatasetPlan } from './dataset';

/**
 * A generator thread of the loader: asks the main thread for runs of
 * customers, renders their rows as COPY text and hands the bytes over, at most
 * two parts ahead of what the main thread has written (memory stays bounded).
 */
interface WorkerInput {
  plan: DatasetPlan;
  layout: CopyLayout;
  flushEvents: number;
}

const port = parentPort!;
const { plan, layout, flushEvents } = workerData as WorkerInput;
const MAX_AHEAD = 2;
let ahead = 0;
let waiting: (() => void) | undefined;
let nextChunk: ((chunk: { chunk: number; indexes: number[] | null }) => void) | undefined;
let chunk = -1;

port.on('message', (message: { type: 'credit' } | { type: 'chunk'; chunk: number; indexes: number[] | null }) => {
  if (message.type === 'credit') {
    ahead--;
    waiting?.();
    waiting = undefined;
  } else {
    nextChunk?.(message);
    nextChunk = undefined;
  }
});

const writer = new CopyRowWriter(plan, layout, flushEvents, async (parts, events) => {
  const transfer: ArrayBuffer[] = [];
  for (const part of parts) if (part !== null) transfer.push(part.buffer as ArrayBuffer);
  ahead++;
  port.postMessage({ type: 'data', chunk, events, parts }, transfer);
  while (ahead >= MAX_AHEAD) await new Promise<void>((resolve) => (waiting = resolve));
});

async function run(): Promise<void> {
  for (;;) {
    const next = await new Promise<{ chunk: number; indexes: number[] | null }>((resolve) => {
      nextChunk = resolve;
      port.postMessage({ type: 'ready' });
    });
    if (next.indexes === null) break;
    chunk = next.chunk;
    // Each chunk ends with its own part: the main thread writes chunks strictly in order.
    await writer.writeCustomers(next.indexes);
    await writer.finish();
    port.postMessage({ type: 'chunk-done', chunk });
  }
  while (ahead > 0) await new Promise<void>((resolve) => (waiting = resolve));
  port.postMessage({ type: 'done' });
}

run().catch((error: Error) => port.postMessage({ type: 'error', message: error.stack ?? error.message }));
