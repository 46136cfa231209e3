// Issue 4's scripted end-to-end path, the way a family lives it: an official registers a birth →
// the parents find notices for each Happy Childbirth benefit their household now qualifies for,
// with the reasons → a parent follows the notice's link to the one-stop application, agrees to
// the administrative-information screen, finds the form filled in from the registries (the
// newborn included) and submits once → one case per agency → "who used my data" shows each read.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TestClient, type TestPlatform } from '../support/platform';
import { koreanDate } from '../../src/core/period';

const HAPPY_CHILDBIRTH = ['child-allowance', 'parental-benefit', 'first-meeting-voucher', 'infant-vaccination', 'local-birth-grant'];
let platform: TestPlatform;

const unescape = (text: string) => text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
function formValues(body: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const match of body.matchAll(/<input ([^>]*)>/g)) {
    const name = /name="([^"]*)"/.exec(match[1]!)?.[1];
    if (name) values[unescape(name)] = unescape(/value="([^"]*)"/.exec(match[1]!)?.[1] ?? '');
  }
  return values;
}

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 300 });
  await platform.eligibility.ensureSeedRules();
  await platform.proactive.warm();
  platform.events.start();
}, 60_000);
afterAll(async () => {
  await platform?.close();
});

describe('Happy Childbirth, end to end', () => {
  it('birth registered → notices with reasons → one pre-filled application → a case per agency → every read visible', async () => {
    const couple = (
      await platform.database.pool.query<{ head: string; spouse: string }>(
        `SELECT h.id AS head, s.id AS spouse FROM registry.residents h
           JOIN registry.residents s ON s.household_id = h.household_id AND s.household_role = 'spouse'
          WHERE h.household_role = 'head' AND h.birth_date BETWEEN '1988-01-01' AND '1998-01-01' ORDER BY h.id DESC LIMIT 1`,
      )
    ).rows[0]!;
    const [head, spouse] = [Number(couple.head), Number(couple.spouse)];

    // 1. The birth, registered by a MOIS official.
    const mois = new TestClient(platform.app);
    await mois.signIn({ staffId: 'MOIS-0001' });
    const birth = await mois.request({
      method: 'POST',
      url: '/api/v1/registry/births',
      json: { parentResidentIds: [head, spouse], nameKo: '최새봄', nameRomanized: 'Choi Saebom', sex: 'F', birthDate: koreanDate() },
      headers: { 'x-csrf-token': mois.csrfToken! },
    });
    expect(birth.statusCode, birth.body).toBe(201);

    // 2. Both parents' inboxes: a notice per Happy Childbirth benefit, with the reasons.
    const parent = new TestClient(platform.app);
    await parent.signIn({ residentId: head });
    const deadline = Date.now() + 10_000;
    let notices: Array<{ reference: string; link: string; body: { ko: string; en: string } }> = [];
    while (Date.now() < deadline) {
      notices = (await parent.request({ url: '/api/v1/me/notifications?limit=100' })).json().items;
      if (HAPPY_CHILDBIRTH.every((id) => notices.some((n) => n.reference === id))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    for (const id of HAPPY_CHILDBIRTH) {
      const notice = notices.find((n) => n.reference === id);
      expect(notice, id).toBeDefined();
      expect(notice!.body.ko).toMatch(/확인된 이유: .+/);
      expect(notice!.body.en).toMatch(/Why: .+/);
    }
    const other = new TestClient(platform.app);
    await other.signIn({ residentId: spouse });
    const spouseNotices: Array<{ reference: string }> = (await other.request({ url: '/api/v1/me/notifications?limit=100' })).json().items;
    expect(HAPPY_CHILDBIRTH.every((id) => spouseNotices.some((n) => n.reference === id))).toBe(true);

    // 3. The notice's link: the bundle's one application, after the consent screen.
    const link = notices.find((n) => n.reference === 'child-allowance')!.link;
    expect(link).toBe('/services/bundles/happy-childbirth/apply');
    const screen = await parent.request({ url: link });
    expect(screen.statusCode).toBe(200);
    expect((await parent.request({ method: 'POST', url: `${link}/consent`, form: { _csrf: parent.csrfToken!, decision: 'agree' } })).statusCode).toBe(303);
    const form = formValues((await parent.request({ url: link })).body);
    expect(form['prefilled.child.nameKo']).toBe('최새봄');
    expect(form['prefilled.child.birthDate']).toBe(koreanDate());
    const basic = (await platform.registry.readDataProduct(platform.database.pool, 'resident.basic', head))!;
    expect(form['prefilled.resident.basic.nameKo']).toBe(basic.nameKo);
    expect(form['prefilled.resident.basic.addressKo']).toBe(basic.addressKo);

    const submitted = await parent.request({ method: 'POST', url: link, form: { ...form, _csrf: parent.csrfToken!, consent: 'yes', bankCode: 'KB', accountNumber: '123-456-789012' } });
    expect(submitted.statusCode, submitted.body.slice(0, 500)).toBe(303);
    const [application] = (await parent.request({ url: '/api/v1/me/applications' })).json().items;
    expect(application.cases.map((c: { serviceId: string }) => c.serviceId)).toEqual(HAPPY_CHILDBIRTH);
    expect(new Set(application.cases.map((c: { agency: { code: string } }) => c.agency.code))).toEqual(new Set(['MOHW', 'KDCA', 'LOCAL']));

    // 4. "Who used my data": each registry read for the application, with its purpose and agreement.
    const usage: Array<{ actionCode: string; action: { ko: string; en: string }; dataProduct: { id: string } | null }> = (
      await parent.request({ url: '/api/v1/me/data-usage?limit=100' })
    ).json().items;
    const reads = usage.filter((u) => u.actionCode === 'exchange.read');
    expect(new Set(reads.map((r) => r.dataProduct!.id))).toEqual(new Set(['resident.basic', 'resident.household', 'family.children']));
    // …and, in plain words, the platform's own check of what the family can get.
    expect(usage.find((u) => u.actionCode === 'proactive.evaluate')?.action).toEqual({ ko: '받을 수 있는 혜택 자동 확인', en: 'Checked which benefits you can get (proactive notice)' });
  }, 60_000);
});
