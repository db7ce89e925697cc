import { applyDecorators, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiProblems } from '../../common/errors/problem.dto';
import { CreatedRecordDto } from './dto/created-record.dto';
import type { RegistrationResult } from './events.service';
import { ApiIdempotencyKey } from './idempotency-key';

/** Every answer a registration can give, the same for every kind: 200 + Location, or a problem. */
export const REGISTRATION_PROBLEMS = [400, 401, 403, 409, 413, 415, 429, 500, 503];

/** POST answering 200 (not 201: the tutorial's contract), with its documented answers and the Idempotency-Key header. */
export const RegistrationEndpoint = () =>
  applyDecorators(
    Post(),
    HttpCode(200),
    ApiIdempotencyKey(),
    ApiOkResponse({
      type: CreatedRecordDto,
      headers: { Location: { description: "The new event's versioned URI", schema: { type: 'string', format: 'uri' } } },
    }),
    ApiProblems(...REGISTRATION_PROBLEMS),
  );

/** The create answer: the workitem-id where there is one, else the new event-id; and the Location header. */
export function answerRegistration(result: RegistrationResult, location: string, reply: FastifyReply): CreatedRecordDto {
  reply.header('Location', location);
  return {
    id: result.event.workitemId ?? String(result.event.eventId),
    CreatedRecordStatus: result.created ? 'Created' : 'AlreadyExists',
  };
}
