// Building DOM from JavaScript: the page has no template engine and, under its
// Content-Security-Policy, no inline scripts or style attributes in markup.

// h('a', {class: 'x', href: '#/', dataset: {seq: 3}, onclick: fn}, 'text', child, ...)
export function h(tag, props, ...children) {
  return fill(document.createElement(tag), props, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag, props, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), props, children);
}

function fill(el, props, children) {
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (key === 'class') {
      el.setAttribute('class', value);
    } else if (key === 'dataset') {
      for (const [k, v] of Object.entries(value)) {
        el.dataset[k] = String(v);
      }
    } else if (key === 'text') {
      el.textContent = value;
    } else if (key.startsWith('on')) {
      el.addEventListener(key.slice(2), value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) {
    el.firstChild.remove();
  }
  return el;
}

// The view's "loaded" mark for tests and for people: "0" while a view fetches, "1" when shown.
// Only the latest load marks the page ready: an earlier one ending later (the answer to a filter
// typed over since) must not say "1" while the newer one is still on its way.
let latestLoad = 0;

// The page is busy from here; the token goes to loaded().
export function loading() {
  latestLoad += 1;
  document.body.dataset.ready = '0';
  return latestLoad;
}

export function loaded(token) {
  if (token === latestLoad) {
    document.body.dataset.ready = '1';
  }
}

export function isTypingTarget(el) {
  return el instanceof Element && el.matches('input, textarea, select, [contenteditable=""], [contenteditable="true"]');
}
