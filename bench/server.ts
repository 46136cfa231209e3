// The server as an operator runs it: spawns `node --import tsx src/main.ts` on a fresh embedded
// database and measures the time from spawn to /ready (initdb, migrations and seeding the demo
// population included), the resident memory of the server's Node process idle, after a warm-up
// and after load, and the throughput and latency of signed-in GET /api/v1/me/record (an audited
// read: one committed transaction per request) over real HTTP.
//
// Options: --residents N (10,000 demo residents), --warmup N (2,000 requests), --seconds S (5,
// the measured load), --concurrency N (16), --sessions N (4 signed-in residents).
import { readFileSync, rmSync } from 'node:fs';
import { createPool, embeddedUrl } from '../src/core/db';
import { integerArgument } from '../src/cli/common';
import { HttpClient } from './lib/http-client';
import { descendants, sleep } from './lib/processes';
import { killAll, prepareServer, ServerProcess } from './lib/server-process';
import { machine, printResult } from './support';

const residents = integerArgument('residents', 10_000, 10, 10_000_000);
const warmupRequests = integerArgument('warmup', 2_000, 0, 1_000_000);
const loadSeconds = integerArgument('seconds', 5, 1, 120);
const concurrency = integerArgument('concurrency', 16, 1, 512);
const sessions = Math.min(integerArgument('sessions', 4, 1, 64), residents);
const READY_TIMEOUT_MS = 300_000;
const MAX_LOAD_REQUESTS = 2_000_000;
const TARGETS = { rssMb: 300, startupSeconds: 60 };

// ---------------------------------------------------------------------------------------------
// Memory from /proc: the Node process itself, and the Postgres processes below it.

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${field}:`));
  const kb = Number(/(\d+)\s*kB/.exec(line ?? '')?.[1]);
  if (!Number.isFinite(kb)) throw new Error(`no ${field} for pid ${pid}`);
  return kb / 1024;
}

/** Proportional set size of the server's Postgres processes (shared buffers counted once). */
function postgresPssMb(nodePid: number): { processes: number; pssMb: number } {
  let kb = 0;
  let processes = 0;
  for (const pid of descendants(nodePid)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres')) continue;
      const pss = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1];
      kb += Number(pss ?? 0);
      processes += 1;
    } catch {
      // gone meanwhile
    }
  }
  return { processes, pssMb: round(kb / 1024, 1) };
}

function round(value: number, digits = 0): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---------------------------------------------------------------------------------------------

const { dataDir, pgPort, base, env } = await prepareServer('server', residents);

let exitCode = 0;
try {
  // Start-up: spawn → /ready answers 200.
  const spawned = performance.now();
  const server = new ServerProcess(env);
  await server.waitReady(base, READY_TIMEOUT_MS);
  const startupSeconds = (performance.now() - spawned) / 1000;
  // The child is Node itself (no tsx wrapper process): its pid is the server's.
  const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
  if (!cmdline.includes('src/main.ts')) throw new Error(`unexpected server process: ${cmdline.join(' ')}`);
  const startupHwmMb = statusField(server.pid, 'VmHWM');
  // Proof that start-up did seed the population (straight from the embedded database).
  const check = createPool(embeddedUrl(pgPort, 'oncegov'), 1);
  let seededResidents: number;
  try {
    seededResidents = (await check.query<{ n: number }>('SELECT count(*)::int AS n FROM registry.residents')).rows[0]!.n;
  } finally {
    await check.end();
  }
  if (seededResidents < residents) throw new Error(`expected ${residents} demo residents, found ${seededResidents}`);
  await sleep(1_000);
  const idleRssMb = statusField(server.pid, 'VmRSS');
  const idlePostgres = postgresPssMb(server.pid);

  // Sign in through the real flow.
  const clients = Array.from({ length: sessions }, () => new HttpClient(base));
  const signInStarted = performance.now();
  for (const [i, client] of clients.entries()) await client.signIn(i + 1);
  const signInMs = (performance.now() - signInStarted) / sessions;
  const anonymous = new HttpClient(base);

  // Warm-up: pages, health and the API, at modest concurrency.
  const warmupPaths = ['/', '/health', '/me', '/api/v1/me/record'];
  const warmupStatuses: Record<string, number> = {};
  let warmupNext = 0;
  const warmupStarted = performance.now();
  const warmupDeadline = warmupStarted + 120_000;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (warmupNext < warmupRequests && performance.now() < warmupDeadline) {
        const n = warmupNext++;
        const path = warmupPaths[n % warmupPaths.length]!;
        const client = path === '/' && n % 8 === 0 ? anonymous : clients[n % clients.length]!;
        try {
          const response = await client.request(path);
          await response.arrayBuffer();
          warmupStatuses[response.status] = (warmupStatuses[response.status] ?? 0) + 1;
        } catch {
          warmupStatuses.error = (warmupStatuses.error ?? 0) + 1;
        }
      }
    }),
  );
  const warmupSeconds = (performance.now() - warmupStarted) / 1000;
  const afterWarmupRssMb = statusField(server.pid, 'VmRSS');

  // Load: signed-in GET /api/v1/me/record for a fixed time, bounded in count.
  const latencies: number[] = [];
  const loadStatuses: Record<string, number> = {};
  let sent = 0;
  const loadStarted = performance.now();
  const loadDeadline = loadStarted + loadSeconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      const client = clients[w % clients.length]!;
      while (performance.now() < loadDeadline && sent < MAX_LOAD_REQUESTS) {
        sent += 1;
        const t0 = performance.now();
        try {
          const response = await client.request('/api/v1/me/record');
          await response.arrayBuffer();
          loadStatuses[response.status] = (loadStatuses[response.status] ?? 0) + 1;
          if (response.status === 200) latencies.push(performance.now() - t0);
        } catch {
          loadStatuses.error = (loadStatuses.error ?? 0) + 1;
        }
      }
    }),
  );
  const loadElapsed = (performance.now() - loadStarted) / 1000;
  const afterLoadRssMb = statusField(server.pid, 'VmRSS');
  const peakRssMb = statusField(server.pid, 'VmHWM');
  const loadedPostgres = postgresPssMb(server.pid);
  latencies.sort((a, b) => a - b);

  // Orderly shutdown.
  const stopStarted = performance.now();
  const shutdownExitCode = await server.stop(30_000);
  const shutdownSeconds = (performance.now() - stopStarted) / 1000;

  const steadyRssMb = Math.max(idleRssMb, afterWarmupRssMb, afterLoadRssMb);
  const ok200 = loadStatuses['200'] ?? 0;
  printResult({
    benchmark: 'server',
    machine: machine(),
    residents,
    targets: { rssMb: `< ${TARGETS.rssMb}`, startupSeconds: `< ${TARGETS.startupSeconds}` },
    measured: { rssMb: round(steadyRssMb, 1), startupSeconds: round(startupSeconds, 2) },
    meetsTargets: { rssMb: steadyRssMb < TARGETS.rssMb, startupSeconds: startupSeconds < TARGETS.startupSeconds },
    startup: { seconds: round(startupSeconds, 2), seededResidents, includes: 'spawn, initdb, migrations, seeding the demo population, listen', peakRssMbDuringStartup: round(startupHwmMb, 1) },
    nodeRssMb: {
      idle: round(idleRssMb, 1),
      afterWarmup: round(afterWarmupRssMb, 1),
      afterLoad: round(afterLoadRssMb, 1),
      peak: round(peakRssMb, 1),
      note: 'VmRSS of the Node process running src/main.ts (rssMb above is the largest of idle, after warm-up, after load; peak is VmHWM, including seeding)',
    },
    postgres: { idle: idlePostgres, afterLoad: loadedPostgres, note: 'PSS summed over the embedded Postgres processes, shared memory counted once' },
    signIn: { sessions, msPerSignIn: round(signInMs, 1) },
    warmup: { requests: warmupNext, seconds: round(warmupSeconds, 2), concurrency: 8, paths: warmupPaths, statuses: warmupStatuses },
    load: {
      request: 'GET /api/v1/me/record (signed in, audited read)',
      concurrency,
      seconds: round(loadElapsed, 2),
      requests: sent,
      statuses: loadStatuses,
      requestsPerSecond: Math.round(ok200 / loadElapsed),
      latencyMs: {
        p50: round(percentile(latencies, 50), 2),
        p90: round(percentile(latencies, 90), 2),
        p99: round(percentile(latencies, 99), 2),
        max: round(latencies.at(-1) ?? NaN, 2),
      },
    },
    shutdown: { exitCode: shutdownExitCode, seconds: round(shutdownSeconds, 2) },
  });
  if (shutdownExitCode !== 0 || ok200 === 0) exitCode = 1;
} catch (error) {
  exitCode = 1;
  process.stderr.write(`server bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  killAll();
  // SIGKILL is delivered asynchronously: let the processes go before their data directory does.
  await sleep(200);
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exitCode);
