import { Body, Controller, Get, Inject, Param, Query, Req, Res, Type } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../common/auth/caller';
import { ApiProblems } from '../../common/errors/problem.dto';
import { EventIdPipe } from '../../common/http/event-id.pipe';
import { PublicUrl } from '../../common/http/public-url';
import { WireValidationPipe } from '../../common/http/wire-validation.pipe';
import { CreateEventBase } from './dto/create-event.dto';
import { CreatedRecordDto } from './dto/created-record.dto';
import { ShapeQuery } from './dto/list-events.query';
import { EventKind } from './event-kind';
import type { EventKindOperations } from './event-kind.service';
import { READ_PROBLEMS } from './events.controller';
import { IdempotencyKey } from './idempotency-key';
import { answerRegistration, RegistrationEndpoint } from './registration';

/** A type alias, not a class, so the global pipe sees no type and the kind's own DTO class decides. */
type KindRegistrationBody = CreateEventBase & Record<string, unknown>;

/**
 * The controller of one kind: GET /{route}/{event-id} and POST /{route}. The
 * kind's DTO classes are passed as values, because Swagger and validation
 * cannot see a generic parameter. `route` differs from the kind's name only
 * for aliases such as `chargeable-activity-events`.
 */
export function EventKindController(kind: EventKind, service: Type<EventKindOperations>, route = kind.name): Type<object> {
  const isAlias = route !== kind.name;
  const operation = (verb: string) => `${verb}${kind.pascalName}Event${isAlias ? 'ViaAlias' : ''}`;
  const aliasNote = isAlias ? ` (alias of /${kind.name}-events)` : '';

  @ApiTags(kind.title)
  @Controller(`${route}-events`)
  class KindController {
    constructor(
      @Inject(service) private readonly events: EventKindOperations,
      private readonly publicUrl: PublicUrl,
    ) {}

    @Get(':eventId')
    @ApiOperation({ operationId: operation('get'), summary: `One ${kind.title.toLowerCase()} event with its own members${aliasNote}` })
    @ApiParam({ name: 'eventId', type: 'integer', format: 'int64', example: 258242 })
    @ApiOkResponse({ type: kind.detailDto })
    @ApiProblems(...READ_PROBLEMS)
    detail(@Param('eventId', EventIdPipe) eventId: number, @Query() shape: ShapeQuery, @CurrentCaller() caller: Caller) {
      return this.events.detail(eventId, caller, shape.include, shape.trim);
    }

    @RegistrationEndpoint()
    @ApiOperation({ operationId: operation('register'), summary: `Register a ${kind.title.toLowerCase()} event${aliasNote}` })
    @ApiBody({ type: kind.createDto })
    async register(
      @Body(new WireValidationPipe(kind.createDto)) body: KindRegistrationBody,
      @IdempotencyKey() idempotencyKey: string | null,
      @CurrentCaller() caller: Caller,
      @Req() request: FastifyRequest,
      @Res({ passthrough: true }) reply: FastifyReply,
    ): Promise<CreatedRecordDto> {
      const result = await this.events.register(body, caller, idempotencyKey);
      const location = `${this.publicUrl.versionedRoot(request)}/${kind.name}-events/${result.event.eventId}`;
      return answerRegistration(result, location, reply);
    }
  }
  Object.defineProperty(KindController, 'name', { value: `${kind.pascalName}${isAlias ? 'Alias' : ''}EventsController` });
  return KindController;
}
