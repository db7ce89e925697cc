import { Member } from '../../../common/http/wire-member.decorator';
import { CUSTOMER_NUMBER } from './create-event.dto';

const NAME_LIST = { regex: /^[A-Za-z0-9*-]+(,[A-Za-z0-9*-]+)*$/, description: 'must be a comma-separated list of member names' };

/** `include` and `trim`, accepted by every read. */
export class ShapeQuery {
  @Member('include', {
    maxLength: 500,
    pattern: NAME_LIST,
    description: 'Comma list of optional members to add: event-data-xml, event-data-key-values, or * for all',
  })
  include?: string;

  @Member('trim', {
    maxLength: 500,
    pattern: NAME_LIST,
    description: 'Comma list of members to leave out (event-id always stays)',
  })
  trim?: string;
}

export const SORT_BY = ['creation-datetime', 'event-id', 'event-kind'] as const;
export const SORT_ORDER = ['desc', 'asc'] as const;

export class ListEventsQuery extends ShapeQuery {
  @Member('customer-number', { maxLength: 32, pattern: CUSTOMER_NUMBER, example: '1400269' })
  customerNumber?: string;

  @Member('event-kind', {
    maxLength: 1000,
    pattern: { regex: /^[A-Za-z0-9-]+(,[A-Za-z0-9-]+)*$/, description: 'must be a comma-separated list of kinds' },
    description: 'Comma list of kinds (communication, social, ...) or exact event-kind values (SecurtyEvent, ...)',
  })
  eventKind?: string;

  @Member('date-from', { format: 'date-time', description: 'Inclusive lower bound of creation-datetime (RFC 3339)' })
  dateFrom?: string;

  @Member('date-to', { format: 'date-time', description: 'Exclusive upper bound of creation-datetime (RFC 3339)' })
  dateTo?: string;

  @Member('page-number', { format: 'integer', min: 1, max: 10_000_000, default: 1, description: '1-based; `page` is accepted as an alias' })
  pageNumber: number = 1;

  @Member('page-size', { format: 'integer', min: 1, max: 100, default: 20 })
  pageSize: number = 20;

  @Member('sort-by', { enum: SORT_BY, default: 'creation-datetime' })
  sortBy: (typeof SORT_BY)[number] = 'creation-datetime';

  @Member('sort-order', { enum: SORT_ORDER, default: 'desc' })
  sortOrder: (typeof SORT_ORDER)[number] = 'desc';

  @Member('cursor', {
    maxLength: 400,
    pattern: { regex: /^[A-Za-z0-9_-]+$/, description: 'must be a cursor from a navigation link' },
    description: 'Keyset continuation that deep next/prev links carry; follow links as given',
  })
  cursor?: string;
}
