import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EventCommonDto, EventDataKeyValueDto } from './event-detail.dto';

export class EventSummaryDto extends EventCommonDto {
  @ApiProperty({ name: 'uri', format: 'uri', example: 'http://localhost:62233/customer-event/v2.0/events/258242' })
  uri: string;

  @ApiPropertyOptional({ name: 'event-data-xml', type: String, nullable: true, description: 'Only with include=event-data-xml' })
  eventDataXml?: string | null;

  @ApiPropertyOptional({
    name: 'event-data-key-values',
    type: [EventDataKeyValueDto],
    description: 'Only with include=event-data-key-values',
  })
  eventDataKeyValues?: EventDataKeyValueDto[];
}

export class NavigationDto {
  @ApiProperty({
    format: 'uri',
    example: 'http://localhost:62233/customer-event/v2.0/events?page-size=20&page-number=2&customer-number=1400269',
  })
  href: string;

  @ApiProperty({ enum: ['first', 'prev', 'next', 'last'], example: 'next' })
  rel: 'first' | 'prev' | 'next' | 'last';
}

export class EventsPageDto {
  @ApiProperty({ name: 'total-count', type: 'integer', example: 2298 })
  totalCount: number;

  @ApiProperty({ name: 'page-size', type: 'integer', example: 20 })
  pageSize: number;

  @ApiProperty({ name: 'page-number', type: 'integer', example: 1 })
  pageNumber: number;

  @ApiProperty({ name: 'total-pages', type: 'integer', example: 115 })
  totalPages: number;

  @ApiProperty({ type: [EventSummaryDto] })
  items: EventSummaryDto[];

  @ApiProperty({ type: [NavigationDto] })
  navigations: NavigationDto[];
}
