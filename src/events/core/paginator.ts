import { Injectable } from '@nestjs/common';

export interface PageRequest {
  pageNumber: number;
  pageSize: number;
}


export type NavigationRel = 'first' | 'prev' | 'next' | 'last';

export interface Navigation {
  href: string;
  rel: NavigationRel;
}

const PAGING_PARAMETERS = new Set(['page', 'page-number', 'page-size', 'cursor']);

/** Page arithmetic and the first/prev/next/last links of a paged list. */
@Injectable()
export class Paginator {
  totalPages(totalCount: number, { pageSize }: PageRequest): number {
    return Math.ceil(totalCount / pageSize);
  }

  /**
   * Links that lead somewhere other than the current page. Each keeps the
   * caller's filters in the caller's order, after `page-size` and
   * `page-number` (the tutorial's shape).
   */
  navigations(
    listUrl: string,
    callerQuery: string,
    { pageNumber, pageSize }: PageRequest,
    totalPages: number,
    cursors: { next?: string; prev?: string } = {},
  ): Navigation[] {
    if (totalPages === 0) return [];
    const filters = [...new URLSearchParams(callerQuery)].filter(([name]) => !PAGING_PARAMETERS.has(name));
    const href = (page: number, cursor?: string) => {
      const query = new URLSearchParams([['page-size', String(pageSize)], ['page-number', String(page)], ...filters]);
      if (cursor) query.append('cursor', cursor);
      return `${listUrl}?${query.toString()}`;
    };
    const targets: [NavigationRel, number][] = [
      ['first', 1],
      ['prev', Math.min(pageNumber - 1, totalPages)],
      ['next', pageNumber + 1],
      ['last', totalPages],
    ];
    return targets
      .filter(([, page]) => page >= 1 && page <= totalPages && page !== pageNumber)
      .map(([rel, page]) => ({ href: href(page, rel === 'next' ? cursors.next : rel === 'prev' ? cursors.prev : undefined), rel }));
  }
}
