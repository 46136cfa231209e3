// Government staff as services see them, for tests that set up agreements and the like directly
// through a module's service rather than through the console.
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../src/core/auth';
import type { AgreementContext } from '../../src/modules/agreements';

export function staff(role: Principal['role'], agencyCode: string, staffId: string): Principal {
  return { accountId: `staff-${staffId}`, sessionId: 'test', role, residentId: null, agencyCode, displayName: { ko: staffId, en: staffId } };
}

/** The context a service call runs in for `principal`; each call gets its own request id. */
export function contextOf(principal: Principal, requestIdPrefix = 'setup'): AgreementContext {
  return {
    principal,
    actor: { id: principal.accountId, role: principal.role, org: principal.agencyCode },
    requestId: `${requestIdPrefix}-${randomUUID()}`,
  };
}
