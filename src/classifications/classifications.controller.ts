import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ApiProblems } from '../common/errors/problem.dto';
import { ClassificationSchemaDto } from './classification.dto';
import { ClassificationsService } from './classifications.service';

@ApiTags('Classifications')
@Controller('classifications')
export class ClassificationsController {
  constructor(private readonly classifications: ClassificationsService) {}

  @Get()
  @ApiOperation({ operationId: 'listClassifications', summary: 'All classification schemas and their values' })
  @ApiOkResponse({ type: [ClassificationSchemaDto] })
  @ApiProblems(401, 403, 429, 500)
  all() {
    return this.classifications.all();
  }

  @Get(':schemaId')
  @ApiOperation({ operationId: 'getClassification', summary: 'One classification schema and its values' })
  @ApiParam({ name: 'schemaId', example: 'medium' })
  @ApiOkResponse({ type: ClassificationSchemaDto })
  @ApiProblems(401, 403, 404, 429, 500)
  one(@Param('schemaId') schemaId: string) {
    return this.classifications.one(schemaId);
  }
}
