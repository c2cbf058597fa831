// A JSON value as a collapsible tree whose text is the value's JSON, indented by two spaces
// (JSON.stringify(value, null, 2)): a collapsed node only hides its children, so selecting and
// copying the text, or reading textContent, gives the JSON whole. Click a brace to fold it;
// Alt-click folds or unfolds everything below it too. A recorded payload can nest as deep as it
// likes (JSON.parse takes 100,000 levels) and hold as many values as fit in a frame: containers
// below MAX_DEPTH levels are one node that says so, and after MAX_VALUES values the rest of each
// container is one such node too. That keeps the recursion, the indentation and the DOM bounded
// (a tree of 500,000 values held the tab for seconds); "Copy as JSON" still copies everything.
import { h } from './dom.js';
import { count } from './format.js';

const FOLDED_ITEMS = 50;  // arrays and objects longer than this start folded
const MAX_DEPTH = 100;
const MAX_VALUES = 50000;

export function jsonTree(value) {
  const root = h('div', { class: 'jt' });
  root.append(node(value, '', 0, { left: MAX_VALUES }));
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

// budget.left: how many more values may be shown.
function node(value, indent, depth, budget) {
  if (value === null || typeof value !== 'object') {
    return scalar(value);
  }
  const isArray = Array.isArray(value);
  const entries = isArray ? value.map((v, i) => [i, v]) : Object.entries(value);
  const [open, close] = isArray ? ['[', ']'] : ['{', '}'];
  if (entries.length === 0) {
    return h('span', { class: 'jt-punct' }, open + close);
  }
  if (depth >= MAX_DEPTH) {
    return h('span', { class: 'jt-deeper', title: `more than ${MAX_DEPTH} levels deep: Copy as JSON copies them` },
      `${open} …deeper levels not shown ${close}`);
  }
  const inner = `${indent}  `;
  const children = h('span', { class: 'jt-children' });
  for (let i = 0; i < entries.length; i += 1) {
    children.append(`\n${inner}`);
    if (budget.left <= 0) {
      children.append(h('span', { class: 'jt-more', title: `more than ${count(MAX_VALUES)} values: Copy as JSON copies them` },
        `…${count(entries.length - i)} more ${isArray ? 'items' : 'members'} not shown`));
      break;
    }
    budget.left -= 1;
    const [key, child] = entries[i];
    if (!isArray) {
      children.append(h('span', { class: 'jt-key' }, JSON.stringify(key)), ': ');
    }
    children.append(node(child, inner, depth + 1, budget));
    if (i < entries.length - 1) {
      children.append(',');
    }
  }
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
  // Not JSON, or with an integer JavaScript would round (past 2^53) or an exponent of three digits
  // (1e400 parses to Infinity, 1e-400 to 0): shown as the text it is.
  const unsafe = (text.match(/\d{16,}/g) || []).some((digits) => !Number.isSafeInteger(Number(digits))) ||
    /\d[eE][+-]?\d{3}/.test(text);
  if ((!text.startsWith('{') && !text.startsWith('[')) || unsafe) {
    return frame;
  }
  try {
    return { ...frame, data: JSON.parse(frame.data) };
  } catch {
    return frame;
  }
}
