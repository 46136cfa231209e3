// Bitstring Status Lists (W3C, statusPurpose "revocation"), one series per issuing agency, kept
// in Postgres as the raw bitstring. An issued credential takes the next free position, spread
// over the list by a fixed permutation so that neighbouring positions do not reveal issue order
// (the spec's herd-privacy advice); revoking sets its bit and bumps the list's revision in the
// same transaction. The published list is the bitstring GZIP-compressed, multibase base64url
// ('u'), inside a credential the agency signs (see service.ts).
import { gzipSync } from 'node:zlib';
import type { Queryable } from '../../core/db';

export const STATUS_LIST_LENGTH = 131_072; // 2^17 bits = 16 KB, the spec's minimum for herd privacy
const MULTIPLIER = 92_821; // odd, so n → (a·n + c) mod 2^17 is a bijection
const OFFSET = 40_503;
export const STATUS_LIST_ID_PATTERN = '^[A-Z]{2,10}-revocation-[0-9]{1,6}$';
const STATUS_LIST_ID = new RegExp(STATUS_LIST_ID_PATTERN);

export function isStatusListId(value: string): boolean {
  return STATUS_LIST_ID.test(value);
}

/** The list position of the n-th credential put on a list. */
export function positionOf(n: number): number {
  return (MULTIPLIER * n + OFFSET) % STATUS_LIST_LENGTH;
}

/** Postgres get_bit/set_bit numbering of the spec's bit `index` (leftmost bit of the first byte is 0). */
export function pgBit(index: number): number {
  return (index >> 3) * 8 + 7 - (index & 7);
}

/** Reserves a position for a new credential of `agency` (in the issuing transaction). */
export async function allocateStatus(tx: Queryable, agency: string): Promise<{ listId: string; index: number }> {
  const current = await tx.query<{ id: string; allocated: number }>(
    `SELECT id, allocated FROM wallet.status_lists WHERE agency = $1 AND allocated < length_bits ORDER BY created_at DESC LIMIT 1 FOR UPDATE`,
    [agency],
  );
  let row = current.rows[0];
  if (!row) {
    const count = await tx.query<{ n: string }>('SELECT count(*) AS n FROM wallet.status_lists WHERE agency = $1', [agency]);
    const id = `${agency}-revocation-${Number(count.rows[0]!.n) + 1}`;
    await tx.query(
      `INSERT INTO wallet.status_lists (id, agency, status_purpose, length_bits, bits) VALUES ($1, $2, 'revocation', $3, $4) ON CONFLICT (id) DO NOTHING`,
      [id, agency, STATUS_LIST_LENGTH, Buffer.alloc(STATUS_LIST_LENGTH / 8)],
    );
    const locked = await tx.query<{ id: string; allocated: number }>('SELECT id, allocated FROM wallet.status_lists WHERE id = $1 FOR UPDATE', [id]);
    row = locked.rows[0]!;
  }
  await tx.query('UPDATE wallet.status_lists SET allocated = allocated + 1 WHERE id = $1', [row.id]);
  return { listId: row.id, index: positionOf(row.allocated) };
}

/** Sets the bit (revoked); the caller's transaction also marks the credential. */
export async function setStatusBit(tx: Queryable, listId: string, index: number): Promise<void> {
  await tx.query('UPDATE wallet.status_lists SET bits = set_bit(bits, $2, 1), revision = revision + 1 WHERE id = $1', [listId, pgBit(index)]);
}

/** The bit at `index`, or null when there is no such list or position. */
export async function readStatusBit(db: Queryable, listId: string, index: number): Promise<boolean | null> {
  if (!Number.isInteger(index) || index < 0 || index >= STATUS_LIST_LENGTH) return null;
  const result = await db.query<{ bit: number }>('SELECT get_bit(bits, $2) AS bit FROM wallet.status_lists WHERE id = $1', [listId, pgBit(index)]);
  const row = result.rows[0];
  return row ? row.bit === 1 : null;
}

export async function readStatusList(db: Queryable, listId: string): Promise<{ agency: string; bits: Buffer; revision: number } | null> {
  const result = await db.query<{ agency: string; bits: Buffer; revision: string }>('SELECT agency, bits, revision FROM wallet.status_lists WHERE id = $1', [listId]);
  const row = result.rows[0];
  return row ? { agency: row.agency, bits: row.bits, revision: Number(row.revision) } : null;
}

/** encodedList: multibase base64url (no padding) of the GZIP-compressed bitstring. */
export function encodeList(bits: Buffer): string {
  return `u${gzipSync(bits).toString('base64url')}`;
}
