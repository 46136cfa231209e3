// Crash safety of audited writes: runs the real server (node --import tsx src/main.ts) on a fresh
// embedded database, fires a burst of audited writes (PUT /api/v1/me/contact-details) from
// signed-in residents, SIGKILLs the server's whole process group in the middle of the burst (Node,
// the postmaster and every Postgres backend at once), restarts it on the same data directory and
// checks through a direct connection that every acknowledged write has exactly one audit entry
// and that the hash chain still verifies. Repeats for several kill/restart rounds.
//
// A SIGKILL leaves the kernel's page cache intact, so this proves the application and Postgres
// crash recovery (WAL replay, orphan handling, sealing after restart), not the disk's fsync.
//
// Options: --rounds N (3), --workers N (32), --sessions N (8 signed-in residents), --after-ms MS
// (2000, burst length before the kill), --kill group|node (group: Node and Postgres together;
// node: Node alone, leaving an orphaned postmaster for the restart to stop), --keep (keep the
// data directory).
import { rmSync } from 'node:fs';
import { AuditLog, type VerificationReport } from '../src/core/audit';
import { createPool, embeddedUrl } from '../src/core/db';
import { argument, integerArgument } from '../src/cli/common';
import { HttpClient, REQUEST_TIMEOUT_MS } from './lib/http-client';
import { sleep } from './lib/processes';
import { killAll, prepareServer, ServerProcess } from './lib/server-process';
import { printResult } from './support';

const rounds = integerArgument('rounds', 3, 1, 20);
const workers = integerArgument('workers', 32, 1, 256);
const sessions = integerArgument('sessions', 8, 1, 64);
const afterMs = integerArgument('after-ms', 2000, 50, 30_000);
const killMode = argument('kill') ?? 'group';
if (killMode !== 'group' && killMode !== 'node') {
  process.stderr.write(`--kill must be group or node (got "${killMode}")\n`);
  process.exit(2);
}
const keep = process.argv.includes('--keep');
const demoResidents = Math.max(200, sessions);
const READY_TIMEOUT_MS = 90_000;
const MAX_REQUESTS_PER_WORKER = 100_000;
const ACTION = 'identity.contact-details.update';

// ---------------------------------------------------------------------------------------------
// One burst of audited writes, cut short by the crash.

interface Burst {
  sent: number;
  acknowledged: string[];
  rejected: Record<string, number>;
  networkErrors: number;
  requestIdMismatches: number;
  burstMs: number;
}

async function burstAndCrash(server: ServerProcess, clients: HttpClient[], round: number): Promise<Burst> {
  const result: Burst = { sent: 0, acknowledged: [], rejected: {}, networkErrors: 0, requestIdMismatches: 0, burstMs: 0 };
  let killed = false;
  const started = performance.now();
  const hardDeadline = started + afterMs + REQUEST_TIMEOUT_MS + 5_000;
  const crash = sleep(afterMs).then(async () => {
    killed = true;
    result.burstMs = Math.round(performance.now() - started);
    await server.crash(killMode as 'group' | 'node');
  });
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      const client = clients[w % clients.length]!;
      for (let n = 0; n < MAX_REQUESTS_PER_WORKER && !killed && performance.now() < hardDeadline; n += 1) {
        const id = `crash-r${round}-w${w}-n${n}`;
        result.sent += 1;
        try {
          const response = await client.request('/api/v1/me/contact-details', {
            method: 'PUT',
            headers: { 'x-csrf-token': client.csrfToken, 'x-request-id': id },
            json: { email: `r${round}w${w}n${n}@example.org`, phone: `010-${String(1000 + w).slice(-4)}-${String(n % 10_000).padStart(4, '0')}` },
          });
          // The status line leaves only after the handler's transaction committed.
          if (response.status >= 200 && response.status < 300) {
            result.acknowledged.push(id);
            if (response.headers.get('x-request-id') !== id) result.requestIdMismatches += 1;
          } else {
            result.rejected[response.status] = (result.rejected[response.status] ?? 0) + 1;
          }
          await response.arrayBuffer().catch(() => undefined);
        } catch {
          result.networkErrors += 1;
          if (!killed) await sleep(10);
        }
      }
    }),
  );
  await crash;
  return result;
}

// ---------------------------------------------------------------------------------------------

const { dataDir, pgPort, base, env } = await prepareServer('crash', demoResidents);

const allAcknowledged: string[] = [];
const perRound: Array<Record<string, unknown>> = [];
const lostIds = new Set<string>();
const duplicatedIds = new Set<string>();
const acknowledgedPerRound: number[] = [];
let chainOk = true;
let lastChain: VerificationReport | undefined;
let exitCode = 0;
let firstStartSeconds = 0;
let cleanStopCode: number | null = null;
const started = performance.now();

try {
  let server = new ServerProcess(env);
  let t0 = performance.now();
  await server.waitReady(base, READY_TIMEOUT_MS);
  firstStartSeconds = (performance.now() - t0) / 1000;

  for (let round = 1; round <= rounds; round += 1) {
    const clients = Array.from({ length: sessions }, () => new HttpClient(base));
    for (const [i, client] of clients.entries()) await client.signIn(i + 1);

    const burst = await burstAndCrash(server, clients, round);
    allAcknowledged.push(...burst.acknowledged);
    acknowledgedPerRound.push(burst.acknowledged.length);

    t0 = performance.now();
    server = new ServerProcess(env);
    await server.waitReady(base, READY_TIMEOUT_MS);
    const restartSeconds = (performance.now() - t0) / 1000;

    const pool = createPool(embeddedUrl(pgPort, 'oncegov'), 4);
    try {
      const rows = (
        await pool.query<{ request_id: string; n: number }>(
          `SELECT request_id, count(*)::int AS n FROM audit.entries
            WHERE action = $1 AND request_id LIKE 'crash-r%' GROUP BY request_id`,
          [ACTION],
        )
      ).rows;
      const counts = new Map(rows.map((r) => [r.request_id, r.n]));
      // Every acknowledged write of this and all earlier rounds: exactly one entry.
      const lost = allAcknowledged.filter((id) => !counts.has(id));
      const duplicated = allAcknowledged.filter((id) => (counts.get(id) ?? 0) > 1);
      const acknowledgedNow = new Set(burst.acknowledged);
      const committedThisRound = rows.filter((r) => r.request_id.startsWith(`crash-r${round}-`));
      const unacknowledgedCommitted = committedThisRound.filter((r) => !acknowledgedNow.has(r.request_id)).length;

      const audit = new AuditLog(pool);
      await audit.flush();
      const chain = await audit.verify();
      lastChain = chain;
      for (const id of lost) lostIds.add(id);
      for (const id of duplicated) duplicatedIds.add(id);
      if (!chain.ok) chainOk = false;
      perRound.push({
        round,
        sent: burst.sent,
        acknowledged: burst.acknowledged.length,
        found: burst.acknowledged.length - lost.filter((id) => id.startsWith(`crash-r${round}-`)).length,
        lost: lost.length,
        duplicated: duplicated.length,
        unacknowledgedButCommitted: unacknowledgedCommitted,
        committedThisRound: committedThisRound.length,
        rejected: burst.rejected,
        failedInFlight: burst.networkErrors,
        requestIdMismatches: burst.requestIdMismatches,
        killedAfterMs: burst.burstMs,
        restartToReadySeconds: Number(restartSeconds.toFixed(2)),
        chain: { ok: chain.ok, checked: chain.checked, seals: chain.seals, unsealed: chain.unsealed, reason: chain.reason, durationMs: chain.durationMs },
        ...(lost.length ? { lostSample: lost.slice(0, 10) } : {}),
      });
      if (burst.acknowledged.length === 0) throw new Error(`round ${round}: no write was acknowledged before the kill:\n${server.log}`);
      if (burst.requestIdMismatches > 0) throw new Error(`round ${round}: the server did not keep the x-request-id header`);
    } finally {
      await pool.end();
    }
  }
  cleanStopCode = await server.stop();
} catch (error) {
  exitCode = 1;
  process.stderr.write(`crash bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
} finally {
  killAll();
  if (keep) process.stderr.write(`data directory kept: ${dataDir}\n`);
  else rmSync(dataDir, { recursive: true, force: true });
}

const ok = exitCode === 0 && lostIds.size === 0 && duplicatedIds.size === 0 && chainOk && perRound.length === rounds;
printResult({
  benchmark: 'crash',
  ok,
  kill: killMode,
  rounds,
  workers,
  sessions,
  afterMs,
  firstStartSeconds: Number(firstStartSeconds.toFixed(2)),
  acknowledgedPerRound,
  acknowledged: allAcknowledged.length,
  found: allAcknowledged.length - lostIds.size,
  lost: lostIds.size,
  duplicated: duplicatedIds.size,
  unacknowledgedButCommitted: perRound.reduce((sum, r) => sum + (r.unacknowledgedButCommitted as number), 0),
  chain: lastChain
    ? { ok: chainOk, checked: lastChain.checked, seals: lastChain.seals, unsealed: lastChain.unsealed, reason: lastChain.reason }
    : { ok: false },
  restartToReadySeconds: perRound.map((r) => r.restartToReadySeconds),
  cleanShutdownExitCode: cleanStopCode,
  perRound,
  totalSeconds: Number(((performance.now() - started) / 1000).toFixed(1)),
});
process.exit(ok ? 0 : 1);
