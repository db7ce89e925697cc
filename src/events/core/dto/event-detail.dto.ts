import { ApiProperty } from '@nestjs/swagger';

export class EventDataKeyValueDto {
  @ApiProperty({ name: 'event-data-xml-parent-key', type: String, nullable: true, example: 'customer-login' })
  parentKey: string | null;

  @ApiProperty({ name: 'event-data-xml-key', example: 'customer-id' })
  key: string;

  @ApiProperty({ name: 'event-data-xml-value', example: '1400269' })
  value: string;
}

/** Members every event shows. */
export class EventCommonDto {
  @ApiProperty({ name: 'event-id', type: 'integer', format: 'int64', example: 258242 })
  eventId: number;

  @ApiProperty({ name: 'creation-datetime', type: String, format: 'date-time', example: '2014-10-10T12:34:36.690Z' })
  creationDatetime: string;

  @ApiProperty({ name: 'description', type: String, nullable: true, example: null })
  description: string | null;

  @ApiProperty({ name: 'event-kind', example: 'SecurtyEvent' })
  eventKind: string;
}

export class EventDetailDto extends EventCommonDto {
  @ApiProperty({ name: 'event-data-xml', type: String, nullable: true, description: 'The XML payload as registered' })
  eventDataXml: string | null;

  @ApiProperty({
    name: 'event-data-key-values',
    type: [EventDataKeyValueDto],
    description: 'One entry per leaf value of the XML payload, in document order',
  })
  eventDataKeyValues: EventDataKeyValueDto[];
}
