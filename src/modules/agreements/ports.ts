// What the agreements module needs from the directory (subsystems) and the registry's data
// products, as narrow interfaces (DirectoryService and the catalogue satisfy them) so the service
// can be tested with small fakes.
import type { Subsystem } from '../directory';
import { DATA_PRODUCTS, findDataProduct, type DataProduct } from '../registry/data-products';

export type { DataProduct, Subsystem };

/** The part of the directory service agreements use. */
export interface SubsystemDirectory {
  listSubsystems(): Promise<Subsystem[]>;
  findSubsystem(id: string): Promise<Subsystem | undefined>;
}

/** The catalogue of data products agreements may cover. */
export interface ProductCatalogue {
  list(): readonly DataProduct[];
  find(id: string): DataProduct | undefined;
}

/** The registry's catalogue of data products. */
export const DATA_PRODUCT_CATALOGUE: ProductCatalogue = { list: () => DATA_PRODUCTS, find: findDataProduct };
