// SQL over the `services` schema. Only this module's code touches these tables.
import { createHash } from 'node:crypto';
import { withTransaction, type Pool, type Queryable } from '../../core/db';
import type { Agency, BenefitCategory, BundleSpec, Channel, DocumentSpec, LifeEventCode, ServiceSpec } from './model';

export interface CatalogueSeed {
  agencies: readonly Agency[];
  services: readonly ServiceSpec[];
  bundles: readonly BundleSpec[];
}

const SEED_LOCK = 7_240_030;

export function seedChecksum(seed: CatalogueSeed): string {
  return createHash('sha256').update(JSON.stringify(seed)).digest('hex');
}

/**
 * Makes the tables hold exactly the seed: upserts agencies, services, documents and bundles and
 * removes services and bundles the seed no longer has. Skipped when the stored checksum says this
 * very seed is loaded; two processes starting together serialise on an advisory lock.
 * Returns whether anything was written.
 */
export async function loadSeed(pool: Pool, seed: CatalogueSeed): Promise<boolean> {
  const checksum = seedChecksum(seed);
  return withTransaction(pool, async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK]);
    const state = await tx.query<{ checksum: string }>('SELECT checksum FROM services.seed_state');
    if (state.rows[0]?.checksum === checksum) return false;

    await tx.query(
      `INSERT INTO services.agencies (code, name_ko, name_en)
       SELECT a.code, a.name_ko, a.name_en FROM jsonb_to_recordset($1::jsonb) AS a(code text, name_ko text, name_en text)
       ON CONFLICT (code) DO UPDATE SET name_ko = EXCLUDED.name_ko, name_en = EXCLUDED.name_en`,
      [JSON.stringify(seed.agencies.map((a) => ({ code: a.code, name_ko: a.name.ko, name_en: a.name.en })))],
    );

    const services = seed.services.map((s, position) => ({
      id: s.id,
      agency_code: s.agency,
      position,
      name_ko: s.name.ko,
      name_en: s.name.en,
      description_ko: s.description.ko,
      description_en: s.description.en,
      life_events: s.lifeEvents,
      channels: s.channels,
      processing_ko: s.processingTime.ko,
      processing_en: s.processingTime.en,
      fee_krw: s.feeKrw,
      fee_note_ko: s.feeNote?.ko ?? null,
      fee_note_en: s.feeNote?.en ?? null,
      legal_basis_ko: s.legalBasis.ko,
      legal_basis_en: s.legalBasis.en,
      contact_ko: s.contact.ko,
      contact_en: s.contact.en,
      category: s.category ?? null,
      keywords_ko: s.keywords?.ko ?? '',
      keywords_en: s.keywords?.en ?? '',
    }));
    const ids = services.map((s) => s.id);
    const bundleIds = seed.bundles.map((b) => b.id);
    await tx.query('DELETE FROM services.bundles WHERE NOT (id = ANY($1::text[]))', [bundleIds]);
    await tx.query('DELETE FROM services.bundle_members WHERE bundle_id = ANY($1::text[])', [bundleIds]);
    await tx.query('DELETE FROM services.services WHERE NOT (id = ANY($1::text[]))', [ids]);
    await tx.query(
      `INSERT INTO services.services (id, agency_code, position, name_ko, name_en, description_ko, description_en, life_events, channels,
              processing_ko, processing_en, fee_krw, fee_note_ko, fee_note_en, legal_basis_ko, legal_basis_en, contact_ko, contact_en,
              category, keywords_ko, keywords_en)
       SELECT s.id, s.agency_code, s.position, s.name_ko, s.name_en, s.description_ko, s.description_en,
              ARRAY(SELECT jsonb_array_elements_text(s.life_events)), ARRAY(SELECT jsonb_array_elements_text(s.channels)),
              s.processing_ko, s.processing_en, s.fee_krw, s.fee_note_ko, s.fee_note_en, s.legal_basis_ko, s.legal_basis_en,
              s.contact_ko, s.contact_en, s.category, s.keywords_ko, s.keywords_en
         FROM jsonb_to_recordset($1::jsonb) AS s(id text, agency_code text, position integer, name_ko text, name_en text,
              description_ko text, description_en text, life_events jsonb, channels jsonb, processing_ko text, processing_en text,
              fee_krw integer, fee_note_ko text, fee_note_en text, legal_basis_ko text, legal_basis_en text, contact_ko text,
              contact_en text, category text, keywords_ko text, keywords_en text)
       ON CONFLICT (id) DO UPDATE SET agency_code = EXCLUDED.agency_code, position = EXCLUDED.position, name_ko = EXCLUDED.name_ko,
              name_en = EXCLUDED.name_en, description_ko = EXCLUDED.description_ko, description_en = EXCLUDED.description_en,
              life_events = EXCLUDED.life_events, channels = EXCLUDED.channels, processing_ko = EXCLUDED.processing_ko,
              processing_en = EXCLUDED.processing_en, fee_krw = EXCLUDED.fee_krw, fee_note_ko = EXCLUDED.fee_note_ko,
              fee_note_en = EXCLUDED.fee_note_en, legal_basis_ko = EXCLUDED.legal_basis_ko, legal_basis_en = EXCLUDED.legal_basis_en,
              contact_ko = EXCLUDED.contact_ko, contact_en = EXCLUDED.contact_en, category = EXCLUDED.category,
              keywords_ko = EXCLUDED.keywords_ko, keywords_en = EXCLUDED.keywords_en`,
      [JSON.stringify(services)],
    );

    const documents = seed.services.flatMap((s) =>
      s.documents.map((d, position) => ({
        service_id: s.id,
        position,
        kind: d.kind,
        data_product_id: d.kind === 'data-product' ? d.dataProductId : null,
        name_ko: d.kind === 'upload' ? d.name.ko : null,
        name_en: d.kind === 'upload' ? d.name.en : null,
      })),
    );
    await tx.query('DELETE FROM services.required_documents WHERE service_id = ANY($1::text[])', [ids]);
    await tx.query(
      `INSERT INTO services.required_documents (service_id, position, kind, data_product_id, name_ko, name_en)
       SELECT d.service_id, d.position, d.kind, d.data_product_id, d.name_ko, d.name_en
         FROM jsonb_to_recordset($1::jsonb) AS d(service_id text, position integer, kind text, data_product_id text, name_ko text, name_en text)`,
      [JSON.stringify(documents)],
    );

    await tx.query(
      `INSERT INTO services.bundles (id, name_ko, name_en, description_ko, description_en, life_event)
       SELECT b.id, b.name_ko, b.name_en, b.description_ko, b.description_en, b.life_event
         FROM jsonb_to_recordset($1::jsonb) AS b(id text, name_ko text, name_en text, description_ko text, description_en text, life_event text)
       ON CONFLICT (id) DO UPDATE SET name_ko = EXCLUDED.name_ko, name_en = EXCLUDED.name_en, description_ko = EXCLUDED.description_ko,
              description_en = EXCLUDED.description_en, life_event = EXCLUDED.life_event`,
      [
        JSON.stringify(
          seed.bundles.map((b) => ({
            id: b.id,
            name_ko: b.name.ko,
            name_en: b.name.en,
            description_ko: b.description.ko,
            description_en: b.description.en,
            life_event: b.lifeEvent,
          })),
        ),
      ],
    );
    await tx.query(
      `INSERT INTO services.bundle_members (bundle_id, position, service_id)
       SELECT m.bundle_id, m.position, m.service_id FROM jsonb_to_recordset($1::jsonb) AS m(bundle_id text, position integer, service_id text)`,
      [JSON.stringify(seed.bundles.flatMap((b) => b.serviceIds.map((serviceId, position) => ({ bundle_id: b.id, position, service_id: serviceId }))))],
    );
    await tx.query(
      `INSERT INTO services.seed_state (singleton, checksum, loaded_at) VALUES (true, $1, now())
       ON CONFLICT (singleton) DO UPDATE SET checksum = EXCLUDED.checksum, loaded_at = EXCLUDED.loaded_at`,
      [checksum],
    );
    return true;
  });
}

interface ServiceRow {
  id: string;
  agency_code: string;
  name_ko: string;
  name_en: string;
  description_ko: string;
  description_en: string;
  life_events: string[];
  channels: string[];
  processing_ko: string;
  processing_en: string;
  fee_krw: number;
  fee_note_ko: string | null;
  fee_note_en: string | null;
  legal_basis_ko: string;
  legal_basis_en: string;
  contact_ko: string;
  contact_en: string;
  category: string | null;
  keywords_ko: string;
  keywords_en: string;
  documents: Array<{ kind: 'data-product' | 'upload'; data_product_id: string | null; name_ko: string | null; name_en: string | null }>;
}

/** The whole catalogue as stored, services in catalogue order. */
export async function readCatalogue(db: Queryable): Promise<CatalogueSeed> {
  const agencies = await db.query<{ code: string; name_ko: string; name_en: string }>('SELECT code, name_ko, name_en FROM services.agencies ORDER BY code');
  const services = await db.query<ServiceRow>(
    `SELECT s.*, COALESCE((SELECT jsonb_agg(jsonb_build_object('kind', d.kind, 'data_product_id', d.data_product_id, 'name_ko', d.name_ko, 'name_en', d.name_en)
                                   ORDER BY d.position)
                              FROM services.required_documents d WHERE d.service_id = s.id), '[]'::jsonb) AS documents
       FROM services.services s ORDER BY s.position, s.id`,
  );
  const bundles = await db.query<{ id: string; name_ko: string; name_en: string; description_ko: string; description_en: string; life_event: string; service_ids: string[] }>(
    `SELECT b.*, COALESCE(ARRAY(SELECT m.service_id FROM services.bundle_members m WHERE m.bundle_id = b.id ORDER BY m.position), '{}') AS service_ids
       FROM services.bundles b ORDER BY b.id`,
  );
  return {
    agencies: agencies.rows.map((row) => ({ code: row.code, name: { ko: row.name_ko, en: row.name_en } })),
    services: services.rows.map(
      (row): ServiceSpec => ({
        id: row.id,
        agency: row.agency_code,
        name: { ko: row.name_ko, en: row.name_en },
        description: { ko: row.description_ko, en: row.description_en },
        lifeEvents: row.life_events as LifeEventCode[],
        channels: row.channels as Channel[],
        documents: row.documents.map(
          (d): DocumentSpec =>
            d.kind === 'data-product' ? { kind: 'data-product', dataProductId: d.data_product_id! } : { kind: 'upload', name: { ko: d.name_ko!, en: d.name_en! } },
        ),
        processingTime: { ko: row.processing_ko, en: row.processing_en },
        feeKrw: row.fee_krw,
        ...(row.fee_note_ko !== null && row.fee_note_en !== null ? { feeNote: { ko: row.fee_note_ko, en: row.fee_note_en } } : {}),
        legalBasis: { ko: row.legal_basis_ko, en: row.legal_basis_en },
        contact: { ko: row.contact_ko, en: row.contact_en },
        ...(row.category ? { category: row.category as BenefitCategory } : {}),
        keywords: { ko: row.keywords_ko, en: row.keywords_en },
      }),
    ),
    bundles: bundles.rows.map((row) => ({
      id: row.id,
      name: { ko: row.name_ko, en: row.name_en },
      description: { ko: row.description_ko, en: row.description_en },
      lifeEvent: row.life_event as LifeEventCode,
      serviceIds: row.service_ids,
    })),
  };
}
