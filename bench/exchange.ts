// The once-only exchange's cost: throughput and latency of allowed exchange requests (credential,
// directory, agreement, read, minimisation, audit entry and counter in one transaction, Ed25519
// signature) against the same server answering the same registry read with no checks at all
// (GET /bench/exchange-baseline/…, registered only with EXCHANGE_BENCH_BASELINE=1), in one run,
// over real HTTP (keep-alive fetch). Server and load generator share this one process, so both
// figures carry the same client overhead; the ratio is the point.
//
// Options: --residents N (2,000), --seconds S (5 per side), --warmup N (1,000 per side), --concurrency N (16).
import { integerArgument } from '../src/cli/common';
import { buildPlatform } from '../src/app';
import type { Principal } from '../src/core/auth';
import { loadConfig } from '../src/core/config';
import { PlatformKeys } from '../src/core/keys';
import { createLogger } from '../src/core/logger';
import { AgreementsService } from '../src/modules/agreements';
import { DirectoryService } from '../src/modules/directory';
import { ExchangeService } from '../src/modules/exchange';
import { benchDatabase, machine, printResult } from './support';

const residents = integerArgument('residents', 2_000, 10, 1_000_000);
const seconds = integerArgument('seconds', 5, 1, 120);
const warmup = integerArgument('warmup', 1_000, 0, 100_000);
const concurrency = integerArgument('concurrency', 16, 1, 256);

const CLIENT = 'KR/GOV/MOHW/welfare-benefits';
const PRODUCT = 'resident.basic';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

process.env.EXCHANGE_BENCH_BASELINE = '1';
const db = await benchDatabase(24);
try {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
  const platform = await buildPlatform({ config, pool: db.pool, logger: createLogger('silent') });
  platform.audit.startSealer();
  await platform.registry.seedSyntheticPopulation({ seed: 20261122, residents });

  // A credential and an active agreement, through the services' own workflow.
  const directory = new DirectoryService(db.pool);
  const agreements = new AgreementsService(db.pool, platform.audit, directory);
  const exchange = new ExchangeService(db.pool, platform.audit, directory, agreements, platform.registry, await PlatformKeys.load(db.pool));
  const who = (role: Principal['role'], agencyCode: string): Principal => ({ accountId: `bench-${agencyCode}-${role}`, sessionId: 'bench', role, residentId: null, agencyCode, displayName: { ko: 'bench', en: 'bench' } });
  const ctx = (principal: Principal) => ({ principal, actor: { id: principal.accountId, role: principal.role, org: principal.agencyCode }, requestId: 'bench-setup' });
  const { secret } = await exchange.issueCredential(ctx(who('operator', 'MOIS')), CLIENT);
  const agreement = await agreements.request(ctx(who('official', 'MOHW')), {
    clientSubsystem: CLIENT,
    productId: PRODUCT,
    purposeCode: 'WELFARE-ELIGIBILITY',
    purposeText: 'Benchmark: eligibility check',
    legalBasis: 'Benchmark',
    fields: ['nameKo', 'birthDate', 'addressKo', 'householdRole'],
    validUntil: new Date(Date.now() + 86_400_000).toISOString(),
    consentRequired: false,
  });
  await agreements.decide(ctx(who('official', 'MOIS')), agreement.id, { decision: 'approve' });
  await agreements.decide(ctx(who('operator', 'MOIS')), agreement.id, { decision: 'approve' });

  const address = await platform.app.listen({ host: '127.0.0.1', port: 0 });
  let n = 0;
  const subject = () => 1 + ((n += 7919) % residents);
  const targets = {
    baseline: () => ({ url: `${address}/bench/exchange-baseline/${PRODUCT}/${subject()}`, headers: {} as Record<string, string> }),
    exchange: () => ({
      url: `${address}/r1/KR/GOV/MOIS/resident-register/${PRODUCT}/${subject()}`,
      headers: { 'x-road-client': CLIENT, authorization: `Bearer ${secret}`, 'x-road-purpose': 'WELFARE-ELIGIBILITY', 'x-road-userid': 'MOHW-0001', 'x-road-issue': 'BENCH-1' } as Record<string, string>,
    }),
  };

  async function load(target: keyof typeof targets, options: { requests?: number; seconds?: number }) {
    const latencies: number[] = [];
    let failures = 0;
    const deadline = options.seconds ? performance.now() + options.seconds * 1000 : Infinity;
    let remaining = options.requests ?? Infinity;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (remaining > 0 && performance.now() < deadline) {
          remaining -= 1;
          const { url, headers } = targets[target]();
          const t0 = performance.now();
          const response = await fetch(url, { headers });
          await response.arrayBuffer();
          latencies.push(performance.now() - t0);
          if (response.status !== 200) failures += 1;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      requests: latencies.length,
      failures,
      seconds: round(elapsed),
      requestsPerSecond: round(latencies.length / elapsed, 0),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
    };
  }

  await load('baseline', { requests: warmup });
  await load('exchange', { requests: warmup });
  const baseline = await load('baseline', { seconds });
  const exchanged = await load('exchange', { seconds });
  await platform.audit.flush();
  const audited = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit.entries WHERE action = 'exchange.read' AND outcome = 'allowed'`);
  const verification = await platform.audit.verify();
  await platform.app.close();

  printResult({
    benchmark: 'exchange',
    machine: machine(),
    residents,
    concurrency,
    product: PRODUCT,
    baseline: { route: 'GET /bench/exchange-baseline/{product}/{subject} (same registry read; no checks, audit or signature)', ...baseline },
    exchange: { route: 'GET /r1/KR/GOV/MOIS/resident-register/resident.basic/{subject} (allowed; audited; signed)', ...exchanged },
    ratio: {
      throughput: round(exchanged.requestsPerSecond / baseline.requestsPerSecond, 3),
      p50: round(exchanged.p50Ms / baseline.p50Ms, 2),
      p99: round(exchanged.p99Ms / baseline.p99Ms, 2),
    },
    auditedAllowedExchangeReads: audited.rows[0]!.n,
    auditChainOk: verification.ok,
  });
  if (baseline.failures || exchanged.failures) process.exitCode = 1;
} finally {
  await db.close();
}
