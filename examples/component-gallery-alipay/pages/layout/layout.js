const { pick, keys } = require('../../utils/echo');

const CHIPS = ['All', 'Design', 'Food', 'Travel', 'Music', 'Sports', 'Science', 'Movies', 'Books', 'Games', 'Pets', 'Cars'];
/** The fields Alipay documents for scroll-view's scroll event. */
const SCROLL_FIELDS = ['scrollHeight', 'scrollLeft', 'scrollTop', 'scrollWidth'];

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
      { id: 'blue', title: 'Blue', colour: '#1677ff' },
      { id: 'green', title: 'Green', colour: '#00b578' },
      { id: 'orange', title: 'Orange', colour: '#ff8f1f' },
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

  // detail: {scrollLeft, scrollTop, scrollHeight, scrollWidth}.
  onScroll(e) {
    this.seen(e, 'onScroll');
    this.setData({
      'echo.scroll': `${e.type} ${pick(e.detail, ['scrollTop', 'scrollLeft'])}`,
      'echo.scrollKeys': `detail has ${keys(JSON.parse(pick(e.detail, SCROLL_FIELDS)))}`,
    });
  },

  onScrollToUpper(e) {
    this.seen(e, 'onScrollToUpper');
    this.setData({ 'echo.edge': 'reached the top' });
  },

  onScrollToLower(e) {
    this.seen(e, 'onScrollToLower');
    this.setData({ 'echo.edge': 'reached the bottom' });
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

  // onChange: detail.current is the slide shown now.
  onSwiper(e) {
    this.seen(e, 'onSwiper');
    this.setData({ 'echo.swiper': `${e.type} ${pick(e.detail, ['current'])}` });
  },

  // onAnimationEnd: the slide has settled; detail.current is the slide shown.
  onSwiperDone(e) {
    this.seen(e, 'onSwiperDone');
    this.setData({ 'echo.swiperDone': `animation end ${pick(e.detail, ['current'])}` });
  },
});
