// Drives a server with the load generator thread (load-worker.ts) and summarises what it saw.
import { Worker } from 'node:worker_threads';
// The worker is plain JavaScript: worker threads do not inherit tsx's TypeScript loader.
export interface LoadJob {
  host: string;
  port: number;
  /** Request paths with their headers; request i uses entry i % length. */
  requests: Array<{ path: string; headers: Record<string, string> }>;
  connections: number;
  seconds: number;
  /** Requests per second for the open loop; absent = closed loop. */
  rate?: number;
  /** Closed loop only: stop after this many requests (warm-up). */
  maxRequests?: number;
}

interface LoadResult {
  requests: number;
  non200: number;
  errors: number;
  seconds: number;
  /** Latencies in microseconds, unsorted. */
  latenciesUs: Float64Array;
}


export interface LoadSummary {
  requests: number;
  non200: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function runLoad(job: LoadJob): Promise<LoadSummary> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), { workerData: job });
    worker.once('error', reject);
    worker.once('message', (result: LoadResult) => {
      const sorted = result.latenciesUs.sort();
      const ms = (us: number) => round(us / 1000);
      resolve({
        requests: result.requests,
        non200: result.non200,
        errors: result.errors,
        seconds: round(result.seconds),
        requestsPerSecond: Math.round(result.requests / result.seconds),
        p50Ms: ms(percentile(sorted, 50)),
        p90Ms: ms(percentile(sorted, 90)),
        p99Ms: ms(percentile(sorted, 99)),
        maxMs: ms(sorted[sorted.length - 1] ?? NaN),
      });
      void worker.terminate();
    });
  });
}
