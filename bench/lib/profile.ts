// Optional CPU profile of this thread around one phase of a benchmark: set BENCH_CPU_PROFILE to a
// file path and the phase's profile is written there (open it in Chrome DevTools, or summarise it
// with `node bench/lib/profile-summary.mjs <file>`). Without the variable, the phase just runs.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';

export async function profiled<T>(phase: () => Promise<T>): Promise<T> {
  const file = process.env.BENCH_CPU_PROFILE;
  if (!file) return phase();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await phase();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}
