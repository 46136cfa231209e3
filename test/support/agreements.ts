// An active access agreement set up through the agreements service's real workflow (requested by
// the client agency's official, approved by the holder and by the operator), for tests that need one.
import type { AgreementsService } from '../../src/modules/agreements';
import { contextOf, staff } from './staff';

/** The welfare ministry's active agreement to read the courts' family.children; returns its id. */
export async function agreeChildrenForWelfare(agreements: AgreementsService): Promise<string> {
  const { id } = await agreements.request(contextOf(staff('official', 'MOHW', 'MOHW-0001')), {
    clientSubsystem: 'KR/GOV/MOHW/welfare-benefits',
    productId: 'family.children',
    purposeCode: 'WELFARE-ELIGIBILITY',
    purposeText: 'Checking eligibility for the child allowance',
    legalBasis: 'Child Allowance Act art. 9',
    fields: ['childCount', 'children'],
    validUntil: new Date(Date.now() + 300 * 86_400_000).toISOString(),
    consentRequired: true,
  });
  await agreements.decide(contextOf(staff('official', 'SCOURT', 'SCOURT-0001')), id, { decision: 'approve' });
  await agreements.decide(contextOf(staff('operator', 'MOIS', 'MOIS-OPS-01')), id, { decision: 'approve' });
  return id;
}
