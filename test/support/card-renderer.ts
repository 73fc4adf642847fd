import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../src/shared/paths';
import { SCHEMAS_DIR } from './card-validation';
import { Browser } from './playground-driver';

export type CardTheme = 'light' | 'dark';

export const CARD_THEMES: readonly CardTheme[] = ['light', 'dark'];

/** A card as rendered: the PNG of it in a Teams-like chat, its size in CSS pixels, and what the renderer said. */
export interface RenderedCard {
  png: string;
  width: number;
  height: number;
  /** Parse and validation events, console warnings and errors, page errors; [] when the card is clean. */
  warnings: string[];
}

export interface RenderOptions {
  /** Where to save the PNG; its folder is created. */
  png: string;
  /** The Teams theme, light unless told. */
  theme?: CardTheme;
}

/** Where the rendered cards go: `test-output/cards/`. */
export const CARD_OUTPUT_DIR = path.join(PROJECT_ROOT, 'test-output', 'cards');

/** Fonts that look like Segoe UI, for machines without it (Linux CI); Segoe UI itself stays first. */
const SEGOE_LIKE = [
  "'Segoe UI Web (West European)'",
  '-apple-system',
  'BlinkMacSystemFont',
  'Roboto',
  "'Helvetica Neue'",
  "'Noto Sans'",
  "'Open Sans'",
  "'Liberation Sans'",
  'Arial',
];

/** `family` with the Segoe-like fonts right after its first font, before its own fallbacks. */
function withSegoeFallbacks(family: string): string {
  const [first, ...rest] = family.split(',').map((f) => f.trim());
  return [first, ...SEGOE_LIKE.filter((f) => !rest.includes(f)), ...rest].join(', ');
}

interface HostConfigJson {
  fontFamily?: string;
  fontTypes?: { default?: { fontFamily?: string } };
}

const hostConfigs = new Map<CardTheme, HostConfigJson>();

/** The Teams host config for a theme, from test/schemas, with Segoe-like fallback fonts. */
export function teamsHostConfig(theme: CardTheme): object {
  let config = hostConfigs.get(theme);
  if (!config) {
    const file = path.join(SCHEMAS_DIR, 'adaptive-cards', `hostconfig-teams-${theme}.json`);
    if (!existsSync(file))
      throw new Error(`Teams host config not found at ${file}; it is part of the repository (test/schemas)`);
    config = JSON.parse(readFileSync(file, 'utf8')) as HostConfigJson;
    if (config.fontFamily) config.fontFamily = withSegoeFallbacks(config.fontFamily);
    const font = config.fontTypes?.default;
    if (font?.fontFamily) font.fontFamily = withSegoeFallbacks(font.fontFamily);
    hostConfigs.set(theme, config);
  }
  return config;
}

/**
 * Titles of the actions a card shows as buttons: those of the card and of its ActionSets. Actions
 * inside a ShowCard's card, select actions and hidden elements do not show until something happens.
 */
export function cardActionTitles(card: object): string[] {
  const titles: string[] = [];
  const visit = (node: unknown, isAction: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, isAction);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const object = node as Record<string, unknown>;
    if (object.isVisible === false) return;
    if (isAction && typeof object.title === 'string') titles.push(object.title);
    for (const [key, value] of Object.entries(object)) {
      if (key === 'selectAction' || (key === 'card' && object.type === 'Action.ShowCard')) continue;
      visit(value, key === 'actions');
    }
  };
  visit(card, false);
  return titles;
}

const ADAPTIVECARDS_DIST = path.dirname(require.resolve('adaptivecards/dist/adaptivecards.js'));

const PAGE = `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>Anchor card</title></head>
  <body data-theme="light">
    <div class="teams-chat"><div class="teams-message" id="card-host"></div></div>
  </body>
</html>`;

/** What card-host.js puts on `window`. */
interface CardHostWindow {
  anchorCardHost: { render(card: object, hostConfig: object, theme: CardTheme): Promise<string[]> };
}

/**
 * Renders Adaptive Cards the way Teams shows them in a chat: the official adaptivecards bundle, the
 * Teams host config, a 450 px wide message. The page is blank and loads everything from disk; give
 * it a page of a loopback-only browser (as {@link Browser.launch} makes), or let it launch its own.
 */
export class CardRenderer {
  private constructor(
    readonly page: Page,
    private readonly ownBrowser?: Browser,
  ) {}

  /** A renderer on its own headless Chromium; close it when done. */
  static async launch(): Promise<CardRenderer> {
    const browser = await Browser.launch();
    try {
      return await CardRenderer.on(await browser.newPage(), browser);
    } catch (err) {
      await browser.close();
      throw err;
    }
  }

  /** A renderer on a page of yours: the page is turned into the card host. */
  static async on(page: Page, ownBrowser?: Browser): Promise<CardRenderer> {
    await page.goto('about:blank');
    await page.setContent(PAGE);
    await page.addStyleTag({ path: path.join(ADAPTIVECARDS_DIST, 'adaptivecards.css') });
    await page.addStyleTag({
      content: `:root { --teams-font: ${withSegoeFallbacks("'Segoe UI', sans-serif")}; }`,
    });
    await page.addStyleTag({ path: path.join(__dirname, 'card-host.css') });
    await page.addScriptTag({ path: path.join(ADAPTIVECARDS_DIST, 'adaptivecards.js') });
    await page.addScriptTag({ path: path.join(__dirname, 'card-host.js') });
    return new CardRenderer(page, ownBrowser);
  }

  /** The card rendered last, in the page. */
  get card(): Locator {
    return this.page.locator('#card-host > .ac-adaptiveCard');
  }

  /** Renders an expanded card (JSON, no template left) and saves a PNG of it in the chat. */
  async render(card: object, options: RenderOptions): Promise<RenderedCard> {
    const theme = options.theme ?? 'light';
    const warnings = await this.page.evaluate(
      ([json, hostConfig, t]) =>
        (window as unknown as CardHostWindow).anchorCardHost.render(json, hostConfig, t),
      [card, teamsHostConfig(theme), theme] as const,
    );
    mkdirSync(path.dirname(options.png), { recursive: true });
    await this.page.locator('.teams-chat').screenshot({ path: options.png, animations: 'disabled' });
    const box = (await this.card.count()) === 1 ? await this.card.boundingBox() : null;
    return { png: options.png, width: box?.width ?? 0, height: box?.height ?? 0, warnings };
  }

  /** Closes the browser if the renderer launched it. */
  async close(): Promise<void> {
    await this.ownBrowser?.close();
  }
}
