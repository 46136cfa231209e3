// The seeded catalogue keeps its promises: enough services and agencies, every life event
// covered, documents that name real data products, and the identifiers other modules build on.
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS } from '../registry/data-products';
import { LIFE_EVENT_CODES } from './model';
import { SEED_AGENCIES, SEED_BUNDLES, SEED_SERVICES } from './seed';

const byId = new Map(SEED_SERVICES.map((s) => [s.id, s]));

describe('the seeded catalogue', () => {
  it('has at least 60 services of at least 8 agencies, each id unique and each agency known', () => {
    expect(SEED_SERVICES.length).toBeGreaterThanOrEqual(60);
    expect(byId.size).toBe(SEED_SERVICES.length);
    const agencies = new Set(SEED_AGENCIES.map((a) => a.code));
    for (const service of SEED_SERVICES) expect(agencies, service.id).toContain(service.agency);
    expect(new Set(SEED_SERVICES.map((s) => s.agency)).size).toBeGreaterThanOrEqual(8);
  });

  it('covers every one of the ten life events with several services', () => {
    for (const event of LIFE_EVENT_CODES) {
      expect(SEED_SERVICES.filter((s) => s.lifeEvents.includes(event)).length, event).toBeGreaterThanOrEqual(4);
    }
  });

  it('names only real registry data products, and uploads only with a name in both languages', () => {
    const products = new Set(DATA_PRODUCTS.map((p) => p.id));
    for (const service of SEED_SERVICES) {
      for (const document of service.documents) {
        if (document.kind === 'data-product') expect(products, service.id).toContain(document.dataProductId);
        else expect(document.name.ko && document.name.en, service.id).toBeTruthy();
      }
      expect(service.feeKrw).toBeGreaterThanOrEqual(0);
      for (const text of [service.name, service.description, service.processingTime, service.legalBasis, service.contact]) {
        expect(text.ko.length * text.en.length, service.id).toBeGreaterThan(0);
      }
    }
  });

  it('has the shared benefit ids with their agreed meanings', () => {
    const expected: Record<string, [string, string]> = {
      'child-allowance': ['MOHW', '아동수당'],
      'parental-benefit': ['MOHW', '부모급여'],
      'first-meeting-voucher': ['MOHW', '첫만남이용권'],
      'infant-vaccination': ['KDCA', '국가예방접종'],
      'local-birth-grant': ['LOCAL', '출산지원금'],
      'basic-pension': ['MOHW', '기초연금'],
      'disability-pension': ['MOHW', '장애인연금'],
    };
    for (const [id, [agency, name]] of Object.entries(expected)) {
      const service = byId.get(id);
      expect(service?.agency, id).toBe(agency);
      expect(service?.name.ko, id).toContain(name);
      expect(service?.category, id).toBeTruthy();
    }
  });

  it('has the Happy Childbirth bundle of exactly the five birth services, and bundles name only catalogue services', () => {
    const happy = SEED_BUNDLES.find((b) => b.id === 'happy-childbirth');
    expect(happy?.serviceIds).toEqual(['child-allowance', 'parental-benefit', 'first-meeting-voucher', 'infant-vaccination', 'local-birth-grant']);
    expect(happy?.lifeEvent).toBe('birth');
    for (const bundle of SEED_BUNDLES) for (const id of bundle.serviceIds) expect(byId.has(id), `${bundle.id}: ${id}`).toBe(true);
  });
});
