import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS, findDataProduct, type DataProductField } from '../registry/data-products';
import { dataProductOpenApi } from './openapi';
import { formatSubsystemId, parseSubsystemId, SUBSYSTEM_ID_PATTERN } from './service';

describe('parseSubsystemId', () => {
  it('splits INSTANCE/CLASS/MEMBER/SUBSYSTEM', () => {
    expect(parseSubsystemId('KR/GOV/MOIS/resident-register')).toEqual({
      instance: 'KR',
      memberClass: 'GOV',
      memberCode: 'MOIS',
      subsystemCode: 'resident-register',
    });
    expect(parseSubsystemId('ee-test/COM/12345678/a.b_c-D9')).toEqual({
      instance: 'ee-test',
      memberClass: 'COM',
      memberCode: '12345678',
      subsystemCode: 'a.b_c-D9',
    });
    const longest = ['a', 'b', 'c', 'd'].map((c) => c.repeat(64)).join('/');
    expect(parseSubsystemId(longest)?.subsystemCode).toBe('d'.repeat(64));
  });

  it('round-trips with formatSubsystemId', () => {
    for (const id of ['KR/GOV/MOIS/resident-register', 'KR/COM/DEMOBANK/loans']) {
      expect(formatSubsystemId(parseSubsystemId(id)!)).toBe(id);
    }
  });

  it('refuses anything but exactly four well-formed parts', () => {
    const bad = [
      '',
      'KR',
      'KR/GOV/MOIS',
      'KR/GOV/MOIS/resident-register/extra',
      'KR/GOV//resident-register',
      '/GOV/MOIS/x',
      'KR/GOV/MOIS/',
      'KR/GOV/MOIS/resident register',
      ' KR/GOV/MOIS/x',
      'KR/GOV/MOIS/x ',
      'KR/GOV/MOIS/x\n',
      'KR\\GOV\\MOIS\\x',
      'KR/GOV/MOIS/주민등록',
      'KR/GOV/MOIS/x%2Fy',
      'KR/GOV/MOIS/x:y',
      `KR/GOV/MOIS/${'x'.repeat(65)}`,
      `${'K'.repeat(65)}/GOV/MOIS/x`,
    ];
    for (const value of bad) expect(parseSubsystemId(value), JSON.stringify(value)).toBeNull();
    expect(parseSubsystemId(42 as unknown as string)).toBeNull();
    expect(parseSubsystemId(null as unknown as string)).toBeNull();
  });

  it('agrees with SUBSYSTEM_ID_PATTERN, which header schemas use', () => {
    const pattern = new RegExp(SUBSYSTEM_ID_PATTERN);
    for (const value of ['KR/GOV/MOIS/resident-register', 'KR/GOV/MOIS', 'KR/GOV/MOIS/a/b', 'KR/GOV/MOIS/x y', `KR/GOV/MOIS/${'x'.repeat(65)}`, 'KR/GOV/MOIS/x\n']) {
      expect(pattern.test(value), JSON.stringify(value)).toBe(parseSubsystemId(value) !== null);
    }
  });
});

describe('dataProductOpenApi', () => {
  const typeOf = (field: DataProductField) =>
    ({ string: 'string', integer: 'integer', date: 'string', boolean: 'boolean', array: 'array' })[field.type];

  it('describes every field of every product with its type, titles and sensitivity', () => {
    for (const product of DATA_PRODUCTS) {
      const doc = dataProductOpenApi(product, 'en');
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.servers).toEqual([{ url: `/r1/${product.providerSubsystem}/${product.id}` }]);
      const schema = doc.components.schemas[product.id] as { properties: Record<string, Record<string, unknown>>; required?: string[] };
      expect(Object.keys(schema.properties)).toEqual(product.fields.map((f) => f.name));
      expect(schema.required).toBeUndefined(); // minimisation may leave any field out
      for (const field of product.fields) {
        const property = schema.properties[field.name]!;
        expect(property.title).toBe(field.title.en);
        expect(property['x-title']).toEqual(field.title);
        expect(property['x-sensitivity']).toBe(field.sensitivity);
        expect(property.type).toEqual(field.nullable ? [typeOf(field), 'null'] : typeOf(field));
        if (field.type === 'date') expect(property.format).toBe('date');
        if (field.items) {
          const items = property.items as { properties: Record<string, unknown>; required: string[] };
          expect(Object.keys(items.properties)).toEqual(field.items.map((f) => f.name));
          expect(items.required).toEqual(field.items.map((f) => f.name));
        }
      }
    }
  });

  it('lists the allowed values, null included for nullable fields, and follows the language', () => {
    const disability = dataProductOpenApi(findDataProduct('disability.status')!, 'ko');
    const properties = (disability.components.schemas['disability.status'] as { properties: Record<string, Record<string, unknown>> }).properties;
    expect(properties.severity).toMatchObject({ title: '장애 정도', type: ['string', 'null'], enum: ['severe', 'mild', null] });
    expect(properties.registered).toMatchObject({ type: 'boolean', 'x-sensitivity': 'sensitive' });
    expect(disability.info.title).toBe('disability.status: 장애인 등록 여부');
    const business = dataProductOpenApi(findDataProduct('business.registration')!, 'en');
    const parameter = (business.paths['/{subjectId}'] as { get: { parameters: Array<{ schema: { type: string } }> } }).get.parameters[0]!;
    expect(parameter.schema.type).toBe('string');
  });
});
