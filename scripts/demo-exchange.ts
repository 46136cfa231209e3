// The worked demo of the README ("a welfare agency reads family and income data under an
// agreement, and the resident sees it"), step by step against a running server:
//
//   npm start                                   # in one terminal (PORT, DATA_DIR as you like)
//   npx tsx scripts/demo-exchange.ts            # in another; DEMO_BASE_URL=http://localhost:3000
//
// 1. MOHW-0001 (GPKI) requests agreements for family.children and tax.income-certificate for
//    KR/GOV/MOHW/welfare-benefits, purpose WELFARE-ELIGIBILITY;
// 2. SCOURT-0001 and NTS-0001 approve them as data holders;
// 3. MOIS-OPS-01 approves them as the operator and issues a client credential to welfare-benefits;
// 4. the welfare system reads both products about one resident over the exchange (curl shown);
// 5. the resident signs in and "Who used my data" lists both reads.
// Only localhost is spoken to. The steps are functions over a small Transport so that
// test/api/demo-exchange.test.ts runs the very same path in-process.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { HttpClient } from '../bench/lib/http-client';

export const WELFARE = 'KR/GOV/MOHW/welfare-benefits';
export const PURPOSE = 'WELFARE-ELIGIBILITY';
export const DEMO_PRODUCTS = [
  { productId: 'family.children', fields: ['childCount', 'children'], holder: 'SCOURT-0001', path: '/r1/KR/GOV/SCOURT/family-relations/family.children' },
  { productId: 'tax.income-certificate', fields: ['taxYear', 'earnedIncomeKrw', 'businessIncomeKrw'], holder: 'NTS-0001', path: '/r1/KR/GOV/NTS/hometax/tax.income-certificate' },
] as const;

export interface DemoResponse {
  status: number;
  location: string | null;
  headers: Record<string, string>;
  body: string;
}

/** One browser-like session (its own cookies) that can send requests to the platform. */
export interface Session {
  readonly csrfToken: string | undefined;
  request(path: string, options?: { method?: 'GET' | 'POST'; form?: Record<string, string>; json?: unknown; headers?: Record<string, string> }): Promise<DemoResponse>;
}

export interface Transport {
  newSession(): Session;
}

/** Sessions over HTTP (bench/lib/http-client.ts), to a server on localhost only. */
export function httpTransport(baseUrl: string): Transport {
  const host = new URL(baseUrl).hostname;
  if (!['localhost', '127.0.0.1', '::1', '[::1]'].includes(host)) throw new Error(`the demo talks to localhost only, not ${host}`);
  return {
    newSession() {
      const client = new HttpClient(baseUrl);
      return {
        get csrfToken() {
          return client.has('og_csrf') ? client.csrfToken : undefined;
        },
        async request(path, options = {}) {
          const response = await client.request(path, { ...options, method: options.method ?? (options.form || options.json !== undefined ? 'POST' : 'GET') });
          const headers: Record<string, string> = {};
          response.headers.forEach((value, name) => {
            headers[name] = value;
          });
          return { status: response.status, location: response.headers.get('location'), headers, body: await response.text() };
        },
      };
    },
  };
}

function expectStatus(response: DemoResponse, status: number, what: string): DemoResponse {
  if (response.status !== status) throw new Error(`${what}: expected ${status}, got ${response.status}: ${response.body.slice(0, 400)}`);
  return response;
}

/** Chooser → simulated authenticator (GPKI for staff, a private certificate for residents) → signed assertion → callback. */
export async function signIn(session: Session, person: { staffId: string } | { residentId: number }): Promise<void> {
  const staff = 'staffId' in person;
  expectStatus(await session.request('/sign-in'), 200, 'sign-in page');
  const start = expectStatus(
    await session.request('/sign-in/start', { method: 'POST', form: { _csrf: session.csrfToken!, authenticator: staff ? 'gpki' : 'kakao', returnTo: staff ? '/console/agreements' : '/me' } }),
    303,
    'sign-in start',
  );
  const authorize = new URL(start.location!, 'http://localhost');
  expectStatus(await session.request(`${authorize.pathname}${authorize.search}`), 200, 'authenticator page');
  const state = authorize.searchParams.get('state')!;
  const confirmed = await session.request(authorize.pathname, {
    method: 'POST',
    form: { _csrf: session.csrfToken!, state, nonce: authorize.searchParams.get('nonce')!, person: staff ? `staff:${person.staffId}` : `resident:${person.residentId}` },
  });
  const assertion = /name="assertion" value="([^"]+)"/.exec(confirmed.body)?.[1];
  if (!assertion) throw new Error(`no assertion from the authenticator: ${confirmed.status} ${confirmed.body.slice(0, 300)}`);
  expectStatus(await session.request('/sign-in/callback', { method: 'POST', form: { state, assertion } }), 303, 'sign-in callback');
}

export async function signedIn(transport: Transport, person: { staffId: string } | { residentId: number }): Promise<Session> {
  const session = transport.newSession();
  await signIn(session, person);
  return session;
}

function postJson(session: Session, path: string, body: unknown): Promise<DemoResponse> {
  return session.request(path, { method: 'POST', json: body, headers: { 'x-csrf-token': session.csrfToken! } });
}

/** Step 1: the welfare official requests one agreement per product; returns their ids. */
export async function requestAgreements(official: Session): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const product of DEMO_PRODUCTS) {
    const response = await postJson(official, '/api/v1/agreements', {
      clientSubsystem: WELFARE,
      productId: product.productId,
      purposeCode: PURPOSE,
      purposeText: '기초생활보장 급여 자격 확인을 위한 가구원·소득 확인 (checking household and income for basic livelihood benefits)',
      legalBasis: '국민기초생활 보장법 제21조, 사회보장급여법 제12조',
      fields: [...product.fields],
      validUntil: new Date(Date.now() + 365 * 86_400_000).toISOString(),
      consentRequired: false,
    });
    ids[product.productId] = (JSON.parse(expectStatus(response, 201, `request agreement for ${product.productId}`).body) as { id: string }).id;
  }
  return ids;
}

/** Steps 2 and 3: an approval (holder or operator); returns the agreement's status afterwards. */
export async function approve(session: Session, agreementId: string, reason?: string): Promise<string> {
  const response = await postJson(session, `/api/v1/agreements/${agreementId}/decisions`, { decision: 'approve', ...(reason ? { reason } : {}) });
  return (JSON.parse(expectStatus(response, 200, `approve ${agreementId}`).body) as { status: string }).status;
}

/** Step 3: the operator issues the welfare system's API credential; returns the secret (shown once). */
export async function issueCredential(operator: Session): Promise<string> {
  const response = await postJson(operator, '/api/v1/exchange/credentials', { subsystemId: WELFARE });
  return (JSON.parse(expectStatus(response, 201, 'issue credential').body) as { secret: string }).secret;
}

export function exchangeHeaders(secret: string, issue: string): Record<string, string> {
  return {
    'x-road-client': WELFARE,
    authorization: `Bearer ${secret}`,
    'x-road-purpose': PURPOSE,
    'x-road-userid': 'MOHW-0001',
    'x-road-issue': issue,
  };
}

/** The exact curl a person types for one read. */
export function curlCommand(baseUrl: string, path: string, secret: string, issue: string): string {
  const headers = exchangeHeaders(secret, issue);
  return [`curl -i '${baseUrl}${path}'`, ...Object.entries(headers).map(([name, value]) => `  -H '${name}: ${value}'`)].join(' \\\n');
}

/** Step 4: the welfare system reads one product about the resident over the exchange. */
export async function readOverExchange(system: Session, path: string, secret: string, residentId: number, issue: string): Promise<{ body: Record<string, unknown>; signature: string }> {
  const response = expectStatus(await system.request(`${path}/${residentId}`, { headers: exchangeHeaders(secret, issue) }), 200, `exchange read ${path}`);
  return { body: JSON.parse(response.body) as Record<string, unknown>, signature: response.headers['x-road-signature'] ?? '' };
}

export interface UsageItem {
  logtime: string;
  actionCode: string;
  receiverCode: string | null;
  receiverName: { ko: string; en: string };
  receiverSystem: string | null;
  dataProduct: { id: string } | null;
  fields: string[];
  purpose: { code: string | null; text: string };
  outcome: string;
  agreementId: string | null;
}

/** Step 5: the resident's "Who used my data" (the API behind /me/data-usage). */
export async function whoUsedMyData(resident: Session): Promise<UsageItem[]> {
  const response = expectStatus(await resident.request('/api/v1/me/data-usage?limit=100'), 200, 'who used my data');
  return (JSON.parse(response.body) as { items: UsageItem[] }).items;
}

export interface DemoResult {
  agreements: Record<string, string>;
  secret: string;
  reads: Array<{ productId: string; body: Record<string, unknown> }>;
  exchangeReads: UsageItem[];
}

/** The whole demo. `say` narrates; `baseUrl` only shapes the curl printed. */
export async function runDemo(transport: Transport, options: { residentId: number; baseUrl: string; say?: (line: string) => void }): Promise<DemoResult> {
  const say = options.say ?? (() => undefined);
  say('1. MOHW-0001 signs in with GPKI and requests two agreements for KR/GOV/MOHW/welfare-benefits (WELFARE-ELIGIBILITY)');
  const official = await signedIn(transport, { staffId: 'MOHW-0001' });
  const agreements = await requestAgreements(official);
  for (const [product, id] of Object.entries(agreements)) say(`   ${id}: ${product}`);

  say('2. The data holders approve: SCOURT-0001 (family.children), NTS-0001 (tax.income-certificate)');
  for (const product of DEMO_PRODUCTS) {
    const holder = await signedIn(transport, { staffId: product.holder });
    say(`   ${product.holder} approves ${agreements[product.productId]} → ${await approve(holder, agreements[product.productId]!)}`);
  }

  say('3. MOIS-OPS-01 approves as the platform operator and issues a client credential to welfare-benefits');
  const operator = await signedIn(transport, { staffId: 'MOIS-OPS-01' });
  for (const product of DEMO_PRODUCTS) {
    say(`   ${agreements[product.productId]} → ${await approve(operator, agreements[product.productId]!, '목적과 항목이 적정함')}`);
  }
  const secret = await issueCredential(operator);
  say(`   credential secret (shown once): ${secret}`);

  say(`4. The welfare system reads both products about resident ${options.residentId} over the exchange:`);
  const system = transport.newSession();
  const reads: DemoResult['reads'] = [];
  for (const product of DEMO_PRODUCTS) {
    const issue = `WELFARE-CASE-2026-0001`;
    say('');
    say(curlCommand(options.baseUrl, `${product.path}/${options.residentId}`, secret, issue));
    const read = await readOverExchange(system, product.path, secret, options.residentId, issue);
    say(`   → 200 ${JSON.stringify(read.body)}`);
    reads.push({ productId: product.productId, body: read.body });
  }

  say('');
  say(`5. Resident ${options.residentId} signs in and opens "Who used my data" (/me/data-usage):`);
  const resident = await signedIn(transport, { residentId: options.residentId });
  const items = await whoUsedMyData(resident);
  const wanted = new Set(Object.values(agreements));
  const exchangeReads = items.filter((item) => item.actionCode === 'exchange.read' && item.agreementId !== null && wanted.has(item.agreementId));
  for (const item of exchangeReads) {
    say(`   ${item.logtime}  ${item.receiverName.en} (${item.receiverCode}) via ${item.receiverSystem}: ${item.dataProduct?.id} [${item.fields.join(', ')}] — ${item.purpose.code} — ${item.outcome} — agreement ${item.agreementId}`);
  }
  return { agreements, secret, reads, exchangeReads };
}

async function main(): Promise<void> {
  const baseUrl = process.env.DEMO_BASE_URL ?? `http://localhost:${process.env.PORT ?? '3000'}`;
  const residentId = Number(process.argv[2] ?? process.env.DEMO_RESIDENT_ID ?? '7');
  const result = await runDemo(httpTransport(baseUrl), { residentId, baseUrl, say: (line) => process.stdout.write(`${line}\n`) });
  if (result.exchangeReads.length !== DEMO_PRODUCTS.length) {
    throw new Error(`the resident sees ${result.exchangeReads.length} of the ${DEMO_PRODUCTS.length} reads`);
  }
  process.stdout.write(`\nDone: the resident sees both reads. Sign in as resident ${residentId} at ${baseUrl}/me/data-usage to see the same in the browser.\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
