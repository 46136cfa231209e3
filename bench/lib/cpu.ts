// CPU time spent by this process (all threads: server and load generator) and by the Postgres
// server's processes (backends and background workers, read from /proc), so a benchmark can show
// what one request costs whatever else the machine is doing. Postgres must run on this machine.
import { readFileSync } from 'node:fs';
import type { Pool } from '../../src/core/db';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface CpuSnapshot {
  nodeMs: number;
  postgresMs: number;
}

async function postgresPids(pool: Pool): Promise<number[]> {
  const result = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity');
  return result.rows.map((row) => row.pid);
}

function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND; // utime + stime
  } catch {
    return 0; // gone, or not on this machine
  }
}

export async function cpuSnapshot(pool: Pool): Promise<CpuSnapshot & { pids: number[] }> {
  const pids = await postgresPids(pool);
  const usage = process.cpuUsage();
  return { nodeMs: (usage.user + usage.system) / 1000, postgresMs: pids.reduce((sum, pid) => sum + processCpuMs(pid), 0), pids };
}

/** CPU milliseconds per request between two snapshots (Postgres counted over the first snapshot's processes). */
export function cpuPerRequest(before: CpuSnapshot & { pids: number[] }, after: CpuSnapshot, requests: number) {
  const postgresAfter = before.pids.reduce((sum, pid) => sum + processCpuMs(pid), 0);
  const round = (value: number) => Math.round((value / Math.max(1, requests)) * 1000) / 1000;
  return { nodeMsPerRequest: round(after.nodeMs - before.nodeMs), postgresMsPerRequest: round(postgresAfter - before.postgresMs) };
}
