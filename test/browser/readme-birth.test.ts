// The README's "try it" line for proactive benefits, run as written in a MOIS official's
// signed-in browser (JavaScript on, as in the developer tools): the birth is registered and the
// parents' Happy Childbirth notices follow (what they see of them is tested in test/api).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { koreanDate } from '../../src/core/period';
import { signInAsStaff, startBrowserHarness, type BrowserHarness } from './support';

let harness: BrowserHarness;

beforeAll(async () => {
  harness = await startBrowserHarness({ residents: 60 });
  await harness.platform.eligibility.ensureSeedRules();
  await harness.platform.proactive.warm();
  harness.platform.events.start();
}, 60_000);
afterAll(async () => {
  await harness?.close();
});

describe('README: try a birth', () => {
  it('the developer-tools line registers a birth and a parent gets the child-allowance notice', async () => {
    const couple = (
      await harness.platform.database.pool.query<{ head: string; spouse: string }>(
        `SELECT h.id AS head, s.id AS spouse FROM registry.residents h
           JOIN registry.residents s ON s.household_id = h.household_id AND s.household_role = 'spouse'
          WHERE h.household_role = 'head' AND h.birth_date > '1985-01-01' ORDER BY h.id LIMIT 1`,
      )
    ).rows[0]!;
    const official = await (await harness.newContext({ javaScriptEnabled: true })).newPage();
    await signInAsStaff(official, 'MOIS-0001');
    // Exactly the README's line, with HEAD, SPOUSE and the date filled in; `document` is the page's.
    const registered = await official.evaluate(
      async ({ HEAD, SPOUSE, today }) => {
        const document = (globalThis as unknown as { document: { querySelector(selector: string): { value: string } } }).document;
        return (await fetch('/api/v1/registry/births', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': document.querySelector('input[name="_csrf"]').value }, body: JSON.stringify({ parentResidentIds: [HEAD, SPOUSE], nameKo: '김새봄', nameRomanized: 'Kim Saebom', sex: 'F', birthDate: today }) })).json() as { childResidentId?: number };
      },
      { HEAD: Number(couple.head), SPOUSE: Number(couple.spouse), today: koreanDate() },
    );
    expect(registered.childResidentId).toBeGreaterThan(0);

    const deadline = Date.now() + 10_000;
    let notices = 0;
    while (Date.now() < deadline && notices === 0) {
      notices = (await harness.platform.database.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM notifications.notifications WHERE resident_id = $1 AND reference = 'child-allowance'`, [Number(couple.head)])).rows[0]!.n;
      if (notices === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(notices).toBe(1);
  });
});
