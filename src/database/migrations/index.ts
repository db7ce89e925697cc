import { CreateCustomerEvents1764400000000 } from './1764400000000-create-customer-events';

/** Every migration, in order (TypeORM 1.x wants them listed, not globbed). */
export const MIGRATIONS = [CreateCustomerEvents1764400000000];
