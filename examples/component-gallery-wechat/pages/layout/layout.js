const { pick, keys } = require('../../utils/echo');

const CHIPS = ['All', 'Design', 'Food', 'Travel', 'Music', 'Sports', 'Science', 'Movies', 'Books', 'Games', 'Pets', 'Cars'];

Page({
  data: {
    last: null,
    received: 0,
    echo: { scroll: '', scrollKeys: '', edge: '', chip: '', swiper: '', swiperDone: '' },
    rows: Array.from({ length: 12 }, (_, index) => index),
    chips: CHIPS.map((name, index) => ({ id: `chip-${index}`, name })),
    chosen: 'chip-0',
    chipInView: '',
    slides: [
      { id: 'green', title: 'Green', colour: '#07c160' },
      { id: 'blue', title: 'Blue', colour: '#10aeff' },
      { id: 'orange', title: 'Orange', colour: '#fa9d3b' },
    ],
  },

  onLoad() {
    getApp().globalData.opened += 1;
  },

  // Every event a handler receives, as it came: the latest in `last` (its handler, type
  // and detail), how many so far in `received`.
  seen(e, handler) {
    this.setData({ last: { handler, type: e.type, detail: e.detail }, received: this.data.received + 1 });
  },

  // detail: {scrollLeft, scrollTop, scrollHeight, scrollWidth, deltaX, deltaY}.
  onScroll(e) {
    this.seen(e, 'onScroll');
    this.setData({
      'echo.scroll': `${e.type} ${pick(e.detail, ['scrollTop', 'scrollLeft'])}`,
      'echo.scrollKeys': `detail has ${keys(e.detail)}`,
    });
  },

  onScrollEdge(e) {
    this.seen(e, 'onScrollEdge');
    this.setData({ 'echo.edge': `${e.type} ${pick(e.detail, ['direction'])}` });
  },

  onChip(e) {
    this.seen(e, 'onChip');
    const id = e.currentTarget.dataset.id;
    this.setData({ chosen: id, 'echo.chip': `${e.type} ${id}` });
  },

  onJump(e) {
    this.seen(e, 'onJump');
    const id = e.currentTarget.dataset.id;
    this.setData({ chipInView: id, 'echo.chip': `scroll-into-view ${id}` });
  },

  // detail: {current, source}; source is "touch" for a swipe, "autoplay" for autoplay.
  onSwiper(e) {
    this.seen(e, 'onSwiper');
    this.setData({ 'echo.swiper': `${e.type} ${pick(e.detail, ['current', 'source'])}` });
  },

  onSwiperDone(e) {
    this.seen(e, 'onSwiperDone');
    this.setData({ 'echo.swiperDone': `${e.type} ${pick(e.detail, ['current', 'source'])}` });
  },
});
