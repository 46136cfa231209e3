// npm run audit:verify: walks the audit hash chain; exit code 0 when it holds, 3 when broken.
import { AuditLog } from '../core/audit';
import { migrate } from '../core/migrate';
import { withDatabase } from './common';

await withDatabase(async ({ pool }) => {
  await migrate(pool);
  const audit = new AuditLog(pool);
  await audit.sealPending();
  const report = await audit.verify();
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (!report.ok) {
    process.stderr.write(`audit chain BROKEN at position ${report.firstBrokenPosition}: ${report.reason}\n`);
    return 3;
  }
  process.stderr.write(`audit chain intact: ${report.checked} entries verified in ${report.durationMs} ms\n`);
});
