import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/shared/paths';
import { CHROMIUM, ensureSystemPackages } from './system-deps';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Where e2e screenshots go: `test-output/e2e/<suite>/`. */
export function screenshotDir(suite: string): string {
  const dir = path.join(PROJECT_ROOT, 'test-output', 'e2e', suite);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Debian's Chromium, headless, that only talks to loopback. */
export class Browser {
  private constructor(
    private readonly context: BrowserContext,
    private readonly profileDir: string,
  ) {}

  static async launch(): Promise<Browser> {
    ensureSystemPackages(CHROMIUM);
    const profileDir = mkdtempSync(path.join(os.tmpdir(), 'anchor-chromium-'));
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: CHROMIUM[0].binary,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    // The Playground asks for web fonts and telemetry; this machine has no network beyond loopback.
    await context.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
    });
    return new Browser(context, profileDir);
  }

  /** A blank page, under the same loopback-only routing. */
  async newPage(): Promise<Page> {
    return this.context.newPage();
  }

  /** Opens a Playground page as the user that instance is signed in as. */
  async open(url: string, who: string, shots: string): Promise<PlaygroundPage> {
    const page = await this.context.newPage();
    await page.goto(url);
    const playground = new PlaygroundPage(page, who, shots);
    await playground.composeBox.waitFor({ timeout: 60_000 });
    return playground;
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.profileDir, { recursive: true, force: true });
  }
}

/** One Playground page, driven as a person would: type, read, click, and keep a picture of each step. */
export class PlaygroundPage {
  private step = 0;

  constructor(
    readonly page: Page,
    private readonly who: string,
    private readonly shots: string,
  ) {}

  get composeBox(): Locator {
    return this.page.locator('[data-lexical-editor="true"][role="textbox"]');
  }

  /** Bot messages: plain text replies and cards alike. */
  get botMessages(): Locator {
    return this.page.locator('.fai-OutputCard');
  }

  /** Adaptive Cards rendered in the conversation. */
  get cards(): Locator {
    return this.page.locator('.ac-adaptiveCard');
  }

  /** Types a message into the compose box and sends it with Enter. */
  async send(text: string): Promise<void> {
    await this.composeBox.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
    await this.screenshot(`sent-${text}`);
  }

  /** Waits for a bot message containing `text` and returns it. */
  async waitForBotMessage(text: string | RegExp, timeoutMs = 20_000): Promise<Locator> {
    const message = this.botMessages.filter({ hasText: text }).last();
    await message.waitFor({ timeout: timeoutMs });
    return message;
  }

  /** Waits for an Adaptive Card containing `text` and returns it. */
  async waitForCard(text: string | RegExp, timeoutMs = 20_000): Promise<Locator> {
    const card = this.cards.filter({ hasText: text }).last();
    await card.waitFor({ timeout: timeoutMs });
    return card;
  }

  /** Clicks a button on a card, by its title. */
  async clickCardButton(card: Locator, title: string): Promise<void> {
    await card.getByRole('button', { name: title }).click();
    await this.screenshot(`clicked-${title}`);
  }

  /** Saves a PNG of the page as it is now; returns its path. */
  async screenshot(label: string): Promise<string> {
    this.step += 1;
    const safe = label.replace(/[^a-z0-9]+/gi, '-').slice(0, 40);
    const file = path.join(this.shots, `${this.who}-${String(this.step).padStart(2, '0')}-${safe}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}
