import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, PROBLEM_LITERALS, problemFor, TRANSPORT_PROBLEM_DETAILS } from './problem';

export class ProblemFieldErrorDto {
  @ApiProperty({ description: 'Wire name of the member or parameter', example: 'page-size' })
  tag: string;

  @ApiProperty({
    enum: ['required', 'max-length', 'min-length', 'out-of-range', 'invalid-format', 'unknown-enum', 'not-allowed'],
    example: 'out-of-range',
  })
  error: string;

  @ApiProperty({ example: "'page-size' must not be greater than 100" })
  message: string;
}

/** RFC 9457 problem details. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:customer-event:problem:bad-request' })
  type: string;

  @ApiProperty({ example: 'Bad Request' })
  title: string;

  @ApiProperty({ example: 400 })
  status: number;

  @ApiProperty({ example: "'page-size' must not be greater than 100" })
  detail: string;

  @ApiProperty({ example: '/customer-event/events' })
  instance: string;

  @ApiProperty({ enum: [...PROBLEM_LITERALS], example: 'bad-request' })
  problem: string;

  @ApiPropertyOptional({ type: [ProblemFieldErrorDto], description: 'On 400: each offending member or parameter' })
  errors?: ProblemFieldErrorDto[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid parameters or body; `errors` names each offending member',
  401: 'Missing or invalid access token (see WWW-Authenticate)',
  403: 'The token lacks the scope, or names another customer',
  404: 'No such event visible to this token',
  409: 'The key was already used for a different registration',
  413: 'Body larger than the limit',
  415: 'Body is not application/json',
  429: 'Rate limit exceeded (see Retry-After)',
  ...TRANSPORT_PROBLEM_DETAILS,
  500: 'Unexpected failure; nothing was changed',
  503: 'Database unavailable (see Retry-After); nothing was changed',
};

/** The OpenAPI response of a problem answer. */
export function problemResponse(status: number): { description: string; content: Record<string, { schema: { $ref: string } }> } {
  return {
    description: DESCRIPTIONS[status] ?? problemFor(status).title,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
  };
}

/** Documents the problem answers an operation can give. */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiExtraModels(ProblemDto), ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })));
}
