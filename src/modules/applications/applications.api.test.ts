// The one-stop application path over HTTP (inject), as the acceptance script has it: a
// seeded parent of a baby signs in, sees exactly what GOV24 will read and why, agrees, finds the
// Happy Childbirth form filled in from the registries (compared here with the registries
// themselves), submits once (one application, five cases at the right agencies) and twice (the same
// application), sees each read in "who used my data"; a changed registry value is refused naming the
// field; declining reads nothing and asks for uploads; an official processes their agency's case and
// another agency's official cannot see it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { contextOf, staff } from '../../../test/support/staff';
import { GOV24_SUBSYSTEM } from './service';

let platform: TestPlatform;
let parentId: number;
let otherId: number;
let parent: TestClient;

const BUNDLE_PAGE = '/services/bundles/happy-childbirth/apply';
const BUNDLE_SERVICES = ['child-allowance', 'parental-benefit', 'first-meeting-voucher', 'infant-vaccination', 'local-birth-grant'];
const PRODUCTS = ['resident.basic', 'resident.household', 'family.children'];

function unescape(text: string): string {
  return text.replaceAll('&quot;', '"').replaceAll('&#39;', "'").replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}

/** Every input of a page's application form: name → value, and which are read-only. */
function formInputs(body: string): { values: Record<string, string>; readonly: Set<string> } {
  const values: Record<string, string> = {};
  const readonly = new Set<string>();
  for (const match of body.matchAll(/<input ([^>]*)>/g)) {
    const attrs = match[1]!;
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    if (!name) continue;
    values[unescape(name)] = unescape(/value="([^"]*)"/.exec(attrs)?.[1] ?? '');
    if (/\breadonly\b/.test(attrs)) readonly.add(unescape(name));
  }
  return { values, readonly };
}

async function registry(productId: string, residentId: number): Promise<Record<string, any>> {
  return (await platform.registry.readDataProduct(platform.database.pool, productId, residentId))!;
}

async function usage(client: TestClient): Promise<any[]> {
  const response = await client.request({ url: '/api/v1/me/data-usage?limit=100' });
  expect(response.statusCode).toBe(200);
  return response.json().items;
}

beforeAll(async () => {
  platform = await startTestPlatform();
  const demo = await platform.registry.demoResidents();
  const parents = demo.filter((r) => r.note === 'parent-of-newborn');
  expect(parents.length).toBeGreaterThanOrEqual(2);
  parentId = parents[0]!.id;
  otherId = parents[1]!.id;
  parent = new TestClient(platform.app);
  await parent.signIn({ residentId: parentId });
}, 120_000);

afterAll(async () => {
  await platform?.close();
});

describe('standing agreements of GOV24', () => {
  it('are active for each product its services need, for CIVIL-PETITION with consent, and set up once', async () => {
    const operator = new TestClient(platform.app);
    await operator.signIn({ staffId: 'MOIS-OPS-01' });
    const list = await operator.request({ url: '/api/v1/agreements?status=active&limit=100' });
    expect(list.statusCode).toBe(200);
    const gov24 = list.json().items.filter((a: any) => a.clientSubsystem === GOV24_SUBSYSTEM);
    for (const product of PRODUCTS) {
      const agreement = gov24.find((a: any) => a.productId === product);
      expect(agreement, product).toMatchObject({ purposeCode: 'CIVIL-PETITION', consentRequired: true, holderDecision: 'approve', operatorDecision: 'approve', requestedBy: 'staff-MOIS-0001' });
    }
    const again = await platform.applications.ensureStandingAgreements();
    expect(new Set(again)).toEqual(new Set(gov24.map((a: any) => a.id)));
  });
});

describe('Happy Childbirth, scripted', () => {
  let form: { values: Record<string, string>; readonly: Set<string> };
  let applicationId: string;

  it('shows what will be read, from whom, for which service and why, and reads nothing yet', async () => {
    const page = await parent.request({ url: `${BUNDLE_PAGE}?lang=en` });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Consent to use of administrative information');
    for (const product of PRODUCTS) expect(page.body).toContain(`data-product="${product}"`);
    const row = (product: string) => new RegExp(`<tr data-product="${product.replace('.', '\\.')}">([\\s\\S]*?)</tr>`).exec(page.body)![1]!;
    expect(row('family.children')).toContain('National Court Administration');
    expect(row('family.children')).toContain('Child allowance');
    expect(row('family.children')).toContain('CIVIL-PETITION');
    expect(row('resident.household')).toContain('Ministry of the Interior and Safety');
    expect((await usage(parent)).filter((u) => u.actionCode === 'exchange.read')).toHaveLength(0);
  });

  it('after agreeing, pre-fills every registry field as the registries hold it, read-only, and asks only for the payment account', async () => {
    const agreed = await parent.request({ method: 'POST', url: `${BUNDLE_PAGE}/consent`, form: { _csrf: parent.csrfToken!, decision: 'agree' } });
    expect(agreed.statusCode).toBe(303);
    expect(agreed.headers.location).toBe(BUNDLE_PAGE);
    const page = await parent.request({ url: BUNDLE_PAGE });
    expect(page.statusCode).toBe(200);
    form = formInputs(page.body);

    const basic = await registry('resident.basic', parentId);
    const household = await registry('resident.household', parentId);
    const children = await registry('family.children', parentId);
    const v = form.values;
    expect(v['prefilled.resident.basic.nameKo']).toBe(basic.nameKo);
    expect(v['prefilled.resident.basic.birthDate']).toBe(basic.birthDate);
    expect(v['prefilled.resident.basic.addressKo']).toBe(basic.addressKo);
    expect(v['prefilled.resident.basic.regionCode']).toBe(basic.regionCode);
    expect(v['prefilled.resident.household.householdSize']).toBe(String(household.householdSize));
    household.members.forEach((m: any, i: number) => {
      expect(v[`prefilled.resident.household.members.${i + 1}.nameKo`]).toBe(m.nameKo);
      expect(v[`prefilled.resident.household.members.${i + 1}.birthDate`]).toBe(m.birthDate);
      expect(v[`prefilled.resident.household.members.${i + 1}.relation`]).toBe(m.relation ?? '');
    });
    // The other parent is in the household as the spouse.
    const spouse = household.members.find((m: any) => m.relation === 'spouse');
    if (spouse) expect(Object.entries(v).some(([k, value]) => k.startsWith('prefilled.resident.household.members.') && value === spouse.nameKo)).toBe(true);
    expect(v['prefilled.family.children.childCount']).toBe(String(children.childCount));
    const newest = [...children.children].sort((a: any, b: any) => a.birthDate.localeCompare(b.birthDate)).at(-1);
    expect(Date.now() - Date.parse(newest.birthDate)).toBeLessThan(366 * 86_400_000);
    expect(v['prefilled.child.nameKo']).toBe(newest.nameKo);
    expect(v['prefilled.child.birthDate']).toBe(newest.birthDate);
    expect(v['prefilled.child.birthOrder']).toBe(String(children.children.length));

    // Every scalar field of each product is on the form, and every registry field is read-only.
    for (const [product, record] of [['resident.basic', basic], ['resident.household', household], ['family.children', children]] as const) {
      for (const [field, value] of Object.entries(record)) {
        if (!Array.isArray(value)) expect(v[`prefilled.${product}.${field}`], `${product}.${field}`).toBe(value === null ? '' : String(value));
      }
    }
    const registryFields = Object.keys(v).filter((k) => k.startsWith('prefilled.'));
    expect(registryFields.every((k) => form.readonly.has(k))).toBe(true);
    const asked = Object.keys(v).filter((k) => !k.startsWith('prefilled.') && !['_csrf', 'idempotencyKey', 'consent'].includes(k));
    expect(asked).toEqual(['accountNumber']);
    expect(page.body).toContain('name="bankCode"');

    // One read per product so far, each under GOV24's agreement for CIVIL-PETITION.
    const reads = (await usage(parent)).filter((u) => u.actionCode === 'exchange.read');
    expect(reads.map((u) => u.dataProduct.id).sort()).toEqual([...PRODUCTS].sort());
    // Reloading the form reads nothing again.
    await parent.request({ url: BUNDLE_PAGE });
    expect((await usage(parent)).filter((u) => u.actionCode === 'exchange.read')).toHaveLength(3);
  });

  it('submits one application with one case per service at its agency, and the same form twice is the same application', async () => {
    const body = { ...form.values, _csrf: parent.csrfToken!, consent: 'yes', bankCode: 'KB', accountNumber: '123-456-789012' };
    const first = await parent.request({ method: 'POST', url: BUNDLE_PAGE, form: body });
    expect(first.statusCode).toBe(303);
    const location = first.headers.location as string;
    expect(location).toMatch(/^\/me\/applications\/APP-\d{4}-\d{6}\?done=submitted$/);
    applicationId = location.split('/')[3]!.split('?')[0]!;

    const second = await parent.request({ method: 'POST', url: BUNDLE_PAGE, form: body });
    expect(second.statusCode).toBe(303);
    expect(second.headers.location).toBe(location);

    const list = (await parent.request({ url: '/api/v1/me/applications' })).json().items;
    expect(list).toHaveLength(1);
    const application = list[0];
    expect(application).toMatchObject({ id: applicationId, target: { kind: 'bundle', id: 'happy-childbirth' }, mode: 'registry', answers: { bankCode: 'KB', accountNumber: '123-456-789012' } });
    expect(application.cases.map((c: any) => c.serviceId)).toEqual(BUNDLE_SERVICES);
    expect(application.cases.map((c: any) => c.agency.code)).toEqual(['MOHW', 'MOHW', 'MOHW', 'KDCA', 'LOCAL']);
    expect(application.cases.every((c: any) => c.status === 'received' && c.history.length === 1)).toBe(true);

    // The API's idempotency: the same key answers the same application, marked as a replay.
    const replay = await parent.request({ method: 'POST', url: '/api/v1/applications', headers: { 'x-csrf-token': parent.csrfToken! }, json: { bundleId: 'happy-childbirth', idempotencyKey: form.values.idempotencyKey, consent: true, answers: { bankCode: 'KB', accountNumber: '123-456-789012' } } });
    expect(replay.statusCode).toBe(201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.json().id).toBe(applicationId);

    const page = await parent.request({ url: '/me/applications?lang=en' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(applicationId);
    expect(page.body.match(/data-case="CASE-/g)).toHaveLength(5);
  });

  it('lists every read in "who used my data" with its purpose and agreement', async () => {
    const standing = new Set(await platform.applications.ensureStandingAgreements());
    const reads = (await usage(parent)).filter((u) => u.actionCode === 'exchange.read');
    // Pre-fill and the check at submission: two reads of each product, all allowed.
    expect(reads).toHaveLength(6);
    for (const read of reads) {
      expect(read).toMatchObject({ receiverSystem: GOV24_SUBSYSTEM, receiverCode: 'MOIS', outcome: 'allowed', purpose: { code: 'CIVIL-PETITION' } });
      expect(standing.has(read.agreementId)).toBe(true);
      expect(read.fields.length).toBeGreaterThan(0);
    }
    for (const product of PRODUCTS) expect(reads.filter((r) => r.dataProduct.id === product)).toHaveLength(2);
  });

  it('refuses a changed pre-filled value with 400 naming the field, and creates nothing', async () => {
    const tampered = await parent.request({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'x-csrf-token': parent.csrfToken! },
      json: {
        bundleId: 'happy-childbirth',
        idempotencyKey: 'tamper-test-0001',
        consent: true,
        answers: { bankCode: 'KB', accountNumber: '123-456-789012' },
        prefilled: { 'child.birthDate': '2019-01-01', 'resident.basic.nameKo': form.values['prefilled.resident.basic.nameKo']! },
      },
    });
    const problem = expectProblem(tampered, 400, 'VALIDATION_FAILED');
    expect(problem.errors).toEqual([expect.objectContaining({ field: '/body/prefilled/child.birthDate' })]);

    // The HTML form: a registry value changed in the page is refused too.
    await parent.request({ method: 'POST', url: `${BUNDLE_PAGE}/consent`, form: { _csrf: parent.csrfToken!, decision: 'agree' } });
    const again = formInputs((await parent.request({ url: BUNDLE_PAGE })).body).values;
    const changed = await parent.request({
      method: 'POST',
      url: BUNDLE_PAGE,
      headers: { accept: 'application/json' },
      form: { ...again, _csrf: parent.csrfToken!, consent: 'yes', bankCode: 'KB', accountNumber: '123-456-789012', 'prefilled.resident.basic.addressKo': '서울특별시 어딘가 1' },
    });
    expect(expectProblem(changed, 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ field: '/body/prefilled/resident.basic.addressKo' })]);
    expect((await parent.request({ url: '/api/v1/me/applications' })).json().items).toHaveLength(1);
  });

  it('answers two simultaneous submissions with one key with one application, reading the registries once', async () => {
    const readsBefore = (await usage(parent)).filter((u) => u.actionCode === 'exchange.read').length;
    const post = () =>
      parent.request({
        method: 'POST',
        url: '/api/v1/applications',
        headers: { 'x-csrf-token': parent.csrfToken! },
        json: { serviceId: 'child-allowance', idempotencyKey: 'double-click-0001', consent: true, answers: { bankCode: 'WOORI', accountNumber: '1002-123-456789' } },
      });
    const [a, b] = await Promise.all([post(), post()]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    expect([a.headers['idempotent-replayed'], b.headers['idempotent-replayed']].sort()).toEqual(['false', 'true']);
    expect(a.json().id).toBe(b.json().id);
    expect(a.json().cases).toEqual([expect.objectContaining({ serviceId: 'child-allowance', agency: expect.objectContaining({ code: 'MOHW' }) })]);
    const apps = (await parent.request({ url: '/api/v1/me/applications' })).json().items;
    expect(apps.filter((x: any) => x.id === a.json().id)).toHaveLength(1);
    expect(apps).toHaveLength(2);
    // child-allowance needs the household and the children: one read of each.
    expect((await usage(parent)).filter((u) => u.actionCode === 'exchange.read').length - readsBefore).toBe(2);
    // The same key for another service is a conflict, not a second application.
    expectProblem(
      await parent.request({ method: 'POST', url: '/api/v1/applications', headers: { 'x-csrf-token': parent.csrfToken! }, json: { bundleId: 'happy-childbirth', idempotencyKey: 'double-click-0001', consent: true, answers: { bankCode: 'KB', accountNumber: '123-456-789012' } } }),
      409,
      'CONFLICT',
    );
  });

  it('asks for the payment account again when it is missing or malformed, naming the field', async () => {
    const response = await parent.request({
      method: 'POST',
      url: '/api/v1/applications',
      headers: { 'x-csrf-token': parent.csrfToken! },
      json: { serviceId: 'child-allowance', idempotencyKey: 'bad-account-0001', consent: true, answers: { bankCode: 'NOBANK', accountNumber: '12' } },
    });
    const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
    expect(problem.errors.map((e: any) => e.field).sort()).toEqual(['/body/answers/accountNumber', '/body/answers/bankCode']);
  });
});

describe('declining consent', () => {
  it('reads nothing and asks for the documents as uploads instead', async () => {
    const other = new TestClient(platform.app);
    await other.signIn({ residentId: otherId });
    const declined = await other.request({ method: 'POST', url: `${BUNDLE_PAGE}/consent`, form: { _csrf: other.csrfToken!, decision: 'decline' } });
    expect(declined.statusCode).toBe(303);
    const page = await other.request({ url: `${BUNDLE_PAGE}?lang=en` });
    const { values } = formInputs(page.body);
    expect(Object.keys(values).filter((k) => k.startsWith('prefilled.'))).toEqual([]);
    const uploads = Object.keys(values).filter((k) => k.startsWith('upload.')).sort();
    expect(uploads).toEqual(PRODUCTS.map((p) => `upload.${p}`).sort());

    const missing = await other.request({ method: 'POST', url: BUNDLE_PAGE, form: { ...values, _csrf: other.csrfToken!, bankCode: 'NH', accountNumber: '3021234567890', 'upload.family.children': '' } });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('id="upload.family.children-error"');

    const submitted = await other.request({
      method: 'POST',
      url: BUNDLE_PAGE,
      form: { ...values, _csrf: other.csrfToken!, bankCode: 'NH', accountNumber: '3021234567890', 'upload.resident.basic': 'chobon.pdf', 'upload.resident.household': 'deungbon.pdf', 'upload.family.children': 'family.pdf' },
    });
    expect(submitted.statusCode).toBe(303);
    const application = (await other.request({ url: '/api/v1/me/applications' })).json().items[0];
    expect(application).toMatchObject({ mode: 'uploads', prefilled: [], reads: [] });
    expect(application.cases).toHaveLength(5);
    expect((await usage(other)).filter((u) => u.actionCode === 'exchange.read')).toHaveLength(0);
    // Nobody else's application is visible to the first parent.
    expectProblem(await parent.request({ url: `/api/v1/me/applications/${application.id}` }), 404, 'NOT_FOUND');
  });
});

describe('officials', () => {
  it('see and decide only their own agency\'s cases; the resident sees the new status', async () => {
    const application = (await parent.request({ url: '/api/v1/me/applications' })).json().items.find((a: any) => a.target.id === 'happy-childbirth');
    const mohwCase = application.cases.find((c: any) => c.serviceId === 'child-allowance');
    const kdcaCase = application.cases.find((c: any) => c.serviceId === 'infant-vaccination');

    const mohw = new TestClient(platform.app);
    await mohw.signIn({ staffId: 'MOHW-0001' });
    const kdca = new TestClient(platform.app);
    await kdca.signIn({ staffId: 'KDCA-0001' });

    const mohwCases = (await mohw.request({ url: '/api/v1/cases' })).json().items;
    expect(mohwCases.every((c: any) => c.agency.code === 'MOHW')).toBe(true);
    expect(mohwCases.map((c: any) => c.id)).toContain(mohwCase.id);
    expect(mohwCases.map((c: any) => c.id)).not.toContain(kdcaCase.id);

    // Another agency's case does not exist for them, in the API and the console.
    expectProblem(await kdca.request({ url: `/api/v1/cases/${mohwCase.id}` }), 404, 'NOT_FOUND');
    expectProblem(await kdca.request({ method: 'POST', url: `/api/v1/cases/${mohwCase.id}/decisions`, headers: { 'x-csrf-token': kdca.csrfToken! }, json: { status: 'approved' } }), 404, 'NOT_FOUND');
    expect((await kdca.request({ url: `/console/cases/${mohwCase.id}`, headers: { accept: 'text/html' } })).statusCode).toBe(404);
    const kdcaConsole = await kdca.request({ url: '/console/cases' });
    expect(kdcaConsole.body).toContain(kdcaCase.id);
    expect(kdcaConsole.body).not.toContain(mohwCase.id);

    // The case shows what the service needs; then in review, a reason-less rejection refused, approved.
    const detail = (await mohw.request({ url: `/api/v1/cases/${mohwCase.id}` })).json();
    expect(detail.applicant.residentId).toBe(parentId);
    expect(detail.answers).toEqual({ bankCode: 'KB', accountNumber: '123-456-789012' });
    const decide = (body: unknown) => mohw.request({ method: 'POST', url: `/api/v1/cases/${mohwCase.id}/decisions`, headers: { 'x-csrf-token': mohw.csrfToken! }, json: body });
    expect((await decide({ status: 'in-review' })).json().status).toBe('in-review');
    expect(expectProblem(await decide({ status: 'rejected' }), 400, 'VALIDATION_FAILED').errors).toEqual([expect.objectContaining({ field: '/body/reason' })]);
    expect((await decide({ status: 'approved', reason: '요건 확인' })).json()).toMatchObject({ status: 'approved', allowedNext: [] });
    expectProblem(await decide({ status: 'in-review' }), 409, 'CONFLICT');

    // The console form: rejecting the KDCA case without a reason shows the error; with one, it is saved.
    const noReason = await kdca.request({ method: 'POST', url: `/console/cases/${kdcaCase.id}/decisions`, form: { _csrf: kdca.csrfToken!, status: 'rejected', reason: '' } });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.body).toContain('id="reason-error"');
    const rejected = await kdca.request({ method: 'POST', url: `/console/cases/${kdcaCase.id}/decisions`, form: { _csrf: kdca.csrfToken!, status: 'rejected', reason: 'Already registered at the health centre' } });
    expect(rejected.statusCode).toBe(303);

    const seen = (await parent.request({ url: `/api/v1/me/applications/${application.id}` })).json();
    const byService = Object.fromEntries(seen.cases.map((c: any) => [c.serviceId, c]));
    expect(byService['child-allowance']).toMatchObject({ status: 'approved', reason: '요건 확인' });
    expect(byService['child-allowance'].history.map((h: any) => h.status)).toEqual(['received', 'in-review', 'approved']);
    expect(byService['infant-vaccination']).toMatchObject({ status: 'rejected', reason: 'Already registered at the health centre' });
    expect(byService['parental-benefit'].status).toBe('received');

    // Every decision is audited, and the resident's trail shows it.
    const decisions = (await usage(parent)).filter((u) => u.actionCode === 'applications.case.decide');
    expect(decisions.filter((d) => d.outcome === 'allowed')).toHaveLength(3);
    expect(decisions.filter((d) => d.outcome === 'denied').length).toBeGreaterThanOrEqual(1);
  });

  it('refuses residents the case API and officials the application API', async () => {
    expectProblem(await parent.request({ url: '/api/v1/cases' }), 403, 'FORBIDDEN');
    const mohw = new TestClient(platform.app);
    await mohw.signIn({ staffId: 'MOHW-0001' });
    expectProblem(await mohw.request({ method: 'POST', url: '/api/v1/applications', headers: { 'x-csrf-token': mohw.csrfToken! }, json: { serviceId: 'child-allowance', idempotencyKey: 'staff-try-0001', consent: true } }), 403, 'FORBIDDEN');
    expectProblem(await new TestClient(platform.app).request({ url: '/api/v1/me/applications' }), 401, 'UNAUTHENTICATED');
  });
});

describe('when the holder suspends GOV24\'s agreement for a product', () => {
  it('asks for that document as an upload even with consent, reads the rest, and a restart does not undo the suspension', async () => {
    const children = await platform.agreements.findActiveAgreement(platform.database.pool, { clientSubsystem: GOV24_SUBSYSTEM, productId: 'family.children', purposeCode: 'CIVIL-PETITION' });
    expect(children).not.toBeNull();
    await platform.agreements.suspend(contextOf(staff('official', 'SCOURT', 'SCOURT-0001'), 'gov24-test'), children!.id, 'Checking the family register interface');
    try {
      const again = await platform.applications.ensureStandingAgreements();
      expect(again).not.toContain(children!.id);
      expect(await platform.agreements.findActiveAgreement(platform.database.pool, { clientSubsystem: GOV24_SUBSYSTEM, productId: 'family.children', purposeCode: 'CIVIL-PETITION' })).toBeNull();

      const adult = (await platform.registry.demoResidents()).find((r) => r.note === 'adult' && r.id !== parentId && r.id !== otherId)!;
      const client = new TestClient(platform.app);
      await client.signIn({ residentId: adult.id });
      const page = '/services/first-meeting-voucher/apply';
      const screen = await client.request({ url: `${page}?lang=en` });
      expect(screen.body).not.toContain('data-product="family.children"');
      expect(screen.body).toContain('data-product="resident.basic"');
      expect(/<ul id="uploads-anyway">([\s\S]*?)<\/ul>/.exec(screen.body)?.[1]).toContain('Family relations: children');

      await client.request({ method: 'POST', url: `${page}/consent`, form: { _csrf: client.csrfToken!, decision: 'agree' } });
      const { values } = formInputs((await client.request({ url: page })).body);
      expect(Object.keys(values).some((k) => k.startsWith('prefilled.family.children'))).toBe(false);
      expect(values['prefilled.resident.basic.nameKo']).toBe((await registry('resident.basic', adult.id)).nameKo);
      expect(Object.keys(values).filter((k) => k.startsWith('upload.'))).toEqual(['upload.family.children']);

      const submitted = await client.request({ method: 'POST', url: page, form: { ...values, _csrf: client.csrfToken!, consent: 'yes', 'upload.family.children': 'family-certificate.pdf' } });
      expect(submitted.statusCode).toBe(303);
      const application = (await client.request({ url: '/api/v1/me/applications' })).json().items[0];
      expect(application.reads.map((r: any) => r.productId)).toEqual(['resident.basic']);
      expect(application.answers).toEqual({ 'upload.family.children': 'family-certificate.pdf' });
      expect((await usage(client)).filter((u) => u.actionCode === 'exchange.read').every((u) => u.dataProduct.id === 'resident.basic')).toBe(true);
    } finally {
      await platform.agreements.resume(contextOf(staff('official', 'SCOURT', 'SCOURT-0001'), 'gov24-test'), children!.id);
    }
  });
});
