// The floor under every committed write on this machine: how long the disk takes to make a small
// write durable (write 8 kB + fdatasync, as Postgres does for a commit's WAL by default), measured
// in the temporary directory the benchmarks' embedded Postgres uses. An exchange request's answer
// waits for its batch's commit, so its tail latency cannot be below this distribution's tail.
//
// Options: --writes N (2,000), --kib K (8 kB per write).
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integerArgument } from '../src/cli/common';
import { machine, printResult } from './support';

const writes = integerArgument('writes', 2_000, 10, 1_000_000);
const kib = integerArgument('kib', 8, 1, 1024);

const dir = mkdtempSync(join(tmpdir(), 'oncegov-fsync-'));
const fd = openSync(join(dir, 'wal'), 'w');
const block = Buffer.alloc(kib * 1024, 0x5a);
const latencies: number[] = [];
try {
  for (let i = 0; i < writes; i++) {
    const start = process.hrtime.bigint();
    writeSync(fd, block, 0, block.length, (i % 2048) * block.length);
    fdatasyncSync(fd);
    latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
} finally {
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
}
latencies.sort((a, b) => a - b);
const at = (q: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! * 100) / 100;
printResult({
  benchmark: 'fsync',
  machine: machine(),
  directory: tmpdir(),
  writes,
  bytesPerWrite: block.length,
  syncsPerSecond: Math.round(writes / (latencies.reduce((a, b) => a + b, 0) / 1000)),
  latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: at(1) },
});
