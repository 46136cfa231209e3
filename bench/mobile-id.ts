// Mobile ID: verifications per second and revocation-to-rejection latency.
//
// Throughput: presentations (one verifier request each, only age_over_19 disclosed, KB-JWT by the
// device key) are made beforehand by the holder library; then `concurrency` callers send them to
// POST /api/v1/mobile-id/verify through Fastify's inject (routing, schema validation and
// serialisation, no socket): issuer signature, disclosure digests, key binding, the request used up,
// the card's status read, and the audit entry, one transaction per verification.
//
// Revocation latency, per trial: a fresh card on a fresh device; `verifiers` callers keep verifying
// presentations of it back to back; after a warm-up the card is revoked through the service (the
// same call POST /api/v1/mobile-id/{id}/revoke makes); latency = from the revoke call's start to the
// completion of the first verification that fails with MOBILE_ID_REVOKED. Also counts verifications
// that STARTED after the revoke call returned and still passed (must be 0).
//
// Options: --residents N (200), --presentations N (3,000), --concurrency N (16), --trials N (50), --verifiers N (4).
import { integerArgument } from '../src/cli/common';
import type { Principal } from '../src/core/auth';
import { MobileIdHolder, type MobileIdContext } from '../src/modules/mobile-id';
import { benchDatabase, benchPlatform, machine, printResult } from './support';

const residents = integerArgument('residents', 200, 10, 1_000_000);
const presentations = integerArgument('presentations', 3_000, 100, 100_000);
const concurrency = integerArgument('concurrency', 16, 1, 256);
const trials = integerArgument('trials', 50, 1, 1_000);
const verifiers = integerArgument('verifiers', 4, 1, 64);

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

const db = await benchDatabase(24);
try {
  const platform = await benchPlatform(db, { residents });
  const { mobileIds, app } = platform;

  const contextOf = (residentId: number): MobileIdContext => {
    const principal: Principal = { accountId: `resident-${residentId}`, sessionId: 'bench', role: 'resident', residentId, agencyCode: null, displayName: { ko: 'bench', en: 'bench' } };
    return { principal, actor: { id: principal.accountId, role: 'resident', org: null }, requestId: `bench-${residentId}` };
  };
  const verifier: MobileIdContext = { principal: null, actor: { id: 'anonymous', role: 'anonymous', org: null }, requestId: 'bench-verifier' };

  async function issue(residentId: number) {
    const holder = await MobileIdHolder.create();
    const issued = await mobileIds.issue(contextOf(residentId), { devicePublicJwk: holder.publicJwk });
    await holder.store(issued.credential);
    return { holder, id: issued.summary.id };
  }

  async function prepared(holder: MobileIdHolder) {
    const request = await mobileIds.createVerificationRequest(verifier, { attributes: ['age_over_19'], verifierName: 'bench shop' });
    return { requestId: request.id, presentation: await holder.present(request) };
  }

  async function verifyOverHttp(item: { requestId: string; presentation: string }) {
    const response = await app.inject({ method: 'POST', url: '/api/v1/mobile-id/verify', payload: item });
    return { status: response.statusCode, code: response.statusCode === 200 ? null : (response.json() as { code: string }).code };
  }

  // Throughput.
  const cards = await Promise.all(Array.from({ length: Math.min(50, residents) }, (_, i) => issue(i + 1)));
  const prepStart = performance.now();
  const queue: Array<{ requestId: string; presentation: string }> = [];
  for (let i = 0; i < presentations; i++) queue.push(await prepared(cards[i % cards.length]!.holder));
  const prepSeconds = (performance.now() - prepStart) / 1000;
  const outcomes = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < queue.length) {
        const item = queue[next++]!;
        const { status } = await verifyOverHttp(item);
        outcomes.set(String(status), (outcomes.get(String(status)) ?? 0) + 1);
      }
    }),
  );
  const verifySeconds = (performance.now() - started) / 1000;

  // Revocation to rejection.
  const latencies: number[] = [];
  const revokeCallMs: number[] = [];
  let passedAfterRevokeReturned = 0;
  for (let trial = 0; trial < trials; trial++) {
    const card = await issue((trial % residents) + 1);
    const items = await Promise.all(Array.from({ length: verifiers * 40 }, () => prepared(card.holder)));
    let cursor = 0;
    let successes = 0;
    let revokeStarted = 0;
    let revokeReturned = Infinity;
    let firstRejection = Infinity;
    const revokeWhenWarm = (async () => {
      while (successes < verifiers * 5) await new Promise((resolve) => setImmediate(resolve));
      revokeStarted = performance.now();
      await mobileIds.revoke(contextOf((trial % residents) + 1), card.id, 'lost');
      revokeReturned = performance.now();
      revokeCallMs.push(revokeReturned - revokeStarted);
    })();
    await Promise.all(
      Array.from({ length: verifiers }, async () => {
        while (firstRejection === Infinity && cursor < items.length) {
          const begin = performance.now();
          const { status, code } = await verifyOverHttp(items[cursor++]!);
          if (status === 200) {
            successes += 1;
            if (begin > revokeReturned) passedAfterRevokeReturned += 1;
          } else if (code === 'MOBILE_ID_REVOKED') {
            firstRejection = Math.min(firstRejection, performance.now());
          } else {
            throw new Error(`unexpected verification answer ${status} ${code}`);
          }
        }
      }),
    );
    await revokeWhenWarm;
    if (firstRejection === Infinity) throw new Error('the revoked card was never rejected');
    latencies.push(firstRejection - revokeStarted);
  }
  latencies.sort((a, b) => a - b);
  await platform.audit.flush();
  await app.close();

  printResult({
    benchmark: 'mobile-id',
    machine: machine(),
    verification: {
      transport: 'fastify inject (no socket), POST /api/v1/mobile-id/verify',
      presentations,
      concurrency,
      seconds: round(verifySeconds),
      verificationsPerSecond: round(presentations / verifySeconds, 1),
      outcomes: Object.fromEntries(outcomes),
      preparationPerSecond: round(presentations / prepSeconds, 1),
    },
    revocationToRejection: {
      trials,
      concurrentVerifiers: verifiers,
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      maxMs: round(latencies.at(-1)!),
      revokeCallP50Ms: round(percentile([...revokeCallMs].sort((a, b) => a - b), 50)),
      passedAfterRevokeReturned,
    },
  });
} finally {
  await db.close();
}
