import { ApiProperty } from '@nestjs/swagger';

export class ClassificationValueDto {
  @ApiProperty({ example: 'mail' })
  code: string;

  @ApiProperty({ example: 'Mail' })
  literal: string;

  @ApiProperty({ example: 'Postal mail' })
  description: string;

  @ApiProperty({ example: 2 })
  ordinal: number;
}

export class ClassificationSchemaDto {
  @ApiProperty({ name: 'schema-id', example: 'medium' })
  schemaId: string;

  @ApiProperty({ example: 'Medium' })
  name: string;

  @ApiProperty({ example: 'How a communication reached or left the customer' })
  description: string;

  @ApiProperty({ type: [ClassificationValueDto] })
  values: ClassificationValueDto[];
}
