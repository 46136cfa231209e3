// The shape every error response must have: RFC 9457 problem+json with the catalogue's code,
// its problem-type URI, a title, and never a stack trace.
import { expect } from 'vitest';

interface ResponseLike {
  statusCode: number;
  headers: Record<string, unknown>;
  json(): any;
}

export function expectProblem(response: ResponseLike, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(String(response.headers['content-type'])).toContain('application/problem+json');
  const problem = response.json();
  expect(problem).toMatchObject({ status, code, type: `/problems/${code.toLowerCase().replaceAll('_', '-')}` });
  expect(typeof problem.title).toBe('string');
  expect(JSON.stringify(problem)).not.toMatch(/at .*\.(ts|js):\d+/);
  return problem;
}
