import { describe, expect, it } from 'vitest';
import { parseSubsystemId } from '../directory/service';
import {
  DATA_PRODUCT_READER_IDS,
  DATA_PRODUCTS,
  dataProductsProvidedBy,
  findDataProduct,
  normalizeSubjectId,
  SENSITIVITIES,
  type DataProductField,
} from './data-products';

const REQUIRED = [
  'resident.basic',
  'resident.household',
  'family.children',
  'family.relations',
  'tax.income-certificate',
  'disability.status',
  'business.registration',
  'vehicle.registration',
];

const rank = (field: { sensitivity: (typeof SENSITIVITIES)[number] }) => SENSITIVITIES.indexOf(field.sensitivity);

function allFields(fields: readonly DataProductField[]): DataProductField[] {
  return fields.flatMap((f) => [f, ...allFields(f.items ?? [])]);
}

describe('the data product catalogue', () => {
  it('has every product the exchange needs, each with a reader, ids usable as X-Road service codes', () => {
    const ids = DATA_PRODUCTS.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(REQUIRED));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...DATA_PRODUCT_READER_IDS].sort()).toEqual([...ids].sort());
    for (const id of ids) expect(id).toMatch(/^[a-z]+(\.[a-z][a-z-]*)+$/);
  });

  it('names a well-formed provider subsystem for every product; subjects are residents except businesses', () => {
    for (const product of DATA_PRODUCTS) {
      expect(parseSubsystemId(product.providerSubsystem), product.id).not.toBeNull();
      expect(product.subject).toBe(product.id.startsWith('business.') ? 'business' : 'resident');
    }
    expect(findDataProduct('vehicle.registration')?.providerSubsystem).toBe('KR/GOV/MOLIT/vehicle-register');
    expect(findDataProduct('resident.basic')?.providerSubsystem).toBe('KR/GOV/MOIS/resident-register');
    expect(dataProductsProvidedBy('KR/GOV/SCOURT/family-relations').map((p) => p.id)).toEqual(['family.children', 'family.relations']);
    expect(dataProductsProvidedBy('KR/GOV/MOHW/welfare-benefits')).toEqual([]);
  });

  it('rates each product as sensitive as its most sensitive field; health and income are sensitive', () => {
    for (const product of DATA_PRODUCTS) {
      const highest = Math.max(...allFields(product.fields).map(rank));
      expect(SENSITIVITIES[highest], product.id).toBe(product.sensitivity);
    }
    expect(findDataProduct('disability.status')?.sensitivity).toBe('sensitive');
    expect(findDataProduct('tax.income-certificate')?.fields.find((f) => f.name === 'earnedIncomeKrw')?.sensitivity).toBe('sensitive');
    expect(findDataProduct('resident.basic')?.sensitivity).toBe('personal');
  });

  it('declares fields consistently: unique names, items only on arrays, allowed values only on text, titles in both languages', () => {
    const check = (fields: readonly DataProductField[], where: string) => {
      expect(new Set(fields.map((f) => f.name)).size, where).toBe(fields.length);
      for (const f of fields) {
        expect(f.name, where).toMatch(/^[a-z][A-Za-z]*$/);
        expect(f.title.ko.length > 0 && f.title.en.length > 0, `${where}.${f.name}`).toBe(true);
        expect(Boolean(f.items?.length), `${where}.${f.name}`).toBe(f.type === 'array');
        if (f.enum) expect(f.type, `${where}.${f.name}`).toBe('string');
        if (f.items) check(f.items, `${where}.${f.name}[]`);
      }
    };
    for (const product of DATA_PRODUCTS) {
      check(product.fields, product.id);
      for (const text of [product.title, product.description]) expect(text.ko.length > 0 && text.en.length > 0).toBe(true);
    }
  });

  it('does not publish resident registration numbers', () => {
    for (const product of DATA_PRODUCTS) {
      for (const field of allFields(product.fields)) expect(field.name.toLowerCase(), product.id).not.toContain('rrn');
    }
  });

  it('finds products by exact id only', () => {
    expect(findDataProduct('resident.basic')?.id).toBe('resident.basic');
    expect(findDataProduct('Resident.Basic')).toBeUndefined();
    expect(findDataProduct('')).toBeUndefined();
    expect(findDataProduct('__proto__')).toBeUndefined();
  });
});

describe('normalizeSubjectId', () => {
  it('takes resident ids as positive safe integers or their decimal strings', () => {
    expect(normalizeSubjectId('resident', 7)).toBe(7);
    expect(normalizeSubjectId('resident', '7')).toBe(7);
    expect(normalizeSubjectId('resident', Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER);
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER + 1, '0', '07', '-1', '1e3', ' 7', '7 ', '', 'abc', '99999999999999999']) {
      expect(normalizeSubjectId('resident', bad as number | string), String(bad)).toBeNull();
    }
  });

  it('takes business registration numbers as 10 digits, hyphenated or not, and nothing else', () => {
    expect(normalizeSubjectId('business', '1234567890')).toBe('1234567890');
    expect(normalizeSubjectId('business', '123-45-67890')).toBe('1234567890');
    for (const bad of [1234567890, '123456789', '12345678901', '12-345-67890', '123-45-6789O', '']) {
      expect(normalizeSubjectId('business', bad as number | string), String(bad)).toBeNull();
    }
  });
});
