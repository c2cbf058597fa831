// #/search?FILTERS : frames across every session (`rtmtap query`), in a virtualised list;
// opening a result shows the frame in its session (#/session/ID?seq=N).
import { getJson } from './api.js';
import { clear, h, loaded, loading } from './dom.js';
import { filterText, FRAME_FILTERS, FRAME_SWITCHES, parseFilterText, pickFilters, toSearchParams } from './filters.js';
import { count, cut, localTime } from './format.js';
import { navigate, searchHash, sessionHash } from './router.js';
import { VirtualTable } from './vtable.js';

const PREVIEW_CHARS = 300;
const CONTEXT_CHARS = 60;  // shown before the first word found

export class SearchView {
  constructor(root, params) {
    this.root = root;
    this.build();
    this.update(params);
  }

  destroy() {
    this.table.destroy();
  }

  build() {
    this.input = h('input', { id: 'search', type: 'search', class: 'filter-input', spellcheck: 'false', autocomplete: 'off',
      placeholder: "Search every session: words, or --text 'meeting tomorrow' --where payload.message.message_type=5 --event 'chat.*'" });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        this.apply();
      }
    });
    this.total = h('span', { id: 'frame-total', class: 'count' }, '0');
    this.error = h('div', { id: 'filter-error', class: 'filter-error', hidden: true });
    this.table = new VirtualTable({
      columns: [
        { title: 'frame', cls: 'mono col-where', help: 'session:seq', render: (f) => `${f.session}:${f.seq}` },
        { title: 'time', cls: 'mono col-wall', render: (f) => localTime(f.wall_us, true) },
        { title: '', cls: 'col-dir', render: (f) => h('span', { class: `arrow ${f.dir}`, title: f.dir }, f.dir === 'c2s' ? '→' : '←') },
        { title: 'name', cls: 'col-name', render: (f) => (f.name ? cut(f.name) : h('span', { class: 'op' }, f.op)) },
        { title: 'data', cls: 'mono col-preview', render: (f) => this.preview(f) },
      ],
      gridClass: 'results-grid',
      rowClass: 'result',
      clickOpens: true,
      empty: 'No frame matches.',
      decorate: (row, frame) => {
        row.dataset.session = frame.session;
        row.dataset.seq = frame.seq;
        row.title = `open frame ${frame.seq} in session ${frame.session}`;
      },
      onOpen: (index, frame) => navigate(sessionHash(frame.session, [['seq', frame.seq]])),
      onTotal: (total) => {
        this.total.textContent = count(total);
      },
      onError: (e) => this.showError(e.message),
    });
    clear(this.root).append(h('div', { class: 'view search-view' },
      h('div', { class: 'filterbar' }, this.input, h('span', { class: 'muted' }, 'frames'), this.total),
      this.error,
      h('div', { class: 'table-pane' }, this.table.el)));
    document.title = 'rtmtap · search';
  }

  async update(params) {
    this.filters = pickFilters(params);
    this.words = this.filters.filter(([name]) => name === 'text').flatMap(([, v]) => v.split(/\s+/)).filter(Boolean);
    this.input.value = filterText(this.filters);
    this.showError('');
    const token = loading();
    const query = toSearchParams(this.filters);
    const fetcher = ({ offset, limit }) => {
      const page = new URLSearchParams(query);
      page.set('offset', offset);
      page.set('limit', limit);
      return getJson('/api/frames', page);
    };
    try {
      await this.table.reset(fetcher);
    } catch (e) {
      this.showError(e.message);
      this.table.loaded = true;
      this.table.setTotal(0);
    }
    loaded(token);
  }

  apply() {
    let parsed;
    try {
      parsed = parseFilterText(this.input.value, FRAME_FILTERS, FRAME_SWITCHES);
    } catch (e) {
      this.showError(e.message);
      return;
    }
    if (parsed.words.length) {
      parsed.params.push(['text', parsed.words.join(' ')]);
    }
    navigate(searchHash(toSearchParams(parsed.params)));
  }

  showError(message) {
    this.error.textContent = message;
    this.error.hidden = !message;
  }

  // The payload around the first --text word (or its start), the words marked.
  preview(frame) {
    const data = typeof frame.data === 'string' ? frame.data : frame.data?.base64 !== undefined ? `(binary) ${frame.data.base64}` : '';
    if (this.words.length === 0) {
      return h('span', { class: 'cell-text' }, data.length > PREVIEW_CHARS ? `${data.slice(0, PREVIEW_CHARS)}…` : data);
    }
    const pattern = new RegExp(`(${this.words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'gi');
    const first = data.search(pattern);
    const start = first > CONTEXT_CHARS ? first - CONTEXT_CHARS : 0;
    const text = `${start > 0 ? '…' : ''}${data.slice(start, start + PREVIEW_CHARS)}${start + PREVIEW_CHARS < data.length ? '…' : ''}`;
    // One inline span: a cell is a flex box, whose items would drop the spaces around a mark.
    return h('span', { class: 'cell-text' }, text.split(pattern).map((part, i) => (i % 2 ? h('mark', {}, part) : part)));
  }

  key(e) {
    const moves = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1, PageDown: 20, PageUp: -20 };
    if (e.key in moves) {
      this.table.move(moves[e.key]);
      return true;
    }
    const item = this.table.selectedItem();
    if (e.key === 'Enter' && item) {
      navigate(sessionHash(item.session, [['seq', item.seq]]));
      return true;
    }
    return false;
  }
}
