import { Paginator } from './paginator';

describe('Paginator', () => {
  const paginator = new Paginator();
  const root = 'http://host/customer-event/v2.0/events';
  const rels = (pageNumber: number, totalPages: number, query = 'customer-number=1') =>
    paginator.navigations(root, query, { pageNumber, pageSize: 20 }, totalPages).map((link) => link.rel);

  it('counts pages by ceiling', () => {
    expect(paginator.totalPages(2298, { pageNumber: 1, pageSize: 20 })).toBe(115);
    expect(paginator.totalPages(0, { pageNumber: 1, pageSize: 20 })).toBe(0);
  });

  it.each([
    [1, 115, ['next', 'last']],
    [2, 115, ['first', 'prev', 'next', 'last']],
    [114, 115, ['first', 'prev', 'next', 'last']],
    [115, 115, ['first', 'prev']],
    [1, 1, []],
    [1, 0, []],
    [200, 115, ['first', 'prev', 'last']],
  ])('on page %i of %i links only elsewhere: %j', (page, total, expected) => {
    expect(rels(page, total)).toEqual(expected);
  });

  it("puts page-size and page-number first, then the caller's filters in their order, dropping the page alias", () => {
    const [next] = paginator.navigations(root, 'customer-number=1400269&page=1&sort-order=asc&page-size=5', { pageNumber: 1, pageSize: 20 }, 3);
    expect(next).toEqual({ rel: 'next', href: `${root}?page-size=20&page-number=2&customer-number=1400269&sort-order=asc` });
  });

  it('points prev at the last page when the caller jumped past the end', () => {
    const links = paginator.navigations(root, '', { pageNumber: 9, pageSize: 20 }, 3);
    expect(links.find((link) => link.rel === 'prev')?.href).toContain('page-number=3');
  });
});
