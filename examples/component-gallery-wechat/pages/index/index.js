Page({
  data: {
    kinds: [
      { key: 'basic', letter: 'B', colour: '#07c160', name: 'Basic content', tags: 'view · text · rich-text · icon · progress', count: 5 },
      { key: 'form', letter: 'F', colour: '#10aeff', name: 'Form', tags: 'button · checkbox · radio · switch · slider · input · textarea · label · picker · form', count: 10 },
      { key: 'layout', letter: 'L', colour: '#fa9d3b', name: 'Layout & navigation', tags: 'scroll-view · swiper · navigator', count: 3 },
      { key: 'media', letter: 'M', colour: '#fa5151', name: 'Media', tags: 'image in every mode', count: 1 },
    ],
    opened: 0,
  },

  // Coming back from a kind's page shows it again: count what was opened meanwhile.
  onShow() {
    this.setData({ opened: getApp().globalData.opened });
  },
});
