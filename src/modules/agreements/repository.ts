// SQL of the agreements module (schema `agreements`, migrations/0005_agreements.sql).
import type { Queryable } from '../../core/db';
import type { AgreementStatus, Capacity, Decision, StoredStatus } from './rules';

export interface AgreementRow {
  id: string;
  client_subsystem: string;
  client_agency: string;
  product_id: string;
  provider_subsystem: string;
  holder_agency: string;
  purpose_code: string;
  purpose_text: string;
  legal_basis: string;
  fields: string[];
  valid_from: Date;
  valid_until: Date;
  consent_required: boolean;
  covert: boolean;
  status: StoredStatus;
  effective_status: AgreementStatus;
  holder_decision: Decision | null;
  operator_decision: Decision | null;
  requested_by: string;
  requested_at: Date;
  activated_at: Date | null;
  updated_at: Date;
}

export interface DecisionRow {
  id: number;
  agreement_id: string;
  action: 'request' | 'approve' | 'reject' | 'suspend' | 'resume';
  capacity: Capacity;
  actor_id: string;
  actor_role: string;
  actor_agency: string | null;
  reason: string | null;
  status_after: string;
  decided_at: Date;
}

const COLUMNS = `a.id, a.client_subsystem, a.client_agency, a.product_id, a.provider_subsystem, a.holder_agency,
  a.purpose_code, a.purpose_text, a.legal_basis, a.fields, a.valid_from, a.valid_until, a.consent_required, a.covert,
  a.status, agreements.effective_status(a.status, a.valid_until, now()) AS effective_status,
  a.holder_decision, a.operator_decision, a.requested_by, a.requested_at, a.activated_at, a.updated_at`;

export interface NewAgreement {
  clientSubsystem: string;
  clientAgency: string;
  productId: string;
  providerSubsystem: string;
  holderAgency: string;
  purposeCode: string;
  purposeText: string;
  legalBasis: string;
  fields: string[];
  validFrom: Date;
  validUntil: Date;
  consentRequired: boolean;
  covert: boolean;
  requestedBy: string;
}

export async function insertAgreement(db: Queryable, agreement: NewAgreement): Promise<AgreementRow> {
  const result = await db.query<AgreementRow>(
    `WITH inserted AS (
       INSERT INTO agreements.agreements (id, client_subsystem, client_agency, product_id, provider_subsystem, holder_agency,
         purpose_code, purpose_text, legal_basis, fields, valid_from, valid_until, consent_required, covert, requested_by)
       VALUES ('AGR-' || to_char(now() AT TIME ZONE 'Asia/Seoul', 'YYYY') || '-' || lpad(nextval('agreements.agreement_no')::text, 6, '0'),
         $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
       RETURNING *)
     SELECT ${COLUMNS} FROM inserted a`,
    [
      agreement.clientSubsystem,
      agreement.clientAgency,
      agreement.productId,
      agreement.providerSubsystem,
      agreement.holderAgency,
      agreement.purposeCode,
      agreement.purposeText,
      agreement.legalBasis,
      agreement.fields,
      agreement.validFrom,
      agreement.validUntil,
      agreement.consentRequired,
      agreement.covert,
      agreement.requestedBy,
    ],
  );
  return result.rows[0]!;
}

export async function findAgreement(db: Queryable, id: string, options: { forUpdate?: boolean } = {}): Promise<AgreementRow | undefined> {
  const result = await db.query<AgreementRow>(
    `SELECT ${COLUMNS} FROM agreements.agreements a WHERE a.id = $1${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return result.rows[0];
}

export async function updateStatus(
  db: Queryable,
  id: string,
  change: { status: StoredStatus; holderDecision?: Decision; operatorDecision?: Decision; activate?: boolean },
): Promise<AgreementRow> {
  const result = await db.query<AgreementRow>(
    `WITH updated AS (
       UPDATE agreements.agreements
          SET status = $2,
              holder_decision = COALESCE($3, holder_decision),
              operator_decision = COALESCE($4, operator_decision),
              activated_at = CASE WHEN $5 THEN now() ELSE activated_at END,
              updated_at = now()
        WHERE id = $1
        RETURNING *)
     SELECT ${COLUMNS} FROM updated a`,
    [id, change.status, change.holderDecision ?? null, change.operatorDecision ?? null, change.activate ?? false],
  );
  return result.rows[0]!;
}

export async function insertDecision(
  db: Queryable,
  decision: {
    agreementId: string;
    action: DecisionRow['action'];
    capacity: Capacity;
    actorId: string;
    actorRole: string;
    actorAgency: string | null;
    reason: string | null;
    statusAfter: string;
  },
): Promise<void> {
  await db.query(
    `INSERT INTO agreements.decisions (agreement_id, action, capacity, actor_id, actor_role, actor_agency, reason, status_after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [
      decision.agreementId,
      decision.action,
      decision.capacity,
      decision.actorId,
      decision.actorRole,
      decision.actorAgency,
      decision.reason,
      decision.statusAfter,
    ],
  );
}

export async function decisionsOf(db: Queryable, agreementId: string): Promise<DecisionRow[]> {
  const result = await db.query<DecisionRow>(
    `SELECT id, agreement_id, action, capacity, actor_id, actor_role, actor_agency, reason, status_after, decided_at
       FROM agreements.decisions WHERE agreement_id = $1 ORDER BY id`,
    [agreementId],
  );
  return result.rows;
}

export interface ListFilter {
  /** Officials: only agreements their agency is a party to; absent for operators and auditors. */
  agency?: string;
  /** With `agency`: only as client, or only as holder. */
  side?: 'client' | 'holder';
  status?: AgreementStatus;
  /** Only requests still waiting for this party's decision. */
  awaiting?: 'holder' | 'operator';
  limit: number;
  offset: number;
}

export async function listAgreements(db: Queryable, filter: ListFilter): Promise<{ rows: AgreementRow[]; total: number }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (filter.agency !== undefined) {
    const agency = param(filter.agency);
    if (filter.side === 'client') where.push(`a.client_agency = ${agency}`);
    else if (filter.side === 'holder') where.push(`a.holder_agency = ${agency}`);
    else where.push(`(a.client_agency = ${agency} OR a.holder_agency = ${agency})`);
  }
  if (filter.status) where.push(`agreements.effective_status(a.status, a.valid_until, now()) = ${param(filter.status)}`);
  if (filter.awaiting) {
    where.push(`a.status = 'requested' AND a.valid_until > now()`);
    where.push(filter.awaiting === 'holder' ? 'a.holder_decision IS NULL' : 'a.operator_decision IS NULL');
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const total = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM agreements.agreements a ${clause}`, params);
  const rows = await db.query<AgreementRow>(
    `SELECT ${COLUMNS} FROM agreements.agreements a ${clause}
      ORDER BY a.requested_at DESC, a.id DESC LIMIT ${param(filter.limit)} OFFSET ${param(filter.offset)}`,
    params,
  );
  return { rows: rows.rows, total: total.rows[0]!.n };
}

/**
 * The agreement under which a client may use a product at a moment: active, inside its validity,
 * for the purpose when one is given. With several, the most recently activated one.
 */
export async function findActive(
  db: Queryable,
  query: { clientSubsystem: string; productId: string; purposeCode?: string; at: Date },
): Promise<AgreementRow | undefined> {
  const result = await db.query<AgreementRow>(
    `SELECT ${COLUMNS} FROM agreements.agreements a
      WHERE a.client_subsystem = $1 AND a.product_id = $2 AND a.status = 'active'
        AND a.valid_from <= $3 AND a.valid_until > $3
        AND ($4::text IS NULL OR a.purpose_code = $4)
      ORDER BY a.activated_at DESC, a.id DESC
      LIMIT 1`,
    [query.clientSubsystem, query.productId, query.at, query.purposeCode ?? null],
  );
  return result.rows[0];
}

/** Every agreement that is active and not yet past its validity, newest activation first. */
export async function listActive(db: Queryable): Promise<AgreementRow[]> {
  const result = await db.query<AgreementRow>(
    `SELECT ${COLUMNS} FROM agreements.agreements a
      WHERE a.status = 'active' AND a.valid_until > now()
      ORDER BY a.activated_at DESC, a.id DESC`,
  );
  return result.rows;
}

/** Active agreements of a client at a moment, optionally with one provider only. */
export async function activeForClient(
  db: Queryable,
  query: { clientSubsystem: string; providerSubsystem?: string; at: Date },
): Promise<AgreementRow[]> {
  const result = await db.query<AgreementRow>(
    `SELECT ${COLUMNS} FROM agreements.agreements a
      WHERE a.client_subsystem = $1 AND a.status = 'active' AND a.valid_from <= $2 AND a.valid_until > $2
        AND ($3::text IS NULL OR a.provider_subsystem = $3)
      ORDER BY a.provider_subsystem, a.product_id, a.id`,
    [query.clientSubsystem, query.at, query.providerSubsystem ?? null],
  );
  return result.rows;
}

/** The data products some subsystem of the member (agency) `memberCode` may read now under an active agreement. */
export async function activeProductsForMember(db: Queryable, query: { memberCode: string; at: Date }): Promise<string[]> {
  const result = await db.query<{ product_id: string }>(
    `SELECT DISTINCT a.product_id FROM agreements.agreements a
      WHERE split_part(a.client_subsystem, '/', 3) = $1 AND a.status = 'active' AND a.valid_from <= $2 AND a.valid_until > $2
      ORDER BY a.product_id`,
    [query.memberCode, query.at],
  );
  return result.rows.map((row) => row.product_id);
}
