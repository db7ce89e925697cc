/** The literals of the `errors[].error` member (CONTRACT.md, Errors). */
export type ValidationErrorLiteral =
  | 'required'
  | 'max-length'
  | 'min-length'
  | 'out-of-range'
  | 'invalid-format'
  | 'unknown-enum'
  | 'not-allowed';

export interface ProblemFieldError {
  /** The wire name of the member or parameter. */
  tag: string;
  error: ValidationErrorLiteral;
  message: string;
}

/** RFC 9457 problem details, with this API's `problem` literal and `errors` list. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  problem: string;
  errors?: ProblemFieldError[];
  [extension: string]: unknown;
}

const PROBLEMS: Record<number, [problem: string, title: string]> = {
  400: ['bad-request', 'Bad Request'],
  401: ['unauthorized', 'Unauthorized'],
  403: ['forbidden', 'Forbidden'],
  404: ['not-found', 'Not Found'],
  405: ['method-not-allowed', 'Method Not Allowed'],
  406: ['not-acceptable', 'Not Acceptable'],
  408: ['request-timeout', 'Request Timeout'],
  409: ['conflict', 'Conflict'],
  413: ['payload-too-large', 'Payload Too Large'],
  414: ['uri-too-long', 'URI Too Long'],
  415: ['unsupported-media-type', 'Unsupported Media Type'],
  422: ['unprocessable-content', 'Unprocessable Content'],
  429: ['too-many-requests', 'Too Many Requests'],
  431: ['request-header-fields-too-large', 'Request Header Fields Too Large'],
  500: ['internal-error', 'Internal Server Error'],
  503: ['service-unavailable', 'Service Unavailable'],
  504: ['gateway-timeout', 'Gateway Timeout'],
};

/**
 * The details of the answers Node and the router give before any handler
 * runs (app.factory.ts); the OpenAPI document describes those answers with them.
 */
export const TRANSPORT_PROBLEM_DETAILS = {
  408: 'The request did not arrive in time',
  414: 'A path segment is longer than this service accepts',
  431: 'The request headers are larger than this service accepts',
} as const;

/** Every `problem` literal the service answers with. */
export const PROBLEM_LITERALS: readonly string[] = Object.values(PROBLEMS).map(([problem]) => problem);

export function problemFor(status: number): { problem: string; title: string; type: string } {
  const [problem, title] = PROBLEMS[status] ?? (status >= 500 ? PROBLEMS[500] : PROBLEMS[400]);
  return { problem, title, type: `urn:customer-event:problem:${problem}` };
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
