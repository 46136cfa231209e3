// Synthetic population load: generates and COPYs --residents N (default 1,000,000) residents with
// their households, relations, incomes, disabilities and businesses into a scratch database.
import { argument } from '../src/cli/common';
import { AuditLog } from '../src/core/audit';
import { RegistryService } from '../src/modules/registry/service';
import { benchDatabase, printResult, timed } from './support';

const residents = Number(argument('residents') ?? 1_000_000);
const db = await benchDatabase(4);
try {
  const registry = new RegistryService(db.pool, new AuditLog(db.pool));
  const { result, seconds } = await timed(() => registry.seedSyntheticPopulation({ seed: 20261122, residents }));
  const counts = await db.pool.query(
    `SELECT (SELECT count(*) FROM registry.residents)::int AS residents, (SELECT count(*) FROM registry.households)::int AS households,
            (SELECT count(*) FROM registry.family_relations)::int AS relations, (SELECT count(*) FROM registry.incomes)::int AS incomes,
            (SELECT count(*) FROM registry.disabilities)::int AS disabilities, (SELECT count(*) FROM registry.businesses)::int AS businesses,
            (SELECT count(*) FROM registry.vehicles)::int AS vehicles`,
  );
  printResult({
    benchmark: 'seed',
    residents,
    seconds: +seconds.toFixed(1),
    residentsPerSecond: Math.round(residents / seconds),
    rows: counts.rows[0],
    loaderReport: result,
    target: { seconds: 180 },
  });
} finally {
  await db.close();
}
