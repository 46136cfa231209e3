// The once-only exchange's cost: throughput and latency of allowed exchange requests (credential,
// directory, agreement, read, minimisation, audit entry and counter in one transaction, Ed25519
// signature) against the same server answering the same registry read with no checks at all
// (GET /bench/exchange-baseline/…, registered only with EXCHANGE_BENCH_BASELINE=1), in one run,
// over real HTTP from a load generator thread (bench/lib/load.ts): first at saturation (closed loop,
// `concurrency` connections), then both at half the exchange's saturation rate (open loop) for
// latency. Server, Postgres and load generator share the machine's cores; each phase also reports
// the CPU milliseconds per request spent in this process (server + load thread) and in Postgres,
// which do not depend on what else the machine is doing.
//
// Options: --residents N (2,000), --seconds S (5 per side), --warmup N (1,000 per side), --concurrency N (connections, 64).
// BENCH_CPU_PROFILE=<file> writes a CPU profile of the server thread during the exchange's half-rate phase.
import { integerArgument } from '../src/cli/common';
import type { Principal } from '../src/core/auth';
import { PlatformKeys } from '../src/core/keys';
import { AgreementsService } from '../src/modules/agreements';
import { DirectoryService } from '../src/modules/directory';
import { ExchangeService } from '../src/modules/exchange';
import { cpuPerRequest, cpuSnapshot, machineCpuShare, machineCpuSnapshot } from './lib/cpu';
import { pausesDuring } from './lib/pauses';
import { profiled } from './lib/profile';
import { runLoad } from './lib/load';
import { benchDatabase, benchPlatform, machine, printResult } from './support';

const residents = integerArgument('residents', 2_000, 10, 1_000_000);
const seconds = integerArgument('seconds', 5, 1, 120);
const warmup = integerArgument('warmup', 1_000, 0, 100_000);
const concurrency = integerArgument('concurrency', 64, 1, 256);

const CLIENT = 'KR/GOV/MOHW/welfare-benefits';
const PRODUCT = 'resident.basic';

const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

process.env.EXCHANGE_BENCH_BASELINE = '1';
const db = await benchDatabase(24);
try {
  const platform = await benchPlatform(db, { residents });

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

  const address = new URL(await platform.app.listen({ host: '127.0.0.1', port: 0 }));
  const subjects = Array.from({ length: Math.min(residents, 5_000) }, (_, i) => 1 + ((i * 7919) % residents));
  const targets = {
    baseline: subjects.map((subject) => ({ path: `/bench/exchange-baseline/${PRODUCT}/${subject}`, headers: {} as Record<string, string> })),
    exchange: subjects.map((subject) => ({
      path: `/r1/KR/GOV/MOIS/resident-register/${PRODUCT}/${subject}`,
      headers: { 'x-road-client': CLIENT, authorization: `Bearer ${secret}`, 'x-road-purpose': 'WELFARE-ELIGIBILITY', 'x-road-userid': 'MOHW-0001', 'x-road-issue': 'BENCH-1' } as Record<string, string>,
    })),
  };
  const load = async (target: keyof typeof targets, options: { seconds: number; rate?: number; maxRequests?: number }) => {
    const before = await cpuSnapshot(db.pool);
    const summary = await runLoad({ host: address.hostname, port: Number(address.port), requests: targets[target], connections: concurrency, ...options });
    return { ...summary, cpu: cpuPerRequest(before, await cpuSnapshot(db.pool), summary.requests) };
  };

  await load('baseline', { seconds: 30, maxRequests: warmup });
  await load('exchange', { seconds: 30, maxRequests: warmup });
  // Saturation: `concurrency` requests always in flight.
  const baseline = await load('baseline', { seconds });
  const exchanged = await load('exchange', { seconds });
  // Latency at half the exchange's saturation rate, open loop, both routes at that same rate.
  const halfRate = Math.max(1, Math.round(exchanged.requestsPerSecond / 2));
  const baselineAtHalf = await load('baseline', { seconds, rate: halfRate });
  // Where the exchange's tail goes: how late this process's event loop ran and how long the
  // garbage collector paused it, during the exchange's half-rate phase.
  const pauses = pausesDuring();
  const machineBefore = machineCpuSnapshot();
  const exchangeAtHalf = await profiled(() => load('exchange', { seconds, rate: halfRate }));
  const serverPauses = pauses.stop();
  // steal: CPU time the host gave to other machines while this one wanted it (tails grow with it).
  const machineCpu = machineCpuShare(machineBefore);
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
    loadGenerator: 'raw keep-alive HTTP/1.1 in a worker thread of this process (bench/lib/load-worker.mjs); open-loop latencies from the scheduled start',
    saturation: {
      baseline: { route: 'GET /bench/exchange-baseline/{product}/{subject} (same registry read; no checks, audit or signature)', ...baseline },
      exchange: { route: 'GET /r1/KR/GOV/MOIS/resident-register/resident.basic/{subject} (allowed; audited; signed)', ...exchanged },
      ratio: round(exchanged.requestsPerSecond / baseline.requestsPerSecond, 3),
    },
    atHalfSaturation: { requestsPerSecond: halfRate, baseline: baselineAtHalf, exchange: exchangeAtHalf, serverPausesDuringExchange: serverPauses, machineCpuDuringExchange: machineCpu },
    targets: {
      ratioAtLeast0_5: exchanged.requestsPerSecond / baseline.requestsPerSecond >= 0.5,
      atLeast2000PerSecond: exchanged.requestsPerSecond >= 2000,
      p99AtHalfSaturationAtMost20ms: exchangeAtHalf.p99Ms <= 20,
    },
    auditedAllowedExchangeReads: audited.rows[0]!.n,
    auditChainOk: verification.ok,
  });
  const failed = [baseline, exchanged, baselineAtHalf, exchangeAtHalf].some((r) => r.non200 || r.errors);
  if (failed) process.exitCode = 1;
} finally {
  await db.close();
}
