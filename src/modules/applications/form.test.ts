// The form rules without a database: which products a bundle fetches, what the resident is still
// asked (with and without consent), how records become fields, and which submitted values are
// refused, each naming its field.
import { describe, expect, it } from 'vitest';
import { findDataProduct } from '../registry/data-products';
import { catalogueServices } from '../services/service';
import { SEED_AGENCIES, SEED_BUNDLES, SEED_SERVICES } from '../services/seed';
import { answerFields, checkAnswers, checkPrefilled, childFields, fetchedProducts, flattenRecord, prefillFields } from './form';

const services = catalogueServices({ agencies: SEED_AGENCIES, services: SEED_SERVICES, bundles: SEED_BUNDLES });
const bundle = SEED_BUNDLES.find((b) => b.id === 'happy-childbirth')!.serviceIds.map((id) => services.find((s) => s.id === id)!);

describe('what a Happy Childbirth form holds', () => {
  it('fetches the resident register and the children, and asks only for the payment account', () => {
    expect(fetchedProducts(bundle).map((p) => p.id)).toEqual(['resident.basic', 'resident.household', 'family.children']);
    const asked = answerFields(bundle, 'registry');
    expect(asked.map((f) => f.name)).toEqual(['bankCode', 'accountNumber']);
    expect(asked[0]!.serviceIds).toEqual(['child-allowance', 'parental-benefit', 'local-birth-grant']);
  });

  it('asks for each fetched document as an upload when the resident declines', () => {
    expect(answerFields(bundle, 'uploads').map((f) => f.name)).toEqual(['upload.resident.household', 'upload.family.children', 'bankCode', 'accountNumber', 'upload.resident.basic']);
  });

  it('asks for a document no registry holds by name, and a business registration as an upload', () => {
    const postnatal = services.find((s) => s.id === 'postnatal-care-voucher')!;
    expect(answerFields([postnatal], 'registry').map((f) => f.name)).toEqual(['upload.proof-of-the-expected-date-of-birth']);
  });
});

describe('records as fields', () => {
  const household = findDataProduct('resident.household')!;
  const record = {
    householdSize: 2,
    members: [
      { residentId: 10, nameKo: '김하나', nameRomanized: 'Kim Hana', birthDate: '1990-02-03', sex: 'F', householdRole: 'head', relation: 'self' },
      { residentId: 11, nameKo: '김둘', nameRomanized: 'Kim Dul', birthDate: '2026-05-01', sex: 'M', householdRole: 'child', relation: null },
    ],
  };

  it('numbers array items from 1, leaves out internal ids and shows null as empty', () => {
    const fields = flattenRecord(household, record);
    expect(fields.find((f) => f.name === 'resident.household.householdSize')?.value).toBe('2');
    expect(fields.find((f) => f.name === 'resident.household.members.2.nameKo')?.value).toBe('김둘');
    expect(fields.find((f) => f.name === 'resident.household.members.2.relation')?.value).toBe('');
    expect(fields.some((f) => f.name.endsWith('.residentId'))).toBe(false);
    expect(fields.find((f) => f.name === 'resident.household.members.1.birthDate')?.label.en).toBe('Household members 1: Date of birth');
  });

  it('takes the youngest child as the one applied for, with their birth order', () => {
    const fields = childFields({ childCount: 3, children: [{ nameKo: '첫째', birthDate: '2019-01-01' }, { nameKo: '셋째', birthDate: '2026-03-01' }, { nameKo: '둘째', birthDate: '2022-06-30' }] });
    expect(Object.fromEntries(fields.map((f) => [f.name, f.value]))).toMatchObject({ 'child.nameKo': '셋째', 'child.birthDate': '2026-03-01', 'child.birthOrder': '3' });
    expect(childFields({ childCount: 0, children: [] })).toEqual([]);
  });
});

describe('checks on submission', () => {
  const fresh = prefillFields([findDataProduct('resident.basic')!], new Map([['resident.basic', { nameKo: '김하나', birthDate: '1990-02-03', addressKo: '서울특별시 종로구 1' }]]));

  it('refuses a changed, missing (when the form sends all) or unknown registry value, naming it', () => {
    expect(checkPrefilled(fresh, { 'resident.basic.nameKo': '김하나', 'resident.basic.birthDate': '1990-02-03', 'resident.basic.addressKo': '서울특별시 종로구 1' }, '/body/prefilled', true)).toEqual([]);
    const problems = checkPrefilled(fresh, { 'resident.basic.nameKo': '이하나', 'resident.basic.addressKo': '서울특별시 종로구 1', 'resident.basic.rrn': 'x' }, '/body/prefilled', true);
    expect(problems.map((p) => p.field)).toEqual(['/body/prefilled/resident.basic.nameKo', '/body/prefilled/resident.basic.birthDate', '/body/prefilled/resident.basic.rrn']);
    expect(checkPrefilled(fresh, { 'resident.basic.nameKo': '김하나' }, '/body/prefilled', false)).toEqual([]);
  });

  it('checks the bank, the account number and upload names', () => {
    const fields = answerFields(bundle, 'uploads');
    const ok = checkAnswers(fields, { bankCode: 'KB', accountNumber: '123-456-789012', 'upload.resident.household': 'a.pdf', 'upload.family.children': 'b.pdf', 'upload.resident.basic': ' c.pdf ' }, '/body/answers');
    expect(ok.problems).toEqual([]);
    expect(ok.answers['upload.resident.basic']).toBe('c.pdf');
    const bad = checkAnswers(fields, { bankCode: 'XX', accountNumber: '12-34', 'upload.family.children': 'b.pdf', extra: '1' }, '/body/answers');
    expect(bad.problems.map((p) => p.field)).toEqual([
      '/body/answers/upload.resident.household',
      '/body/answers/bankCode',
      '/body/answers/accountNumber',
      '/body/answers/upload.resident.basic',
      '/body/answers/extra',
    ]);
  });
});
