// The status list's pure parts: positions spread over the whole list without collisions, the
// Postgres bit numbering matches the spec's (leftmost bit first) as an independent decoder reads
// it, document URIs keep the IssuerId-DocType-DocId form, and dateTimeStamps need a time zone.
import { decodeList } from '@digitalbazaar/vc-bitstring-status-list';
import { describe, expect, it } from 'vitest';
import { newDocumentUri, parseDocumentUri } from './certificates';
import { encodeList, pgBit, positionOf, STATUS_LIST_LENGTH } from './status-list';
import { DATE_TIME_STAMP } from './verify';

/** Sets a bit the way Postgres set_bit does (bit n: byte n >> 3, counted from the right). */
function setLikePostgres(bits: Buffer, n: number) {
  bits[n >> 3]! |= 1 << (n & 7);
}

describe('status list', () => {
  it('gives every credential its own position, and neighbours are far apart', () => {
    const seen = new Set<number>();
    for (let n = 0; n < STATUS_LIST_LENGTH; n += 1) seen.add(positionOf(n));
    expect(seen.size).toBe(STATUS_LIST_LENGTH);
    expect(Math.abs(positionOf(1) - positionOf(0))).toBeGreaterThan(1000);
  });

  it('publishes the bits Postgres set at the spec\'s indices (checked with digitalbazaar\'s decoder)', async () => {
    const bits = Buffer.alloc(STATUS_LIST_LENGTH / 8);
    const revoked = [0, 1, 7, 8, 40_503, STATUS_LIST_LENGTH - 1];
    for (const index of revoked) setLikePostgres(bits, pgBit(index));
    const list = await decodeList({ encodedList: encodeList(bits) });
    for (const index of revoked) expect(list.getStatus(index), String(index)).toBe(true);
    for (const index of [2, 6, 9, 40_502, 40_504, STATUS_LIST_LENGTH - 2]) expect(list.getStatus(index), String(index)).toBe(false);
  });
});

describe('document URIs and dates', () => {
  it('document URIs read back as issuer, type and document id', () => {
    const uri = newDocumentUri('NTS', 'IncomeCertificate');
    expect(parseDocumentUri(uri)).toMatchObject({ agency: 'NTS', type: 'IncomeCertificate' });
    expect(parseDocumentUri(uri)!.docId).toMatch(/^[0-9A-HJKMNP-TV-Z]{16}$/);
    expect(newDocumentUri('NTS', 'IncomeCertificate')).not.toBe(uri);
    expect(parseDocumentUri('urn:oncegov:doc:NTS-DriverLicence-0123456789ABCDEF')).toBeNull();
    expect(parseDocumentUri(`${uri}x`)).toBeNull();
  });

  it('a dateTimeStamp needs a time zone', () => {
    expect(DATE_TIME_STAMP.test('2026-11-22T11:10:09Z')).toBe(true);
    expect(DATE_TIME_STAMP.test('2026-11-22T11:10:09.5+09:00')).toBe(true);
    expect(DATE_TIME_STAMP.test('2026-11-22T11:10:09')).toBe(false);
    expect(DATE_TIME_STAMP.test('2026-11-22')).toBe(false);
    expect(DATE_TIME_STAMP.test('2026-13-22T11:10:09Z')).toBe(false);
  });
});
