// The floor under every committed write on this machine: how long the disk takes to make a small
// write durable, measured in the temporary directory the benchmarks' embedded Postgres uses, both
// ways Postgres can flush a commit's WAL on Linux: write + fdatasync (wal_sync_method = fdatasync,
// the default) and a write to a file opened O_DSYNC (open_datasync). An exchange request's answer
// waits for its batch's commit, so its tail latency cannot be below this distribution's tail.
//
// Options: --writes N (2,000), --kib K (8 kB per write).
import { closeSync, constants, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integerArgument } from '../src/cli/common';
import { machine, printResult } from './support';

const writes = integerArgument('writes', 2_000, 10, 1_000_000);
const kib = integerArgument('kib', 8, 1, 1024);

const block = Buffer.alloc(kib * 1024, 0x5a);
const round = (value: number) => Math.round(value * 100) / 100;

function measure(method: 'fdatasync' | 'open_datasync') {
  const dir = mkdtempSync(join(tmpdir(), 'oncegov-fsync-'));
  const flags = method === 'open_datasync' ? constants.O_WRONLY | constants.O_CREAT | constants.O_DSYNC : constants.O_WRONLY | constants.O_CREAT;
  const fd = openSync(join(dir, 'wal'), flags);
  const latencies: number[] = [];
  try {
    for (let i = 0; i < writes; i++) {
      const start = process.hrtime.bigint();
      writeSync(fd, block, 0, block.length, (i % 2048) * block.length);
      if (method === 'fdatasync') fdatasyncSync(fd);
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!);
  return {
    syncsPerSecond: Math.round(writes / (latencies.reduce((a, b) => a + b, 0) / 1000)),
    latencyMs: { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: at(1) },
  };
}

printResult({
  benchmark: 'fsync',
  machine: machine(),
  directory: tmpdir(),
  writes,
  bytesPerWrite: block.length,
  fdatasync: measure('fdatasync'),
  open_datasync: measure('open_datasync'),
});
