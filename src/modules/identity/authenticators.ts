// Federated authenticators. Korea lets residents sign in with private certificate providers and
// government staff with GPKI; OnceGov trusts each provider's public key and accepts a short-lived
// signed assertion (JWS, EdDSA/Ed25519) naming the person. The providers here are SIMULATED
// stand-ins for the demo: they run in-process, hold their own key pairs, and sign for demo people.
import { createHash } from 'node:crypto';
import { SignJWT, generateKeyPair, jwtVerify, type CryptoKey, type JWTPayload } from 'jose';
import type { Message } from '../../core/i18n';

export interface Authenticator {
  id: string;
  name: Message;
  /** Who may use it: residents (private certificates) or government staff (GPKI). */
  audience: 'residents' | 'staff';
}

export const AUTHENTICATORS: readonly Authenticator[] = [
  { id: 'kakao', name: { ko: '카카오 인증서 (모의)', en: 'Kakao certificate (simulated)' }, audience: 'residents' },
  { id: 'naver', name: { ko: '네이버 인증서 (모의)', en: 'Naver certificate (simulated)' }, audience: 'residents' },
  { id: 'pass', name: { ko: 'PASS 인증서 (모의)', en: 'PASS certificate (simulated)' }, audience: 'residents' },
  { id: 'toss', name: { ko: '토스 인증서 (모의)', en: 'Toss certificate (simulated)' }, audience: 'residents' },
  { id: 'gpki', name: { ko: '행정전자서명 GPKI (모의, 공무원용)', en: 'GPKI government certificate (simulated, staff)' }, audience: 'staff' },
];

export const PLATFORM_AUDIENCE = 'oncegov';
const ASSERTION_LIFETIME_SECONDS = 300;

export interface AssertionClaims extends JWTPayload {
  nonce: string;
  /** Residents: the resident registration number the provider verified. */
  rrn?: string;
  /** Staff: the GPKI employee id. */
  staff_id?: string;
}

interface ProviderKeys {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
}

/** The simulated providers' key pairs, created per process (a sign-in spans seconds, not restarts). */
export class SimulatedAuthenticators {
  private constructor(private readonly keys: Map<string, ProviderKeys>) {}

  static async create(): Promise<SimulatedAuthenticators> {
    const keys = new Map<string, ProviderKeys>();
    for (const authenticator of AUTHENTICATORS) {
      keys.set(authenticator.id, await generateKeyPair('EdDSA', { crv: 'Ed25519' }));
    }
    return new SimulatedAuthenticators(keys);
  }

  /** What the provider signs after it has verified the person (here: the demo person chosen). */
  async issueAssertion(providerId: string, subject: { rrn?: string; staffId?: string }, nonce: string): Promise<string> {
    const keys = this.keys.get(providerId);
    if (!keys) throw new Error(`unknown authenticator ${providerId}`);
    const claims: AssertionClaims = { nonce };
    if (subject.rrn) claims.rrn = subject.rrn;
    if (subject.staffId) claims.staff_id = subject.staffId;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' })
      .setIssuer(providerId)
      .setAudience(PLATFORM_AUDIENCE)
      // A pairwise subject: the same person looks different to each relying party.
      .setSubject(createHash('sha256').update(`${providerId}:${PLATFORM_AUDIENCE}:${subject.staffId ?? subject.rrn}`).digest('base64url'))
      .setIssuedAt()
      .setExpirationTime(`${ASSERTION_LIFETIME_SECONDS}s`)
      .sign(keys.privateKey);
  }

  /** The public key OnceGov trusts for a provider (in production: configured, not generated). */
  trustedKey(providerId: string): CryptoKey | undefined {
    return this.keys.get(providerId)?.publicKey;
  }
}

/** Verifies a provider's assertion: signature, issuer, audience, lifetime and nonce. */
export async function verifyAssertion(
  assertion: string,
  providerId: string,
  publicKey: CryptoKey,
  expectedNonce: string,
): Promise<AssertionClaims> {
  const { payload } = await jwtVerify<AssertionClaims>(assertion, publicKey, {
    issuer: providerId,
    audience: PLATFORM_AUDIENCE,
    algorithms: ['EdDSA'],
    maxTokenAge: `${ASSERTION_LIFETIME_SECONDS}s`,
  });
  if (payload.nonce !== expectedNonce) throw new Error('nonce mismatch');
  return payload;
}
