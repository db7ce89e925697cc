import { Body, Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Caller, CurrentCaller } from '../../common/auth/caller';
import { ApiProblems } from '../../common/errors/problem.dto';
import { EventIdPipe } from '../../common/http/event-id.pipe';
import { PublicUrl } from '../../common/http/public-url';
import { CreateGenericEventDto } from './dto/create-event.dto';
import { CreatedRecordDto } from './dto/created-record.dto';
import { EventDetailDto } from './dto/event-detail.dto';
import { EventsPageDto } from './dto/events-page.dto';
import { ListEventsQuery, ShapeQuery } from './dto/list-events.query';
import { EventKindCatalog } from './event-kind.catalog';
import { DETAIL_MEMBERS, EventPresenter, SUMMARY_MEMBERS } from './event.presenter';
import { EventXmlFlattener } from './event-xml';
import { EventsService } from './events.service';
import { IdempotencyKey } from './idempotency-key';
import { Paginator } from './paginator';
import { answerRegistration, RegistrationEndpoint } from './registration';
import { ValidationProblem } from '../../common/errors/problem.exception';

export const READ_PROBLEMS = [400, 401, 403, 404, 429, 500, 503];

@ApiTags('Events')
@Controller('events')
export class EventsController {
  constructor(
    private readonly events: EventsService,
    private readonly presenter: EventPresenter,
    private readonly paginator: Paginator,
    private readonly publicUrl: PublicUrl,
    private readonly flattener: EventXmlFlattener,
    private readonly catalog: EventKindCatalog,
  ) {}

  @Get()
  @ApiOperation({ operationId: 'listEvents', summary: 'List events of all kinds, newest first' })
  @ApiOkResponse({ type: EventsPageDto })
  @ApiProblems(...READ_PROBLEMS.filter((status) => status !== 404))
  async list(@Query() query: ListEventsQuery, @CurrentCaller() caller: Caller, @Req() request: FastifyRequest) {
    const shape = this.presenter.parseShape(query.include, query.trim, SUMMARY_MEMBERS);
    const withPayload = shape.include.size > 0;
    const { total, events, next, prev } = await this.events.list(query, caller, withPayload);
    const totalPages = this.paginator.totalPages(total, query);
    const root = `${this.publicUrl.versionedRoot(request)}/events`;
    const search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    return {
      'total-count': total,
      'page-size': query.pageSize,
      'page-number': query.pageNumber,
      'total-pages': totalPages,
      items: events.map((event) => this.presenter.summary(event, root, shape)),
      navigations: this.paginator.navigations(root, search, query, totalPages, { next, prev }),
    };
  }

  @Get(':eventId')
  @ApiOperation({ operationId: 'getEvent', summary: 'One event of any kind, with its XML payload and key-values' })
  @ApiParam({ name: 'eventId', type: 'integer', format: 'int64', example: 258242 })
  @ApiOkResponse({ type: EventDetailDto })
  @ApiProblems(...READ_PROBLEMS)
  async detail(@Param('eventId', EventIdPipe) eventId: number, @Query() shape: ShapeQuery, @CurrentCaller() caller: Caller) {
    const parsed = this.presenter.parseShape(shape.include, shape.trim, DETAIL_MEMBERS);
    return this.presenter.detail((await this.events.findVisible(eventId, caller)).event, parsed);
  }

  @RegistrationEndpoint()
  @ApiOperation({ operationId: 'registerEvent', summary: 'Register a generic event (any event-kind) with its XML payload' })
  async register(
    @Body() body: CreateGenericEventDto,
    @IdempotencyKey() idempotencyKey: string | null,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedRecordDto> {
    if (this.catalog.isKindSpecific(body.eventKind)) {
      const kind = this.catalog.kinds.find((candidate) => candidate.eventKind === body.eventKind);
      throw new ValidationProblem([
        { tag: 'event-kind', error: 'not-allowed', message: `'event-kind' ${body.eventKind} is registered through POST /customer-event/${kind?.name}-events` },
      ]);
    }
    this.flattener.assertValid(body.eventDataXml);
    const result = await this.events.register(
      {
        customerNumber: body.customerNumber,
        eventKind: body.eventKind,
        description: body.description ?? null,
        eventDataXml: body.eventDataXml,
        workitemId: null,
        idempotencyKey,
        canonicalBody: { ...body },
      },
      caller,
    );
    return answerRegistration(result, `${this.publicUrl.versionedRoot(request)}/events/${result.event.eventId}`, reply);
  }
}
