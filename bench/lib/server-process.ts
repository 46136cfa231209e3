// The server as an operator runs it (`node --import tsx src/main.ts`), as a child in its own
// process group on a fresh data directory with its own embedded Postgres, so a benchmark can time
// it, measure it, crash it and restart it without leaving anything behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alive, freePort, killTree, sleep } from './processes';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

const live = new Set<ChildProcess>();
let reaping = false;

/** SIGKILLs every server still running, Postgres included. */
export function killAll(): void {
  for (const child of [...live]) killTree(child, 'SIGKILL');
}

// A benchmark that fails or is interrupted must not leave a server and its Postgres running.
function reapOnExit(): void {
  if (reaping) return;
  reaping = true;
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
}

export interface ServerSetup {
  dataDir: string;
  pgPort: number;
  base: string;
  env: Record<string, string>;
}

/** A fresh data directory, free ports and the environment for a server seeding `demoResidents`. */
export async function prepareServer(name: string, demoResidents: number): Promise<ServerSetup> {
  const dataDir = mkdtempSync(join(tmpdir(), `oncegov-${name}-`));
  chmodSync(dataDir, 0o755); // as root, the embedded Postgres runs as 'postgres' and must reach it
  const httpPort = await freePort();
  const pgPort = await freePort();
  // The server must start the embedded Postgres on dataDir, not connect to a configured one.
  delete process.env.DATABASE_URL;
  return {
    dataDir,
    pgPort,
    base: `http://127.0.0.1:${httpPort}`,
    env: {
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      EMBEDDED_POSTGRES_PORT: String(pgPort),
      DEMO_RESIDENTS: String(demoResidents),
      LOG_LEVEL: 'warn',
      COOKIE_SECURE: 'false',
      NODE_ENV: 'development',
    },
  };
}

export class ServerProcess {
  readonly child: ChildProcess;
  private output = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(env: Record<string, string>) {
    reapOnExit();
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

  async waitReady(base: string, timeoutMs: number): Promise<void> {
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
