// Data requests: anyone signed in asks for a dataset to be released by an agency; the agency's
// officials answer (release planned by a date, released with a link to the dataset, or refused with
// a reason); the requester can take a refusal to the Open Data Mediation Committee, whose
// secretariat (the platform operator) records the outcome: upheld (the agency must release by a
// date, and later answers "released") or dismissed, with reasons. Requests and every step are
// public; who asked is not (a step names a role and agency, never a person). Each step is audited
// in the transaction that makes it, and a step the state does not allow is a 409 problem
// DATA_REQUEST_TRANSITION_INVALID.
import type { AuditActor, AuditLog } from '../../core/audit';
import type { Principal } from '../../core/auth';
import type { Pool, Tx } from '../../core/db';
import { withTransaction } from '../../core/db';
import { AppError, type FieldProblem } from '../../core/errors';
import { isCalendarDate, koreanDate } from '../../core/period';

export const DATA_REQUEST_STATES = ['SUBMITTED', 'RELEASE_PLANNED', 'RELEASED', 'REFUSED', 'IN_MEDIATION', 'MEDIATION_UPHELD', 'MEDIATION_DISMISSED'] as const;
export type DataRequestState = (typeof DATA_REQUEST_STATES)[number];

export const DATA_REQUEST_STEPS = ['answer-planned', 'answer-released', 'answer-refused', 'mediation', 'mediation-upheld', 'mediation-dismissed'] as const;
export type DataRequestStep = (typeof DATA_REQUEST_STEPS)[number];

/** Which states each step may start from, and where it leads. */
export const TRANSITIONS: Record<DataRequestStep, { from: readonly DataRequestState[]; to: DataRequestState }> = {
  'answer-planned': { from: ['SUBMITTED'], to: 'RELEASE_PLANNED' },
  'answer-released': { from: ['SUBMITTED', 'RELEASE_PLANNED', 'MEDIATION_UPHELD'], to: 'RELEASED' },
  'answer-refused': { from: ['SUBMITTED', 'RELEASE_PLANNED'], to: 'REFUSED' },
  mediation: { from: ['REFUSED'], to: 'IN_MEDIATION' },
  'mediation-upheld': { from: ['IN_MEDIATION'], to: 'MEDIATION_UPHELD' },
  'mediation-dismissed': { from: ['IN_MEDIATION'], to: 'MEDIATION_DISMISSED' },
};

/** The state `step` leads to from `state`, or a 409 DATA_REQUEST_TRANSITION_INVALID problem. */
export function nextState(state: DataRequestState, step: DataRequestStep): DataRequestState {
  const transition = TRANSITIONS[step];
  if (!transition.from.includes(state)) {
    throw new AppError('DATA_REQUEST_TRANSITION_INVALID', `A request in state ${state} cannot take the step "${step}" (allowed from ${transition.from.join(', ')}).`);
  }
  return transition.to;
}

/** The steps open from `state`. */
export function stepsFrom(state: DataRequestState): DataRequestStep[] {
  return DATA_REQUEST_STEPS.filter((step) => TRANSITIONS[step].from.includes(state));
}

export interface DataRequestContext {
  principal: Principal;
  actor: AuditActor;
  requestId: string;
}

export interface DataRequestEvent {
  occurredAt: string;
  step: 'submitted' | DataRequestStep;
  actorRole: string;
  actorAgency: string | null;
  fromState: DataRequestState | null;
  toState: DataRequestState;
  reason: string | null;
  datasetId: string | null;
  /** Planned release date (answer-planned) or release-by date (mediation-upheld). */
  date: string | null;
}

export interface DataRequest {
  id: number;
  title: string;
  description: string;
  agencyCode: string;
  state: DataRequestState;
  datasetId: string | null;
  plannedDate: string | null;
  releaseDueDate: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface DataRequestDetail extends DataRequest {
  events: DataRequestEvent[];
}

export interface AnswerInput {
  decision: 'planned' | 'released' | 'refused';
  reason?: string;
  datasetId?: string;
  plannedDate?: string;
}

export interface MediationDecisionInput {
  outcome: 'upheld' | 'dismissed';
  reasons?: string;
  releaseBy?: string;
}

/** What the service needs to know of the catalogue. */
export interface DataRequestCatalogue {
  isAgency(code: string): boolean;
  isPublicDataset(id: string): boolean;
}

interface RequestRow {
  id: number;
  title: string;
  description: string;
  agency_code: string;
  requester_account_id: string;
  state: DataRequestState;
  dataset_id: string | null;
  planned_date: string | null;
  release_due_date: string | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, title, description, agency_code, requester_account_id, state, dataset_id, planned_date, release_due_date, created_at, updated_at';

const requestOf = (row: RequestRow): DataRequest => ({
  id: row.id,
  title: row.title,
  description: row.description,
  agencyCode: row.agency_code,
  state: row.state,
  datasetId: row.dataset_id,
  plannedDate: row.planned_date,
  releaseDueDate: row.release_due_date,
  createdAt: row.created_at.toISOString(),
  updatedAt: row.updated_at.toISOString(),
});

function invalid(problems: FieldProblem[]): AppError {
  return new AppError('VALIDATION_FAILED', problems.map((p) => `${p.field}: ${p.message}`).join('; '), problems);
}

function text(value: string | undefined, field: string, min: number, max: number, problems: FieldProblem[], what: string): string {
  const trimmed = (value ?? '').trim();
  if (trimmed.length < min || trimmed.length > max) problems.push({ field: `/body/${field}`, message: `${what} in ${min} to ${max} characters` });
  return trimmed;
}

function futureDate(value: string | undefined, field: string, problems: FieldProblem[]): string {
  const date = (value ?? '').trim();
  if (!isCalendarDate(date) || date < koreanDate()) problems.push({ field: `/body/${field}`, message: 'Enter a date like 2027-03-31, today or later' });
  return date;
}

export class DataRequestService {
  constructor(
    private readonly pool: Pool,
    private readonly audit: AuditLog,
    private readonly catalogue: DataRequestCatalogue,
  ) {}

  async submit(context: DataRequestContext, input: { title?: string; description?: string; agencyCode?: string }): Promise<DataRequestDetail> {
    const problems: FieldProblem[] = [];
    const title = text(input.title, 'title', 2, 200, problems, 'Give a title');
    const description = text(input.description, 'description', 2, 4000, problems, 'Describe the data you ask for');
    const agencyCode = (input.agencyCode ?? '').trim();
    if (!this.catalogue.isAgency(agencyCode)) problems.push({ field: '/body/agencyCode', message: 'Choose the agency that holds the data' });
    if (problems.length) throw invalid(problems);
    const id = await withTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ id: number }>(
        `INSERT INTO opendata.data_requests (title, description, agency_code, requester_account_id, state) VALUES ($1, $2, $3, $4, 'SUBMITTED') RETURNING id`,
        [title, description, agencyCode, context.principal.accountId],
      );
      const requestId = rows[0]!.id;
      await this.addEvent(tx, context, requestId, { step: 'submitted', fromState: null, toState: 'SUBMITTED' });
      await this.audit.append(tx, this.auditEntry(context, 'opendata.data-request.submit', 'Asking an agency to release a dataset', requestId, { agencyCode }));
      return requestId;
    });
    return this.get(id);
  }

  async list(query: { state?: DataRequestState; agencyCode?: string; offset?: number; limit?: number } = {}): Promise<{ items: DataRequest[]; total: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.state) where.push(`state = $${params.push(query.state)}`);
    if (query.agencyCode) where.push(`agency_code = $${params.push(query.agencyCode)}`);
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
    const offset = Math.max(query.offset ?? 0, 0);
    const [items, total] = await Promise.all([
      this.pool.query<RequestRow>(`SELECT ${COLUMNS} FROM opendata.data_requests ${clause} ORDER BY updated_at DESC, id DESC LIMIT ${limit} OFFSET ${offset}`, params),
      this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM opendata.data_requests ${clause}`, params),
    ]);
    return { items: items.rows.map(requestOf), total: total.rows[0]!.n };
  }

  /** A request with its public history, or a 404 DATA_REQUEST_NOT_FOUND problem. */
  async get(id: number): Promise<DataRequestDetail> {
    const { rows } = await this.pool.query<RequestRow>(`SELECT ${COLUMNS} FROM opendata.data_requests WHERE id = $1`, [id]);
    if (!rows[0]) throw new AppError('DATA_REQUEST_NOT_FOUND', `There is no data request ${id}.`);
    const events = await this.pool.query<{
      occurred_at: Date;
      action: DataRequestEvent['step'];
      actor_role: string;
      actor_agency: string | null;
      from_state: DataRequestState | null;
      to_state: DataRequestState;
      reason: string | null;
      dataset_id: string | null;
      date_value: string | null;
    }>(`SELECT occurred_at, action, actor_role, actor_agency, from_state, to_state, reason, dataset_id, date_value FROM opendata.data_request_events WHERE request_id = $1 ORDER BY id`, [id]);
    return {
      ...requestOf(rows[0]),
      events: events.rows.map((e) => ({
        occurredAt: e.occurred_at.toISOString(),
        step: e.action,
        actorRole: e.actor_role,
        actorAgency: e.actor_agency,
        fromState: e.from_state,
        toState: e.to_state,
        reason: e.reason,
        datasetId: e.dataset_id,
        date: e.date_value,
      })),
    };
  }

  /** Whether the signed-in person filed request `id` (they alone may take it to mediation). */
  async isRequester(principal: Principal | null, id: number): Promise<boolean> {
    if (!principal) return false;
    const { rows } = await this.pool.query(`SELECT 1 FROM opendata.data_requests WHERE id = $1 AND requester_account_id = $2`, [id, principal.accountId]);
    return rows.length > 0;
  }

  /** The publisher agency's official answer. */
  async answer(context: DataRequestContext, id: number, input: AnswerInput): Promise<DataRequestDetail> {
    const step = ANSWER_STEPS[input.decision] as DataRequestStep | undefined;
    if (!step) throw invalid([{ field: '/body/decision', message: 'Choose planned, released or refused' }]);
    const problems: FieldProblem[] = [];
    let datasetId: string | null = null;
    let date: string | null = null;
    let reason: string | null = null;
    if (step === 'answer-released') {
      datasetId = (input.datasetId ?? '').trim();
      if (!this.catalogue.isPublicDataset(datasetId)) problems.push({ field: '/body/datasetId', message: 'Give the id of the released public dataset in the catalogue' });
    } else if (step === 'answer-planned') {
      date = futureDate(input.plannedDate, 'plannedDate', problems);
    }
    if (step === 'answer-refused') reason = text(input.reason, 'reason', 2, 2000, problems, 'Give the reason for refusing');
    else if (input.reason?.trim()) reason = text(input.reason, 'reason', 0, 2000, problems, 'Give a note');
    if (problems.length) throw invalid(problems);
    return this.step(context, id, step, { reason, datasetId, date }, (row) => {
      if (context.principal.role !== 'official' || context.principal.agencyCode !== row.agency_code) {
        throw new AppError('FORBIDDEN', `Only officials of ${row.agency_code} answer this request.`);
      }
    });
  }

  /** The requester takes a refused request to the Open Data Mediation Committee. */
  async requestMediation(context: DataRequestContext, id: number, input: { reason?: string }): Promise<DataRequestDetail> {
    const problems: FieldProblem[] = [];
    const reason = text(input.reason, 'reason', 2, 2000, problems, 'Say why the refusal should be reviewed');
    if (problems.length) throw invalid(problems);
    return this.step(context, id, 'mediation', { reason, datasetId: null, date: null }, (row) => {
      if (row.requester_account_id !== context.principal.accountId) throw new AppError('FORBIDDEN', 'Only the person who filed the request can take it to mediation.');
    });
  }

  /** The committee's outcome, recorded by its secretariat (the platform operator). */
  async decideMediation(context: DataRequestContext, id: number, input: MediationDecisionInput): Promise<DataRequestDetail> {
    if (context.principal.role !== 'operator') throw new AppError('FORBIDDEN', 'Only the Open Data Mediation Committee\'s secretariat (the platform operator) records its outcome.');
    const problems: FieldProblem[] = [];
    if (input.outcome !== 'upheld' && input.outcome !== 'dismissed') problems.push({ field: '/body/outcome', message: 'Choose upheld or dismissed' });
    const reasons = text(input.reasons, 'reasons', 2, 4000, problems, 'Give the committee\'s reasons');
    const date = input.outcome === 'upheld' ? futureDate(input.releaseBy, 'releaseBy', problems) : null;
    if (problems.length) throw invalid(problems);
    return this.step(context, id, input.outcome === 'upheld' ? 'mediation-upheld' : 'mediation-dismissed', { reason: reasons, datasetId: null, date }, () => undefined);
  }

  private async step(
    context: DataRequestContext,
    id: number,
    step: DataRequestStep,
    values: { reason: string | null; datasetId: string | null; date: string | null },
    authorise: (row: RequestRow) => void,
  ): Promise<DataRequestDetail> {
    await withTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<RequestRow>(`SELECT ${COLUMNS} FROM opendata.data_requests WHERE id = $1 FOR UPDATE`, [id]);
      const row = rows[0];
      if (!row) throw new AppError('DATA_REQUEST_NOT_FOUND', `There is no data request ${id}.`);
      authorise(row);
      const to = nextState(row.state, step);
      await tx.query(
        `UPDATE opendata.data_requests SET state = $2, updated_at = now(),
           dataset_id = coalesce($3, dataset_id),
           planned_date = CASE WHEN $4 THEN $6::date ELSE planned_date END,
           release_due_date = CASE WHEN $5 THEN $6::date ELSE release_due_date END
         WHERE id = $1`,
        [id, to, values.datasetId, step === 'answer-planned', step === 'mediation-upheld', values.date],
      );
      await this.addEvent(tx, context, id, { step, fromState: row.state, toState: to, ...values });
      await this.audit.append(tx, this.auditEntry(context, `opendata.data-request.${step}`, STEP_PURPOSES[step], id, { from: row.state, to, datasetId: values.datasetId, date: values.date }));
    });
    return this.get(id);
  }

  private async addEvent(
    tx: Tx,
    context: DataRequestContext,
    requestId: number,
    event: { step: DataRequestEvent['step']; fromState: DataRequestState | null; toState: DataRequestState; reason?: string | null; datasetId?: string | null; date?: string | null },
  ): Promise<void> {
    const role = context.principal.role;
    await tx.query(
      `INSERT INTO opendata.data_request_events (request_id, action, actor_role, actor_agency, from_state, to_state, reason, dataset_id, date_value)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [requestId, event.step, role, role === 'resident' ? null : context.principal.agencyCode, event.fromState, event.toState, event.reason ?? null, event.datasetId ?? null, event.date ?? null],
    );
  }

  private auditEntry(context: DataRequestContext, action: string, purpose: string, id: number, details: Record<string, unknown>) {
    return { actor: context.actor, action, purpose, resource: `data-request:${id}`, outcome: 'allowed' as const, requestId: context.requestId, details };
  }
}

const ANSWER_STEPS: Record<AnswerInput['decision'], DataRequestStep> = { planned: 'answer-planned', released: 'answer-released', refused: 'answer-refused' };

const STEP_PURPOSES: Record<DataRequestStep, string> = {
  'answer-planned': 'The publisher answers a data request: release planned',
  'answer-released': 'The publisher answers a data request: released',
  'answer-refused': 'The publisher refuses a data request',
  mediation: 'The requester takes a refused data request to the Open Data Mediation Committee',
  'mediation-upheld': 'The Open Data Mediation Committee upholds a data request',
  'mediation-dismissed': 'The Open Data Mediation Committee dismisses a data request',
};
