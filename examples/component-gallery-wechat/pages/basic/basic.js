const { keys } = require('../../utils/echo');

Page({
  data: {
    last: null,
    received: 0,
    echo: { view: '', text: '', rich: '' },
    taps: 0,
    encoded: '&lt;b&gt; &amp; &apos;quoted&apos;',
    html:
      '<div style="font-weight:600;margin-bottom:4px">From an HTML string</div>' +
      '<p>Some <b>bold</b>, <i>italic</i> and <span style="color:#07c160">green</span> text.</p>',
    nodes: [
      {
        name: 'div',
        attrs: { style: 'font-weight:600;margin-bottom:4px' },
        children: [{ type: 'text', text: 'From a node array' }],
      },
      {
        name: 'p',
        attrs: { style: 'color:#576b95' },
        children: [
          { type: 'text', text: 'A ' },
          { name: 'u', children: [{ type: 'text', text: 'link-like' }] },
          { type: 'text', text: ' line; tap me.' },
        ],
      },
    ],
    icons: ['success', 'success_no_circle', 'info', 'warn', 'waiting', 'cancel', 'download', 'search', 'clear'],
    sizes: [16, 23, 32, 40],
    colours: ['#07c160', '#10aeff', '#fa9d3b', '#fa5151'],
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
  // was, currentTarget the box whose handler runs. A tap's detail is {x, y}.
  onBoxTap(e) {
    this.seen(e, 'onBoxTap');
    this.setData({
      taps: this.data.taps + 1,
      'echo.view': `${e.type} target=${e.target.id} currentTarget=${e.currentTarget.id} detail=${keys(e.detail)}`,
    });
  },

  onBoxLongPress(e) {
    this.seen(e, 'onBoxLongPress');
    this.setData({ 'echo.view': `${e.type} target=${e.target.id} currentTarget=${e.currentTarget.id}` });
  },

  onTextTap(e) {
    this.seen(e, 'onTextTap');
    this.setData({ 'echo.text': `${e.type} on the selectable text` });
  },

  onRichTap(e) {
    this.seen(e, 'onRichTap');
    this.setData({ 'echo.rich': `${e.type} detail=${keys(e.detail)}` });
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
