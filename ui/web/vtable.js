// A virtualised table: only the rows in view (and a margin) exist in the DOM; the body is as
// tall as all rows would be, and rows come from the server in pages, fetched as they scroll
// into view (debounced, cached, least recently used pages dropped). Browsers cap an element's
// height (Firefox near 17.9 million px), so past MAX_HEIGHT the scroll range is scaled: the
// scroll position maps linearly onto the rows and the rows in view are placed where the
// viewport is.
import { h } from './dom.js';

const MAX_HEIGHT = 8_000_000;
const KEPT_PAGES = 100;
const DEBOUNCE_MS = 60;
const MAX_WAIT_MS = 250;

export class VirtualTable {
  // options: columns [{title, cls, render(item) -> string|Node, tip(item)}], gridClass (the CSS
  // grid of the rows), rowClass ('frame-row'), decorate(el, item) (data-*, classes),
  // onSelect(index, item), onOpen(index, item), clickOpens, onCellClick(event, item) -> true when
  // it handled the click, onTotal(total), onError(error), empty (text when nothing matched).
  constructor(options) {
    this.o = { rowHeight: 22, pageSize: 200, margin: 12, ...options };
    this.total = 0;
    this.loaded = false;
    this.pages = new Map();
    this.pending = new Map();
    this.fetchedAt = new Map();
    this.rows = new Map();
    this.selected = -1;
    this.generation = 0;
    this.fetcher = null;
    this.head = h('div', { class: 'vt-head vt-grid' },
      this.o.columns.map((c) => h('div', { class: `vt-cell ${c.cls || ''}`, title: c.help || null }, c.title)));
    this.body = h('div', { class: 'vt-body' });
    this.empty = h('div', { class: 'vt-empty', hidden: true });
    this.scroll = h('div', { class: 'vt-scroll' }, this.head, this.body, this.empty);
    this.el = h('div', { class: `vt ${this.o.gridClass}` }, this.scroll);
    this.scroll.addEventListener('scroll', () => this.scheduleRender(), { passive: true });
    this.body.addEventListener('click', (e) => this.clicked(e));
    this.body.addEventListener('dblclick', (e) => {
      const row = e.target.closest('.vt-row');
      if (row && row.vtItem) {
        this.o.onOpen?.(row.vtIndex, row.vtItem);
      }
    });
    this.resize = new ResizeObserver(() => this.scheduleRender());
    this.resize.observe(this.scroll);
  }

  destroy() {
    this.generation += 1;
    this.resize.disconnect();
    clearTimeout(this.fetchTimer);
  }

  // Starts over with fetcher({offset, limit, at}) -> the /api/frames answer. With at (a seq),
  // the page holding that frame is fetched first and the frame selected. Resolves when the
  // first rows are shown; rejects with the fetch's error (the table is then empty).
  async reset(fetcher, at = null) {
    this.generation += 1;
    const generation = this.generation;
    this.fetcher = fetcher;
    this.pages.clear();
    this.pending.clear();
    this.fetchedAt.clear();
    this.selected = -1;
    this.loaded = false;
    this.setTotal(0);
    this.scroll.scrollTop = 0;
    const answer = await fetcher({ offset: 0, limit: this.o.pageSize, at });
    if (generation !== this.generation) {
      return;
    }
    this.loaded = true;
    this.storeAnswer(answer);
    this.setTotal(answer.total);
    if (at !== null && answer.total > 0) {
      const index = Math.min(answer.at_index ?? 0, answer.total - 1);
      await this.select(index, 'center');
    } else {
      this.renderNow();
    }
  }

  storeAnswer(answer) {
    const ps = this.o.pageSize;
    // A page at an offset of the server's choosing (at=) is kept when it lines up with ours.
    if (answer.offset % ps === 0 && answer.frames.length > 0) {
      this.store(answer.offset / ps, answer.frames.slice(0, ps));
    }
  }

  store(page, items) {
    this.pages.delete(page);
    this.pages.set(page, items);
    this.fetchedAt.set(page, performance.now());
    if (this.pages.size > KEPT_PAGES) {
      const keep = this.visiblePages();
      for (const p of this.pages.keys()) {
        if (this.pages.size <= KEPT_PAGES) {
          break;
        }
        if (!keep.has(p) && p !== this.pageOf(this.selected)) {
          this.pages.delete(p);
        }
      }
    }
  }

  pageOf(index) {
    return Math.floor(index / this.o.pageSize);
  }

  pageComplete(page) {
    const items = this.pages.get(page);
    return Boolean(items) && items.length >= Math.min(this.o.pageSize, this.total - page * this.o.pageSize);
  }

  itemAt(index) {
    return this.pages.get(this.pageOf(index))?.[index % this.o.pageSize];
  }

  loadPage(page) {
    if (this.pageComplete(page)) {
      return Promise.resolve(this.pages.get(page));
    }
    if (this.pending.has(page)) {
      return this.pending.get(page);
    }
    const generation = this.generation;
    const ps = this.o.pageSize;
    const promise = this.fetcher({ offset: page * ps, limit: ps, at: null })
      .then((answer) => {
        if (generation !== this.generation) {
          return null;
        }
        this.pending.delete(page);
        this.store(page, answer.frames);
        if (answer.total !== this.total) {
          this.setTotal(answer.total);
        }
        this.scheduleRender();
        return this.pages.get(page);
      })
      .catch((error) => {
        if (generation === this.generation) {
          this.pending.delete(page);
          this.fetchedAt.set(page, performance.now());
          this.o.onError?.(error);
        }
        return null;
      });
    this.pending.set(page, promise);
    return promise;
  }

  // The item at index, fetched when needed.
  async ensure(index) {
    const item = this.itemAt(index);
    if (item) {
      return item;
    }
    await this.loadPage(this.pageOf(index));
    return this.itemAt(index);
  }

  setTotal(total) {
    this.total = total;
    this.body.style.height = `${Math.min(total * this.o.rowHeight, MAX_HEIGHT)}px`;
    this.empty.hidden = !(this.loaded && total === 0);
    this.empty.textContent = this.o.empty || 'Nothing matches.';
    this.o.onTotal?.(total);
    this.scheduleRender();
  }

  // A frame recorded after the table was filled (live): appended as the last row.
  append(item) {
    const index = this.total;
    const page = this.pageOf(index);
    const items = this.pages.get(page);
    if (items && items.length === index - page * this.o.pageSize) {
      items.push(item);
    }
    this.setTotal(this.total + 1);
  }

  lastItem() {
    return this.total > 0 ? this.itemAt(this.total - 1) : undefined;
  }

  // Geometry: vp the rows' viewport, real the rows' full height, maxScroll/maxReal the scroll
  // ranges of the (possibly scaled) body and of the rows.
  layout() {
    const vp = Math.max(0, this.scroll.clientHeight - this.head.offsetHeight);
    const real = this.total * this.o.rowHeight;
    const height = Math.min(real, MAX_HEIGHT);
    return { vp, maxScroll: Math.max(0, height - vp), maxReal: Math.max(0, real - vp) };
  }

  // The rows' offset (px into all rows) shown at scrollTop.
  position(layout) {
    const top = Math.min(this.scroll.scrollTop, layout.maxScroll);
    return layout.maxScroll > 0 ? top * layout.maxReal / layout.maxScroll : 0;
  }

  range() {
    const layout = this.layout();
    const pos = this.position(layout);
    const rh = this.o.rowHeight;
    return {
      layout,
      pos,
      first: Math.max(0, Math.floor(pos / rh) - this.o.margin),
      last: Math.min(this.total - 1, Math.ceil((pos + layout.vp) / rh) + this.o.margin),
    };
  }

  visiblePages() {
    const { first, last } = this.range();
    const pages = new Set();
    for (let p = this.pageOf(first); p <= this.pageOf(Math.max(first, last)); p += 1) {
      pages.add(p);
    }
    return pages;
  }

  scheduleRender() {
    if (!this.frame) {
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.renderNow();
      });
    }
  }

  renderNow() {
    const { pos, first, last } = this.range();
    const top = Math.min(this.scroll.scrollTop, this.layout().maxScroll);
    let changed = false;
    for (const [index, el] of this.rows) {
      if (index < first || index > last) {
        el.remove();
        this.rows.delete(index);
      }
    }
    for (let i = first; i <= last; i += 1) {
      const item = this.itemAt(i);
      let el = this.rows.get(i);
      if (!el || el.vtItem !== item) {
        const fresh = this.makeRow(i, item);
        if (el) {
          el.replaceWith(fresh);
        }
        el = fresh;
        this.rows.set(i, el);
        changed = true;
      }
      el.style.transform = `translateY(${Math.round(top + i * this.o.rowHeight - pos)}px)`;
      el.classList.toggle('selected', i === this.selected);
    }
    if (changed) {
      for (let i = first; i <= last; i += 1) {
        this.body.append(this.rows.get(i));
      }
    }
    this.requestPages(first, last);
  }

  makeRow(index, item) {
    const row = h('div', { class: `vt-row vt-grid ${item ? this.o.rowClass : 'vt-loading'}` });
    row.vtIndex = index;
    row.vtItem = item;
    if (!item) {
      row.append(h('div', { class: 'vt-cell muted' }, `${index + 1}`), h('div', { class: 'vt-cell muted' }, '…'));
      return row;
    }
    for (const column of this.o.columns) {
      const cell = h('div', { class: `vt-cell ${column.cls || ''}` });
      for (const part of [column.render(item)].flat()) {
        if (part !== null && part !== undefined && part !== '') {
          cell.append(part);
        }
      }
      const tip = column.tip ? column.tip(item) : null;
      if (tip) {
        cell.title = tip;
      }
      row.append(cell);
    }
    this.o.decorate?.(row, item);
    return row;
  }

  // Fetches the pages the rows in range need: after the scrolling rests DEBOUNCE_MS, or at
  // least every MAX_WAIT_MS while it goes on.
  requestPages(first, last) {
    if (!this.fetcher || this.total === 0) {
      return;
    }
    const now = performance.now();
    const wanted = [];
    for (let p = this.pageOf(first); p <= this.pageOf(last); p += 1) {
      const recent = now - (this.fetchedAt.get(p) ?? -Infinity) < 1000;
      if (!this.pageComplete(p) && !this.pending.has(p) && !recent) {
        wanted.push(p);
      }
    }
    if (wanted.length === 0) {
      return;
    }
    this.wanted = wanted;
    if (!this.fetchTimer) {
      this.firstAsked = now;
    }
    clearTimeout(this.fetchTimer);
    const wait = now - this.firstAsked >= MAX_WAIT_MS ? 0 : DEBOUNCE_MS;
    this.fetchTimer = setTimeout(() => {
      this.fetchTimer = 0;
      for (const page of this.wanted) {
        this.loadPage(page);
      }
    }, wait);
  }

  clicked(e) {
    const row = e.target.closest('.vt-row');
    if (!row || !row.vtItem) {
      return;
    }
    if (this.o.onCellClick?.(e, row.vtItem)) {
      return;
    }
    this.select(row.vtIndex, null);
    if (this.o.clickOpens) {
      this.o.onOpen?.(row.vtIndex, row.vtItem);
    }
  }

  // Selects the row at index, scrolls it into view (align 'nearest', 'center', or null: not at
  // all) and tells onSelect once its item is there.
  async select(index, align = 'nearest') {
    if (this.total === 0) {
      return;
    }
    this.selected = Math.max(0, Math.min(this.total - 1, index));
    const generation = this.generation;
    if (align) {
      this.scrollToIndex(this.selected, align);
    }
    this.renderNow();
    const item = await this.ensure(this.selected);
    if (generation === this.generation && item && this.itemAt(this.selected) === item) {
      this.renderNow();
      this.o.onSelect?.(this.selected, item);
    }
  }

  move(delta) {
    if (this.selected < 0) {
      const { layout, pos } = this.range();
      const firstShown = Math.ceil(pos / this.o.rowHeight);
      return this.select(delta > 0 ? firstShown : Math.floor((pos + layout.vp) / this.o.rowHeight) - 1);
    }
    return this.select(this.selected + delta);
  }

  selectedItem() {
    return this.selected >= 0 ? this.itemAt(this.selected) : undefined;
  }

  scrollToIndex(index, align = 'nearest') {
    const layout = this.layout();
    const pos = this.position(layout);
    const rh = this.o.rowHeight;
    const rowTop = index * rh;
    let target = pos;
    if (align === 'center') {
      target = rowTop - (layout.vp - rh) / 2;
    } else if (rowTop < pos) {
      target = rowTop;
    } else if (rowTop + rh > pos + layout.vp) {
      target = rowTop + rh - layout.vp;
    }
    target = Math.max(0, Math.min(layout.maxReal, target));
    if (Math.abs(target - pos) >= 1) {
      this.scroll.scrollTop = layout.maxReal > 0 ? target * layout.maxScroll / layout.maxReal : 0;
    }
  }

  isAtBottom() {
    const layout = this.layout();
    return this.scroll.scrollTop >= layout.maxScroll - 2;
  }

  scrollToEnd() {
    this.scroll.scrollTop = this.scroll.scrollHeight;
    this.renderNow();
  }
}
