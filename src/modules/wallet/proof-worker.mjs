// A worker thread that checks eddsa-rdfc-2022 proofs (JSON-LD expansion and RDF canonicalisation
// are CPU-bound and single-threaded, so verification scales over cores only in workers). Plain
// JavaScript so it starts without a TypeScript loader. It gets the bundled contexts and our issuer
// documents once (workerData) and, per message, answers whether the proof holds; dates and status
// stay with the caller (see crypto.ts, verifyProof). Like the main thread, it never fetches anything.
import { parentPort, workerData } from 'node:worker_threads';
import * as vc from '@digitalbazaar/vc';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

const documents = new Map(workerData.documents);
const controllers = new Map(workerData.controllers);
const suite = new DataIntegrityProof({ cryptosuite });

class UnknownDocumentError extends Error {
  constructor(url) {
    super(`The document ${String(url).slice(0, 200)} is not one of the bundled contexts or this platform's issuer documents; nothing is fetched from the network.`);
    this.name = 'UnknownDocumentError';
  }
}

const documentLoader = async (url) => {
  const document = documents.get(url);
  if (document === undefined) throw new UnknownDocumentError(url);
  return { contextUrl: null, documentUrl: url, document, tag: 'static' };
};

parentPort.on('message', async ({ id, credential, at, issuerId }) => {
  try {
    const controller = controllers.get(issuerId);
    if (!controller) throw new UnknownDocumentError(issuerId);
    const result = await vc.verifyCredential({
      credential,
      suite,
      documentLoader,
      purpose: new vc.CredentialIssuancePurpose({ controller }),
      now: new Date(at),
      checkStatus: async () => ({ verified: true }),
    });
    if (result.verified) return parentPort.postMessage({ id, verified: true });
    const error = result.error?.errors?.[0] ?? result.results?.find((r) => r.error)?.error ?? result.error ?? new Error('The proof does not verify.');
    parentPort.postMessage({ id, verified: false, error: { name: error.name, message: error.message } });
  } catch (error) {
    parentPort.postMessage({ id, verified: false, error: { name: error?.name ?? 'Error', message: error?.message ?? String(error) } });
  }
});
