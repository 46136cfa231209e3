// The directory of the once-only exchange, in the manner of X-Road's global configuration and the
// GovStack Information Mediator: the member organisations (INSTANCE/CLASS/MEMBER) and their
// subsystems (INSTANCE/CLASS/MEMBER/SUBSYSTEM) that provide or consume data, plus which data
// products each provider subsystem offers (the registry's catalogue, data-products.ts). All of
// it is public reference data: no personal data, no sign-in, nothing to audit.
import { VersionedCache, type ChangeVersions } from '../../core/change-versions';
import type { Pool, Queryable } from '../../core/db';
import { dataProductsProvidedBy, type DataProduct } from '../registry/data-products';
import * as repository from './repository';

/** One part of an X-Road identifier (instance, member class, member code, subsystem code). */
export const XROAD_ID_PART_PATTERN = '^[A-Za-z0-9._-]{1,64}$';
/** A whole subsystem identifier, INSTANCE/CLASS/MEMBER/SUBSYSTEM (e.g. for the X-Road-Client header). */
export const SUBSYSTEM_ID_PATTERN = '^[A-Za-z0-9._-]{1,64}(/[A-Za-z0-9._-]{1,64}){3}$';
const PART = new RegExp(XROAD_ID_PART_PATTERN);

export interface SubsystemIdParts {
  instance: string;
  memberClass: string;
  memberCode: string;
  subsystemCode: string;
}

export interface Member {
  /** 'INSTANCE/CLASS/MEMBER', e.g. 'KR/GOV/MOIS'. */
  id: string;
  instance: string;
  memberClass: string;
  memberCode: string;
  name: { ko: string; en: string };
  /** What the member class stands for, e.g. { ko: '정부기관', en: 'Government' } for GOV. */
  className: { ko: string; en: string };
}

export interface Subsystem {
  id: string;
  instance: string;
  memberClass: string;
  memberCode: string;
  subsystemCode: string;
  name: { ko: string; en: string };
  role: 'provider' | 'consumer' | 'both';
}

/**
 * The parts of 'INSTANCE/CLASS/MEMBER/SUBSYSTEM', or null unless there are exactly four parts and
 * each is 1–64 characters of [A-Za-z0-9._-]. Strict on purpose: it validates the X-Road-Client
 * header, so no trimming, no case folding, no empty or extra parts.
 */
export function parseSubsystemId(value: string): SubsystemIdParts | null {
  if (typeof value !== 'string' || value.length > 4 * 64 + 3) return null;
  const parts = value.split('/');
  if (parts.length !== 4 || !parts.every((part) => PART.test(part))) return null;
  const [instance, memberClass, memberCode, subsystemCode] = parts as [string, string, string, string];
  return { instance, memberClass, memberCode, subsystemCode };
}

export function formatSubsystemId(parts: SubsystemIdParts): string {
  return `${parts.instance}/${parts.memberClass}/${parts.memberCode}/${parts.subsystemCode}`;
}

export class DirectoryService {
  private readonly subsystems = new VersionedCache('directory.subsystems', async (db) => new Map((await repository.listSubsystems(db)).map((s) => [s.id, s] as const)));

  constructor(private readonly pool: Pool) {}

  /**
   * Every subsystem by id, in memory for the exchange's hot path, exact as of the caller's
   * transaction (reloaded there when the directory changed; see core/change-versions).
   */
  subsystemIndex(db: Queryable, versions: ChangeVersions): Promise<ReadonlyMap<string, Subsystem>> {
    return this.subsystems.get(db, versions);
  }

  listMembers(): Promise<Member[]> {
    return repository.listMembers(this.pool);
  }

  listSubsystems(): Promise<Subsystem[]> {
    return repository.listSubsystems(this.pool);
  }

  /** The subsystem with this exact id; undefined for an unknown or malformed id (no query then). */
  async findSubsystem(id: string): Promise<Subsystem | undefined> {
    if (!parseSubsystemId(id)) return undefined;
    return repository.findSubsystem(this.pool, id);
  }

  /** The data products a subsystem provides (its X-Road service codes), in catalogue order. */
  providedProducts(subsystemId: string): DataProduct[] {
    return dataProductsProvidedBy(subsystemId);
  }
}
