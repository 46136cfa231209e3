// Data requests over HTTP: a resident asks an agency for a dataset; only that agency's officials
// answer; a refusal goes to mediation at the requester's call alone; the committee's secretariat
// (operator) upholds it with a release date, and the agency then releases with a dataset link; or
// dismisses it. Every step is public (the requester is not), audited, and a step the state does
// not allow is 409 DATA_REQUEST_TRANSITION_INVALID. The same through the pages' forms.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { koreanDate } from '../../core/period';
import { startTestPlatform, TestClient, type TestPlatform } from '../../../test/support/platform';
import { expectProblem } from '../../../test/support/problems';
import { seedDatasets } from './seed';

let platform: TestPlatform;
let requester: TestClient;
let otherResident: TestClient;
let mohw: TestClient;
let nts: TestClient;
let operator: TestClient;
let anonymous: TestClient;

const RELEASED = seedDatasets().find((d) => d.accessLevel === 'public' && d.publisher === 'MOHW') ?? seedDatasets().find((d) => d.accessLevel === 'public')!;
const inDays = (n: number) => koreanDate(Date.now() + n * 86_400_000);

beforeAll(async () => {
  platform = await startTestPlatform({ residents: 10 });
  const signIn = async (person: { residentId: number } | { staffId: string }) => {
    const client = new TestClient(platform.app);
    expect((await client.signIn(person)).statusCode).toBe(303);
    return client;
  };
  requester = await signIn({ residentId: 3 });
  otherResident = await signIn({ residentId: 4 });
  mohw = await signIn({ staffId: 'MOHW-0001' });
  nts = await signIn({ staffId: 'NTS-0001' });
  operator = await signIn({ staffId: 'MOIS-OPS-01' });
  anonymous = new TestClient(platform.app);
  await anonymous.request({ url: '/data-requests' });
});
afterAll(async () => {
  await platform?.close();
});

const post = (client: TestClient, url: string, json: unknown) => client.request({ method: 'POST', url, json, headers: { 'x-csrf-token': client.csrfToken ?? '' } });

async function file(title: string): Promise<number> {
  const response = await post(requester, '/api/v1/data-requests', { title, description: '읍면동별 아동 돌봄 시설 정원과 대기 인원', agencyCode: 'MOHW' });
  expect(response.statusCode, response.body).toBe(201);
  expect(response.json()).toMatchObject({ state: 'SUBMITTED', agencyCode: 'MOHW' });
  return response.json().id;
}

describe('the data request lifecycle', () => {
  it('goes submitted → refused → mediation → upheld → released, each step by the one allowed to take it, published', async () => {
    expectProblem(await post(anonymous, '/api/v1/data-requests', { title: 'x', description: 'y', agencyCode: 'MOHW' }), 401, 'UNAUTHENTICATED');
    const bad = expectProblem(await post(requester, '/api/v1/data-requests', { title: '돌봄', description: '설명', agencyCode: 'NOPE' }), 400, 'VALIDATION_FAILED');
    expect(bad.errors).toEqual([{ field: '/body/agencyCode', message: expect.any(String) }]);

    const id = await file('아동 돌봄 시설 대기 현황');
    const listed = (await anonymous.request({ url: '/api/v1/data-requests' })).json();
    expect(listed.items.map((r: { id: number }) => r.id)).toContain(id);

    // Not yet refused: nothing to mediate or decide; other agencies cannot answer.
    expectProblem(await post(requester, `/api/v1/data-requests/${id}/mediation`, { reason: '공익상 필요' }), 409, 'DATA_REQUEST_TRANSITION_INVALID');
    expectProblem(await post(operator, `/api/v1/data-requests/${id}/mediation-outcome`, { outcome: 'dismissed', reasons: '이유' }), 409, 'DATA_REQUEST_TRANSITION_INVALID');
    expectProblem(await post(nts, `/api/v1/data-requests/${id}/answer`, { decision: 'refused', reason: '우리 데이터 아님' }), 403, 'FORBIDDEN');
    expectProblem(await post(requester, `/api/v1/data-requests/${id}/answer`, { decision: 'released', datasetId: RELEASED.id }), 403, 'FORBIDDEN');
    const noReason = expectProblem(await post(mohw, `/api/v1/data-requests/${id}/answer`, { decision: 'refused' }), 400, 'VALIDATION_FAILED');
    expect(noReason.errors[0].field).toBe('/body/reason');

    const refused = await post(mohw, `/api/v1/data-requests/${id}/answer`, { decision: 'refused', reason: '개인 식별 위험이 있어 공개할 수 없습니다' });
    expect(refused.statusCode, refused.body).toBe(200);
    expect(refused.json().state).toBe('REFUSED');
    expectProblem(await post(mohw, `/api/v1/data-requests/${id}/answer`, { decision: 'planned', plannedDate: inDays(30) }), 409, 'DATA_REQUEST_TRANSITION_INVALID');

    expectProblem(await post(otherResident, `/api/v1/data-requests/${id}/mediation`, { reason: '저도 필요합니다' }), 403, 'FORBIDDEN');
    const mediation = await post(requester, `/api/v1/data-requests/${id}/mediation`, { reason: '시설 단위로 집계하면 식별 위험이 없습니다' });
    expect(mediation.statusCode, mediation.body).toBe(200);
    expect(mediation.json().state).toBe('IN_MEDIATION');
    expectProblem(await post(requester, `/api/v1/data-requests/${id}/mediation`, { reason: '다시' }), 409, 'DATA_REQUEST_TRANSITION_INVALID');
    expectProblem(await post(mohw, `/api/v1/data-requests/${id}/answer`, { decision: 'released', datasetId: RELEASED.id }), 409, 'DATA_REQUEST_TRANSITION_INVALID');
    expectProblem(await post(mohw, `/api/v1/data-requests/${id}/mediation-outcome`, { outcome: 'upheld', reasons: '스스로 인용', releaseBy: inDays(60) }), 403, 'FORBIDDEN');
    const noDate = expectProblem(await post(operator, `/api/v1/data-requests/${id}/mediation-outcome`, { outcome: 'upheld', reasons: '집계 공개 가능' }), 400, 'VALIDATION_FAILED');
    expect(noDate.errors[0].field).toBe('/body/releaseBy');

    const upheld = await post(operator, `/api/v1/data-requests/${id}/mediation-outcome`, { outcome: 'upheld', reasons: '시설 단위 집계는 식별 위험이 낮아 공개해야 합니다', releaseBy: inDays(60) });
    expect(upheld.statusCode, upheld.body).toBe(200);
    expect(upheld.json()).toMatchObject({ state: 'MEDIATION_UPHELD', releaseDueDate: inDays(60) });

    expectProblem(await post(mohw, `/api/v1/data-requests/${id}/answer`, { decision: 'released', datasetId: 'no-such-dataset' }), 400, 'VALIDATION_FAILED');
    const released = await post(mohw, `/api/v1/data-requests/${id}/answer`, { decision: 'released', datasetId: RELEASED.id });
    expect(released.statusCode, released.body).toBe(200);
    expect(released.json()).toMatchObject({ state: 'RELEASED', datasetId: RELEASED.id });
    expectProblem(await post(mohw, `/api/v1/data-requests/${id}/answer`, { decision: 'refused', reason: '번복' }), 409, 'DATA_REQUEST_TRANSITION_INVALID');

    const published = await anonymous.request({ url: `/api/v1/data-requests/${id}` });
    const detail = published.json();
    expect(detail.events.map((e: { step: string; toState: string }) => `${e.step}→${e.toState}`)).toEqual([
      'submitted→SUBMITTED',
      'answer-refused→REFUSED',
      'mediation→IN_MEDIATION',
      'mediation-upheld→MEDIATION_UPHELD',
      'answer-released→RELEASED',
    ]);
    expect(detail.events[3]).toMatchObject({ actorRole: 'operator', reason: '시설 단위 집계는 식별 위험이 낮아 공개해야 합니다', date: inDays(60) });
    expect(published.body).not.toMatch(/resident-|account/i);

    const page = (await anonymous.request({ url: `/data-requests/${id}?lang=en` })).body;
    expect(page).toContain('Committee outcome: upheld, release by');
    expect(page).toContain('시설 단위 집계는 식별 위험이 낮아 공개해야 합니다');
    expect(page).toContain(`href="/datasets/${RELEASED.id}?lang=en"`);

    const audited = await platform.database.pool.query(`SELECT action, actor_role FROM audit.entries WHERE resource = $1 ORDER BY id`, [`data-request:${id}`]);
    expect(audited.rows.map((r) => `${r.action}/${r.actor_role}`)).toEqual([
      'opendata.data-request.submit/resident',
      'opendata.data-request.answer-refused/official',
      'opendata.data-request.mediation/resident',
      'opendata.data-request.mediation-upheld/operator',
      'opendata.data-request.answer-released/official',
    ]);
  });

  it('ends a dismissed mediation for good, and plans a release on the way', async () => {
    const planned = await file('장애인 활동지원 기관 목록');
    const plan = await post(mohw, `/api/v1/data-requests/${planned}/answer`, { decision: 'planned', plannedDate: inDays(20) });
    expect(plan.json()).toMatchObject({ state: 'RELEASE_PLANNED', plannedDate: inDays(20) });
    expectProblem(await post(mohw, `/api/v1/data-requests/${planned}/answer`, { decision: 'planned', plannedDate: inDays(40) }), 409, 'DATA_REQUEST_TRANSITION_INVALID');

    const id = await file('요양병원 평가 원자료');
    await post(mohw, `/api/v1/data-requests/${id}/answer`, { decision: 'refused', reason: '평가 원자료는 비공개 대상입니다' });
    await post(requester, `/api/v1/data-requests/${id}/mediation`, { reason: '평가 결과는 공익적 가치가 큽니다' });
    const dismissed = await post(operator, `/api/v1/data-requests/${id}/mediation-outcome`, { outcome: 'dismissed', reasons: '원자료에 개인 진료 정보가 포함됨' });
    expect(dismissed.json().state).toBe('MEDIATION_DISMISSED');
    for (const [client, step, body] of [
      [requester, 'mediation', { reason: '재신청' }],
      [operator, 'mediation-outcome', { outcome: 'upheld', reasons: '번복', releaseBy: inDays(10) }],
      [mohw, 'answer', { decision: 'released', datasetId: RELEASED.id }],
    ] as const) {
      expectProblem(await post(client, `/api/v1/data-requests/${id}/${step}`, body), 409, 'DATA_REQUEST_TRANSITION_INVALID');
    }
    const filtered = (await anonymous.request({ url: '/api/v1/data-requests?state=MEDIATION_DISMISSED' })).json();
    expect(filtered.items.map((r: { id: number }) => r.id)).toEqual([id]);
    expect((await anonymous.request({ url: '/data-requests/999999' })).statusCode).toBe(404);
  });

  it('works through the pages\' forms: file, refuse, mediate, dismiss', async () => {
    const form = (client: TestClient, url: string, fields: Record<string, string>) => client.request({ method: 'POST', url, form: { _csrf: client.csrfToken ?? '', ...fields } });
    expect((await anonymous.request({ url: '/data-requests/new' })).statusCode).toBe(303);
    const invalid = await form(requester, '/data-requests?lang=en', { title: '', description: '', agencyCode: '' });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('Choose the agency that holds the data');
    const created = await form(requester, '/data-requests', { title: '공공 와이파이 위치', description: '시군구별 공공 와이파이 설치 위치', agencyCode: 'MOHW' });
    expect(created.statusCode).toBe(303);
    const path = String(created.headers.location).split('?')[0]!;
    const id = Number(path.split('/').pop());

    expect((await mohw.request({ url: `${path}?lang=ko` })).body).toContain('action="/data-requests/' + id + '/answer"');
    expect((await nts.request({ url: `${path}?lang=ko` })).body).not.toContain('/answer"');
    const missing = await form(mohw, `${path}/answer?lang=en`, { decision: 'refused', reason: '' });
    expect(missing.statusCode).toBe(400);
    expect(missing.body).toContain('href="#answer-reason"');
    expect((await form(mohw, `${path}/answer`, { decision: 'refused', reason: '소관 데이터가 아닙니다' })).statusCode).toBe(303);
    expect((await requester.request({ url: path })).body).toContain(`action="/data-requests/${id}/mediation"`);
    expect((await otherResident.request({ url: path })).body).not.toContain('/mediation"');
    expect((await form(requester, `${path}/mediation`, { reason: '행정안전부 소관이라면 이관해 주세요' })).statusCode).toBe(303);
    expect((await form(operator, `${path}/mediation-outcome`, { outcome: 'dismissed', reasons: '소관 기관이 아님이 확인됨' })).statusCode).toBe(303);
    const page = (await anonymous.request({ url: `${path}?lang=ko` })).body;
    expect(page).toContain('분쟁조정위원회 결정: 기각');
    expect(page).toContain('소관 기관이 아님이 확인됨');
    const again = await form(requester, `${path}/mediation`, { reason: '다시' });
    expect(again.statusCode).toBe(409);

    // An official finds the requests to their own agency.
    const other = await post(requester, '/api/v1/data-requests', { title: '도로 공사 일정', description: '월별 도로 공사 구간', agencyCode: 'MOLIT' });
    expect(other.statusCode).toBe(201);
    expect((await mohw.request({ url: '/data-requests?lang=en' })).body).toContain('href="/data-requests?agency=MOHW&amp;lang=en"');
    const own = (await mohw.request({ url: '/data-requests?agency=MOHW&lang=en' })).body;
    expect(own).toContain('공공 와이파이 위치');
    expect(own).not.toContain('도로 공사 일정');
  });
});
