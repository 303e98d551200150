/* Verve's frame script, served by `verve serve` from /assets (a file of Verve's own, so
   the Content-Security-Policy allows it as 'self'); its language comes from the
   data-lang attribute that dashboard/frame.py writes (one of Verve's own codes). It puts Streamlit's own English into the user's
   language, keeps <html lang> in step with it and, after a refused form, brings the first error into view.
   For staff (data-preload names Streamlit's table, chart, form and upload modules), it loads them one by
   one while the browser is idle, so the first page with a table or a chart does not wait for them. */
(() => {
  const script = document.currentScript;
  const lang = (script && script.dataset.lang) || "nb";
  const preload = (script && script.dataset.preload) || "";
  const doc = window.document;
  const state = (window.verveFrame = window.verveFrame || { errors: 0 });
  state.lang = lang;
  // WCAG 3.1.1: the page's language follows the language switch without a reload.
  doc.documentElement.lang = lang;
  const TEXTS = {
    nb: {
      "Skip to main content": "Hopp til hovedinnholdet",
    },
  };
  const LABELS = {
    nb: {
      "Open": "Åpne",
      "Close": "Lukk",
      "Clear all": "Fjern alle",
      "Clear value": "Tøm feltet",
      "Show password text": "Vis passordet",
      "Hide password text": "Skjul passordet",
      "Choose an option": "Velg ett",
      "Select...": "Velg …",
      "Fullscreen": "Fullskjerm",
      "Close fullscreen": "Lukk fullskjerm",
      "Exit fullscreen": "Lukk fullskjerm",
      "Choose date": "Velg dato",
      "Copy Vega-Lite spec": "Kopier diagramdefinisjonen",
      "Collapse sidebar": "Skjul sidemenyen",
      "Expand sidebar": "Vis sidemenyen",
      "Download as CSV": "Last ned som CSV",
      "Search": "Søk",
    },
  };
  /* Labels Streamlit builds from a fixed English start and the field's own label. */
  const PREFIXES = {
    nb: [["Help for ", "Hjelp for "], ["day, ", "dag, "], ["month, ", "måned, "], ["year, ", "år, "]],
  };
  /* The hint under a text field being typed in ("Press Enter to apply • 21/2000"). */
  const HINTS = {
    nb: [["Press Enter to apply", "Trykk Enter for å bruke"], ["Press Enter to submit form", "Trykk Enter for å sende skjemaet"]],
  };
  function translate() {
    const texts = TEXTS[state.lang] || {};
    const labels = LABELS[state.lang] || {};
    const skip = doc.querySelector('[data-testid="stSkipToContent"]');
    if (skip && texts[skip.textContent]) skip.textContent = texts[skip.textContent];
    for (const hint of doc.querySelectorAll('[data-testid="InputInstructions"]')) {
      const walker = doc.createTreeWalker(hint, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const [english, own] of HINTS[state.lang] || []) {
          if (node.nodeValue.includes(english)) node.nodeValue = node.nodeValue.replace(english, own);
        }
      }
    }
    for (const name of ["aria-label", "title", "placeholder"]) {
      for (const el of doc.querySelectorAll(`[${name}]`)) {
        const value = el.getAttribute(name);
        if (labels[value]) {
          el.setAttribute(name, labels[value]);
          continue;
        }
        for (const [english, own] of PREFIXES[state.lang] || []) {
          if (value.startsWith(english)) el.setAttribute(name, own + value.slice(english.length));
        }
      }
    }
  }
  function firstErrorIntoView() {
    const errors = doc.querySelectorAll('[data-testid="stAlertContentError"]');
    if (errors.length > 0 && state.errors === 0) {
      const box = errors[0].closest('[data-testid="stAlert"]') || errors[0];
      box.setAttribute("tabindex", "-1");
      box.scrollIntoView({ block: "center" });
      box.focus({ preventScroll: true });
    }
    state.errors = errors.length;
  }
  function run() {
    translate();
    firstErrorIntoView();
  }
  if (!state.observer) {
    let queued = false;
    state.observer = new MutationObserver(() => {
      if (queued) return;
      queued = true;
      window.requestAnimationFrame(() => {
        queued = false;
        run();
      });
    });
    state.observer.observe(doc.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["aria-label", "title", "placeholder"],
    });
  }
  run();
  /* The same files Streamlit imports when it first draws a table or a chart, so the browser's
     module map holds them by then: fetched and evaluated once, whoever asks first. */
  if (preload && !state.preloaded) {
    const main = doc.querySelector('script[type="module"][src*="static/js/index."]');
    if (main) {
      state.preloaded = true;
      const names = preload.split(" ").filter(Boolean);
      /* A module's stylesheet goes in at once, under the address Streamlit's loader looks
         for, so the loader finds it there and does not hold the first table back for it. */
      for (const name of names.filter((n) => n.endsWith(".css"))) {
        const link = doc.createElement("link");
        link.rel = "stylesheet";
        link.crossOrigin = "";
        link.href = new URL("../css/" + name, main.src).href;
        doc.head.appendChild(link);
      }
      const scripts = names.filter((n) => n.endsWith(".js"));
      const idle = (next) =>
        window.requestIdleCallback ? window.requestIdleCallback(next, { timeout: 1000 }) : window.setTimeout(next, 200);
      const step = () => {
        const name = scripts.shift();
        if (!name) {
          state.preloaded = "done"; /* the browser bench waits for it (bench/browser.py) */
          return;
        }
        import(new URL(name, main.src).href).catch(() => {}).finally(() => idle(step));
      };
      idle(step);
    }
  }
})();
