// E-certificates (issue 5): credentials issued per second (claims read from the registries,
// status position allocated, eddsa-rdfc-2022 proof, stored, audited: WalletService.issue),
// verified per second (the whole check: shape, contexts, proof, dates, status bit from
// Postgres: WalletService.verifyCredential), and revocation-to-rejection latency (from the
// moment the revoke call returns until a verification of that credential answers "revoked").
// Verification is measured three ways: unique credentials in this thread, unique credentials in
// worker threads, and the same credentials again (proof results remembered). Options: --issue N
// (default 800), --seconds S for the repeated verification (default 10), --concurrency C (default
// 8), --workers W (default 2), --revocations R (default 200), --warmup N (credentials verified
// before measuring, in this thread and again in the workers; default 200).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { AuditLog } from '../src/core/audit';
import { PlatformKeys } from '../src/core/keys';
import { argument } from '../src/cli/common';
import { AgreementsService } from '../src/modules/agreements/service';
import { ConsentService } from '../src/modules/consent';
import { DirectoryService } from '../src/modules/directory/service';
import { ExchangeService } from '../src/modules/exchange';
import { RegistryService } from '../src/modules/registry/service';
import { CredentialCrypto, WalletService, type DocType, type WalletContext } from '../src/modules/wallet';
import { benchDatabase, machine, printResult, timed } from './support';

const issueCount = Number(argument('issue') ?? 800);
const verifySeconds = Number(argument('seconds') ?? 10);
const concurrency = Number(argument('concurrency') ?? 8);
const revocations = Number(argument('revocations') ?? 200);
const warmups = Number(argument('warmup') ?? 200);
const residents = 2_000;
const TYPES: DocType[] = ['IncomeCertificate', 'ResidentRegistrationAbstract', 'FamilyRelationCertificate', 'ElectronicSealCertificate'];

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(2));
};

async function pool<T>(count: number, workers: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: workers }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  }));
  return results;
}

const db = await benchDatabase(24);
try {
  const audit = new AuditLog(db.pool);
  audit.startSealer();
  const registry = new RegistryService(db.pool, audit);
  await registry.seedSyntheticPopulation({ seed: 5, residents });
  const directory = new DirectoryService(db.pool);
  const agreements = new AgreementsService(db.pool, audit, directory);
  const keys = await PlatformKeys.load(db.pool);
  const consents = new ConsentService(db.pool, audit, directory, keys);
  const exchange = new ExchangeService(db.pool, audit, directory, agreements, registry, keys, consents);
  const wallet = new WalletService(db.pool, audit, registry, consents, exchange, await CredentialCrypto.load(db.pool, 'http://localhost:3000'));
  const workers = Number(argument('workers') ?? 2);
  wallet.crypto.useWorkers(workers);
  const system: WalletContext = { principal: null, actor: { id: 'KR/GOV/MOIS/gov24', role: 'system', org: 'MOIS' }, requestId: 'bench' };

  // Warm-up, not measured: JSON-LD context processing and the JIT, in this thread and in each
  // worker (a fresh worker thread is as cold as a fresh process), with credentials of their own.
  const warmUp = async () => {
    const fresh = await pool(warmups, concurrency, (i) => wallet.issue(system, { type: TYPES[i % TYPES.length]!, residentId: 1 + (i % residents) }));
    await pool(fresh.length, concurrency, (i) => wallet.verifyCredential(fresh[i]!.credential));
  };
  wallet.crypto.useWorkers(0);
  await warmUp();
  wallet.crypto.useWorkers(workers);
  await warmUp();

  const issuing = await timed(() => pool(issueCount, concurrency, (i) => wallet.issue(system, { type: TYPES[i % TYPES.length]!, residentId: 1 + (i % residents) })));
  const credentials = issuing.result.map((c) => c.credential);

  // Unique credentials, each verified once (nothing cached): half in this thread, half in workers.
  const half = Math.floor(credentials.length / 2);
  let failed = 0;
  const verifyLatencies: number[] = [];
  const verifyAll = (list: Array<Record<string, unknown>>) =>
    timed(() => pool(list.length, concurrency, async (i) => {
      const started = performance.now();
      const outcome = await wallet.verifyCredential(list[i]);
      verifyLatencies.push(performance.now() - started);
      if (!outcome.verified) failed += 1;
    }));
  wallet.crypto.useWorkers(0);
  const inThread = await verifyAll(credentials.slice(0, half));
  wallet.crypto.useWorkers(workers);
  const inWorkers = await verifyAll(credentials.slice(half));

  // The same credentials again for a while: the proof result is remembered (by the digest of
  // the exact JSON), dates and the status bit are still checked every time.
  let repeated = 0;
  const repeating = await timed(async () => {
    const deadline = performance.now() + verifySeconds * 1000;
    let next = 0;
    await Promise.all(Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline) {
        const outcome = await wallet.verifyCredential(credentials[next++ % credentials.length]);
        repeated += 1;
        if (!outcome.verified) failed += 1;
      }
    }));
  });

  const revokeCalls: number[] = [];
  const toRejection: number[] = [];
  for (const certificate of issuing.result.slice(0, revocations)) {
    const started = performance.now();
    await wallet.revoke(system, certificate.id, 'benchmark');
    const returned = performance.now();
    revokeCalls.push(returned - started);
    let verdict = '';
    for (let tries = 0; verdict !== 'revoked'; tries += 1) {
      if (tries === 1000) throw new Error(`still ${verdict} after 1,000 verifications`);
      verdict = (await wallet.verifyCredential(certificate.credential)).verdict;
    }
    toRejection.push(performance.now() - returned);
  }
  await audit.flush();
  await audit.stopSealer();
  await wallet.crypto.close();

  printResult({
    benchmark: 'credentials',
    ...machine(),
    residents,
    concurrency,
    // patches/jsonld+9.0.0.patch, applied by `npm ci` (postinstall): without it, about half the rate.
    jsonldContextSharingPatch: readFileSync(createRequire(import.meta.url).resolve('jsonld/lib/context.js'), 'utf8').includes('OnceGov patch'),
    issued: issueCount,
    issuedPerSecond: Math.round(issueCount / issuing.seconds),
    workers,
    verificationFailures: failed,
    verifiedPerSecondUniqueInThread: Math.round(half / inThread.seconds),
    verifiedPerSecondUniqueInWorkers: Math.round((credentials.length - half) / inWorkers.seconds),
    verifiedPerSecondRepeated: Math.round(repeated / repeating.seconds),
    uniqueVerifyLatencyMs: { p50: percentile(verifyLatencies, 50), p99: percentile(verifyLatencies, 99) },
    revocations,
    revokeCallMs: { p50: percentile(revokeCalls, 50), p99: percentile(revokeCalls, 99) },
    revocationToRejectionMs: { p50: percentile(toRejection, 50), p99: percentile(toRejection, 99), max: percentile(toRejection, 100) },
  });
} finally {
  await db.close();
}
