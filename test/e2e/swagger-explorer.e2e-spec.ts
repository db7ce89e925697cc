import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { databaseMode, startTestApp, TestApp } from '../support/test-app';

/** What a person would notice: script errors, and anything the console reports as an error (CSP refusals among them). */
interface PageTrouble {
  errors: string[];
  apiCalls: { url: string; authorization: string | undefined }[];
}

function watch(page: Page): PageTrouble {
  const trouble: PageTrouble = { errors: [], apiCalls: [] };
  page.on('pageerror', (error) => trouble.errors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') trouble.errors.push(`console error: ${message.text()}`);
  });
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/customer-event/')) {
      trouble.apiCalls.push({ url: request.url(), authorization: request.headers().authorization });
    }
  });
  return trouble;
}

/** Opens the list operation, Try it out, Execute, as a person clicks; returns the answer shown. */
async function executeListEvents(page: Page) {
  const operation = page.locator('#operations-Events-listEvents');
  await operation.locator('.opblock-summary').click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  await operation.getByRole('button', { name: 'Execute' }).click();
  const answer = operation.locator('.live-responses-table .response').first();
  await answer.waitFor();
  return answer;
}

describe(`The Swagger explorer in headless Chromium (${databaseMode} database)`, () => {
  let api: TestApp;
  let browser: Browser;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    browser = await launchChromium();
    api = await startTestApp();
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
  });

  const authorizations: [string, (dialog: ReturnType<Page['locator']>) => Promise<void>][] = [
    [
      'the oauth2 client-credentials flow (any client id and secret, both scopes checked)',
      async (dialog) => {
        await dialog.locator('#client_id_clientCredentials').fill('explorer-e2e');
        await dialog.locator('#client_secret_clientCredentials').fill('any-secret');
        await dialog.locator('label[for="customer-event:read-clientCredentials-checkbox-oauth2"]').click();
        await dialog.locator('label[for="customer-event:write-clientCredentials-checkbox-oauth2"]').click();
        await dialog.getByRole('button', { name: 'Apply given OAuth2 credentials' }).click();
      },
    ],
    [
      'a pasted bearer token',
      async (dialog) => {
        await dialog.locator('#auth-bearer-value').fill(api.token());
        await dialog.getByRole('button', { name: 'Apply credentials' }).click();
      },
    ],
  ];

  it.each(authorizations)('lists events with Try it out after authorizing with %s', async (_how, authorize) => {
    context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const trouble = watch(page);

    await page.goto(`${api.origin}/swagger-ui`);
    await page.getByRole('button', { name: 'Authorize' }).first().click();
    const dialog = page.locator('.dialog-ux');
    await authorize(dialog);
    await dialog.getByRole('button', { name: 'Remove authorization' }).first().waitFor(); // the "Logout" button: authorized
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    await dialog.waitFor({ state: 'detached' });

    const answer = await executeListEvents(page);

    expect((await answer.locator('.response-col_status').innerText()).trim()).toBe('200');
    expect(await answer.locator('.response-col_description').innerText()).toContain('"total-count"');
    expect(trouble.apiCalls).toEqual([{ url: expect.stringContaining('/customer-event/events?'), authorization: expect.stringMatching(/^Bearer \S+$/) }]);
    expect(trouble.errors).toEqual([]);
  });

  it('shows an unauthorized Execute as the 401 problem answer', async () => {
    context = await browser.newContext();
    context.setDefaultTimeout(15_000);
    const page = await context.newPage();
    const trouble = watch(page);

    await page.goto(`${api.origin}/swagger-ui`);
    const answer = await executeListEvents(page);

    expect((await answer.locator('.response-col_status').innerText()).trim()).toBe('401');
    expect(await answer.locator('.response-col_description').innerText()).toContain('"problem": "unauthorized"');
    expect(trouble.apiCalls).toEqual([{ url: expect.stringContaining('/customer-event/events?'), authorization: undefined }]);
  });
});
