import { ApiProperty } from '@nestjs/swagger';

export type CreatedRecordStatus = 'Created' | 'AlreadyExists';

/** The create result, with the one member name kept in PascalCase for compatibility. */
export class CreatedRecordDto {
  @ApiProperty({ description: "The workitem-id, or the new event-id as a string where there is none", example: 'WI0000492929' })
  id: string;

  @ApiProperty({ name: 'CreatedRecordStatus', enum: ['Created', 'AlreadyExists'], example: 'Created' })
  CreatedRecordStatus: CreatedRecordStatus;
}
