Page({
  data: {
    kinds: [
      { key: 'basic', letter: 'B', colour: '#1677ff', name: 'Basic content', tags: 'view · text · rich-text · icon · progress', count: 5 },
      { key: 'form', letter: 'F', colour: '#00b578', name: 'Form', tags: 'button · checkbox · radio · switch · slider · input · textarea · label · picker · picker-view · form', count: 11 },
      { key: 'layout', letter: 'L', colour: '#ff8f1f', name: 'Layout & navigation', tags: 'scroll-view · swiper · navigator', count: 3 },
      { key: 'media', letter: 'M', colour: '#ff3141', name: 'Media', tags: 'image in every mode', count: 1 },
    ],
    opened: 0,
  },

  // Coming back from a kind's page shows it again: count what was opened meanwhile.
  onShow() {
    this.setData({ opened: getApp().globalData.opened });
  },
});
