// npm run seed -- --residents 10000 [--seed 20261122]: replaces the registries with a freshly
// generated synthetic population (deterministic for a given seed), with a progress bar.
import { AuditLog } from '../core/audit';
import { migrate } from '../core/migrate';
import { createProgressBar } from '../modules/registry/population/progress';
import { RegistryService } from '../modules/registry/service';
import { integerArgument, withDatabase } from './common';

await withDatabase(async ({ pool }, config) => {
  const residents = integerArgument('residents', 10_000, 1, 10_000_000);
  const seed = integerArgument('seed', config.demoSeed, 0, 2 ** 31 - 1);
  await migrate(pool);
  const registry = new RegistryService(pool, new AuditLog(pool));
  const progress = createProgressBar({ total: residents, label: 'residents' });
  const result = await registry.seedSyntheticPopulation({ seed, residents, onProgress: (done) => progress.update(done) });
  progress.finish(residents);
  process.stdout.write(`${JSON.stringify({ seed, ...result })}\n`);
});
