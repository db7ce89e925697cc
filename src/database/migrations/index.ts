import { CreateCustomerEvents1764400000000 } from './1764400000000-create-customer-events';
import { DailyEventCounts1764500000000 } from './1764500000000-daily-event-counts';
import { KindEventCounts1764600000000 } from './1764600000000-kind-event-counts';
import { StoredKeyValues1764700000000 } from './1764700000000-stored-key-values';

/** Every migration, in order (TypeORM 1.x wants them listed, not globbed). */
export const MIGRATIONS = [CreateCustomerEvents1764400000000, DailyEventCounts1764500000000, KindEventCounts1764600000000, StoredKeyValues1764700000000];
