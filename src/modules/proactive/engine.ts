// The proactive benefits engine (issue 4, "services come to people before they ask"): when a life
// event is recorded in a registry (a birth, a move, a disability registration, an income
// assessment, a 65th birthday) it
// re-evaluates every published eligibility rule for the affected households only, and when a
// rule is published it sweeps the whole population for that rule; every newly eligible resident
// — or, for a child, the parents — gets a benefit notice with the reasons and a link to apply.
//
// "Newly" is kept by the notices' idempotency keys (rule, beneficiary, amount, recipient): an
// event delivered twice, a crash and a restart, or a sweep after an event never notify twice; a
// change that matters (a second child raises the child allowance) is a new key. Residents who
// opted out of a category get nothing (the notifications module decides). Reading the registry
// for this is audited per resident evaluated, in the transaction that creates the notices.
import type { AuditActor, AuditEntry, AuditLog } from '../../core/audit';
import { readChangeVersions, VersionedCache } from '../../core/change-versions';
import { withTransaction, type Pool } from '../../core/db';
import { koreanDate } from '../../core/period';
import { AppError } from '../../core/errors';
import type { DomainEvent, EventBus } from '../../core/events';
import type { Message } from '../../core/i18n';
import { explainDecision, RULE_PUBLISHED, sweep, type CompiledRule, type EligibilityService, type RuleOutput } from '../eligibility';
import { applyUrl } from '../applications';
import type { NotificationsService, SendRequest, SendResult } from '../notifications';
import { HOUSEHOLD_ROLES, householdsFromColumns, type PopulationColumns } from '../registry/columns';
import { ADDRESS_CHANGED, BIRTH_REGISTERED, DISABILITY_REGISTERED, INCOME_UPDATED, TURNED_65, type BirthRegistered, type HouseholdEvent } from '../registry/life-events';
import type { RegistryService } from '../registry/service';
import type { ServiceCatalogue } from '../services';

export const PROACTIVE_ACTOR = { id: 'system:proactive-engine', role: 'system', org: 'MOIS' } as const;
const ADULT = 19;
const HEAD = HOUSEHOLD_ROLES.indexOf('head');
const SPOUSE = HOUSEHOLD_ROLES.indexOf('spouse');
const CHILD = HOUSEHOLD_ROLES.indexOf('child');
const SWEEP_CHUNK = 2_000;

export interface EvaluationReport {
  residentsEvaluated: number;
  created: number;
  duplicates: number;
  suppressed: number;
}

export interface SweepStatus {
  id: number;
  ruleId: string;
  ruleVersion: number | null;
  status: 'running' | 'done' | 'failed';
  total: number | null;
  processed: number;
  created: number;
  duplicates: number;
  suppressed: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

interface SweepRow {
  id: number;
  rule_id: string;
  rule_version: number | null;
  status: SweepStatus['status'];
  total: number | null;
  processed: number;
  created: number;
  duplicates: number;
  suppressed: number;
  started_at: Date;
  finished_at: Date | null;
  error: string | null;
}

const toStatus = (row: SweepRow): SweepStatus => ({
  id: row.id,
  ruleId: row.rule_id,
  ruleVersion: row.rule_version,
  status: row.status,
  total: row.total,
  processed: row.processed,
  created: row.created,
  duplicates: row.duplicates,
  suppressed: row.suppressed,
  startedAt: row.started_at.toISOString(),
  finishedAt: row.finished_at?.toISOString() ?? null,
  error: row.error,
});

function ageOn(birthDate: number, day: number): number {
  // Both are yyyymmdd numbers: whole years are a division.
  return Math.floor((day - birthDate) / 10_000);
}

function formatAmount(amount: number, period: 'month' | 'year' | 'once' | null): Message {
  if (!(amount > 0)) return { ko: '금액 없음 (서비스 제공)', en: 'no payment: a service is provided' };
  const ko = `${amount.toLocaleString('ko-KR')}원`;
  const en = `${amount.toLocaleString('en-US')} KRW`;
  if (period === 'month') return { ko: `월 ${ko}`, en: `${en} a month` };
  if (period === 'year') return { ko: `연 ${ko}`, en: `${en} a year` };
  return { ko: `${ko} (1회)`, en: `${en} (once)` };
}

export class ProactiveEngine {
  private readonly rules: VersionedCache<CompiledRule[]>;
  private readonly sweeps = new Set<Promise<void>>();

  constructor(
    private readonly deps: {
      pool: Pool;
      audit: AuditLog;
      events: EventBus;
      registry: RegistryService;
      eligibility: EligibilityService;
      notifications: NotificationsService;
      catalogue: ServiceCatalogue;
      publicBaseUrl: string;
      /** Told after each life event's notices committed (benchmarks measure the latency). */
      onEvaluated?: (event: DomainEvent, report: EvaluationReport) => void;
      onError?: (error: unknown) => void;
    },
  ) {
    this.rules = new VersionedCache('eligibility.rule_versions', () => deps.eligibility.publishedRules());
  }

  /** Compiles the published rules now (each rule's examples run once), so the first life event is not the one that waits for it. */
  async warm(): Promise<number> {
    return (await this.rules.get(this.deps.pool, await readChangeVersions(this.deps.pool))).length;
  }

  /** Subscribes to the registries' life events and to rule publications (before the event bus starts). */
  subscribe(): void {
    const { events } = this.deps;
    events.subscribe(BIRTH_REGISTERED, async (event) => {
      const birth = event.payload as BirthRegistered;
      // Evaluated first: an optional call would skip evaluating its arguments when nobody listens.
      const report = await this.evaluateAround([birth.childResidentId, ...birth.parentResidentIds], `birth of resident ${birth.childResidentId}`);
      this.deps.onEvaluated?.(event, report);
    });
    for (const topic of [DISABILITY_REGISTERED, TURNED_65, ADDRESS_CHANGED, INCOME_UPDATED]) {
      events.subscribe(topic, async (event) => {
        const { residentId } = event.payload as HouseholdEvent;
        const report = await this.evaluateAround([residentId], `${topic} for resident ${residentId}`);
        this.deps.onEvaluated?.(event, report);
      });
    }
    events.subscribe(RULE_PUBLISHED, async (event) => {
      const { ruleId } = event.payload as { ruleId: string };
      await this.startSweep(ruleId, `publication of ${ruleId}`);
    });
  }

  /**
   * Every published rule over the households of `residentIds`; notices for whoever is eligible
   * and not yet told. Audited per resident evaluated, with the notices, in one transaction.
   */
  async evaluateAround(residentIds: number[], cause: string): Promise<EvaluationReport> {
    const { pool, registry, audit, notifications } = this.deps;
    const rules = await this.rules.get(pool, await readChangeVersions(pool));
    const columns = await registry.populationColumns({ residentIds });
    const day = koreanDate();
    const requests = this.noticesFor(rules, columns, day);
    return withTransaction(pool, async (tx) => {
      const evaluated: AuditEntry[] = [];
      for (let p = 0; p < columns.personCount; p++) {
        evaluated.push({
          actor: PROACTIVE_ACTOR,
          action: 'proactive.evaluate',
          purpose: 'Checking which benefits you can get after a change in the registers (proactive notification)',
          resource: 'eligibility/rules',
          outcome: 'allowed',
          subjectResidentId: columns.residentId[p]!,
          details: { cause, rules: rules.length },
        });
      }
      await audit.appendMany(tx, evaluated);
      const results = await notifications.sendMany(tx, requests);
      return { residentsEvaluated: columns.personCount, ...tally(results) };
    });
  }

  /** Starts sweeping the whole population for one published rule; the sweep runs in the background, its progress in sweepStatus. */
  async startSweep(ruleId: string, cause: string, startedBy?: { actor: AuditActor; requestId: string }): Promise<SweepStatus> {
    const rule = (await this.deps.eligibility.publishedRules()).find((r) => r.rule.id === ruleId);
    if (!rule) throw new AppError('NOT_FOUND', `There is no published rule ${ruleId}.`);
    const status = await withTransaction(this.deps.pool, async (tx) => {
      const row = await tx.query<SweepRow>(
        `INSERT INTO proactive.sweeps (rule_id, rule_version, cause) VALUES ($1, $2, $3)
         RETURNING id, rule_id, rule_version, status, total, processed, created, duplicates, suppressed, started_at, finished_at, error`,
        [ruleId, rule.rule.version, cause],
      );
      const started = toStatus(row.rows[0]!);
      // A sweep someone starts by hand is theirs on the record; one a publication starts is the publication's.
      if (startedBy) {
        await this.deps.audit.append(tx, {
          actor: startedBy.actor,
          action: 'proactive.sweep.start',
          purpose: 'Checking the whole population for a published benefit rule (proactive notification)',
          resource: `eligibility/rules/${ruleId}/versions/${rule.rule.version}`,
          outcome: 'allowed',
          requestId: startedBy.requestId,
          details: { sweepId: started.id },
        });
      }
      return started;
    });
    this.track(this.runSweep(status.id, rule));
    return status;
  }

  async sweepStatus(id: number): Promise<SweepStatus> {
    const row = await this.deps.pool.query<SweepRow>(
      'SELECT id, rule_id, rule_version, status, total, processed, created, duplicates, suppressed, started_at, finished_at, error FROM proactive.sweeps WHERE id = $1',
      [id],
    );
    if (row.rowCount === 0) throw new AppError('NOT_FOUND', `There is no sweep ${id}.`);
    return toStatus(row.rows[0]!);
  }

  async recentSweeps(limit = 20): Promise<SweepStatus[]> {
    const rows = await this.deps.pool.query<SweepRow>(
      'SELECT id, rule_id, rule_version, status, total, processed, created, duplicates, suppressed, started_at, finished_at, error FROM proactive.sweeps ORDER BY id DESC LIMIT $1',
      [limit],
    );
    return rows.rows.map(toStatus);
  }

  /** Sweeps a crash left running are run again (their notices are idempotent). */
  async resumeInterruptedSweeps(): Promise<number> {
    const rows = await this.deps.pool.query<{ id: number; rule_id: string }>(`SELECT id, rule_id FROM proactive.sweeps WHERE status = 'running'`);
    const rules = await this.deps.eligibility.publishedRules();
    for (const row of rows.rows) {
      const rule = rules.find((r) => r.rule.id === row.rule_id);
      if (rule) this.track(this.runSweep(row.id, rule));
      else await this.deps.pool.query(`UPDATE proactive.sweeps SET status = 'failed', finished_at = now(), error = 'the rule is no longer published' WHERE id = $1`, [row.id]);
    }
    return rows.rowCount ?? 0;
  }

  /** Resolves when every sweep started so far has finished. */
  async idle(): Promise<void> {
    while (this.sweeps.size) await Promise.allSettled([...this.sweeps]);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error) => this.deps.onError?.(error)).finally(() => this.sweeps.delete(tracked));
    this.sweeps.add(tracked);
  }

  private async runSweep(id: number, rule: CompiledRule): Promise<void> {
    const { pool, registry, audit, notifications } = this.deps;
    try {
      const columns = await registry.populationColumns();
      const requests = this.noticesFor([rule], columns, koreanDate());
      await pool.query('UPDATE proactive.sweeps SET total = $2, processed = 0 WHERE id = $1', [id, requests.length]);
      await audit.append(pool, {
        actor: PROACTIVE_ACTOR,
        action: 'proactive.sweep',
        purpose: 'Checking the whole population for a published benefit rule (proactive notification)',
        resource: `eligibility/rules/${rule.rule.id}/versions/${rule.rule.version}`,
        outcome: 'allowed',
        details: { sweepId: id, residents: columns.personCount, notices: requests.length },
      });
      for (let from = 0; from < requests.length; from += SWEEP_CHUNK) {
        const chunk = requests.slice(from, from + SWEEP_CHUNK);
        await withTransaction(pool, async (tx) => {
          const counts = tally(await notifications.sendMany(tx, chunk));
          await tx.query(
            'UPDATE proactive.sweeps SET processed = processed + $2, created = created + $3, duplicates = duplicates + $4, suppressed = suppressed + $5 WHERE id = $1',
            [id, chunk.length, counts.created, counts.duplicates, counts.suppressed],
          );
        });
      }
      await pool.query(`UPDATE proactive.sweeps SET status = 'done', finished_at = now() WHERE id = $1`, [id]);
    } catch (error) {
      await pool
        .query(`UPDATE proactive.sweeps SET status = 'failed', finished_at = now(), error = $2 WHERE id = $1`, [id, error instanceof Error ? error.message : String(error)])
        .catch(() => undefined);
      throw error;
    }
  }

  /** The notices the rules' decisions call for: one per eligible beneficiary and recipient. */
  private noticesFor(rules: readonly CompiledRule[], columns: PopulationColumns, day: string): SendRequest[] {
    const dayNumber = Number(day.replaceAll('-', ''));
    const requests: SendRequest[] = [];
    sweep(rules, columns, day, (compiled, output: RuleOutput) => {
      const { rule } = compiled;
      // Where the notice points is the rule's, not the beneficiary's: straight to the application
      // form — the bundle's when the service is part of one (one application after a birth), else
      // the service's own.
      const service = this.deps.catalogue.findService(rule.id);
      const bundle = service && this.deps.catalogue.bundles().find((b) => b.serviceIds.includes(service.id));
      const path = bundle ? applyUrl({ kind: 'bundle', id: bundle.id }) : service ? applyUrl({ kind: 'service', id: service.id }) : '/me/benefits';
      const serviceName = service ? service.name : rule.title;
      const count = rule.entity === 'person' ? columns.personCount : columns.householdCount;
      for (let i = 0; i < count; i++) {
        if (!output.eligible[i]) continue;
        const household = rule.entity === 'person' ? columns.household[i]! : i;
        const beneficiary = rule.entity === 'person' ? i : null;
        const recipients = this.recipients(columns, household, beneficiary, dayNumber);
        if (recipients.length === 0) continue;
        const start = columns.memberStart[household]!;
        const input = householdsFromColumns(columns, household, household + 1)[0]!;
        const explanation = explainDecision(rule, input, beneficiary === null ? 0 : beneficiary - start, day);
        const amount = output.amount[i]!;
        const beneficiaryKey = beneficiary === null ? `household:${columns.householdId[household]}` : `resident:${columns.residentId[beneficiary]}`;
        for (const recipient of recipients) {
          const residentId = columns.residentId[recipient]!;
          requests.push({
            residentId,
            category: rule.category,
            templateId: 'benefit-eligible',
            personalisation: {
              serviceName,
              reason: explanation.summary,
              amount: formatAmount(amount, rule.benefit?.period ?? null),
              link: `${this.deps.publicBaseUrl}${path}`,
            },
            idempotencyKey: `benefit:${rule.id}:${beneficiaryKey}:${amount}:to:${residentId}`,
            link: path,
            reference: rule.id,
            actor: PROACTIVE_ACTOR,
          });
        }
      }
    });
    return requests;
  }

  /** Whom to tell: an adult beneficiary themself; for a child or a household, its head and spouse (the oldest adult when there are none). */
  private recipients(columns: PopulationColumns, household: number, beneficiary: number | null, day: number): number[] {
    if (beneficiary !== null && ageOn(columns.birthDate[beneficiary]!, day) >= ADULT) return [beneficiary];
    const start = columns.memberStart[household]!;
    const end = columns.memberStart[household + 1]!;
    const adults: number[] = [];
    for (let p = start; p < end; p++) if (ageOn(columns.birthDate[p]!, day) >= ADULT) adults.push(p);
    const minorIsChildOfHead = beneficiary === null || columns.role[beneficiary] === CHILD;
    const parents = minorIsChildOfHead ? adults.filter((p) => columns.role[p] === HEAD || columns.role[p] === SPOUSE) : [];
    if (parents.length) return parents;
    const oldest = adults.sort((a, b) => columns.birthDate[a]! - columns.birthDate[b]!)[0];
    return oldest === undefined ? [] : [oldest];
  }
}

function tally(results: SendResult[]): Omit<EvaluationReport, 'residentsEvaluated'> {
  const counts = { created: 0, duplicates: 0, suppressed: 0 };
  for (const result of results) {
    if (result.status === 'created') counts.created += 1;
    else if (result.status === 'duplicate') counts.duplicates += 1;
    else counts.suppressed += 1;
  }
  return counts;
}
