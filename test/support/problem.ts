import type { ApiResponse } from './test-app';

/**
 * Asserts an RFC 9457 problem answer as CONTRACT.md (Errors) defines it:
 * the status, `application/problem+json`, and the members type, title,
 * status, detail, instance and problem.
 */
export function expectProblem(response: ApiResponse, status: number, problem: string): void {
  expect({ status: response.status, contentType: response.headers.get('content-type') }).toEqual({
    status,
    contentType: expect.stringMatching(/^application\/problem\+json\b/),
  });
  expect(response.body).toEqual(
    expect.objectContaining({
      type: `urn:customer-event:problem:${problem}`,
      title: expect.any(String),
      status,
      detail: expect.any(String),
      instance: expect.stringMatching(/^\//),
      problem,
    }),
  );
}
