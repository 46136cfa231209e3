// The cryptography of the e-certificates: each issuing agency's Ed25519 key (a Multikey,
// persisted in Postgres, one process creates it), its controller document served at
// `${baseUrl}/issuers/${agency}`, the document loader (bundled contexts and our own issuer
// documents only: never the network; anything else is refused), and Data Integrity proofs with
// the eddsa-rdfc-2022 cryptosuite through the digitalbazaar libraries.
import { createHash } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import { contexts as credentialContexts } from '@digitalbazaar/credentials-context';
import type { Pool } from '../../core/db';
import { withTransaction } from '../../core/db';
import { ISSUING_AGENCIES, koreanCertificatesContext, VC_V2_CONTEXT } from './certificates';

const KEY_LOCK = 7_240_090; // pg advisory lock: one process creates the issuer keys
export const MULTIKEY_CONTEXT = 'https://w3id.org/security/multikey/v1';
export const DID_CONTEXT = 'https://www.w3.org/ns/did/v1';

/** Thrown by the document loader for any URL it does not serve (never fetched). */
export class UnknownDocumentError extends Error {
  constructor(readonly url: string) {
    super(`The document ${url.slice(0, 200)} is not one of the bundled contexts or this platform's issuer documents; nothing is fetched from the network.`);
    this.name = 'UnknownDocumentError';
  }
}

export interface IssuerIdentity {
  agency: string;
  /** The issuer id, `${baseUrl}/issuers/${agency}`. */
  id: string;
  verificationMethodId: string;
  /** The controller document (DID-core shaped, Multikey verification methods). */
  controllerDocument: Record<string, unknown>;
  verificationMethod: Record<string, string>;
}

interface IssuerKey extends IssuerIdentity {
  keyPair: Ed25519Multikey.Ed25519KeyPair;
}

export interface WalletUrls {
  baseUrl: string;
  issuer(agency: string): string;
  context: string;
  vocab: string;
  statusList(listId: string): string;
  verifyPage(docUri: string): string;
}

export function walletUrls(baseUrl: string): WalletUrls {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    baseUrl: base,
    issuer: (agency) => `${base}/issuers/${agency}`,
    context: `${base}/credentials/contexts/kr-certificates/v1`,
    vocab: `${base}/credentials/vocab#`,
    statusList: (listId) => `${base}/credentials/status/${listId}`,
    verifyPage: (docUri) => `${base}/verify?id=${encodeURIComponent(docUri)}`,
  };
}

export type DocumentLoader = (url: string) => Promise<{ contextUrl: null; documentUrl: string; document: unknown; tag: 'static' }>;

export type ProofResult = { verified: true } | { verified: false; error: Error };

/** Proof results remembered, by SHA-256 of the credential's exact JSON text (see verifyProof). */
const PROOF_CACHE_SIZE = 10_000;

interface PendingProof {
  resolve(result: ProofResult): void;
}

/** Worker threads that check proofs (proof-worker.mjs), each taking the next request when it is the least busy. */
class ProofWorkers {
  private readonly workers: Array<{ worker: Worker; pending: Map<number, PendingProof> }> = [];
  private nextId = 0;
  broken = false;

  get size(): number {
    return this.workers.length;
  }

  constructor(count: number, workerData: { documents: Array<[string, unknown]>; controllers: Array<[string, unknown]> }) {
    for (let i = 0; i < count; i += 1) {
      const worker = new Worker(new URL('./proof-worker.mjs', import.meta.url), { workerData });
      const pending = new Map<number, PendingProof>();
      worker.unref();
      worker.on('message', (message: { id: number; verified: boolean; error?: { name: string; message: string } }) => {
        const waiting = pending.get(message.id);
        pending.delete(message.id);
        if (!waiting) return;
        if (message.verified) waiting.resolve({ verified: true });
        else waiting.resolve({ verified: false, error: Object.assign(new Error(message.error?.message ?? 'The proof does not verify.'), { name: message.error?.name ?? 'Error' }) });
      });
      const fail = (error: Error) => {
        // A worker that dies hands its requests back as "try in-process"; later ones go in-process.
        this.broken = true;
        for (const waiting of pending.values()) waiting.resolve({ verified: false, error: Object.assign(error, { name: 'ProofWorkerFailed' }) });
        pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => code !== 0 && fail(new Error(`proof worker exited with ${code}`)));
      this.workers.push({ worker, pending });
    }
  }

  verify(credential: object, at: Date, issuerId: string): Promise<ProofResult> {
    const target = this.workers.reduce((best, w) => (w.pending.size < best.pending.size ? w : best));
    const id = (this.nextId += 1);
    return new Promise((resolve) => {
      target.pending.set(id, { resolve });
      target.worker.postMessage({ id, credential, at: at.getTime(), issuerId });
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

export class CredentialCrypto {
  private readonly documents = new Map<string, unknown>();
  readonly documentLoader: DocumentLoader;
  private readonly verifySuite = new DataIntegrityProof({ cryptosuite });
  private readonly proofCache = new Map<string, ProofResult>();
  private workers: ProofWorkers | null = null;
  private workerCount = 0;

  private constructor(
    readonly urls: WalletUrls,
    private readonly keys: Map<string, IssuerKey>,
  ) {
    for (const [url, document] of credentialContexts) this.documents.set(url, document);
    this.documents.set(this.urls.context, koreanCertificatesContext(this.urls.vocab));
    for (const key of keys.values()) {
      this.documents.set(key.id, key.controllerDocument);
      this.documents.set(key.verificationMethodId, key.verificationMethod);
    }
    const documents = this.documents;
    this.documentLoader = async (url: string) => {
      const document = documents.get(url);
      if (document === undefined) throw new UnknownDocumentError(url);
      return { contextUrl: null, documentUrl: url, document, tag: 'static' as const };
    };
  }

  /** Loads (or, the first time, creates and stores) every issuing agency's key. */
  static async load(pool: Pool, baseUrl: string): Promise<CredentialCrypto> {
    const urls = walletUrls(baseUrl);
    const rows = await withTransaction(pool, async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      const existing = await tx.query<{ agency: string; key_id: string; public_multibase: string; secret_multibase: string }>(
        'SELECT agency, key_id, public_multibase, secret_multibase FROM wallet.issuer_keys WHERE retired_at IS NULL ORDER BY created_at',
      );
      const have = new Set(existing.rows.map((r) => r.agency));
      const created = [];
      for (const agency of ISSUING_AGENCIES.filter((a) => !have.has(a))) {
        const pair = await Ed25519Multikey.generate();
        const exported = await pair.export({ publicKey: true, secretKey: true });
        const row = { agency, key_id: 'key-1', public_multibase: exported.publicKeyMultibase!, secret_multibase: exported.secretKeyMultibase! };
        await tx.query('INSERT INTO wallet.issuer_keys (agency, key_id, public_multibase, secret_multibase) VALUES ($1, $2, $3, $4)', [
          row.agency, row.key_id, row.public_multibase, row.secret_multibase,
        ]);
        created.push(row);
      }
      return [...existing.rows, ...created];
    });
    const keys = new Map<string, IssuerKey>();
    for (const row of rows) {
      const id = urls.issuer(row.agency);
      const verificationMethodId = `${id}#${row.key_id}`;
      const keyPair = await Ed25519Multikey.from({
        type: 'Multikey',
        id: verificationMethodId,
        controller: id,
        publicKeyMultibase: row.public_multibase,
        secretKeyMultibase: row.secret_multibase,
      });
      const verificationMethod = { '@context': MULTIKEY_CONTEXT, id: verificationMethodId, type: 'Multikey', controller: id, publicKeyMultibase: row.public_multibase };
      const { '@context': _omit, ...embedded } = verificationMethod;
      const controllerDocument = {
        '@context': [DID_CONTEXT, MULTIKEY_CONTEXT],
        id,
        verificationMethod: [embedded],
        assertionMethod: [verificationMethodId],
      };
      keys.set(row.agency, { agency: row.agency, id, verificationMethodId, controllerDocument, verificationMethod, keyPair });
    }
    return new CredentialCrypto(urls, keys);
  }

  /**
   * Checks proofs in `count` worker threads from now on (0: in this thread). JSON-LD processing of
   * the VC 2.0 context dominates a verification and is single-threaded; workers spread it over cores.
   */
  useWorkers(count: number): void {
    this.workerCount = count;
  }

  /** Worker threads checking proofs right now (0: proofs are checked in this thread). */
  workersRunning(): number {
    return this.workers && !this.workers.broken && this.workerCount > 0 ? this.workers.size : 0;
  }

  async close(): Promise<void> {
    await this.workers?.close();
    this.workers = null;
  }

  private proofWorkers(): ProofWorkers | null {
    if (this.workerCount <= 0) return null;
    if (!this.workers || this.workers.broken) {
      if (this.workers?.broken) {
        this.workerCount = 0;
        return null;
      }
      const controllers = [...this.keys.values()].map((k) => [k.id, k.controllerDocument] as [string, unknown]);
      this.workers = new ProofWorkers(this.workerCount, { documents: [...this.documents], controllers });
    }
    return this.workers;
  }

  issuer(agency: string): IssuerIdentity | undefined {
    const key = this.keys.get(agency);
    if (!key) return undefined;
    const { keyPair: _secret, ...identity } = key;
    return identity;
  }

  /** The agency whose issuer id this is, when it is one of ours. */
  agencyOfIssuer(issuerId: string): string | undefined {
    for (const key of this.keys.values()) if (key.id === issuerId) return key.agency;
    return undefined;
  }

  isBundledContext(url: unknown): boolean {
    return typeof url === 'string' && (credentialContexts.has(url) || url === this.urls.context);
  }

  /** Adds a Data Integrity proof (eddsa-rdfc-2022, assertionMethod) by the agency's key. */
  async sign(agency: string, credential: Record<string, unknown>, created = new Date()): Promise<Record<string, unknown>> {
    const key = this.keys.get(agency);
    if (!key) throw new Error(`No issuer key for ${agency}`);
    const suite = new DataIntegrityProof({ signer: key.keyPair.signer(), cryptosuite, date: created });
    return vc.issue({ credential, suite, documentLoader: this.documentLoader, now: created });
  }

  /**
   * Checks the proof only (the signature over the canonical document, the verification method,
   * and that the issuer controls it), at `at`; validity dates and status are the caller's.
   */
  async verifyProof(credential: Record<string, unknown>, at: Date): Promise<ProofResult> {
    const issuerId = typeof credential.issuer === 'string' ? credential.issuer : (credential.issuer as { id?: unknown } | undefined)?.id;
    const agency = typeof issuerId === 'string' ? this.agencyOfIssuer(issuerId) : undefined;
    const key = agency ? this.keys.get(agency) : undefined;
    if (!key) return { verified: false, error: new UnknownDocumentError(String(issuerId)) };
    // Whether a proof holds depends only on the credential's content and the issuer's key (the
    // moment `at` is always inside the validity period: see verify.ts), so a result is remembered
    // by the digest of the exact JSON text: one changed character is another digest.
    const digest = createHash('sha256').update(JSON.stringify(credential)).digest('base64url');
    const cached = this.proofCache.get(digest);
    if (cached) return cached;
    const workers = this.proofWorkers();
    let result = workers ? await workers.verify(credential, at, key.id) : null;
    if (!result || (!result.verified && result.error.name === 'ProofWorkerFailed')) result = await this.verifyProofHere(credential, at, key);
    if (this.proofCache.size >= PROOF_CACHE_SIZE) this.proofCache.delete(this.proofCache.keys().next().value!);
    this.proofCache.set(digest, result);
    return result;
  }

  private async verifyProofHere(credential: Record<string, unknown>, at: Date, key: IssuerKey): Promise<ProofResult> {
    const result = await vc.verifyCredential({
      credential,
      suite: this.verifySuite,
      documentLoader: this.documentLoader,
      // The controller is the issuer's own document: the proof's key must be one it lists under assertionMethod.
      purpose: new vc.CredentialIssuancePurpose({ controller: key.controllerDocument }),
      now: at,
      checkStatus: async () => ({ verified: true }),
    });
    if (result.verified) return { verified: true };
    const error = result.error?.errors?.[0] ?? result.results?.find((r) => r.error)?.error ?? result.error ?? new Error('The proof does not verify.');
    return { verified: false, error };
  }
}
