// Small DOM helpers of the console page: element creation, formatting of times and durations.

/**
 * Creates an element. `props`: attributes, `class`, and `on<event>` listeners; children: nodes or
 * text (never parsed as HTML), or arrays of them.
 *
 * @param {string} tag
 * @param {Record<string, unknown>} [props]
 * @param {...(Node | string | number | false | null | undefined | unknown[])} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(typeof child === 'object' ? child : String(child));
  }
  return element;
}

/** @param {string} id @returns {HTMLElement} */
export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`console page: no #${id}`);
  return element;
}

/** A time of day, e.g. 14:03:21. @param {number} ms epoch ms */
export function formatTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour12: false });
}

/** A duration, e.g. 59:58 or 2 h 05 min. @param {number} ms */
export function formatDuration(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  if (seconds >= 3600) {
    const hours = Math.floor(seconds / 3600);
    return `${hours} h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')} min`;
  }
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Says something to screen readers (and the page's status line). @param {string} text */
export function announce(text) {
  byId('status').textContent = text;
}

/**
 * Replaces the children of an element only when what they show changed, so that focus, selection
 * and scroll stay put between two polls.
 *
 * @param {HTMLElement} element
 * @param {unknown} key what the children show
 * @param {() => Node[]} render
 */
export function renderIfChanged(element, key, render) {
  const text = JSON.stringify(key);
  if (element.dataset.key === text) return;
  element.dataset.key = text;
  element.replaceChildren(...render());
}
