// The holder side of the Mobile ID: what a resident's phone does. It keeps the device's Ed25519
// private key (never sent anywhere; only its public JWK goes to the issuer, which binds the card to
// it as `cnf.jwk`), stores the SD-JWT VC, and answers a verifier's request with a presentation
// that carries ONLY the requested disclosures plus a Key-Binding JWT (RFC 9901 §4.3) signed with
// the device key over the verifier's nonce and audience and the digest of what is shown.
//
// A real phone app is out of scope. This library is used by the tests, by bench/mobile-id.ts, and
// by the portal's SIMULATED phone (/me/mobile-id), where the server plays the device.
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK } from 'jose';
import { isMobileIdAttribute, type MobileIdAttribute } from './attributes';
import { decodeDisclosure, joinSdJwt, KB_JWT_TYP, sdDigest, splitSdJwt, unverifiedPayload } from './sd-jwt';

export const DEVICE_KEY_ALG = 'EdDSA';

/** What the device persists: its key pair and the card it holds. */
export interface HolderState {
  privateJwk: JWK;
  credential: string | null;
}

/** What a verifier asks for (GET /api/v1/mobile-id/verification-requests/{id} answers these). */
export interface PresentationRequest {
  nonce: string;
  audience: string;
  attributes: readonly string[];
}

export class MobileIdHolder {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly privateJwk: JWK,
    readonly publicJwk: JWK,
    private credentialText: string | null,
  ) {}

  /** A new device with a fresh Ed25519 key pair. */
  static async create(): Promise<MobileIdHolder> {
    const pair = await generateKeyPair(DEVICE_KEY_ALG, { crv: 'Ed25519', extractable: true });
    const privateJwk = await exportJWK(pair.privateKey);
    return new MobileIdHolder(pair.privateKey, privateJwk, publicPart(privateJwk), null);
  }

  /** The device as it was saved with `state()`. */
  static async restore(state: HolderState): Promise<MobileIdHolder> {
    const privateKey = (await importJWK({ ...state.privateJwk, alg: DEVICE_KEY_ALG }, DEVICE_KEY_ALG)) as CryptoKey;
    return new MobileIdHolder(privateKey, state.privateJwk, publicPart(state.privateJwk), state.credential);
  }

  state(): HolderState {
    return { privateJwk: { ...this.privateJwk }, credential: this.credentialText };
  }

  /** RFC 7638 thumbprint of the device public key (what the issuer records). */
  deviceThumbprint(): Promise<string> {
    return calculateJwkThumbprint(this.publicJwk, 'sha256');
  }

  /** Keeps an issued card after checking it is bound to this device's key. */
  async store(credential: string): Promise<void> {
    const parts = splitSdJwt(credential);
    const cnf = unverifiedPayload(parts.issuerJwt).cnf as { jwk?: JWK } | undefined;
    if (!cnf?.jwk || (await calculateJwkThumbprint(cnf.jwk, 'sha256')) !== (await this.deviceThumbprint())) {
      throw new Error('The credential is not bound to this device key.');
    }
    this.credentialText = credential;
  }

  get credential(): string | null {
    return this.credentialText;
  }

  /** Every attribute on the card, as the device shows its owner. */
  attributes(): Partial<Record<MobileIdAttribute, unknown>> {
    if (!this.credentialText) return {};
    const out: Partial<Record<MobileIdAttribute, unknown>> = {};
    for (const encoded of splitSdJwt(this.credentialText).disclosures) {
      const disclosure = decodeDisclosure(encoded);
      if (isMobileIdAttribute(disclosure.name)) out[disclosure.name] = disclosure.value;
    }
    return out;
  }

  /** The card's issuer-signed claims that are always visible (iss, vct, iat, exp, status…). */
  visibleClaims(): Record<string, unknown> {
    return this.credentialText ? unverifiedPayload(splitSdJwt(this.credentialText).issuerJwt) : {};
  }

  /**
   * A presentation for one verifier request: the issuer-signed JWT, the disclosures of the
   * requested attributes only (the others are not in it at all), and a KB-JWT over the verifier's
   * nonce and audience. `options.disclose` overrides the choice (tests of a misbehaving holder);
   * `options.issuedAt` (seconds) the KB-JWT's iat.
   */
  async present(request: PresentationRequest, options: { disclose?: readonly string[]; issuedAt?: number } = {}): Promise<string> {
    if (!this.credentialText) throw new Error('This device holds no Mobile ID.');
    const wanted = new Set(options.disclose ?? request.attributes);
    const parts = splitSdJwt(this.credentialText);
    const chosen = parts.disclosures.filter((encoded) => wanted.has(decodeDisclosure(encoded).name));
    const shown = joinSdJwt(parts.issuerJwt, chosen);
    return `${shown}${await this.keyBinding(shown, request, options.issuedAt)}`;
  }

  /** The KB-JWT alone over an SD-JWT the caller assembled (used to build tampered presentations in tests). */
  keyBinding(sdJwt: string, request: Pick<PresentationRequest, 'nonce' | 'audience'>, issuedAt?: number): Promise<string> {
    return new SignJWT({ nonce: request.nonce, sd_hash: sdDigest(sdJwt) })
      .setProtectedHeader({ alg: DEVICE_KEY_ALG, typ: KB_JWT_TYP })
      .setIssuedAt(issuedAt ?? Math.floor(Date.now() / 1000))
      .setAudience(request.audience)
      .sign(this.privateKey);
  }
}

function publicPart(jwk: JWK): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}
