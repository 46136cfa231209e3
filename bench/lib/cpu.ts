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

/** The whole machine's CPU counters (/proc/stat), to tell how busy it was and how much the host took (steal). */
export function machineCpuSnapshot(): number[] {
  return readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
}

/** Shares of the machine's CPU time since `before`: busy (user, nice, system, irq, softirq), idle (with iowait), steal. */
export function machineCpuShare(before: number[]) {
  const delta = machineCpuSnapshot().map((value, i) => value - (before[i] ?? 0));
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = delta;
  const total = user + nice + system + idle + iowait + irq + softirq + steal;
  const share = (value: number) => Math.round((value / Math.max(1, total)) * 100) / 100;
  return { busy: share(user + nice + system + irq + softirq), idle: share(idle + iowait), steal: share(steal) };
}
