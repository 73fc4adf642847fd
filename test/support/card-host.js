/* global window, document, console, AdaptiveCards */
// Runs inside Chromium after the adaptivecards bundle (card-renderer.ts loads both): renders one card
// into #card-host the way Teams would and reports everything the renderer complained about.
// Plain JavaScript on purpose: it is injected as it is, with no build step in between.
'use strict';

(function () {
  const AC = AdaptiveCards;

  const escapeHtml = (text) =>
    text.replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
    );

  // The Markdown Teams renders in a TextBlock, the part Anchor uses: **bold**, _italic_, [links](https://…)
  // and line breaks. HTML in the text stays text.
  AC.AdaptiveCard.onProcessMarkdown = (text, result) => {
    result.outputHtml = escapeHtml(text)
      .replace(/\[([^\]]+)\]\(((?:https?:|mailto:)[^)\s]+)\)/g, '<a href="$2">$1</a>')
      .replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>')
      .replace(/(^|\W)_(\S(?:.*?\S)?)_(?=\W|$)/g, '$1<em>$2</em>')
      .replace(/\r?\n/g, '<br>');
    result.didProcess = true;
  };

  /** Renders `card` with `hostConfig` and the page theme; resolves to the warnings, [] for none. */
  async function render(card, hostConfig, theme) {
    document.body.dataset.theme = theme;
    const host = document.getElementById('card-host');
    host.replaceChildren();

    const warnings = [];
    const eventText = (kind, event) => `${kind}: ${AC.ValidationEvent[event.event]}: ${event.message}`;
    const consoleWarn = console.warn;
    const consoleError = console.error;
    console.warn = (...args) => warnings.push(`console.warn: ${args.join(' ')}`);
    console.error = (...args) => warnings.push(`console.error: ${args.join(' ')}`);
    const onError = (event) => warnings.push(`page error: ${event.message}`);
    window.addEventListener('error', onError);
    try {
      const adaptiveCard = new AC.AdaptiveCard();
      adaptiveCard.hostConfig = new AC.HostConfig(hostConfig);
      // Teams on the desktop and the web takes cards up to schema 1.5.
      const context = new AC.SerializationContext(AC.Versions.v1_5);
      adaptiveCard.parse(card, context);
      const version = adaptiveCard.version;
      if (!version || !version.isValid || version.compareTo(AC.Versions.v1_5) > 0)
        warnings.push(`version: the card asks for ${card.version ?? 'no version'}; Teams renders up to 1.5`);
      for (let i = 0; i < context.eventCount; i++) warnings.push(eventText('parse', context.getEventAt(i)));
      for (const event of adaptiveCard.validateProperties().validationEvents)
        warnings.push(eventText('validation', event));

      const element = adaptiveCard.render();
      if (!element) {
        warnings.push('render: the card rendered nothing');
        return warnings;
      }
      host.appendChild(element);
      // Images come from the network, which this browser does not have: say so rather than show a gap.
      await Promise.all(
        [...host.querySelectorAll('img')].map((img) =>
          img.decode().catch(() => warnings.push(`image: ${img.src} did not load`)),
        ),
      );
      await document.fonts.ready;
      return warnings;
    } catch (err) {
      warnings.push(`render: ${err && err.stack ? err.stack : String(err)}`);
      return warnings;
    } finally {
      console.warn = consoleWarn;
      console.error = consoleError;
      window.removeEventListener('error', onError);
    }
  }

  window.anchorCardHost = { render };
})();
