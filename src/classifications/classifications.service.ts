import { Injectable } from '@nestjs/common';
import { NotFoundProblem } from '../common/errors/problem.exception';
import { EventKindCatalog } from '../events/core/event-kind.catalog';
import { ClassificationSchema, GENERIC_EVENT_KINDS, STATIC_SCHEMAS } from './classification-schemas';

@Injectable()
export class ClassificationsService {
  private readonly schemas: ClassificationSchema[];

  constructor(catalog: EventKindCatalog) {
    const kinds = [
      ...catalog.kinds.map((kind) => [kind.eventKind, kind.title, kind.description]),
      ...GENERIC_EVENT_KINDS,
    ];
    const eventKind: ClassificationSchema = {
      'schema-id': 'event-kind',
      name: 'Event kind',
      description: 'The kinds of customer event; generic events may carry any PascalCase value ending in "Event"',
      values: kinds.map(([code, literal, description], index) => ({ code, literal, description, ordinal: index + 1 })),
    };
    this.schemas = [eventKind, ...STATIC_SCHEMAS];
  }

  all(): ClassificationSchema[] {
    return this.schemas;
  }

  one(schemaId: string): ClassificationSchema {
    const found = this.schemas.find((schema) => schema['schema-id'] === schemaId);
    if (!found) throw new NotFoundProblem(`There is no classification schema '${schemaId.slice(0, 64)}'`);
    return found;
  }
}
