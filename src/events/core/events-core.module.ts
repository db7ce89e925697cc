import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PublicUrl } from '../../common/http/public-url';
import { EventKind } from './event-kind';
import { EVENT_KINDS, EventKindCatalog } from './event-kind.catalog';
import { EventEntity } from './event.entity';
import { EventPresenter } from './event.presenter';
import { EventXmlFlattener, EventXmlRenderer } from './event-xml';
import { EventsController } from './events.controller';
import { EventSql } from './event-sql';
import { EventsService } from './events.service';
import { Paginator } from './paginator';

const SHARED = [EventsService, EventSql, EventKindCatalog, EventPresenter, EventXmlFlattener, EventXmlRenderer, Paginator, PublicUrl];

/** What every kind module shares, and the kind-independent /events endpoints. */
@Global()
@Module({})
export class EventsCoreModule {
  static forRoot(kinds: readonly EventKind[]): DynamicModule {
    return {
      module: EventsCoreModule,
      imports: [TypeOrmModule.forFeature([EventEntity])],
      controllers: [EventsController],
      providers: [{ provide: EVENT_KINDS, useValue: kinds }, ...SHARED],
      exports: [EVENT_KINDS, ...SHARED],
    };
  }
}
