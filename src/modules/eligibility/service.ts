// Storage and editing of rules: officials save drafts (validated in full: a rule with any
// problem is refused with every problem's field, line and column, and nothing is stored),
// publish them (the previous published version is superseded), list and read them; engines ask
// for the published rules compiled. Officials edit their own agency's rules, the operator any;
// auditors read. Every change, and every evaluation of a resident, is audited.
import type { EventBus } from '../../core/events';
import type { AuditActor, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import type { Pool } from '../../core/db';
import { withTransaction } from '../../core/db';
import { AppError, type FieldProblem } from '../../core/errors';
import type { Locale, Message } from '../../core/i18n';
import { householdsFromColumns } from '../registry/columns';
import type { RegistryService } from '../registry/service';
import type { CompiledRule } from './compiler';
import { explainDecision, type Explanation } from './interpreter';
import type { RuleProblem } from './language';
import { MissingParameterValueError } from './parameters';
import * as repository from './repository';
import { seedRuleSources } from './seed';
import { validateRule } from './validate';
import { dateNumber } from './variables';

export interface RuleContext {
  principal: Principal | null;
  actor: AuditActor;
  requestId: string;
  locale: Locale;
}

export type RuleVersionSummary = repository.RuleVersionRow;

export interface RuleDetail {
  ruleId: string;
  versions: RuleVersionSummary[];
  published: (RuleVersionSummary & { source: string }) | null;
  draft: (RuleVersionSummary & { source: string }) | null;
}

export interface ResidentDecision {
  ruleId: string;
  version: number;
  title: Message;
  agency: string;
  category: string;
  entity: 'person' | 'household';
  eligible: boolean;
  amount: number;
  period: 'month' | 'year' | 'once' | null;
  explanation: Pick<Explanation, 'summary' | 'conditions'>;
}

const EDITORS = ['official', 'operator'] as const;
const READERS = ['official', 'operator', 'auditor'] as const;

/** Problems as problem+json field entries: `/rule/conditions/1 (line 14, column 9)`. */
export function ruleFieldProblems(problems: RuleProblem[], locale: Locale): FieldProblem[] {
  return problems.map((p) => ({ field: `/rule${p.path} (line ${p.line}, column ${p.column})`, message: p.message[locale] }));
}

/** Outbox topic of a rule publication: { ruleId, version }. */
export const RULE_PUBLISHED = 'eligibility.rule-published';

export class EligibilityService {
  private compiledCache = new Map<string, CompiledRule>();

  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly registry: RegistryService,
    /** Publications are announced (RULE_PUBLISHED) so the proactive engine sweeps the population. */
    private readonly events?: EventBus,
  ) {}

  private require(context: RuleContext, roles: readonly string[]): Principal {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    if (!roles.includes(principal.role)) throw new AppError('FORBIDDEN', 'Only officials and the platform operator manage eligibility rules.');
    return principal;
  }

  private async refuse(context: RuleContext, action: string, resource: string, detail: string): Promise<never> {
    await this.audit.append(this.pool, { actor: context.actor, action, purpose: 'manage eligibility rules', resource, outcome: 'denied', requestId: context.requestId, details: { reason: detail } });
    throw new AppError('FORBIDDEN', detail);
  }

  /**
   * Validates and stores a draft. Refused with VALIDATION_FAILED (every problem located) when the
   * rule is not valid, CONFLICT when its version is not above the published one, FORBIDDEN when an
   * official saves another agency's rule.
   */
  async saveDraft(context: RuleContext, source: string): Promise<RuleVersionSummary> {
    const principal = this.require(context, EDITORS);
    if (typeof source !== 'string' || source.trim() === '') {
      throw new AppError('VALIDATION_FAILED', 'The rule is empty.', [{ field: '/rule', message: context.locale === 'ko' ? '규칙 내용을 입력하세요' : 'Enter the rule' }]);
    }
    const result = validateRule(source);
    if (!result.ok) {
      throw new AppError('VALIDATION_FAILED', 'The rule is not valid; nothing was saved.', ruleFieldProblems(result.problems, context.locale));
    }
    const { rule } = result;
    if (principal.role === 'official' && principal.agencyCode !== rule.agency) {
      await this.refuse(context, 'eligibility.rule.draft-saved', `eligibility/rules/${rule.id}`, `Officials of ${principal.agencyCode} cannot edit rules of ${rule.agency}.`);
    }
    return withTransaction(this.pool, async (tx) => {
      const existing = await repository.versionsOf(tx, rule.id, true);
      if (principal.role === 'official' && existing.some((v) => v.agency !== principal.agencyCode)) {
        throw new AppError('FORBIDDEN', `Rule ${rule.id} belongs to another agency.`);
      }
      const highestFinal = Math.max(0, ...existing.filter((v) => v.status !== 'draft').map((v) => v.version));
      if (rule.version <= highestFinal) {
        throw new AppError('CONFLICT', `Version ${rule.version} of ${rule.id} is already published; save it as version ${highestFinal + 1} or later.`, [
          { field: '/rule/version', message: context.locale === 'ko' ? `버전은 ${highestFinal + 1} 이상이어야 합니다` : `the version must be ${highestFinal + 1} or later` },
        ]);
      }
      const saved = await repository.saveDraft(tx, rule, context.actor.id);
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'eligibility.rule.draft-saved',
        purpose: 'manage eligibility rules',
        resource: `eligibility/rules/${rule.id}/versions/${rule.version}`,
        outcome: 'allowed',
        requestId: context.requestId,
      });
      return saved;
    });
  }

  /** Publishes the rule's draft of this version; the version published before it is superseded. */
  async publish(context: RuleContext, ruleId: string, version: number): Promise<RuleVersionSummary> {
    const principal = this.require(context, EDITORS);
    const published = await withTransaction(this.pool, async (tx) => {
      const draft = (await repository.versionsOf(tx, ruleId, true)).find((v) => v.version === version);
      if (!draft) throw new AppError('NOT_FOUND', `Rule ${ruleId} has no version ${version}.`);
      if (draft.status !== 'draft') throw new AppError('CONFLICT', `Version ${version} of ${ruleId} is ${draft.status}, not a draft.`);
      if (principal.role === 'official' && principal.agencyCode !== draft.agency) return null;
      const result = await repository.publish(tx, ruleId, version, context.actor.id);
      await this.audit.append(tx, {
        actor: context.actor,
        action: 'eligibility.rule.published',
        purpose: 'manage eligibility rules',
        resource: `eligibility/rules/${ruleId}/versions/${version}`,
        outcome: 'allowed',
        requestId: context.requestId,
      });
      await this.events?.publish(tx, RULE_PUBLISHED, { ruleId, version });
      return result;
    });
    if (!published) return this.refuse(context, 'eligibility.rule.published', `eligibility/rules/${ruleId}`, `Officials of ${principal.agencyCode} cannot publish another agency's rule.`);
    return published;
  }

  async list(context: RuleContext): Promise<RuleVersionSummary[]> {
    this.require(context, READERS);
    return repository.listCurrent(this.pool);
  }

  async get(context: RuleContext, ruleId: string): Promise<RuleDetail> {
    this.require(context, READERS);
    const versions = await repository.versionsOf(this.pool, ruleId, false);
    if (versions.length === 0) throw new AppError('NOT_FOUND', `There is no rule ${ruleId}.`);
    const withSource = async (status: 'published' | 'draft') => {
      const row = versions.find((v) => v.status === status);
      return row ? { ...row, source: (await repository.sourceOf(this.pool, ruleId, row.version))! } : null;
    };
    return { ruleId, versions, published: await withSource('published'), draft: await withSource('draft') };
  }

  /** Every published rule, compiled (compilations are cached per rule version). */
  async publishedRules(): Promise<CompiledRule[]> {
    const rows = await repository.publishedSources(this.pool);
    const rules: CompiledRule[] = [];
    const keep = new Map<string, CompiledRule>();
    for (const row of rows) {
      const key = `${row.rule_id}@${row.version}`;
      let compiled = this.compiledCache.get(key);
      if (!compiled) {
        const result = validateRule(row.source);
        // A stored rule was valid when saved; if the language has since changed under it, it is skipped, not half-applied.
        if (!result.ok) continue;
        compiled = result.compiled;
      }
      keep.set(key, compiled);
      rules.push(compiled);
    }
    this.compiledCache = keep;
    return rules;
  }

  /**
   * Every published rule decided for one resident on a date (default today), with explanations.
   * Residents may ask about themselves, officials and the operator about anyone; audited.
   */
  async evaluateResident(context: RuleContext, residentId: number, date?: string): Promise<ResidentDecision[]> {
    const principal = context.principal;
    if (!principal) throw new AppError('UNAUTHENTICATED');
    const own = principal.role === 'resident' && principal.residentId === residentId;
    if (!own && !(EDITORS as readonly string[]).includes(principal.role)) throw new AppError('FORBIDDEN', 'You can only see decisions about yourself.');
    const day = date ?? new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul' }).format(new Date());
    if (dateNumber(day) === null) throw new AppError('VALIDATION_FAILED', 'The date must be YYYY-MM-DD.', [{ field: '/query/date', message: 'YYYY-MM-DD' }]);
    const columns = await this.registry.populationColumns({ residentIds: [residentId] });
    const household = householdsFromColumns(columns)[0];
    const member = household?.members.findIndex((m) => m.residentId === residentId) ?? -1;
    const entry = {
      actor: context.actor,
      action: 'eligibility.resident.evaluated',
      purpose: own ? 'self-service: benefits I may receive' : 'benefit eligibility check',
      resource: `registry/residents/${residentId}`,
      subjectResidentId: residentId,
      requestId: context.requestId,
    };
    if (!household || member < 0) {
      await this.audit.append(this.pool, { ...entry, outcome: 'failed', details: { reason: 'not found' } });
      throw new AppError('SUBJECT_NOT_FOUND', 'No such living resident.');
    }
    const rules = await this.publishedRules();
    const decisions = rules.flatMap(({ rule }) => {
      let explanation: Explanation;
      try {
        explanation = explainDecision(rule, household, member, day);
      } catch (error) {
        // A rule whose parameters have no value yet on that date decides nothing about it.
        if (error instanceof MissingParameterValueError) return [];
        throw error;
      }
      return [{
        ruleId: rule.id,
        version: rule.version,
        title: rule.title,
        agency: rule.agency,
        category: rule.category,
        entity: rule.entity,
        eligible: explanation.eligible,
        amount: explanation.amount,
        period: explanation.period,
        explanation: { summary: explanation.summary, conditions: explanation.conditions },
      }];
    });
    await this.audit.append(this.pool, { ...entry, outcome: 'allowed', details: { date: day, rules: decisions.length, eligible: decisions.filter((d) => d.eligible).length } });
    return decisions;
  }

  /** Publishes the seed rule set where a rule does not exist yet (demo and benchmarks). */
  async ensureSeedRules(): Promise<number> {
    let added = 0;
    await withTransaction(this.pool, async (tx) => {
      const existing = new Set((await repository.listCurrent(tx)).map((r) => r.ruleId));
      for (const { id, source } of seedRuleSources()) {
        if (existing.has(id)) continue;
        const result = validateRule(source);
        if (!result.ok) throw new Error(`seed rule ${id} is invalid: ${result.problems[0]?.message.en}`);
        await repository.saveDraft(tx, result.rule, 'system:seed');
        await repository.publish(tx, id, result.rule.version, 'system:seed');
        added++;
      }
    });
    return added;
  }
}
