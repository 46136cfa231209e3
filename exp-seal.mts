import { createPool } from './src/core/db.ts';
import { AuditLog } from './src/core/audit.ts';
const pool = createPool('postgres://oncegov:oncegov-local-only@127.0.0.1:55500/exp', 8);
const audit = new AuditLog(pool);
let t = performance.now();
const n = await audit.sealPending();
console.log('sealed', n, (performance.now() - t) / 1000);
await pool.query('VACUUM ANALYZE audit.entries');
for (const p of [1, 2, 4]) {
  t = performance.now();
  const r = await audit.verify({ parallelism: p });
  console.log(p, r.ok, r.checked, (performance.now() - t) / 1000);
}
await pool.end();
