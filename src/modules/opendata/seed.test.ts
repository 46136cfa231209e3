// The seeded catalogue: enough realistic public data across agencies, every registry data product
// as a restricted entry derived from the registry's catalogue, and metadata that uses only the
// controlled vocabularies.
import { describe, expect, it } from 'vitest';
import { DATA_PRODUCTS } from '../registry/data-products';
import { FORMATS, FREQUENCIES, LICENCES, THEMES } from './model';
import { datasetOfDataProduct, PUBLISHERS, REGIONS, seedDatasets } from './seed';

const all = seedDatasets();

describe('seed', () => {
  it('has at least 30 public datasets from at least 8 agencies, and closed assets', () => {
    const open = all.filter((d) => d.accessLevel === 'public');
    expect(open.length).toBeGreaterThanOrEqual(30);
    expect(new Set(open.map((d) => d.publisher)).size).toBeGreaterThanOrEqual(8);
    expect(all.some((d) => d.accessLevel === 'closed')).toBe(true);
  });

  it('lists every registry data product as restricted, with its title, holder and exchange endpoint', () => {
    const restricted = all.filter((d) => d.accessLevel === 'restricted');
    expect(restricted.map((d) => d.id)).toEqual(DATA_PRODUCTS.map((p) => p.id));
    for (const product of DATA_PRODUCTS) {
      const entry = datasetOfDataProduct(product);
      expect(entry).toMatchObject({ title: product.title, description: product.description, publisher: product.providerSubsystem.split('/')[2], dataProductId: product.id, licence: null });
      expect(entry.api?.endpointUrl).toBe(`/r1/${product.providerSubsystem}/${product.id}`);
      expect(entry.keywords.en).toEqual(product.fields.map((f) => f.title.en));
    }
  });

  it('uses unique ids and only known publishers, themes, licences, frequencies, formats and regions', () => {
    expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
    const publishers = new Set(PUBLISHERS.map((p) => p.code));
    for (const d of all) {
      expect(publishers.has(d.publisher), d.id).toBe(true);
      expect(d.themes.length).toBeGreaterThan(0);
      for (const theme of d.themes) expect(theme in THEMES).toBe(true);
      if (d.licence) expect(d.licence in LICENCES).toBe(true);
      expect(d.frequency in FREQUENCIES).toBe(true);
      for (const format of d.formats) expect(format in FORMATS).toBe(true);
      expect(d.spatial in REGIONS).toBe(true);
      expect(d.title.ko && d.title.en && d.description.ko && d.description.en).toBeTruthy();
      expect(d.keywords.ko.length && d.keywords.en.length).toBeTruthy();
      expect(d.formats.length > 0 || d.api !== null, d.id).toBe(true);
      if (d.accessLevel === 'public') expect(d.licence, d.id).not.toBeNull();
    }
  });
});
