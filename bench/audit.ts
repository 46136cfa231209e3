// Audit log throughput: single-entry transactions (as a request handler writes them), batched
// appends, both measured until every entry is sealed into the hash chain, and full-chain
// verification over 1,000,000 entries. Options: --entries N (default 1,000,000), --seconds S.
import { AuditLog, type AuditEntry } from '../src/core/audit';
import { withTransaction } from '../src/core/db';
import { argument } from '../src/cli/common';
import { benchDatabase, printResult, timed } from './support';

const chainSize = Number(argument('entries') ?? 1_000_000);
const singleSeconds = Number(argument('seconds') ?? 5);

function entry(n: number): AuditEntry {
  return {
    actor: { id: `official-${n % 97}`, role: 'official', org: 'MOHW' },
    action: 'exchange.product.read',
    purpose: 'child-allowance eligibility check',
    resource: `registry/residents/${n % 1_000_000}/family.children`,
    subjectResidentId: (n % 1_000_000) + 1,
    outcome: n % 50 === 0 ? 'denied' : 'allowed',
    requestId: `bench-${n}`,
    details: n % 10 === 0 ? { agreement: `AGR-${n % 13}` } : null,
  };
}

const db = await benchDatabase(24);
try {
  const audit = new AuditLog(db.pool);
  audit.startSealer();
  let counter = 0;

  // Single: every entry its own transaction (BEGIN, INSERT, COMMIT with fsync), 16 writers.
  const writers = 16;
  const single = await timed(async () => {
    const deadline = performance.now() + singleSeconds * 1000;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (performance.now() < deadline) {
          const n = counter++;
          await withTransaction(db.pool, (tx) => audit.append(tx, entry(n)));
        }
      }),
    );
    await audit.flush();
  });
  const singleCount = counter;

  // Batched: 1,000 entries per transaction, 2 writers, 200,000 entries, until sealed.
  const batchedTotal = 200_000;
  const batchSize = 1_000;
  const batched = await timed(async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 2 }, async () => {
        while (next < batchedTotal) {
          const start = next;
          next += batchSize;
          const entries = Array.from({ length: batchSize }, (_, i) => entry(counter + start + i));
          await withTransaction(db.pool, (tx) => audit.appendMany(tx, entries));
        }
      }),
    );
    await audit.flush();
  });
  counter += batchedTotal;

  // Fill to the chain size, then verify the whole chain.
  const fill = await timed(async () => {
    while (counter < chainSize) {
      const size = Math.min(5_000, chainSize - counter);
      const entries = Array.from({ length: size }, (_, i) => entry(counter + i));
      counter += size;
      await audit.appendMany(db.pool, entries);
    }
    await audit.flush();
  });
  await audit.stopSealer();
  await db.pool.query('VACUUM ANALYZE audit.entries');
  const verifications = [];
  for (const parallelism of [1, 2, 4]) {
    const { result: report, seconds } = await timed(() => audit.verify({ parallelism }));
    verifications.push({ parallelism, ok: report.ok, entries: report.checked, seconds: +seconds.toFixed(3), entriesPerSecond: Math.round(report.checked / seconds) });
  }

  printResult({
    benchmark: 'audit',
    database: process.env.DATABASE_URL ? 'external' : 'embedded',
    singleTransactions: {
      writers,
      entries: singleCount,
      seconds: +single.seconds.toFixed(2),
      entriesPerSecond: Math.round(singleCount / single.seconds),
      note: 'one entry per committed transaction, measured until sealed into the chain',
    },
    batched: {
      entries: batchedTotal,
      batchSize,
      seconds: +batched.seconds.toFixed(2),
      entriesPerSecond: Math.round(batchedTotal / batched.seconds),
      note: 'appended and sealed',
    },
    fill: { entries: counter, seconds: +fill.seconds.toFixed(1), entriesPerSecond: Math.round((counter - singleCount - batchedTotal) / fill.seconds) },
    verification: verifications,
    targets: { batchedEntriesPerSecond: 20_000, verificationEntriesPerSecond: 1_000_000 },
  });
} finally {
  await db.close();
}
