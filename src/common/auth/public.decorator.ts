import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'isPublic';

/** Opts a route out of the access-token guard. Every route is protected unless marked. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
