const { pick } = require('../../utils/echo');

Page({
  data: {
    last: null,
    received: 0,
    modes: [
      'scaleToFill',
      'aspectFit',
      'aspectFill',
      'top',
      'bottom',
      'center',
      'left',
      'right',
      'top left',
      'top right',
      'bottom left',
      'bottom right',
    ],
    echo: { tap: '', load: '' },
    loads: 0,
  },

  onLoad() {
    getApp().globalData.opened += 1;
  },

  // Every event a handler receives, as it came: the latest in `last` (its handler, type
  // and detail), how many so far in `received`.
  seen(e, handler) {
    this.setData({ last: { handler, type: e.type, detail: e.detail }, received: this.data.received + 1 });
  },

  onImageTap(e) {
    this.seen(e, 'onImageTap');
    this.setData({ 'echo.tap': `${e.type} ${e.currentTarget.dataset.mode}` });
  },

  // detail: {width, height} of the picture, in px.
  onImageLoad(e) {
    this.seen(e, 'onImageLoad');
    const loads = this.data.loads + 1;
    this.setData({ loads, 'echo.load': `${e.type} ×${loads} ${pick(e.detail, ['width', 'height'])}` });
  },
});
