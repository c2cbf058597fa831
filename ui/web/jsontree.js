// A JSON value as a collapsible tree whose text is the value's JSON, indented by two spaces
// (JSON.stringify(value, null, 2)): a collapsed node only hides its children, so selecting and
// copying the text, or reading textContent, gives the JSON whole. Click a brace to fold it;
// Alt-click folds or unfolds everything below it too.
import { h } from './dom.js';

const FOLDED_ITEMS = 50;  // arrays and objects longer than this start folded

export function jsonTree(value) {
  const root = h('div', { class: 'jt' });
  root.append(node(value, ''));
  root.addEventListener('click', (e) => {
    const brace = e.target.closest('.jt-brace');
    if (!brace) {
      return;
    }
    const container = brace.parentElement;
    const fold = !container.classList.contains('jt-folded');
    container.classList.toggle('jt-folded', fold);
    if (e.altKey) {
      for (const inner of container.querySelectorAll('.jt-container')) {
        inner.classList.toggle('jt-folded', fold);
      }
    }
  });
  return root;
}

function node(value, indent) {
  if (value === null || typeof value !== 'object') {
    return scalar(value);
  }
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return h('span', { class: 'jt-punct' }, open + close);
  }
  const inner = `${indent}  `;
  const children = h('span', { class: 'jt-children' });
  entries.forEach(([key, child], i) => {
    children.append(`\n${inner}`);
    if (!isArray) {
      children.append(h('span', { class: 'jt-key' }, JSON.stringify(key)), ': ');
    }
    children.append(node(child, inner));
    if (i < entries.length - 1) {
      children.append(',');
    }
  });
  children.append(`\n${indent}`);
  const folded = entries.length > FOLDED_ITEMS ? ' jt-folded' : '';
  return h('span', { class: `jt-container${folded}` },
    h('span', { class: 'jt-brace', title: 'fold (Alt: everything below too)', dataset: { count: entries.length } }, open),
    children,
    h('span', { class: 'jt-brace-close' }, close));
}

function scalar(value) {
  if (typeof value === 'string') {
    return h('span', { class: 'jt-string' }, JSON.stringify(value));
  }
  if (typeof value === 'number') {
    return h('span', { class: 'jt-number' }, JSON.stringify(value));
  }
  return h('span', { class: 'jt-literal' }, JSON.stringify(value));
}

// The frame as the detail pane shows it: its data parsed when that is JSON text.
export function frameForDisplay(frame) {
  if (typeof frame.data !== 'string') {
    return frame;
  }
  const text = frame.data.trim();
  // Not JSON, or with an integer JavaScript would round (past 2^53): shown as the text it is.
  const unsafe = (text.match(/\d{16,}/g) || []).some((digits) => !Number.isSafeInteger(Number(digits)));
  if ((!text.startsWith('{') && !text.startsWith('[')) || unsafe) {
    return frame;
  }
  try {
    return { ...frame, data: JSON.parse(frame.data) };
  } catch {
    return frame;
  }
}
