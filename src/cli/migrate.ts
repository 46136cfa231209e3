// npm run migrate: applies pending .sql migrations to the configured database.
import { migrate } from '../core/migrate';
import { withDatabase } from './common';

await withDatabase(async ({ pool }) => {
  const applied = await migrate(pool);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
});
