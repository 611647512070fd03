Page({
  data: {
    last: null,
    received: 0,
    echo: { view: '', text: '', rich: '' },
    taps: 0,
    encoded: '&lt;b&gt; &amp; &apos;quoted&apos;',
    // Alipay's rich-text takes a node array (an HTML string is converted first, e.g. with
    // mini-html-parser2).
    tagged: [
      {
        name: 'div',
        attrs: { style: 'font-weight:600;margin-bottom:4px' },
        children: [{ type: 'text', text: 'Nested tags' }],
      },
      {
        name: 'p',
        children: [
          { type: 'text', text: 'Some ' },
          { name: 'b', children: [{ type: 'text', text: 'bold' }] },
          { type: 'text', text: ', ' },
          { name: 'i', children: [{ type: 'text', text: 'italic' }] },
          { type: 'text', text: ' and ' },
          { name: 'span', attrs: { style: 'color:#1677ff' }, children: [{ type: 'text', text: 'blue' }] },
          { type: 'text', text: ' text.' },
        ],
      },
    ],
    nodes: [
      {
        name: 'div',
        attrs: { style: 'font-weight:600;margin-bottom:4px' },
        children: [{ type: 'text', text: 'Inline styles' }],
      },
      {
        name: 'p',
        attrs: { style: 'color:#ff8f1f' },
        children: [
          { type: 'text', text: 'An ' },
          { name: 'u', children: [{ type: 'text', text: 'underlined' }] },
          { type: 'text', text: ' line; tap me.' },
        ],
      },
    ],
    icons: ['success', 'success_no_circle', 'info', 'warn', 'waiting', 'cancel', 'download', 'search', 'clear', 'loading'],
    sizes: [16, 23, 32, 40],
    colours: ['#1677ff', '#00b578', '#ff8f1f', '#ff3141'],
    percent: 30,
  },

  onLoad() {
    getApp().globalData.opened += 1;
  },

  // Every event a handler receives, as it came: the latest in `last` (its handler, type
  // and detail), how many so far in `received`.
  seen(e, handler) {
    this.setData({ last: { handler, type: e.type, detail: e.detail }, received: this.data.received + 1 });
  },

  // The tap reaches the outer box from wherever it started: target is where the finger
  // was, currentTarget the box whose handler runs.
  onBoxTap(e) {
    this.seen(e, 'onBoxTap');
    this.setData({
      taps: this.data.taps + 1,
      'echo.view': `${e.type} target=${e.target.id} currentTarget=${e.currentTarget.id}`,
    });
  },

  onBoxLongTap(e) {
    this.seen(e, 'onBoxLongTap');
    this.setData({ 'echo.view': `long tap target=${e.target.id} currentTarget=${e.currentTarget.id}` });
  },

  onTextTap(e) {
    this.seen(e, 'onTextTap');
    this.setData({ 'echo.text': `${e.type} on the selectable text` });
  },

  onRichTap(e) {
    this.seen(e, 'onRichTap');
    this.setData({ 'echo.rich': `${e.type} on the rich text` });
  },

  onLess(e) {
    this.seen(e, 'onLess');
    this.setData({ percent: Math.max(0, this.data.percent - 10) });
  },

  onMore(e) {
    this.seen(e, 'onMore');
    this.setData({ percent: Math.min(100, this.data.percent + 10) });
  },
});
