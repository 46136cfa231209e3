import { describe, expect, it } from 'vitest';
import type { Principal } from '../../core/auth';
import { findDataProduct } from '../registry/data-products';
import type { Subsystem } from './ports';
import { PURPOSES } from './purposes';
import {
  canRead,
  canRequestFor,
  decisionCapacity,
  statusAfterDecision,
  validateRequest,
  type RequestInput,
} from './rules';

const NOW = new Date('2026-03-01T00:00:00Z');
const welfare: Subsystem = {
  id: 'KR/GOV/MOHW/welfare-benefits',
  instance: 'KR',
  memberClass: 'GOV',
  memberCode: 'MOHW',
  subsystemCode: 'welfare-benefits',
  name: { ko: '복지급여 시스템', en: 'Welfare benefits system' },
  role: 'consumer',
};
const children = findDataProduct('family.children')!;

const valid: RequestInput = {
  clientSubsystem: welfare.id,
  productId: 'family.children',
  purposeCode: 'WELFARE-ELIGIBILITY',
  purposeText: 'Child allowance eligibility',
  legalBasis: 'Child Allowance Act art. 9',
  fields: ['childCount', 'children'],
  validFrom: '2026-03-01T00:00:00Z',
  validUntil: '2027-03-01T00:00:00Z',
  consentRequired: false,
};

function check(input: Partial<RequestInput>, found = { client: welfare as Subsystem | undefined, product: children as typeof children | undefined }, locale: 'ko' | 'en' = 'en') {
  return validateRequest({ ...valid, ...input }, found, { now: NOW, locale });
}

function fieldsOf(result: ReturnType<typeof check>): string[] {
  return result.ok ? [] : result.problems.map((p) => p.field);
}

const official = (agencyCode: string): Principal => ({
  accountId: `staff-${agencyCode}-0001`,
  sessionId: 's',
  role: 'official',
  residentId: null,
  agencyCode,
  displayName: { ko: '', en: '' },
});
const operator: Principal = { ...official('MOIS'), role: 'operator', accountId: 'staff-MOIS-OPS-01' };
const auditor: Principal = { ...official('BAI'), role: 'auditor', accountId: 'staff-BAI-AUD-01' };
const resident: Principal = { accountId: 'resident-1', sessionId: 's', role: 'resident', residentId: 1, agencyCode: null, displayName: { ko: '', en: '' } };

describe('validating a request', () => {
  it('accepts a complete request, trimming its texts', () => {
    const result = check({ purposeText: '  Child allowance eligibility ' });
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.value.purposeText).toBe('Child allowance eligibility');
      expect(result.value.validFrom.toISOString()).toBe('2026-03-01T00:00:00.000Z');
      expect(result.value.covert).toBe(false);
    }
  });

  it('starts now when no start is given', () => {
    const result = check({ validFrom: undefined });
    expect(result.ok && result.value.validFrom.getTime()).toBe(NOW.getTime());
  });

  it('names unknown products and subsystems, and provider-only clients', () => {
    expect(fieldsOf(check({}, { client: undefined, product: undefined }))).toEqual(['/body/clientSubsystem', '/body/productId']);
    expect(fieldsOf(check({}, { client: { ...welfare, role: 'provider' }, product: children }))).toEqual(['/body/clientSubsystem']);
    expect(check({}, { client: { ...welfare, role: 'both' }, product: children }).ok).toBe(true);
  });

  it('requires at least one field, every one of the product, each once', () => {
    expect(fieldsOf(check({ fields: [] }))).toEqual(['/body/fields']);
    const unknown = check({ fields: ['childCount', 'rrn', 'income'] });
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.problems[0]!.message).toContain('rrn, income');
    expect(fieldsOf(check({ fields: ['childCount', 'childCount'] }))).toEqual(['/body/fields']);
  });

  it('requires a catalogued purpose, a purpose text and a legal basis', () => {
    expect(fieldsOf(check({ purposeCode: 'CURIOSITY', purposeText: '   ', legalBasis: '' }))).toEqual([
      '/body/purposeCode',
      '/body/purposeText',
      '/body/legalBasis',
    ]);
    expect(fieldsOf(check({ purposeText: 'x'.repeat(501) }))).toEqual(['/body/purposeText']);
  });

  it('requires validity that ends after it starts, in the future, within five years', () => {
    expect(fieldsOf(check({ validUntil: '2026-02-01T00:00:00Z' }))).toEqual(['/body/validUntil']);
    expect(fieldsOf(check({ validFrom: '2025-01-01T00:00:00Z', validUntil: '2026-02-01T00:00:00Z' }))).toEqual(['/body/validUntil']);
    expect(fieldsOf(check({ validUntil: '2031-03-01T00:00:01Z' }))).toEqual(['/body/validUntil']);
    expect(check({ validUntil: '2031-03-01T00:00:00Z' }).ok).toBe(true);
    expect(fieldsOf(check({ validFrom: 'yesterday', validUntil: '2027-13-45T00:00:00Z' }))).toEqual(['/body/validFrom', '/body/validUntil']);
    expect(fieldsOf(check({ validUntil: '2027-03-01' }))).toEqual(['/body/validUntil']);
  });

  it('allows covert agreements only for law enforcement, and never with consent', () => {
    expect(fieldsOf(check({ covert: true }))).toEqual(['/body/covert']);
    expect(check({ covert: true, purposeCode: 'LAW-ENFORCEMENT' }).ok).toBe(true);
    expect(fieldsOf(check({ covert: true, purposeCode: 'LAW-ENFORCEMENT', consentRequired: true }))).toEqual(['/body/consentRequired']);
    expect(PURPOSES.filter((p) => p.covertAllowed).map((p) => p.code)).toEqual(['LAW-ENFORCEMENT']);
  });

  it('reports every problem at once, in the reader\'s language', () => {
    const result = check({ fields: [], purposeText: '', covert: true }, { client: undefined, product: children }, 'ko');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems.map((p) => p.field)).toEqual(['/body/clientSubsystem', '/body/fields', '/body/purposeText', '/body/covert']);
      expect(result.problems[1]!.message).toBe('이용할 항목을 하나 이상 선택하세요');
    }
  });
});

describe('who may do what', () => {
  const parties = { clientAgency: 'MOHW', holderAgency: 'SCOURT' };

  it('officials request only for their own agency', () => {
    expect(canRequestFor(official('MOHW'), 'MOHW')).toBe(true);
    expect(canRequestFor(official('NTS'), 'MOHW')).toBe(false);
    expect(canRequestFor(operator, 'MOIS')).toBe(false);
    expect(canRequestFor(auditor, 'BAI')).toBe(false);
  });

  it('parties, the operator and auditors read; residents and other agencies do not', () => {
    expect(canRead(official('MOHW'), parties)).toBe(true);
    expect(canRead(official('SCOURT'), parties)).toBe(true);
    expect(canRead(official('NTS'), parties)).toBe(false);
    expect(canRead(operator, parties)).toBe(true);
    expect(canRead(auditor, parties)).toBe(true);
    expect(canRead(resident, parties)).toBe(false);
  });

  it('only the holder\'s officials and the operator decide', () => {
    expect(decisionCapacity(official('SCOURT'), parties)).toBe('holder');
    expect(decisionCapacity(operator, parties)).toBe('operator');
    expect(decisionCapacity(official('MOHW'), parties)).toBeNull();
    expect(decisionCapacity(auditor, parties)).toBeNull();
    expect(decisionCapacity(resident, parties)).toBeNull();
    // The operator's agency holding data does not make the operator its official.
    expect(decisionCapacity(operator, { clientAgency: 'MOHW', holderAgency: 'MOIS' })).toBe('operator');
  });
});

describe('status', () => {
  it('becomes active only with both approvals, in either order; one rejection is final', () => {
    expect(statusAfterDecision({ holder: 'approve', operator: null })).toBe('requested');
    expect(statusAfterDecision({ holder: null, operator: 'approve' })).toBe('requested');
    expect(statusAfterDecision({ holder: 'approve', operator: 'approve' })).toBe('active');
    expect(statusAfterDecision({ holder: 'reject', operator: null })).toBe('rejected');
    expect(statusAfterDecision({ holder: 'approve', operator: 'reject' })).toBe('rejected');
  });
});
