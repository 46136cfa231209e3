// ConsentService against Postgres: findActiveConsent honours state, validity (the `at` instant),
// product, purpose and use limits; recordUse counts and timestamps; two concurrent transactions
// cannot both spend a one-time consent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../../../test/support/db';
import { AuditLog } from '../../core/audit';
import { withTransaction } from '../../core/db';
import { PlatformKeys } from '../../core/keys';
import { DirectoryService } from '../directory';
import { ConsentService, type ConsentContext } from './service';

let database: TestDatabase;
let audit: AuditLog;
let consents: ConsentService;
const BANK = 'KR/COM/DEMOBANK/loans';
const context: ConsentContext = {
  principal: { accountId: 'acct-11', sessionId: 's', role: 'resident', residentId: 11, agencyCode: null, displayName: { ko: 'x', en: 'x' } },
  actor: { id: 'acct-11', role: 'resident', org: null },
  requestId: 'consent-db-1',
};

beforeAll(async () => {
  database = await freshDatabase();
  audit = new AuditLog(database.pool);
  consents = new ConsentService(database.pool, audit, new DirectoryService(database.pool), await PlatformKeys.load(database.pool));
});
afterAll(async () => {
  await audit?.stopSealer();
  await database?.drop();
});

const base = {
  recipient: BANK,
  purposeCode: 'LOAN-SCREENING',
  purposeText: 'Loan screening',
  dataTypes: ['resident.basic'],
  consentExpiry: new Date(Date.now() + 10 * 86_400_000).toISOString(),
  dataLife: { unit: 'DAY', value: 0 },
};

describe('ConsentService.findActiveConsent and recordUse', () => {
  it('finds an active consent only within its validity, for its product and purpose', async () => {
    const consent = await consents.grant(context, { ...base, fetchType: 'PERIODIC', frequency: { unit: 'WEEK', value: 5 } });
    expect(consent.consentMode).toBe('VIEW');
    const query = { residentId: 11, recipientSubsystem: BANK, productId: 'resident.basic' };
    expect((await consents.findActiveConsent(database.pool, query))?.id).toBe(consent.id);
    expect(await consents.findActiveConsent(database.pool, { ...query, purposeCode: 'LOAN-SCREENING' })).not.toBeNull();
    expect(await consents.findActiveConsent(database.pool, { ...query, purposeCode: 'CIVIL-PETITION' })).toBeNull();
    expect(await consents.findActiveConsent(database.pool, { ...query, productId: 'family.children' })).toBeNull();
    expect(await consents.findActiveConsent(database.pool, { ...query, residentId: 12 })).toBeNull();
    expect(await consents.findActiveConsent(database.pool, { ...query, at: new Date(Date.now() + 11 * 86_400_000) })).toBeNull();
    expect(await consents.findActiveConsent(database.pool, { ...query, at: new Date(Date.now() - 86_400_000) })).toBeNull();

    await consents.recordUse(database.pool, consent.id, 'resident.basic');
    const used = await consents.get(context, consent.id);
    expect(used.useCount).toBe(1);
    expect(used.lastUsedAt).not.toBeNull();
    await consents.change(context, consent.id, 'revoke');
    expect(await consents.findActiveConsent(database.pool, query)).toBeNull();
  });

  it('two concurrent transactions cannot both spend a one-time consent', async () => {
    const consent = await consents.grant(context, { ...base, dataTypes: ['disability.status'], fetchType: 'ONETIME' });
    const query = { residentId: 11, recipientSubsystem: BANK, productId: 'disability.status' };
    const spend = () =>
      withTransaction(database.pool, async (tx) => {
        const found = await consents.findActiveConsent(tx, query);
        if (!found) return false;
        await new Promise((done) => setTimeout(done, 100));
        await consents.recordUse(tx, found.id, 'disability.status');
        return true;
      });
    const results = await Promise.all([spend(), spend()]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await consents.get(context, consent.id)).useCount).toBe(1);
    expect(await consents.findActiveConsent(database.pool, query)).toBeNull();
  });
});
