// SQL over the eligibility schema (migrations/0020_eligibility.sql). Only this module touches it.
import type { Queryable } from '../../core/db';
import type { Rule } from './language';

export interface RuleVersionRow {
  ruleId: string;
  version: number;
  status: 'draft' | 'published' | 'superseded';
  title: { ko: string; en: string };
  agency: string;
  category: string;
  entity: 'person' | 'household';
  savedBy: string;
  savedAt: string;
  publishedBy: string | null;
  publishedAt: string | null;
}

const COLUMNS = `rule_id, version, status, title_ko, title_en, agency, category, entity, saved_by, saved_at, published_by, published_at`;

function toRow(r: Record<string, any>): RuleVersionRow {
  return {
    ruleId: r.rule_id,
    version: r.version,
    status: r.status,
    title: { ko: r.title_ko, en: r.title_en },
    agency: r.agency,
    category: r.category,
    entity: r.entity,
    savedBy: r.saved_by,
    savedAt: new Date(r.saved_at).toISOString(),
    publishedBy: r.published_by,
    publishedAt: r.published_at ? new Date(r.published_at).toISOString() : null,
  };
}

/** Every version of a rule, newest first; `lock` holds the rule's rows until the transaction ends. */
export async function versionsOf(db: Queryable, ruleId: string, lock: boolean): Promise<RuleVersionRow[]> {
  if (lock) await db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`eligibility.rule:${ruleId}`]);
  const result = await db.query(`SELECT ${COLUMNS} FROM eligibility.rule_versions WHERE rule_id = $1 ORDER BY version DESC`, [ruleId]);
  return result.rows.map(toRow);
}

/** Stores the rule as the draft (replacing an earlier draft of the rule). */
export async function saveDraft(db: Queryable, rule: Rule, savedBy: string): Promise<RuleVersionRow> {
  await db.query(`DELETE FROM eligibility.rule_versions WHERE rule_id = $1 AND status = 'draft'`, [rule.id]);
  const result = await db.query(
    `INSERT INTO eligibility.rule_versions (rule_id, version, status, source, title_ko, title_en, agency, category, entity, saved_by)
     VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9) RETURNING ${COLUMNS}`,
    [rule.id, rule.version, rule.source, rule.title.ko, rule.title.en, rule.agency, rule.category, rule.entity, savedBy],
  );
  return toRow(result.rows[0]);
}

export async function publish(db: Queryable, ruleId: string, version: number, publishedBy: string): Promise<RuleVersionRow> {
  await db.query(`UPDATE eligibility.rule_versions SET status = 'superseded' WHERE rule_id = $1 AND status = 'published'`, [ruleId]);
  const result = await db.query(
    `UPDATE eligibility.rule_versions SET status = 'published', published_by = $3, published_at = now()
      WHERE rule_id = $1 AND version = $2 AND status = 'draft' RETURNING ${COLUMNS}`,
    [ruleId, version, publishedBy],
  );
  return toRow(result.rows[0]);
}

/** Per rule: its published version and its draft (both when it has both). */
export async function listCurrent(db: Queryable): Promise<RuleVersionRow[]> {
  const result = await db.query(`SELECT ${COLUMNS} FROM eligibility.rule_versions WHERE status IN ('published', 'draft') ORDER BY rule_id, version`);
  return result.rows.map(toRow);
}

export async function sourceOf(db: Queryable, ruleId: string, version: number): Promise<string | undefined> {
  const result = await db.query<{ source: string }>('SELECT source FROM eligibility.rule_versions WHERE rule_id = $1 AND version = $2', [ruleId, version]);
  return result.rows[0]?.source;
}

export async function publishedSources(db: Queryable): Promise<Array<{ rule_id: string; version: number; source: string }>> {
  const result = await db.query(`SELECT rule_id, version, source FROM eligibility.rule_versions WHERE status = 'published' ORDER BY rule_id`);
  return result.rows;
}
