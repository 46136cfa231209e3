// The exchange's wire format as pure functions: reading a request, the canonical request hash.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isProtocolError, parseExchangeRequest, requestHash, signedPayload, type ExchangeRequest } from './protocol';

const params = { xRoadInstance: 'KR', memberClass: 'GOV', memberCode: 'MOIS', subsystemCode: 'resident-register', serviceCode: 'resident.basic', subjectId: '7' };
const path = '/r1/KR/GOV/MOIS/resident-register/resident.basic/7';
const headers = { 'x-road-client': 'KR/GOV/MOHW/welfare-benefits', 'x-road-purpose': 'WELFARE-ELIGIBILITY', 'x-road-userid': 'MOHW-0001', 'x-road-id': 'msg-1', authorization: 'Bearer ogx_abcdefghijklmnopqrstuvwxyz' };
const parse = (overrides: { headers?: Record<string, string | string[] | undefined>; query?: Record<string, unknown> } = {}) =>
  parseExchangeRequest({ params, path, headers: { ...headers, ...overrides.headers }, query: overrides.query ?? {} });

describe('the request hash', () => {
  it('is base64url SHA-256 over the documented canonical lines', () => {
    const canonical = ['oncegov-exchange-request/1', 'GET', path, 'KR/GOV/MOHW/welfare-benefits', 'WELFARE-ELIGIBILITY', 'MOHW-0001', '', 'msg-1'].join('\n');
    const expected = createHash('sha256').update(canonical).digest('base64url');
    const parsed = parse() as ExchangeRequest;
    expect(parsed.requestHash).toBe(expected);
    expect(requestHash({ method: 'GET', path, client: parsed.client, purposeCode: 'WELFARE-ELIGIBILITY', userId: 'MOHW-0001', issue: null, messageId: 'msg-1' })).toBe(expected);
  });

  it('changes with every part of the request', () => {
    const base = (parse() as ExchangeRequest).requestHash;
    expect((parse({ headers: { 'x-road-issue': 'CASE-1' } }) as ExchangeRequest).requestHash).not.toBe(base);
    expect((parse({ headers: { 'x-road-id': 'msg-2' } }) as ExchangeRequest).requestHash).not.toBe(base);
    expect((parse({ headers: { 'x-road-userid': 'MOHW-0002' } }) as ExchangeRequest).requestHash).not.toBe(base);
  });

  it('the signed payload is the hash, a newline, then the body bytes', () => {
    expect(Buffer.from(signedPayload('abc', Buffer.from('{"a":1}'))).toString()).toBe('abc\n{"a":1}');
  });
});

describe('reading a request', () => {
  it('takes the purpose from the header or the query, and refuses disagreement or repetition', () => {
    expect(parse({ headers: { 'x-road-purpose': undefined }, query: { purpose: 'WELFARE-ELIGIBILITY' } })).toMatchObject({ purposeCode: 'WELFARE-ELIGIBILITY' });
    expect(parse({ query: { purpose: 'TAX-ASSESSMENT' } })).toMatchObject({ xroad: 'Client.BadRequest' });
    expect(parse({ headers: { 'x-road-purpose': ['A-B', 'A-B'] } })).toMatchObject({ xroad: 'Client.BadHeader' });
    expect(parse({ headers: { 'x-road-purpose': undefined } })).toMatchObject({ xroad: 'Client.PurposeMissing' });
  });

  it('requires X-Road-UserId of government clients only', () => {
    expect(parse({ headers: { 'x-road-userid': undefined } })).toMatchObject({ xroad: 'Client.UserIdMissing' });
    const bank = parse({ headers: { 'x-road-userid': undefined, 'x-road-client': 'KR/COM/DEMOBANK/loans' } });
    expect(isProtocolError(bank)).toBe(false);
  });

  it('generates an X-Road-Id when absent; a malformed credential reads as none', () => {
    const parsed = parse({ headers: { 'x-road-id': undefined, authorization: 'Basic abc' } }) as ExchangeRequest;
    expect(parsed.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(parsed.secret).toBeNull();
  });
});
