// The README's worked demo, end to end, in-process: the very steps scripts/demo-exchange.ts runs
// against `npm start`, over injected requests. If this fails, the README's demo is wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PRODUCTS, runDemo, type Transport } from '../../scripts/demo-exchange';
import { startTestPlatform, TestClient, type TestPlatform } from '../support/platform';

let platform: TestPlatform;

function injectTransport(): Transport {
  return {
    newSession() {
      const client = new TestClient(platform.app);
      return {
        get csrfToken() {
          return client.csrfToken;
        },
        async request(path, options = {}) {
          const response = await client.request({ url: path, method: options.method ?? (options.form || options.json !== undefined ? 'POST' : 'GET'), form: options.form, json: options.json, headers: options.headers });
          const headers = Object.fromEntries(Object.entries(response.headers).map(([name, value]) => [name, String(value)]));
          return { status: response.statusCode, location: typeof response.headers.location === 'string' ? response.headers.location : null, headers, body: response.body };
        },
      };
    },
  };
}

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 40 });
});
afterAll(async () => {
  await platform?.close();
});

describe('the worked demo of the README', () => {
  it('agreements requested, approved by holders and the operator; two reads; the resident sees both', async () => {
    const lines: string[] = [];
    const result = await runDemo(injectTransport(), { residentId: 7, baseUrl: 'http://localhost:3000', say: (line) => lines.push(line) });
    expect(Object.keys(result.agreements).sort()).toEqual(['family.children', 'tax.income-certificate']);
    expect(result.reads.map((r) => r.productId)).toEqual(DEMO_PRODUCTS.map((p) => p.productId));
    // Minimised to the agreement's fields exactly.
    for (const read of result.reads) {
      const product = DEMO_PRODUCTS.find((p) => p.productId === read.productId)!;
      expect(Object.keys(read.body).sort()).toEqual([...product.fields].sort());
    }
    expect(result.exchangeReads).toHaveLength(2);
    for (const item of result.exchangeReads) {
      expect(item).toMatchObject({ actionCode: 'exchange.read', receiverCode: 'MOHW', receiverSystem: 'KR/GOV/MOHW/welfare-benefits', outcome: 'allowed', purpose: { code: 'WELFARE-ELIGIBILITY' } });
    }
    expect(result.exchangeReads.map((i) => i.dataProduct?.id).sort()).toEqual(['family.children', 'tax.income-certificate']);
    // The narration shows the exact curl of the README.
    const curl = lines.find((l) => l.startsWith("curl -i 'http://localhost:3000/r1/KR/GOV/SCOURT/family-relations/family.children/7'"));
    expect(curl).toContain("-H 'x-road-client: KR/GOV/MOHW/welfare-benefits'");
    expect(curl).toContain("-H 'x-road-purpose: WELFARE-ELIGIBILITY'");
    expect(curl).toContain(`-H 'authorization: Bearer ${result.secret}'`);
  });
});
