import { Module } from '@nestjs/common';
import { EventsCoreModule } from './core/events-core.module';
import { EVENT_KIND_MODULES, EVENT_KINDS } from './event-kinds';

@Module({ imports: [EventsCoreModule.forRoot(EVENT_KINDS), ...EVENT_KIND_MODULES] })
export class EventsModule {}
