// The platform's own signing key: an Ed25519 key pair (jose), created once by the first process
// that needs it and stored in Postgres (platform.signing_keys, migrations/0006_exchange.sql) so it
// survives restarts and every process signs with the same key. Its `kid` is the RFC 7638 JWK
// thumbprint; the public keys are published as a JWKS at /.well-known/jwks.json.
//
// Stage note: the private key is kept as a JWK in the database. Good enough while the database is
// the platform's trust anchor anyway (the audit log lives there too); an HSM or cloud KMS takes
// its place before production, behind the same `PlatformKeys` interface.
import { calculateJwkThumbprint, CompactSign, exportJWK, FlattenedSign, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Pool } from './db';
import { withTransaction } from './db';

const KEY_LOCK = 7_240_010; // pg advisory lock: one process creates the key, the others wait and read it

export const SIGNING_ALG = 'EdDSA';

/** An Ed25519 public key as served in the JWKS. */
export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  alg: string;
  use: string;
}

export interface PublicJwks {
  keys: PublicJwk[];
}

interface KeyRow {
  kid: string;
  public_jwk: JWK;
  private_jwk: JWK;
  retired_at: Date | null;
}

export class PlatformKeys {
  private constructor(
    readonly kid: string,
    private readonly privateKey: CryptoKey,
    private readonly publicKeys: JWK[],
  ) {}

  /** The platform's keys from the database; on first use, a new key pair is made and stored. */
  static async load(pool: Pool): Promise<PlatformKeys> {
    const rows = await withTransaction(pool, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      const existing = await tx.query<KeyRow>('SELECT kid, public_jwk, private_jwk, retired_at FROM platform.signing_keys ORDER BY created_at');
      if (existing.rows.some((row) => row.retired_at === null)) return existing.rows;
      const pair = await generateKeyPair(SIGNING_ALG, { crv: 'Ed25519', extractable: true });
      const publicJwk = await exportJWK(pair.publicKey);
      const privateJwk = await exportJWK(pair.privateKey);
      const kid = await calculateJwkThumbprint(publicJwk, 'sha256');
      await tx.query('INSERT INTO platform.signing_keys (kid, public_jwk, private_jwk) VALUES ($1, $2, $3)', [kid, publicJwk, privateJwk]);
      return [...existing.rows, { kid, public_jwk: publicJwk, private_jwk: privateJwk, retired_at: null }];
    });
    const current = rows.filter((row) => row.retired_at === null).at(-1)!;
    const privateKey = (await importJWK({ ...current.private_jwk, alg: SIGNING_ALG }, SIGNING_ALG)) as CryptoKey;
    const publicKeys = rows.map((row) => ({ ...row.public_jwk, kid: row.kid, alg: SIGNING_ALG, use: 'sig' }));
    return new PlatformKeys(current.kid, privateKey, publicKeys);
  }

  /** The public keys, current and retired, as a JSON Web Key Set (never a private part). */
  jwks(): PublicJwks {
    return { keys: this.publicKeys.map((key) => ({ kty: key.kty!, crv: key.crv!, x: key.x!, kid: key.kid!, alg: SIGNING_ALG, use: 'sig' })) };
  }

  /**
   * A detached JWS (RFC 7515 appendix F) over `payload` with the unencoded payload option (RFC
   * 7797: b64=false, crit ["b64"]): `<protected header>..<signature>`. The verifier supplies the
   * payload bytes itself, e.g. jose `flattenedVerify({ protected, payload, signature }, key)`.
   */
  async signDetached(payload: Uint8Array, header: Record<string, string | number> = {}): Promise<string> {
    const jws = await new FlattenedSign(payload)
      .setProtectedHeader({ ...header, alg: SIGNING_ALG, kid: this.kid, b64: false, crit: ['b64'] })
      .sign(this.privateKey);
    return `${jws.protected}..${jws.signature}`;
  }

  /** An ordinary compact JWS (`header.payload.signature`, payload base64url-encoded) over `payload`. */
  signCompact(payload: Uint8Array, header: Record<string, string | number> = {}): Promise<string> {
    return new CompactSign(payload).setProtectedHeader({ ...header, alg: SIGNING_ALG, kid: this.kid }).sign(this.privateKey);
  }
}
