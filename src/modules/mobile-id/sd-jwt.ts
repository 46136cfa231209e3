// The SD-JWT wire format (IETF RFC 9901, Selective Disclosure for JWTs) as far as the Mobile ID
// needs it, shared by the issuer, the holder library and the verifier:
//   <Issuer-signed JWT>~<Disclosure 1>~…~<Disclosure N>~[<Key-Binding JWT>]
// A Disclosure is base64url(UTF-8 JSON [salt, claim name, value]); the issuer-signed payload lists
// base64url(SHA-256(ASCII of the disclosure as sent)) in `_sd`, so a claim can be revealed by
// sending its disclosure and withheld by leaving it out. The KB-JWT's `sd_hash` is the same digest
// over everything before it, so the holder's signature covers exactly the disclosures chosen.
// Signatures are jose's (JWS); hashing and salts are node:crypto's. Nothing here is hand-rolled
// cryptography: only string framing.
import { createHash, randomBytes } from 'node:crypto';

/** SD-JWT VC media type in the JOSE `typ` header (draft-ietf-oauth-sd-jwt-vc). */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';
/** RFC 9901 §4.3: the KB-JWT's `typ`. */
export const KB_JWT_TYP = 'kb+jwt';
export const SD_ALG = 'sha-256';

/** Claim names a disclosure must never carry: they are structural or registered JWT claims. */
const RESERVED = new Set(['_sd', '_sd_alg', '...', 'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti', 'cnf', 'vct', 'status', 'vct#integrity']);

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Why a string is not an SD-JWT, in words for the problem's detail. */
export class SdJwtFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SdJwtFormatError';
  }
}

export interface Disclosure {
  /** The base64url string exactly as it travels (the digest is over these characters). */
  encoded: string;
  salt: string;
  name: string;
  value: unknown;
}

export interface SdJwtParts {
  issuerJwt: string;
  disclosures: string[];
  keyBindingJwt: string | null;
  /** `<Issuer-signed JWT>~<Disclosures>~`: what `sd_hash` covers. */
  withoutKeyBinding: string;
}

/** base64url(SHA-256(ASCII(input))), the digest of RFC 9901 §4.2.3 and of `sd_hash`. */
export function sdDigest(input: string): string {
  return createHash('sha256').update(input, 'ascii').digest('base64url');
}

/** A new disclosure with a 128-bit random salt (RFC 9901 §4.2.1 recommends at least 128 bits). */
export function createDisclosure(name: string, value: unknown): { encoded: string; digest: string } {
  if (RESERVED.has(name)) throw new Error(`"${name}" cannot be selectively disclosed`);
  const salt = randomBytes(16).toString('base64url');
  const encoded = Buffer.from(JSON.stringify([salt, name, value]), 'utf8').toString('base64url');
  return { encoded, digest: sdDigest(encoded) };
}

/** Reads one disclosure; throws SdJwtFormatError when it is not a [salt, name, value] array. */
export function decodeDisclosure(encoded: string): Disclosure {
  if (!BASE64URL.test(encoded)) throw new SdJwtFormatError('A disclosure is not base64url.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    throw new SdJwtFormatError('A disclosure is not JSON.');
  }
  if (!Array.isArray(parsed) || parsed.length !== 3 || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string') {
    throw new SdJwtFormatError('A disclosure must be a JSON array [salt, claim name, value].');
  }
  const [salt, name, value] = parsed as [string, string, unknown];
  if (RESERVED.has(name)) throw new SdJwtFormatError(`A disclosure may not carry the claim "${name}".`);
  return { encoded, salt, name, value };
}

/** Splits an SD-JWT (with or without a KB-JWT) into its parts; whitespace around it is ignored. */
export function splitSdJwt(text: string): SdJwtParts {
  const compact = text.trim();
  const parts = compact.split('~');
  if (parts.length < 2) throw new SdJwtFormatError('An SD-JWT has the issuer-signed JWT, then "~", then disclosures each followed by "~".');
  const issuerJwt = parts[0]!;
  if (!COMPACT_JWS.test(issuerJwt)) throw new SdJwtFormatError('The issuer-signed part is not a compact JWS.');
  const last = parts.at(-1)!;
  const disclosures = parts.slice(1, -1);
  if (disclosures.some((d) => d.length === 0 || !BASE64URL.test(d))) throw new SdJwtFormatError('A disclosure is empty or not base64url.');
  if (last !== '' && !COMPACT_JWS.test(last)) throw new SdJwtFormatError('The key-binding part is not a compact JWS.');
  return {
    issuerJwt,
    disclosures,
    keyBindingJwt: last === '' ? null : last,
    withoutKeyBinding: `${parts.slice(0, -1).join('~')}~`,
  };
}

/** The SD-JWT that reveals only `disclosures` (no KB-JWT yet). */
export function joinSdJwt(issuerJwt: string, disclosures: readonly string[]): string {
  return `${[issuerJwt, ...disclosures].join('~')}~`;
}

/** The JSON payload of a compact JWS, without checking anything: for the holder's own display. */
export function unverifiedPayload(compactJws: string): Record<string, unknown> {
  const payload = compactJws.split('.')[1] ?? '';
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new SdJwtFormatError('The JWS payload is not a JSON object.');
}
