// Eligibility sweep: seeds --residents N (default 1,000,000) into a scratch database, loads the
// population columns, and evaluates every published rule over everyone with the compiled engine;
// then the same rules through the naive one-resident-at-a-time interpreter (over the whole
// population when that would take under ~3 minutes, else over a stated sample of households,
// extrapolated and labelled so). Prints JSON.
import { argument } from '../src/cli/common';
import { AuditLog } from '../src/core/audit';
import { EligibilityService, interpretRule, sweep } from '../src/modules/eligibility/index';
import { householdsFromColumns } from '../src/modules/registry/columns';
import { DEFAULT_AS_OF } from '../src/modules/registry/population/generator';
import { RegistryService } from '../src/modules/registry/service';
import { benchDatabase, benchPlatform, machine, printResult, timed } from './support';
import { BIRTH_REGISTERED } from '../src/modules/registry/life-events';
import { koreanDate } from '../src/core/period';

const residents = Number(argument('residents') ?? 1_000_000);
const date = argument('date') ?? DEFAULT_AS_OF;
const NAIVE_BUDGET_SECONDS = 180;
const NAIVE_SAMPLE_RESIDENTS = Number(argument('naive-sample') ?? 50_000);

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

const db = await benchDatabase(12);
try {
  const registry = new RegistryService(db.pool, new AuditLog(db.pool));
  const seeded = await timed(() => registry.seedSyntheticPopulation({ seed: 20261122, residents }));
  const rssBeforeLoad = peakRssMb();

  const loaded = await timed(() => registry.populationColumns());
  const columns = loaded.result;
  // The published rules as engines get them: the seed set stored, validated and compiled.
  const eligibility = new EligibilityService(db.pool, new AuditLog(db.pool), registry);
  await eligibility.ensureSeedRules();
  const compiled = await timed(() => eligibility.publishedRules());
  const rules = compiled.result;

  // The full sweep: every rule over everyone, counting who is eligible (what a sweep would notify).
  const eligibleByRule: Record<string, number> = {};
  const runSweep = () =>
    timed(async () => {
      sweep(rules, columns, date, (rule, out) => {
        let eligible = 0;
        const n = rule.rule.entity === 'person' ? columns.personCount : columns.householdCount;
        for (let i = 0; i < n; i++) eligible += out.eligible[i]!;
        eligibleByRule[rule.rule.id] = eligible;
      });
    });
  const firstSweep = await runSweep();
  const secondSweep = await runSweep();
  const evaluations = columns.personCount * rules.length;

  // The naive interpreter: plain objects, one resident (or household) and one rule at a time.
  const converted = await timed(async () => householdsFromColumns(columns));
  const households = converted.result;
  const naiveOver = async (count: number) =>
    timed(async () => {
      const eligible: Record<string, number> = {};
      for (const { rule } of rules) {
        let n = 0;
        for (let h = 0; h < count; h++) {
          const household = households[h]!;
          if (rule.entity === 'household') n += interpretRule(rule, household, 0, date).eligible ? 1 : 0;
          else for (let m = 0; m < household.members.length; m++) n += interpretRule(rule, household, m, date).eligible ? 1 : 0;
        }
        eligible[rule.id] = n;
      }
      return eligible;
    });
  let sampleHouseholds = 0;
  let samplePersons = 0;
  while (sampleHouseholds < households.length && samplePersons < NAIVE_SAMPLE_RESIDENTS) samplePersons += households[sampleHouseholds++]!.members.length;
  const sample = await naiveOver(sampleHouseholds);
  const extrapolated = sample.seconds * (columns.personCount / Math.max(1, samplePersons));
  let naive: Record<string, unknown>;
  let agrees: boolean;
  if (sampleHouseholds < households.length && extrapolated <= NAIVE_BUDGET_SECONDS) {
    const full = await naiveOver(households.length);
    agrees = rules.every(({ rule }) => full.result[rule.id] === eligibleByRule[rule.id]);
    naive = { measured: 'full population', seconds: +full.seconds.toFixed(2), residentsTimesRulesPerSecond: Math.round(evaluations / full.seconds) };
  } else {
    // Check the sample against the compiled engine over the same households.
    const sampleColumns = { ...columns, householdCount: sampleHouseholds, personCount: samplePersons };
    const compiledSample: Record<string, number> = {};
    sweep(rules, sampleColumns, date, (rule, out) => {
      let n = 0;
      const count = rule.rule.entity === 'person' ? samplePersons : sampleHouseholds;
      for (let i = 0; i < count; i++) n += out.eligible[i]!;
      compiledSample[rule.rule.id] = n;
    });
    agrees = rules.every(({ rule }) => sample.result[rule.id] === compiledSample[rule.id]);
    naive = sampleHouseholds >= households.length
      ? { measured: 'full population', seconds: +sample.seconds.toFixed(2), residentsTimesRulesPerSecond: Math.round(evaluations / sample.seconds) }
      : {
          measured: `sample of the first ${sampleHouseholds} households (${samplePersons} residents), extrapolated linearly to all ${columns.personCount}`,
          sampleSeconds: +sample.seconds.toFixed(2),
          extrapolatedSeconds: +extrapolated.toFixed(1),
          residentsTimesRulesPerSecond: Math.round((samplePersons * rules.length) / sample.seconds),
        };
  }
  const naiveSeconds = (naive.seconds as number | undefined) ?? (naive.extrapolatedSeconds as number);

  const eventToNotification = await eventLatency();

  printResult({
    benchmark: 'eligibility',
    machine: machine(),
    date,
    residents: columns.personCount,
    households: columns.householdCount,
    rules: rules.length,
    seedSeconds: +seeded.seconds.toFixed(1),
    loadColumnsSeconds: +loaded.seconds.toFixed(2),
    validateAndCompileRulesSeconds: +compiled.seconds.toFixed(2),
    sweep: {
      seconds: +firstSweep.seconds.toFixed(2),
      secondRunSeconds: +secondSweep.seconds.toFixed(2),
      residentsTimesRules: evaluations,
      residentsTimesRulesPerSecond: Math.round(evaluations / firstSweep.seconds),
      // OpenFisca's reference point: one household benefit for 3,000,000 persons in ~0.34 s.
      personsPerRulePerSecondVsOpenFisca: +((evaluations / firstSweep.seconds) / (3_000_000 / 0.34)).toFixed(1),
    },
    naiveInterpreter: { ...naive, toPlainObjectsSeconds: +converted.seconds.toFixed(2), agreesWithCompiled: agrees },
    compiledSpeedup: Math.round(naiveSeconds / firstSweep.seconds),
    memory: { rssBeforeLoadMb: rssBeforeLoad, peakRssMb: peakRssMb(), heapUsedMb: mb(process.memoryUsage().heapUsed) },
    eligibleSample: Object.fromEntries(
      ['child-allowance', 'parental-benefit', 'first-meeting-voucher', 'basic-pension', 'disability-pension', 'livelihood-benefit'].map((id) => [id, eligibleByRule[id]]),
    ),
    eventToNotification,
    targets: { sweepSeconds: 15, peakRssMb: 2048, eventToNotificationP99Ms: 1000 },
  });
} finally {
  await db.close();
}

/**
 * Births registered through the registry's own service at a steady pace, on the full platform
 * (outbox, LISTEN wake-up, proactive engine, notifications): from the event's creation in the
 * registration transaction to the commit of its notices (a subscriber after the engine's).
 */
async function eventLatency() {
  const births = Number(argument('births') ?? 1_000);
  const perSecond = Number(argument('births-per-second') ?? 20);
  const platform = await benchPlatform(db);
  const latencies: number[] = [];
  let notices = 0;
  const handled = new Promise<void>((resolve) => {
    platform.events.subscribe(BIRTH_REGISTERED, async (event) => {
      latencies.push(Date.now() - event.createdAt.getTime());
      if (latencies.length === births) resolve();
    });
  });
  await platform.proactive.warm();
  platform.events.start();
  const couples = await db.pool.query<{ head: string; spouse: string }>(
    `SELECT h.id AS head, s.id AS spouse FROM registry.residents h
       JOIN registry.residents s ON s.household_id = h.household_id AND s.household_role = 'spouse'
      WHERE h.household_role = 'head' AND h.birth_date BETWEEN '1981-01-01' AND '2001-01-01' AND h.deceased_on IS NULL
      ORDER BY h.id LIMIT $1`,
    [births],
  );
  const official = { accountId: 'bench-MOIS-0001', sessionId: 'bench', role: 'official' as const, residentId: null, agencyCode: 'MOIS', displayName: { ko: 'bench', en: 'bench' } };
  const started = performance.now();
  for (const [i, couple] of couples.rows.entries()) {
    const due = started + (i * 1000) / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    await platform.lifeEvents.registerBirth(
      { principal: official, actor: { id: official.accountId, role: 'official', org: 'MOIS' }, requestId: `bench-birth-${i}` },
      { parentResidentIds: [Number(couple.head), Number(couple.spouse)], nameKo: '김새봄', nameRomanized: 'Kim Saebom', sex: i % 2 ? 'F' : 'M', birthDate: koreanDate() },
    );
  }
  await handled;
  notices = (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications.notifications WHERE template_id = 'benefit-eligible'`)).rows[0]!.n;
  await platform.app.close();
  latencies.sort((a, b) => a - b);
  const at = (p: number) => latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!;
  return { births: latencies.length, birthsPerSecond: perSecond, noticesCommitted: notices, p50Ms: at(50), p99Ms: at(99), maxMs: latencies.at(-1) };
}
