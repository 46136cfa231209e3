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
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AuditLog, type VerificationReport } from '../src/core/audit';
import { createPool, embeddedUrl } from '../src/core/db';
import { argument, integerArgument } from '../src/cli/common';
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
const REQUEST_TIMEOUT_MS = 10_000;
const MAX_REQUESTS_PER_WORKER = 100_000;
const ACTION = 'identity.contact-details.update';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

// ---------------------------------------------------------------------------------------------
// The server as a child process in its own process group.

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) killTree(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));

/** Every process below `rootPid` (Postgres backends call setsid, so they leave the group). */
function descendants(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [rootPid];
  while (queue.length && found.length < 10_000) {
    for (const pid of children.get(queue.shift()!) ?? []) {
      found.push(pid);
      queue.push(pid);
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killTree(child: ChildProcess, signal: NodeJS.Signals): number[] {
  const pid = child.pid!;
  // Freeze the group first so nothing forks between listing the tree and killing it.
  try {
    process.kill(-pid, 'SIGSTOP');
  } catch {
    // already gone
  }
  const tree = descendants(pid);
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
  for (const p of tree) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
  return tree;
}

class ServerProcess {
  readonly child: ChildProcess;
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: repoRoot,
      detached: true,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(this.child);
    const keepTail = (chunk: Buffer) => {
      this.output = (this.output + chunk.toString('utf8')).slice(-16_000);
    };
    this.child.stdout!.on('data', keepTail);
    this.child.stderr!.on('data', keepTail);
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        live.delete(this.child);
        resolve({ code, signal });
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get log(): string {
    return this.output;
  }

  async waitReady(base: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (performance.now() < deadline) {
      if (exited) throw new Error(`server exited before it was ready:\n${this.output}`);
      try {
        const response = await fetch(`${base}/ready`, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
      } catch {
        // not listening yet
      }
      await sleep(100);
    }
    throw new Error(`server not ready after ${timeoutMs} ms:\n${this.output}`);
  }

  /** SIGKILL: the whole group and every Postgres process, or Node alone. */
  async crash(mode: 'group' | 'node'): Promise<void> {
    const tree = mode === 'group' ? killTree(this.child, 'SIGKILL') : [];
    if (mode === 'node') process.kill(this.pid, 'SIGKILL');
    await this.exited;
    const deadline = performance.now() + 15_000;
    while (tree.some(alive) && performance.now() < deadline) await sleep(20);
    if (tree.some(alive)) throw new Error(`processes still alive after SIGKILL: ${tree.filter(alive).join(', ')}`);
  }

  /** SIGTERM: the orderly shutdown; returns the exit code. */
  async stop(timeoutMs = 30_000): Promise<number | null> {
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => killTree(this.child, 'SIGKILL'), timeoutMs);
    const { code } = await this.exited;
    clearTimeout(timer);
    return code;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

// ---------------------------------------------------------------------------------------------
// A browser without JavaScript: fetch with a cookie jar, redirects left to the caller.

class HttpClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  get csrfToken(): string {
    const token = this.cookies.get('og_csrf');
    if (!token) throw new Error('no og_csrf cookie yet');
    return token;
  }

  has(cookie: string): boolean {
    return this.cookies.has(cookie);
  }

  async request(
    path: string,
    options: { method?: string; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const url = new URL(path, this.base);
    if (url.origin !== new URL(this.base).origin) throw new Error(`refusing to leave ${this.base}: ${url}`);
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    } else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(url, {
      method: options.method ?? (body === undefined ? 'GET' : 'POST'),
      headers,
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      const expired =
        value === '' ||
        attributes.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a)) ||
        attributes.some((a) => /^\s*expires\s*=/i.test(a) && Date.parse(a.split('=')[1]!) < Date.now());
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  /** Chooser → simulated authenticator → assertion → callback, as in test/support/platform.ts. */
  async signIn(residentId: number): Promise<void> {
    await (await this.request('/sign-in')).arrayBuffer();
    const start = await this.request('/sign-in/start', { form: { _csrf: this.csrfToken, authenticator: 'kakao', returnTo: '/me' } });
    await start.arrayBuffer();
    if (start.status !== 303) throw new Error(`sign-in start: ${start.status}`);
    const authorizeUrl = new URL(start.headers.get('location')!, this.base);
    const page = await this.request(`${authorizeUrl.pathname}${authorizeUrl.search}`);
    await page.arrayBuffer();
    if (page.status !== 200) throw new Error(`authenticator page: ${page.status}`);
    const state = authorizeUrl.searchParams.get('state')!;
    const confirmed = await this.request(authorizeUrl.pathname, {
      form: { _csrf: this.csrfToken, state, nonce: authorizeUrl.searchParams.get('nonce')!, person: `resident:${residentId}` },
    });
    const html = await confirmed.text();
    const assertion = /name="assertion" value="([^"]+)"/.exec(html)?.[1];
    if (!assertion) throw new Error(`no assertion: ${confirmed.status} ${html.slice(0, 300)}`);
    const callback = await this.request('/sign-in/callback', { form: { state, assertion } });
    await callback.arrayBuffer();
    if (callback.status !== 303 || !this.has('og_session')) throw new Error(`sign-in callback: ${callback.status}`);
  }
}

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

const dataDir = mkdtempSync(join(tmpdir(), 'oncegov-crash-'));
chmodSync(dataDir, 0o755); // as root, the embedded Postgres runs as 'postgres' and must reach it
const httpPort = await freePort();
const pgPort = await freePort();
const base = `http://127.0.0.1:${httpPort}`;
const env = {
  PORT: String(httpPort),
  HOST: '127.0.0.1',
  DATA_DIR: dataDir,
  EMBEDDED_POSTGRES_PORT: String(pgPort),
  DEMO_RESIDENTS: String(demoResidents),
  LOG_LEVEL: 'warn',
  COOKIE_SECURE: 'false',
  NODE_ENV: 'development',
};
delete process.env.DATABASE_URL;

const allAcknowledged: string[] = [];
const perRound: Array<Record<string, unknown>> = [];
let totalLost = 0;
let chainOk = true;
let lastChain: VerificationReport | undefined;
let exitCode = 0;
let firstStartSeconds = 0;
let cleanStopCode: number | null = null;
const started = performance.now();

try {
  let server = new ServerProcess(env);
  let t0 = performance.now();
  await server.waitReady(base);
  firstStartSeconds = (performance.now() - t0) / 1000;

  for (let round = 1; round <= rounds; round += 1) {
    const clients = Array.from({ length: sessions }, () => new HttpClient(base));
    for (const [i, client] of clients.entries()) await client.signIn(i + 1);

    const burst = await burstAndCrash(server, clients, round);
    allAcknowledged.push(...burst.acknowledged);

    t0 = performance.now();
    server = new ServerProcess(env);
    await server.waitReady(base);
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
      totalLost += lost.length + duplicated.length;
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
  for (const child of [...live]) killTree(child, 'SIGKILL');
  if (keep) process.stderr.write(`data directory kept: ${dataDir}\n`);
  else rmSync(dataDir, { recursive: true, force: true });
}

const ok = exitCode === 0 && totalLost === 0 && chainOk && perRound.length === rounds;
printResult({
  benchmark: 'crash',
  ok,
  kill: killMode,
  rounds,
  workers,
  sessions,
  afterMs,
  firstStartSeconds: Number(firstStartSeconds.toFixed(2)),
  acknowledgedPerRound: perRound.map((r) => r.acknowledged),
  acknowledged: allAcknowledged.length,
  found: allAcknowledged.length - totalLost,
  lost: totalLost,
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
