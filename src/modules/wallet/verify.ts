// Verifying a credential or presentation, with a verdict a person can act on: valid, revoked,
// expired (or not yet valid), forged (the proof does not hold, or the issuer is not one we know),
// malformed (not a VC 2.0 credential, JSON-LD that does not hold together), or an unknown
// context (refused: contexts are never fetched). The proof is checked first, at a moment inside
// the credential's own validity period, so an expired forgery is still called forged; then the
// dates against now; then the status list bit, read from Postgres, so a revocation counts from
// the moment its transaction commits.
import { AppError, type ErrorCode } from '../../core/errors';
import { VC_V2_CONTEXT } from './certificates';
import { UnknownDocumentError, type CredentialCrypto } from './crypto';

export type Verdict = 'valid' | 'revoked' | 'expired' | 'not-yet-valid' | 'forged' | 'malformed' | 'unknown-context';

export interface CredentialVerification {
  verified: boolean;
  verdict: Verdict;
  /** Why, in English (pages translate the verdict; the reason adds the detail). */
  reason: string | null;
  /** JSON Pointer into the credential of what failed. */
  pointer: string | null;
  /** VC-API: the checks that were made and held. */
  checks: string[];
  credentialId: string | null;
  types: string[];
  issuer: string | null;
  validFrom: string | null;
  validUntil: string | null;
  revokedAt: string | null;
}

export interface StatusReader {
  /** The revocation bit of a position of one of our lists; null for a list or position we do not have. */
  revoked(statusListCredential: string, index: number): Promise<{ revoked: boolean; revokedAt: string | null } | null>;
}

/** XML Schema dateTimeStamp (a time zone is required), as VC 2.0 requires for validFrom/validUntil. */
export const DATE_TIME_STAMP = /^-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$/;

export const VERDICT_ERROR: Record<Exclude<Verdict, 'valid'>, ErrorCode> = {
  revoked: 'VC_REVOKED',
  expired: 'VC_EXPIRED',
  'not-yet-valid': 'VC_NOT_YET_VALID',
  forged: 'VC_PROOF_INVALID',
  malformed: 'VC_MALFORMED',
  'unknown-context': 'VC_CONTEXT_UNKNOWN',
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);

export class CredentialVerifier {
  constructor(
    private readonly crypto: CredentialCrypto,
    private readonly status: StatusReader,
  ) {}

  async verifyCredential(input: unknown, now = new Date()): Promise<CredentialVerification> {
    const result: CredentialVerification = {
      verified: false, verdict: 'malformed', reason: null, pointer: null, checks: [],
      credentialId: null, types: [], issuer: null, validFrom: null, validUntil: null, revokedAt: null,
    };
    const fail = (verdict: Exclude<Verdict, 'valid'>, reason: string, pointer: string | null = null): CredentialVerification =>
      Object.assign(result, { verified: false, verdict, reason, pointer });

    if (!isObject(input)) return fail('malformed', 'A credential must be a JSON object.', '');
    const credential = input;
    result.credentialId = typeof credential.id === 'string' ? credential.id : null;
    result.types = asArray(credential.type).filter((t): t is string => typeof t === 'string');
    result.issuer = typeof credential.issuer === 'string' ? credential.issuer : isObject(credential.issuer) && typeof credential.issuer.id === 'string' ? credential.issuer.id : null;
    result.validFrom = typeof credential.validFrom === 'string' ? credential.validFrom : null;
    result.validUntil = typeof credential.validUntil === 'string' ? credential.validUntil : null;

    // 1. Contexts: VC 2.0 first, then only contexts we bundle, given by URL.
    const contexts = credential['@context'];
    if (!Array.isArray(contexts) || contexts[0] !== VC_V2_CONTEXT) {
      return fail('malformed', `The first @context value must be ${VC_V2_CONTEXT}.`, '/@context');
    }
    for (const [i, context] of contexts.entries()) {
      if (typeof context !== 'string') return fail('unknown-context', 'Embedded (inline) contexts are not accepted; name bundled contexts by URL.', `/@context/${i}`);
      if (!this.crypto.isBundledContext(context)) return fail('unknown-context', `The context ${context.slice(0, 200)} is not known here (contexts are never fetched from the network).`, `/@context/${i}`);
    }
    // 2. The shape VC 2.0 requires.
    if (!result.types.includes('VerifiableCredential')) return fail('malformed', 'type must include VerifiableCredential.', '/type');
    if (!result.issuer || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(result.issuer)) return fail('malformed', 'issuer must be a URL.', '/issuer');
    if (!isObject(credential.credentialSubject) && !(Array.isArray(credential.credentialSubject) && credential.credentialSubject.length > 0)) {
      return fail('malformed', 'credentialSubject is required.', '/credentialSubject');
    }
    for (const prop of ['validFrom', 'validUntil'] as const) {
      if (credential[prop] !== undefined && (typeof credential[prop] !== 'string' || !DATE_TIME_STAMP.test(credential[prop]) || Number.isNaN(Date.parse(credential[prop])))) {
        return fail('malformed', `${prop} must be an XML Schema dateTimeStamp (with a time zone).`, `/${prop}`);
      }
    }
    const proofs = asArray(credential.proof);
    if (proofs.length !== 1 || !isObject(proofs[0])) return fail('forged', 'The credential must carry exactly one Data Integrity proof.', '/proof');
    const proof = proofs[0];
    if (proof.type !== 'DataIntegrityProof' || proof.cryptosuite !== 'eddsa-rdfc-2022') {
      return fail('forged', 'Only DataIntegrityProof proofs with the eddsa-rdfc-2022 cryptosuite are accepted.', '/proof/cryptosuite');
    }
    if (proof.expires !== undefined && (typeof proof.expires !== 'string' || !DATE_TIME_STAMP.test(proof.expires))) {
      return fail('malformed', 'proof.expires must be an XML Schema dateTimeStamp.', '/proof/expires');
    }
    if (!this.crypto.agencyOfIssuer(result.issuer)) return fail('forged', `The issuer ${result.issuer.slice(0, 200)} is not an issuing agency of this platform.`, '/issuer');

    // 3. The proof, at a moment inside the credential's own validity period.
    const from = result.validFrom ? Date.parse(result.validFrom) : -Infinity;
    const until = result.validUntil ? Date.parse(result.validUntil) : Infinity;
    const proofTime = new Date(Math.min(Math.max(now.getTime(), from), until));
    let checked: Awaited<ReturnType<CredentialCrypto['verifyProof']>>;
    try {
      checked = await this.crypto.verifyProof(credential, proofTime);
    } catch (error) {
      checked = { verified: false, error: error as Error };
    }
    if (!checked.verified) return this.classify(checked.error, fail);
    result.checks.push('proof');

    // 4. Validity dates against now.
    if (typeof proof.expires === 'string' && Date.parse(proof.expires) <= now.getTime()) {
      return fail('expired', `The proof expired at ${proof.expires}.`, '/proof/expires');
    }
    if (result.validUntil && until <= now.getTime()) return fail('expired', `The credential was valid until ${result.validUntil}.`, '/validUntil');
    if (result.validFrom && from > now.getTime()) return fail('not-yet-valid', `The credential is valid only from ${result.validFrom}.`, '/validFrom');
    result.checks.push('validity');

    // 5. Status: every revocation entry must point at one of our lists, and its bit must be clear.
    for (const [i, entry] of asArray(credential.credentialStatus).entries()) {
      const pointer = Array.isArray(credential.credentialStatus) ? `/credentialStatus/${i}` : '/credentialStatus';
      if (!isObject(entry) || entry.type !== 'BitstringStatusListEntry') return fail('malformed', 'credentialStatus must be a BitstringStatusListEntry.', pointer);
      const index = typeof entry.statusListIndex === 'string' && /^\d{1,7}$/.test(entry.statusListIndex) ? Number(entry.statusListIndex) : NaN;
      const listUrl = typeof entry.statusListCredential === 'string' ? entry.statusListCredential : '';
      const bit = Number.isNaN(index) ? null : await this.status.revoked(listUrl, index);
      if (bit === null) return fail('forged', 'The status list entry does not name a status list of this platform.', pointer);
      if (entry.statusPurpose === 'revocation' && bit.revoked) {
        result.revokedAt = bit.revokedAt;
        return fail('revoked', `The issuer revoked this credential${bit.revokedAt ? ` on ${bit.revokedAt}` : ''}.`, pointer);
      }
    }
    result.checks.push('status');
    return Object.assign(result, { verified: true, verdict: 'valid' as const, reason: null, pointer: null });
  }

  private classify(error: Error, fail: (verdict: Exclude<Verdict, 'valid'>, reason: string, pointer?: string | null) => CredentialVerification): CredentialVerification {
    const message = error?.message ?? String(error);
    if (error instanceof UnknownDocumentError || error?.name === 'UnknownDocumentError') {
      return fail('forged', `The proof names a verification method or document this platform does not publish (${message.slice(0, 200)}).`, '/proof/verificationMethod');
    }
    // A graph whose blank nodes need too many rounds to canonicalise (a "poison" graph) is refused by rdf-canonize's limit.
    if (/safe mode|undefined|relative|invalid.*(term|IRI|@)|deep iterations/i.test(message) || (error as { name?: string }).name === 'jsonld.ValidationError') {
      return fail('malformed', `The JSON-LD does not hold together: ${message.slice(0, 300)}`, '');
    }
    if (/not authorized|controller/i.test(message)) return fail('forged', `The key that made the proof is not the issuer's: ${message.slice(0, 200)}`, '/proof/verificationMethod');
    if (/invalid signature/i.test(message)) return fail('forged', 'The signature does not match the content: the credential was changed after it was issued, or was never issued by this issuer.', '/proof/proofValue');
    return fail('forged', `The proof does not verify: ${message.slice(0, 300)}`, '/proof');
  }
}

/** The problem for a failed verification (VC-API verify endpoints answer it as problem+json). */
export function verificationProblem(outcome: CredentialVerification, prefix = '/body/verifiableCredential'): AppError {
  const verdict = outcome.verdict === 'valid' ? 'forged' : outcome.verdict;
  return new AppError(VERDICT_ERROR[verdict], outcome.reason ?? undefined, [{ field: `${prefix}${outcome.pointer ?? ''}`, message: outcome.reason ?? verdict }]);
}
